"""Saved filters of the list pages (issue 17 §7): saved by name per user and list, followed, replaced, deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.core.models import SavedFilter

pytestmark = pytest.mark.django_db


def test_a_user_saves_the_lists_filters_and_finds_them_on_that_list_only(login, salesperson, outsider, client):
    list_path = reverse("complaints:list")
    response = login(salesperson).post(reverse("lists:save_filter"), {
        "list_path": list_path, "name": "  逾期  未关闭 ", "query": "overdue=true&open=true&page=3&format=xlsx"})
    saved = SavedFilter.objects.get(user=salesperson)
    assert saved.name == "逾期 未关闭" and saved.query == "overdue=true&open=true"  # no page, no export
    assert response.status_code == 302 and response["Location"] == f"{list_path}?overdue=true&open=true"
    page = client.get(list_path).content.decode()
    assert f'href="{list_path}?overdue=true&amp;open=true">逾期 未关闭</a>' in page
    assert ">逾期 未关闭</a>" not in client.get(reverse("claims:list")).content.decode()
    # The same name again replaces it.
    login(salesperson).post(reverse("lists:save_filter"), {"list_path": list_path, "name": "逾期 未关闭",
                                                           "query": "overdue=true"})
    assert list(SavedFilter.objects.values_list("query", flat=True)) == ["overdue=true"]
    # Another user neither sees nor deletes it.
    other = login(outsider)
    assert ">逾期 未关闭</a>" not in other.get(list_path).content.decode()
    assert other.post(reverse("lists:delete_filter", args=[saved.pk])).status_code == 404
    assert SavedFilter.objects.count() == 1
    response = login(salesperson).post(reverse("lists:delete_filter", args=[saved.pk]))
    assert response["Location"] == list_path and not SavedFilter.objects.exists()


@pytest.mark.parametrize("list_path", ["https://evil.example/", "//evil.example/x", "complaints/"])
def test_a_filter_for_another_site_or_no_path_is_refused(login, salesperson, list_path):
    response = login(salesperson).post(reverse("lists:save_filter"),
                                       {"list_path": list_path, "name": "x", "query": ""})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not SavedFilter.objects.exists()


def test_a_filter_needs_a_name(login, salesperson):
    list_path = reverse("complaints:list")
    response = login(salesperson).post(reverse("lists:save_filter"), {"list_path": list_path, "name": "  ",
                                                                      "query": "open="})
    assert response["Location"] == list_path and not SavedFilter.objects.exists()


def test_saving_needs_a_post(login, salesperson):
    assert login(salesperson).get(reverse("lists:save_filter")).status_code == 405


def test_a_filter_shared_with_the_department_is_seen_and_used_there_but_deleted_only_by_its_owner(
        login, make_user, salesperson, qa_engineer, client):
    from kesu.accounts.roles import Role

    colleague = make_user(Role.SALESPERSON, username="sales2", display_name="钱销售")
    assert colleague.department_id == salesperson.department_id != qa_engineer.department_id
    list_path = reverse("complaints:list")
    login(salesperson).post(reverse("lists:save_filter"), {
        "list_path": list_path, "name": "部门逾期", "query": "overdue=true", "shared": "1"})
    login(salesperson).post(reverse("lists:save_filter"), {
        "list_path": list_path, "name": "我的私有", "query": "open=true"})
    shared = SavedFilter.objects.get(name="部门逾期")
    assert shared.shared and not SavedFilter.objects.get(name="我的私有").shared
    page = login(colleague).get(list_path).content.decode()
    assert f'href="{list_path}?overdue=true">部门逾期</a>' in page and ">我的私有</a>" not in page
    assert reverse("lists:delete_filter", args=[shared.pk]) not in page  # no delete button for the colleague
    assert client.post(reverse("lists:delete_filter", args=[shared.pk])).status_code == 404
    assert ">部门逾期</a>" not in login(qa_engineer).get(list_path).content.decode()  # another department
    page = login(salesperson).get(list_path).content.decode()
    assert reverse("lists:delete_filter", args=[shared.pk]) in page
    login(salesperson).post(reverse("lists:delete_filter", args=[shared.pk]))
    assert not SavedFilter.objects.filter(pk=shared.pk).exists()
