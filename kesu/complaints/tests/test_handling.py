"""ISO 10002 handling items (issue 18 §11) and escalation that reassigns (§12), by service, page and API.

Hand-worked numbers: the priority adds severity (minor 0, general 1, major 2, severe 3), the customer's importance
(A 2, B 1, C 0) and 3 for a safety impact; 5 or more is urgent, 3–4 high, 1–2 normal, 0 low. The closure target is
counted in working days of March 2026 (no holidays): a complaint received on Friday 6 March 09:00 with a target of 3
working days is due on Wednesday 11 March 09:00 (Mon 9, Tue 10, Wed 11).
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.choices import DeadlineKind, Priority, Severity, Status
from kesu.complaints.models import ComplaintSettings, DefectType, Escalation, TimelineEntry
from kesu.complaints.tests.factories import People, act, at, bring_to, category, create_complaint
from kesu.core.models import AuditEntry
from kesu.core.services import TransitionRefused
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.notifications.models import Notification

pytestmark = pytest.mark.django_db
BASE = "/api/v1/complaints"


@pytest.fixture
def people(company_a):
    return People(company_a)


# -- priority -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("severity", "safety", "importance", "expected"), [
    (Severity.SEVERE, False, "a", Priority.URGENT),   # 3 + 2 = 5
    (Severity.MAJOR, True, "c", Priority.URGENT),     # 2 + 0 + 3 = 5
    (Severity.MAJOR, False, "b", Priority.HIGH),      # 2 + 1 = 3
    (Severity.SEVERE, False, "c", Priority.HIGH),     # 3 + 0 = 3
    (Severity.GENERAL, False, "b", Priority.NORMAL),  # 1 + 1 = 2
    (Severity.MINOR, False, "a", Priority.NORMAL),    # 0 + 2 = 2
    (Severity.MINOR, False, "c", Priority.LOW),       # 0 + 0 = 0
    ("", False, "b", Priority.NORMAL),                # not assessed counts as general: 1 + 1 = 2
])
def test_the_priority_follows_severity_safety_and_the_customers_importance(severity, safety, importance, expected):
    assert services.derived_priority(severity=severity, safety=safety, importance=importance) == expected


def test_assessment_sets_the_priority_and_qa_overrides_it_with_a_reason_audited(people, company_a, api):
    customer = CustomerFactory(company=company_a, importance="a")
    complaint = create_complaint(people[Role.SALESPERSON], customer=customer)
    assert complaint.priority == Priority.HIGH  # not assessed (1) + A (2) = 3
    complaint = bring_to(Status.ASSESSED, people, complaint=complaint,
                         assess={"severity": Severity.SEVERE, "safety_or_regulatory_impact": True})
    assert complaint.priority == Priority.URGENT  # 3 + 2 + 3 = 8
    qa = people[Role.QA]

    # A salesperson may not override; QA must say why; the page and the API refuse alike.
    refused = api(people[Role.SALESPERSON]).post(f"{BASE}/{complaint.pk}/priority", {"priority": 4, "reason": "x"})
    assert refused.status_code == 403
    missing = api(qa).post(f"{BASE}/{complaint.pk}/priority", {"priority": 4})
    assert missing.status_code == 422 and ["body", "reason"] in [d["loc"] for d in missing.json()["detail"]]

    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    done = api(qa).post(f"{BASE}/{complaint.pk}/priority", {"priority": 4, "reason": "客户已同意延后处理"})
    assert done.status_code == 200, done.json()
    assert (done.json()["priority"], done.json()["priority_override_reason"]) == (4, "客户已同意延后处理")
    complaint.refresh_from_db()
    assert complaint.priority_overridden_by == qa
    # One audit entry for the override: by QA through the API, urgent (1) → low (4), the reason and who overrode.
    [entry] = AuditEntry.objects.filter(id__gt=before, content_type__model="complaint", object_id=str(complaint.pk))
    assert (entry.action, entry.actor, entry.actor_name, entry.source) == ("update", qa, qa.username, "api")
    assert entry.changes["priority"] == [Priority.URGENT.value, Priority.LOW.value] == [1, 4]
    assert entry.changes["priority_override_reason"] == ["", "客户已同意延后处理"]
    assert entry.changes["priority_overridden_by"] == [None, f"{qa} (#{qa.pk})"]
    # The override stays when the form changes; going back to the rule gives the derived priority again.
    services.complaint_update(actor=people[Role.SALESPERSON], complaint=complaint, data={"lot_number": "L1"})
    complaint.refresh_from_db()
    assert complaint.priority == Priority.LOW
    client_page = api(qa).post(f"{BASE}/{complaint.pk}/priority", {"priority": None})
    assert client_page.json()["priority"] == Priority.URGENT and client_page.json()["priority_override_reason"] == ""


def test_the_page_refuses_a_priority_override_without_a_reason(people, client):
    complaint = create_complaint(people[Role.SALESPERSON])
    client.force_login(people[Role.QA])
    response = client.post(reverse("complaints:record", args=[complaint.pk, "priority"]),
                           {"priority-priority": "1", "priority-reason": ""})
    complaint.refresh_from_db()
    assert complaint.priority == Priority.NORMAL and not complaint.priority_override_reason
    assert complaint.priority_overridden_by is None
    # The complaint's page again (issue 17 §2), the priority form open as it was filled, the refusal on its field.
    assert response.status_code == 422
    form = response.wsgi_request._kesu_refused_forms["record-priority"]
    assert form["priority"].value() == "1" and list(form.errors) == ["reason"]
    # The page speaks the user's language (zh-Hans): the field's label 理由 (reason), then what is wrong.
    with translation.override("zh-hans"):
        refusal = f"理由: {translation.gettext('Say why the priority is overridden.')}"
    summary = re.search(r'<div class="alert alert-danger[^"]*form-refused".*?</ul>', response.content.decode(), re.S)
    assert summary and f"<li>{refusal}</li>" in summary.group(0)


def test_the_work_queue_puts_the_higher_priority_first_within_the_same_due_state(people):
    from kesu.core import work

    sales = people[Role.SALESPERSON]
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        earlier = create_complaint(sales)
    with time_machine.travel(at(2026, 3, 2, 9, 5), tick=False):
        later = create_complaint(sales)
        services.complaint_priority_override(actor=people[Role.QA], complaint=later, priority=Priority.URGENT,
                                             reason="安全相关")
    # Both wait for the acknowledgement, due 3 March 09:00 and 09:05: the same state ("due later").
    items = work.queue(sales, "mine", work.Filters(modules=("complaints",)), now=at(2026, 3, 2, 10, 0)).items
    assert [i.record_id for i in items] == [later.pk, earlier.pk]
    # Overdue still comes before any priority: once the earlier one is overdue alone, it leads.
    items = work.queue(sales, "mine", work.Filters(modules=("complaints",)), now=at(2026, 3, 3, 9, 2)).items
    assert [i.record_id for i in items] == [earlier.pk, later.pk]


# -- closure target -------------------------------------------------------------------------------------------


def test_the_closure_due_date_counts_the_company_target_in_working_days_and_makes_the_complaint_overdue(
        people, company_a, api):
    from kesu.reports.models import ReportSettings

    ReportSettings.objects.create(company=company_a, closure_target_working_days=3)
    sales = people[Role.SALESPERSON]
    with time_machine.travel(at(2026, 3, 6, 9, 0), tick=False):
        complaint = create_complaint(sales)
        complaint = bring_to(Status.ASSESSED, people, complaint=complaint)  # pass on and reply met
    assert complaint.closure_due_at == at(2026, 3, 11, 9, 0)
    assert complaint.deadlines.get(kind=DeadlineKind.CLOSURE).due_at == at(2026, 3, 11, 9, 0)
    with time_machine.travel(at(2026, 3, 11, 8, 59), tick=False):
        assert api(sales).get(f"{BASE}?overdue=true").json()["count"] == 0
    with time_machine.travel(at(2026, 3, 11, 9, 1), tick=False):
        assert [r["id"] for r in api(sales).get(f"{BASE}?overdue=true").json()["items"]] == [complaint.pk]


def test_the_default_closure_target_is_ten_working_days(people):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        complaint = create_complaint(people[Role.SALESPERSON])
    # Mon 2 March + 10 working days: 3, 4, 5, 6, 9, 10, 11, 12, 13, 16 → Monday 16 March 09:00.
    assert complaint.closure_due_at == at(2026, 3, 16, 9, 0)


def test_closing_meets_the_closure_deadline(people):
    complaint = bring_to(Status.CLOSED, people)
    closure = complaint.deadlines.get(kind=DeadlineKind.CLOSURE)
    assert closure.met_at is not None and closure.cancelled_at is None


# -- lot / batch / serial numbers -----------------------------------------------------------------------------


def test_lot_numbers_of_the_complaint_and_its_dispositions_are_searched_and_filtered(people, api):
    sales = people[Role.SALESPERSON]
    first = create_complaint(sales, lot_number="L2603-017")
    second = create_complaint(sales)
    services.disposition_add(actor=sales, complaint=second, kind="return", quantity=2, lot_number="SN-88001")
    create_complaint(sales)
    caller = api(sales)
    assert [r["id"] for r in caller.get(f"{BASE}?lot=L2603").json()["items"]] == [first.pk]
    assert [r["id"] for r in caller.get(f"{BASE}?lot=sn-88").json()["items"]] == [second.pk]
    assert [r["id"] for r in caller.get(f"{BASE}?q=88001").json()["items"]] == [second.pk]
    assert caller.get(f"{BASE}?lot=X9").json()["count"] == 0
    lines = caller.get(f"{BASE}/{second.pk}/dispositions").json()
    assert [line["lot_number"] for line in lines] == ["SN-88001"]
    made = caller.post(f"{BASE}/{first.pk}/dispositions", {"kind": "repair", "quantity": 1, "lot_number": "SN-1"})
    assert made.status_code == 201 and made.json()["lot_number"] == "SN-1"


# -- category → defect type -----------------------------------------------------------------------------------


def test_the_assessment_chooses_a_defect_type_of_the_chosen_category(people, company_a, api, client):
    appearance = category(company_a, "appearance")
    performance = category(company_a, "performance")
    assert list(DefectType.objects.filter(category=appearance).values_list("code", flat=True)) == [
        "deformation", "dent", "paint", "scratch"]
    scratch = DefectType.objects.get(category=appearance, code="scratch")
    function = DefectType.objects.get(category=performance, code="function")
    complaint = bring_to(Status.ACKNOWLEDGED, people)
    sales = people[Role.SALESPERSON]
    wrong = api(sales).post(f"{BASE}/{complaint.pk}/transitions", {
        "action": "assess", "category_id": appearance.pk, "defect_type_id": function.pk, "severity": "general",
        "warning_class": "c"})
    assert wrong.status_code == 422
    assert any(d["loc"][-1] == "defect_type_id" or d["loc"][-1] == "defect_type" for d in wrong.json()["detail"])
    done = api(sales).post(f"{BASE}/{complaint.pk}/transitions", {
        "action": "assess", "category_id": appearance.pk, "defect_type_id": scratch.pk, "severity": "general",
        "warning_class": "c"})
    assert done.status_code == 200, done.json()
    # htmx narrows the second list to the category's types.
    client.force_login(sales)
    options = client.get(reverse("complaints:defect_types"), {"assess-category": performance.pk}).content.decode()
    assert "功能" in options or "Function" in options
    assert str(scratch.pk) not in options


def test_the_pareto_of_categories_adds_up_a_groups_companies_by_code(people, company_a, company_b):
    from kesu.reports import analyses

    other = People(company_b)
    create_complaint(people[Role.SALESPERSON], category=category(company_a, "appearance"))
    create_complaint(other[Role.SALESPERSON], company=company_b, category=category(company_b, "appearance"))
    create_complaint(other[Role.SALESPERSON], company=company_b, category=category(company_b, "performance"))
    group = analyses.Scope(company_ids=(company_a.pk, company_b.pk), date_from=at(2000, 1, 1).date(),
                           date_to=at(2100, 1, 1).date())
    rows = analyses.breakdown(group, "category").rows
    assert [(r.key, r.count) for r in rows] == [("appearance", 2), ("performance", 1)]
    assert rows[0].query["category_code"] == "appearance"


# -- conflict of interest ---------------------------------------------------------------------------------------


def test_assigning_the_parts_responsible_engineer_warns_and_needs_a_reason(people, company_a, api):
    engineer = people[Role.QA]
    part = PartFactory(company=company_a, responsible_engineer=engineer)
    complaint = create_complaint(people[Role.SALESPERSON], part=part)
    with pytest.raises(ValidationError) as refused:
        services.complaint_assign(actor=people[Role.GM], complaint=complaint, owner=engineer)
    assert "override_reason" in refused.value.message_dict
    answer = api(people[Role.GM]).post(f"{BASE}/{complaint.pk}/assignment", {"owner_id": engineer.pk})
    assert answer.status_code == 422
    assert ["body", "override_reason"] in [d["loc"] for d in answer.json()["detail"]]
    complaint.refresh_from_db()
    assert complaint.owner == people[Role.SALESPERSON]

    answer = api(people[Role.GM]).post(f"{BASE}/{complaint.pk}/assignment", {
        "owner_id": engineer.pk, "override_reason": "唯一熟悉该产品的工程师"})
    assert answer.status_code == 200, answer.json()
    complaint.refresh_from_db()
    assert (complaint.owner, complaint.assignment_override_reason) == (engineer, "唯一熟悉该产品的工程师")
    assert TimelineEntry.objects.filter(complaint=complaint, summary__contains="唯一熟悉该产品的工程师").exists()


def test_the_person_who_caused_the_nonconformity_cannot_investigate_without_a_reason(people, client):
    operator = people[Role.PRODUCTION]
    complaint = create_complaint(people[Role.SALESPERSON], responsible_person=operator)
    client.force_login(people[Role.GM])
    client.post(reverse("complaints:record", args=[complaint.pk, "assign"]), {"assign-owner": operator.pk})
    complaint.refresh_from_db()
    assert complaint.owner == people[Role.SALESPERSON]
    client.post(reverse("complaints:record", args=[complaint.pk, "assign"]),
                {"assign-owner": operator.pk, "assign-override_reason": "由班组长复核"})
    complaint.refresh_from_db()
    assert complaint.owner == operator and complaint.assignment_override_reason == "由班组长复核"


# -- safety / regulatory flag -----------------------------------------------------------------------------------


def test_a_safety_impact_needs_at_least_major_by_service_and_api(people, api):
    complaint = bring_to(Status.ACKNOWLEDGED, people)
    with pytest.raises(TransitionRefused) as refused:
        act(complaint, "assess", people, severity=Severity.GENERAL, safety_or_regulatory_impact=True)
    assert refused.value.field == "severity"
    answer = api(people[Role.SALESPERSON]).post(f"{BASE}/{complaint.pk}/transitions", {
        "action": "assess", "category_id": category(complaint.company).pk, "severity": "minor", "warning_class": "c",
        "safety_or_regulatory_impact": True})
    assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["body", "severity"]


def test_a_safety_impact_tells_the_qa_head_and_the_gm_at_once(people, company_a, django_capture_on_commit_callbacks):
    qa, gm = people[Role.QA], people[Role.GM]
    qa.department.head = qa
    qa.department.save()
    bystander = people[Role.FINANCE]
    complaint = bring_to(Status.ACKNOWLEDGED, people)
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "assess", people, severity=Severity.MAJOR, safety_or_regulatory_impact=True)
    told = set(Notification.objects.filter(event="safety_flagged").values_list("recipient_id", flat=True))
    assert told == {qa.pk, gm.pk} and bystander.pk not in told


# -- escalation that reassigns ------------------------------------------------------------------------------------


def test_a_level_set_to_reassign_hands_the_complaint_to_the_department_head(people, company_a):
    ComplaintSettings.objects.create(company=company_a, escalation_actions=["notify", "reassign"])
    sales = people[Role.SALESPERSON]
    head = people[Role.REGIONAL_MANAGER]
    sales.department.head = head
    sales.department.save()
    with time_machine.travel(at(2026, 3, 6, 9, 0), tick=False):  # Friday: pass on and reply due Monday 09:00
        complaint = create_complaint(sales)
    # Monday 9 March 09:30: both overdue, level 1 (the owner) only notifies.
    with time_machine.travel(at(2026, 3, 9, 9, 30), tick=False):
        assert services.escalate_overdue() == 2
    complaint.refresh_from_db()
    assert complaint.owner == sales
    assert not Escalation.objects.filter(complaint=complaint, reassigned_to__isnull=False).exists()
    # Tuesday 10 March 09:30, 24 hours later: level 2 (the department head) reassigns.
    with time_machine.travel(at(2026, 3, 10, 9, 30), tick=False):
        assert services.escalate_overdue() == 2
    complaint.refresh_from_db()
    assert complaint.owner == head
    moved = Escalation.objects.filter(complaint=complaint, level=2, reassigned_to=head)
    assert moved.count() == 1 and moved.get().reassigned_from == sales  # the second deadline finds head already
    assert TimelineEntry.objects.filter(complaint=complaint, kind="assignment").count() == 1
    audit = AuditEntry.objects.filter(object_id=str(complaint.pk), source="system", action="update")
    assert any("owner" in e.changes for e in audit)


def test_escalation_settings_refuse_an_unknown_action(company_a):
    cfg = ComplaintSettings(company=company_a, escalation_actions=["notify", "fire"])
    with pytest.raises(ValidationError) as refused:
        cfg.full_clean()
    assert "escalation_actions" in refused.value.message_dict
