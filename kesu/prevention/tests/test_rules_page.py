"""Issue 22 §2/§4: the page to set the repeat rules and the groups' duties and members (QA, GM, vice GM), audited."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from kesu.accounts.roles import Role
from kesu.core.models import AuditEntry
from kesu.prevention import services
from kesu.prevention.models import GroupMember, PreventionGroup, RepeatSettings

R = Role
pytestmark = pytest.mark.django_db


def _entries(obj):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                     object_id=str(obj.pk)).order_by("id")


def test_qa_changes_the_repeat_rules_on_the_page_and_it_is_audited(people, client):
    client.force_login(people[R.QA])
    response = client.get("/prevention/repeat-rules/")
    assert response.status_code == 200
    assert response.context["form"].initial == {"window_days": 180, "same_customer": True, "same_part": True}
    response = client.post("/prevention/repeat-rules/", {"window_days": "90", "same_customer": "on"})
    assert response.status_code == 302
    row = RepeatSettings.objects.get(company=people.company)
    assert (row.window_days, row.same_customer, row.same_part) == (90, True, False)
    entry = _entries(row).last()
    assert entry.actor == people[R.QA] and entry.action == "create"
    assert entry.changes["window_days"] == [None, 90]


def test_a_refused_window_keeps_the_typed_values(people, client):
    client.force_login(people[R.GM])
    response = client.post("/prevention/repeat-rules/", {"window_days": "0", "same_part": "on"})
    assert response.status_code == 422
    form = response.context["form"]
    assert "window_days" in form.errors
    assert form["window_days"].value() == "0" and form["same_part"].value() is True
    assert form["same_customer"].value() is False
    assert not RepeatSettings.objects.filter(company=people.company).exists()


@pytest.mark.parametrize("role", [R.SALES_DIRECTOR, R.SALESPERSON, R.GENERAL_OFFICE])
def test_other_roles_see_the_rules_but_may_not_change_them(people, client, role):
    client.force_login(people[role])
    response = client.get("/prevention/repeat-rules/")
    assert response.status_code == 200 and response.context["can_edit"] is False
    assert client.post("/prevention/repeat-rules/", {"window_days": "30"}).status_code == 403
    client.force_login(people[role])
    assert client.put("/api/v1/prevention/repeat-settings", {"window_days": 30},
                      content_type="application/json").status_code == 403
    assert not RepeatSettings.objects.filter(company=people.company).exists()


def test_vice_gm_changes_rules_through_the_api_for_own_company_only(people, client):
    client.force_login(people[R.VICE_GM])
    assert client.put("/api/v1/prevention/repeat-settings", {"window_days": 30, "same_customer": False,
                                                             "same_part": True},
                      content_type="application/json").status_code == 200
    assert RepeatSettings.objects.get(company=people.company).window_days == 30
    assert not RepeatSettings.objects.filter(company=people.others.company).exists()


def test_duties_edited_on_the_groups_page_are_audited_and_refused_text_kept(people, client):
    client.force_login(people[R.QA])
    assert client.get("/prevention/groups/").status_code == 200
    group = PreventionGroup.objects.get(company=people.company, kind="office")
    response = client.post("/prevention/groups/", {"what": "duties", "group": group.pk,
                                                   f"duties-{group.pk}-duties": "负责汇总预警信息，每周通报。"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.duties == "负责汇总预警信息，每周通报。"
    assert _entries(group).last().changes["duties"][1] == "负责汇总预警信息，每周通报。"
    response = client.post("/prevention/groups/", {"what": "duties", "group": group.pk,
                                                   f"duties-{group.pk}-duties": "   "})
    assert response.status_code == 200
    form = next(g.duties_form for g in response.context["groups"] if g.pk == group.pk)
    assert "duties" in form.errors
    group.refresh_from_db()
    assert group.duties == "负责汇总预警信息，每周通报。"


def test_members_changes_are_written_on_the_groups_trail(people, client):
    services.groups_ensure(people.company)
    group = PreventionGroup.objects.get(company=people.company, kind="working")
    client.force_login(people[R.GM])
    response = client.post("/prevention/groups/", {"what": "member", "group": group.pk,
                                                   "member-user": people[R.AFTER_SALES].pk,
                                                   "member-position": "leader"})
    assert response.status_code == 302
    member = GroupMember.objects.get(group=group)
    assert (member.user, member.position) == (people[R.AFTER_SALES], "leader")
    changes = _entries(group).last().changes["members"]
    assert changes == ["", f"{people[R.AFTER_SALES]} (leader)"]
    client.post("/prevention/groups/", {"what": "remove", "group": group.pk, "member": member.pk})
    assert not GroupMember.objects.filter(group=group).exists()
    assert _entries(group).last().changes["members"] == [f"{people[R.AFTER_SALES]} (leader)", ""]


@pytest.mark.parametrize("role", [R.GENERAL_OFFICE, R.SALES_DIRECTOR])
def test_only_the_seeds_organisers_change_groups(people, client, role):
    services.groups_ensure(people.company)
    group = PreventionGroup.objects.get(company=people.company, kind="working")
    client.force_login(people[role])
    assert client.post("/prevention/groups/", {"what": "duties", "group": group.pk,
                                               f"duties-{group.pk}-duties": "x"}).status_code == 403
    assert client.post("/prevention/groups/", {"what": "member", "group": group.pk,
                                               "member-user": people[role].pk,
                                               "member-position": "member"}).status_code == 403
    assert not GroupMember.objects.filter(group=group).exists()


def test_outsider_cannot_touch_another_companys_group(people, client):
    services.groups_ensure(people.company)
    group = PreventionGroup.objects.get(company=people.company, kind="working")
    client.force_login(people.others[R.GM])
    assert client.post("/prevention/groups/", {"what": "duties", "group": group.pk,
                                               f"duties-{group.pk}-duties": "x"}).status_code == 404
