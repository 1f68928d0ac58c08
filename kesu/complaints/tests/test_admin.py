"""The complaint admin: configuration editable, cases read-only, company scope kept."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kesu.complaints.models import ComplaintCategory, ComplaintSettings
from kesu.complaints.tests.factories import category, create_complaint

pytestmark = pytest.mark.django_db


def test_the_administrator_sees_a_case_with_its_records_but_cannot_change_it(login, admin_user, salesperson):
    complaint = create_complaint(salesperson)
    client = login(admin_user)
    assert client.get(reverse("admin:complaints_complaint_changelist")).status_code == 200
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200 and complaint.number in page.content.decode()
    response = client.post(reverse("admin:complaints_complaint_change", args=[complaint.pk]), {"status": "closed"})
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == "received"
    assert client.get(reverse("admin:complaints_complaint_add")).status_code == 403


def test_categories_are_configured_in_the_admin(login, admin_user, company_a):
    item = category(company_a)
    client = login(admin_user)
    response = client.post(reverse("admin:complaints_complaintcategory_change", args=[item.pk]), {
        "company": company_a.pk, "code": item.code, "name": "外观缺陷", "window_kind": "working_days",
        "window_value": 5, "is_active": "on"})
    assert response.status_code == 302
    assert ComplaintCategory.objects.get(pk=item.pk).window_value == 5


# -- the escalation chain and what each level does (issue 18 §12) ------------------------------------------------


def _settings_post(company, **changes) -> dict:
    data = {"company": company.pk, "number_pattern": "KS-{year}-{seq:04d}", "gap_free_per_year": "on",
            "pass_on_working_days": 1, "reply_hours": 24, "sales_remedy_hours": 48, "qa_opinion_minor_wd": 1,
            "qa_opinion_severe_wd": 2, "department_answer_wd": 2, "initial_report_approval_wd": 1,
            "at_risk_fraction": "0.25", "verification_shipments": 2, "repeat_window_days": 180,
            "escalation_chain": "", "escalation_actions": "", "escalation_interval_hours": 24}
    data.update(changes)
    return data


def _zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % values if values else text


def _field_row(page: str, name: str) -> str:
    """The admin's form row of one field: its label, input, help and errors."""
    start = page.index(f' field-{name}"')  # "form-row field-…", or "form-row errors field-…" when refused
    return page[start:page.index('class="form-row', start + 20)]


def test_the_settings_admin_shows_what_each_escalation_level_does_in_chinese(login, admin_user, company_a):
    ComplaintSettings.objects.create(company=company_a, escalation_chain=["owner", "department_head", "gm"],
                                     escalation_actions=["notify", "reassign"])
    client = login(admin_user)
    cfg = ComplaintSettings.objects.get(company=company_a)
    page = client.get(reverse("admin:complaints_complaintsettings_change", args=[cfg.pk])).content.decode()
    row = _field_row(page, "escalation_actions")
    # The label, the words as typed (not a JSON box) and the help naming both actions in the page's language.
    assert f'<label for="id_escalation_actions">{_zh("what each escalation level does")}' in row
    assert 'value="notify, reassign"' in row
    assert escape(_zh("One per level of the chain, in order, separated by commas: notify (%(notify)s) or "
                      "reassign (%(reassign)s). A level without one only notifies.",
                      notify=_zh("Notify only"), reassign=_zh("Reassign to this level"))) in row
    assert 'value="owner, department_head, gm"' in _field_row(page, "escalation_chain")


def test_the_settings_admin_refuses_an_unknown_action_and_more_actions_than_levels_naming_the_field(
        login, admin_user, company_a):
    client = login(admin_user)
    url = reverse("admin:complaints_complaintsettings_add")
    unknown = client.post(url, _settings_post(company_a, escalation_actions="notify, fire"))
    assert unknown.status_code == 200
    expected = _zh("Use only these actions: %(actions)s.", actions="notify, reassign")
    assert unknown.context["adminform"].form.errors["escalation_actions"] == [expected]
    assert escape(expected) in _field_row(unknown.content.decode(), "escalation_actions")

    # The default chain has three levels (owner, department head, director): a fourth action is refused.
    too_many = client.post(url, _settings_post(company_a, escalation_actions="notify, reassign, notify, reassign"))
    assert too_many.context["adminform"].form.errors["escalation_actions"] == [
        _zh("Give at most one action per level of the chain (%(levels)s levels).", levels=3)]
    assert not ComplaintSettings.objects.exists()


def test_the_settings_admin_saves_actions_typed_with_chinese_commas_and_empty_lists(login, admin_user, company_a):
    client = login(admin_user)
    url = reverse("admin:complaints_complaintsettings_add")
    # Left empty (it was a NOT NULL error with the raw JSON box): every level notifies along the default chain.
    assert client.post(url, _settings_post(company_a)).status_code == 302
    cfg = ComplaintSettings.objects.get(company=company_a)
    assert (cfg.escalation_chain, cfg.escalation_actions) == ([], [])
    assert [cfg.level_action(level) for level in (1, 2, 3)] == ["notify", "notify", "notify"]
    change = reverse("admin:complaints_complaintsettings_change", args=[cfg.pk])
    response = client.post(change, _settings_post(company_a, escalation_chain="owner，department_head、gm",
                                                  escalation_actions="notify， reassign"))
    assert response.status_code == 302
    cfg.refresh_from_db()
    assert (cfg.escalation_chain, cfg.escalation_actions) == (["owner", "department_head", "gm"],
                                                              ["notify", "reassign"])
    assert [cfg.level_action(level) for level in (1, 2, 3)] == ["notify", "reassign", "notify"]
