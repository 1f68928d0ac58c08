"""The yearly service plan: the rules (half-yearly / monthly / top customers), ★ and ☆ counted from records,
plan vs actual per salesperson and month, the approval workflow."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.core.services import TransitionRefused
from kesu.customers.tests.factories import CustomerFactory, ShipmentFactory
from kesu.service import selectors, services
from kesu.service.choices import MarkKind, PlanStatus, VisitKind
from kesu.service.models import PlanMark, ServiceRules
from kesu.service.rules import survey_months, visit_months

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_rule_months():
    assert visit_months(6) == [1, 7]
    assert visit_months(1) == list(range(1, 13))
    assert visit_months(3) == [1, 4, 7, 10]
    assert survey_months(6) == [6, 12]
    assert survey_months(12) == [12]


def _marks(plan, customer, kind):
    return sorted(PlanMark.objects.filter(plan=plan, customer=customer, kind=kind).values_list("month", flat=True))


def test_generated_plan_follows_the_default_rules_and_takes_the_top_customers(people):
    sales = people[Role.SALESPERSON]
    existing = CustomerFactory(company=people.company, status="existing", owner=sales)
    potential = CustomerFactory(company=people.company, status="potential", owner=sales)
    lost = CustomerFactory(company=people.company, status="lost")
    lost_top = CustomerFactory(company=people.company, status="lost", sales_rank=1)
    also_ranked = CustomerFactory(company=people.company, status="existing", sales_rank=2)
    third = CustomerFactory(company=people.company, status="lost", sales_rank=3)
    for customer in (lost_top, also_ranked, third):
        ShipmentFactory(customer=customer, ship_date=datetime.date(2026, 5, 1))  # last year's business
    ServiceRules.objects.create(company=people.company, top_customers=2)
    plan = services.plan_generate(actor=sales, company=people.company, year=2027)
    lines = {line.customer_id: line for line in plan.lines.all()}
    assert set(lines) == {existing.pk, potential.pk, lost_top.pk, also_ranked.pk}  # not the lost nor the 3rd
    assert lines[existing.pk].reasons == ["existing"] and lines[existing.pk].salesperson == sales
    assert _marks(plan, existing, MarkKind.VISIT) == [1, 7] and _marks(plan, existing, MarkKind.SURVEY) == [6, 12]
    assert _marks(plan, potential, MarkKind.VISIT) == list(range(1, 13))
    assert _marks(plan, potential, MarkKind.SURVEY) == []
    assert lines[lost_top.pk].reasons == ["top"]
    assert lines[also_ranked.pk].reasons == ["existing", "top"]
    assert _marks(plan, lost_top, MarkKind.VISIT) == [1, 7] and _marks(plan, lost_top, MarkKind.SURVEY) == [6, 12]
    assert lost.pk not in lines


def test_company_rules_change_the_marks(people):
    customer = CustomerFactory(company=people.company, status="existing")
    services.rules_update(actor=people[Role.SALES_DIRECTOR], company=people.company,
                          data={"existing_visit_every": 3, "existing_survey_every": 12})
    plan = services.plan_generate(actor=people[Role.SALESPERSON], company=people.company, year=2027)
    assert _marks(plan, customer, MarkKind.VISIT) == [1, 4, 7, 10]
    assert _marks(plan, customer, MarkKind.SURVEY) == [12]
    with pytest.raises(PermissionDenied):
        services.rules_update(actor=people[Role.SALESPERSON], company=people.company, data={"top_customers": 3})


def test_sales_edit_the_draft_and_the_sales_head_approves(people):
    sales, head = people[Role.SALESPERSON], people[Role.SALES_DIRECTOR]
    customer = CustomerFactory(company=people.company, status="existing")
    plan = services.plan_generate(actor=sales, company=people.company, year=2027)
    services.plan_line_set(actor=sales, plan=plan, customer=customer, visits=[2, 5, 8, 11], surveys=[6])
    assert _marks(plan, customer, MarkKind.VISIT) == [2, 5, 8, 11]
    with pytest.raises(ValidationError):
        services.plan_line_set(actor=sales, plan=plan, customer=customer, visits=[13], surveys=[])
    services.plan_transition(actor=sales, plan=plan, name="submit")
    with pytest.raises(ValidationError):
        services.plan_line_set(actor=sales, plan=plan, customer=customer, visits=[1], surveys=[])
    with pytest.raises(PermissionDenied):
        services.plan_transition(actor=people.other(Role.SALESPERSON), plan=plan, name="approve")
    plan = services.plan_transition(actor=head, plan=plan, name="approve")
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == head
    assert [c.name for c in plan.changes.all()] == ["create", "submit", "approve"]


def test_the_head_does_not_approve_a_plan_they_prepared(people):
    head = people[Role.SALES_DIRECTOR]
    CustomerFactory(company=people.company, status="existing")
    plan = services.plan_generate(actor=head, company=people.company, year=2027)
    services.plan_transition(actor=head, plan=plan, name="submit")
    with pytest.raises(TransitionRefused):
        services.plan_transition(actor=head, plan=plan, name="approve")


def test_actual_marks_come_from_visits_and_survey_answers(people):
    from kesu.surveys import services as survey_services
    from kesu.surveys.choices import AnswerChannel
    from kesu.surveys.tests.factories import campaign, choices_for

    sales = people[Role.SALESPERSON]
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        c = campaign(people, customers=1)
        survey_services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
        recipient = c.recipients.get(included=True)
        survey_services.answer_submit(actor=sales, recipient=recipient, channel=AnswerChannel.PHONE,
                                      choices=choices_for(c.template, [0] * 7))
    customer = recipient.customer
    customer.status, customer.owner = "existing", sales
    customer.save()
    plan = services.plan_generate(actor=sales, company=people.company, year=2026)  # ★ visits 1, 7; surveys 6, 12
    for day in (datetime.date(2026, 1, 10), datetime.date(2026, 1, 20), datetime.date(2026, 3, 5)):
        services.visit_create(actor=sales, company=people.company,
                              data={"kind": VisitKind.PHONE, "customer": customer, "visited_on": day})
    services.visit_create(actor=sales, company=people.company,
                          data={"customer": customer, "visited_on": datetime.date(2025, 7, 1)})  # other year
    grid = {row["kind"]: row for row in selectors.plan_grid(plan) if row["line"].customer_id == customer.pk}
    visits = grid[MarkKind.VISIT]
    assert [c["month"] for c in visits["cells"] if c["actual"]] == [1, 3]  # two visits in January count once
    assert [c["month"] for c in visits["cells"] if c["planned"]] == [1, 7]
    assert (visits["planned"], visits["actual"]) == (2, 2)
    surveys = grid[MarkKind.SURVEY]
    assert [c["month"] for c in surveys["cells"] if c["actual"]] == [6]
    summary = selectors.plan_vs_actual(plan)
    mine = next(e for e in summary if e["salesperson"] == sales)
    # planned: Jan visit, Jun survey, Jul visit, Dec survey = 4; done in their month: Jan visit, Jun survey = 2;
    # actual: Jan visit, Mar visit, Jun survey = 3.
    assert mine["total"] == {"planned": 4, "done": 2, "actual": 3}
    assert mine["months"][0] == {"month": 1, "planned": 1, "done": 1, "actual": 1}
    assert mine["months"][2] == {"month": 3, "planned": 0, "done": 0, "actual": 1}


def test_a_refused_plan_generation_says_why_on_the_plan_list_beside_the_year(people, client):
    sales = people[Role.SALESPERSON]
    client.force_login(sales)
    response = client.post(reverse("service:plan_generate"), {"year": "1999"})
    body = response.content.decode()
    assert response.status_code == 422 and 'value="1999"' in body and "is-invalid" in body and "未保存" in body
    plan = services.plan_generate(actor=sales, company=people.company, year=2027)
    type(plan).objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)  # no longer a draft
    response = client.post(reverse("service:plan_generate"), {"year": "2027"})
    body = response.content.decode()
    assert response.status_code == 422 and "2027" in body and "2027年的计划已不是草稿" in body


def test_plan_pages_pdf_and_outsiders(people, people_b, client):
    sales = people[Role.SALESPERSON]
    CustomerFactory(company=people.company, status="existing", owner=sales)
    plan = services.plan_generate(actor=sales, company=people.company, year=2027)
    client.force_login(sales)
    page = client.get(reverse("service:plan_detail", args=[plan.pk]))
    assert page.status_code == 200 and 'id="plan-grid"' in page.content.decode()
    pdf = client.get(reverse("service:plan_pdf", args=[plan.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    import io

    import pypdf

    first = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0]
    assert first.mediabox.width > first.mediabox.height  # A4 landscape
    text = first.extract_text()
    assert "客户服务年度计划表" in text and "★" in text  # the CJK font carries the ★ glyph (☆ sits beside it)
    xlsx = client.get(reverse("service:plan_detail", args=[plan.pk]) + "?format=xlsx")
    assert xlsx.status_code == 200
    client.force_login(people_b[Role.SALES_DIRECTOR])
    assert client.get(reverse("service:plan_detail", args=[plan.pk])).status_code == 404
    assert client.get(reverse("service:plan_pdf", args=[plan.pk])).status_code == 404
