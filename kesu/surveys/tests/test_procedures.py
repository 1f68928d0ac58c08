"""The seeds' survey procedures (issue 18 §3, §4, §7 second half, §8, §9): thresholds per template, the top five
customers by sales, improvements approved by someone else and reported to the customer, the yearly report's
approval and distribution, competitors per dimension — by service, page and API, with the seeds' own numbers."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kesu.accounts.roles import Role
from kesu.capa.models import ActionLink
from kesu.claims.models import ExchangeRate
from kesu.core.services import TransitionRefused
from kesu.customers.tests.factories import (
    ContactFactory,
    ContractFactory,
    ContractLineFactory,
    CustomerFactory,
    ShipmentFactory,
)
from kesu.surveys import services
from kesu.surveys.choices import AnswerChannel, RankingBasis
from kesu.surveys.models import ImprovementMeeting, SatisfactionReport

from .factories import campaign, choices_for


def _zh(message: str) -> str:
    """A message as a Chinese reader gets it (pages and the API answer in the user's language, zh-Hans)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(message)

pytestmark = pytest.mark.django_db

# Form CS-002: items 1–3 scored 20/16/10/5, items 4–7 10/8/5/2.
SCORE_85 = [0, 0, 1, 1, 1, 1, 2]  # 20 + 20 + 16 + 8 + 8 + 8 + 5
SCORE_84 = [0, 0, 1, 0, 1, 2, 2]  # 20 + 20 + 16 + 10 + 8 + 5 + 5
SCORE_82 = [0, 0, 1, 1, 1, 2, 2]  # 20 + 20 + 16 + 8 + 8 + 5 + 5
# Form CS-001 (sections I–III of 5, 5, 4 points per item; IV–VI of 4): I–III best, then losses in IV–VI.
# IV all 一般 (−6), V one 一般 (−2), VI all 一般 (−10): 82. V both 一般: 80. One item of III 较满意 too: 79.
CS001_82 = [0] * 13 + [2, 2, 2] + [2, 0] + [2] * 5
CS001_80 = [0] * 13 + [2, 2, 2] + [2, 2] + [2] * 5
CS001_79 = [0] * 12 + [1] + [2, 2, 2] + [2, 2] + [2] * 5


def _answer(people, code, picks, **data):
    c = campaign(people, code, customers=1, **data)
    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=c)
    recipient = c.recipients.filter(included=True).order_by("-customer_id").first()  # this campaign's new customer
    return services.answer_submit(actor=people[Role.SALESPERSON], recipient=recipient, channel=AnswerChannel.PHONE,
                                  choices=choices_for(c.template, picks))


def _raised(answer) -> bool:
    return ActionLink.objects.filter(kind="survey", object_id=answer.pk, content_type__model="answer").exists()


# -- §3 thresholds belong to the template ------------------------------------------------------------------------


def test_a_company_using_both_forms_gets_a_meeting_then_an_action_from_82_on_002_and_nothing_from_82_on_001(
        people, login):
    people[Role.QA]
    on_002 = _answer(people, "CS-002", SCORE_82)
    on_001 = _answer(people, "CS-001", CS001_82)
    assert (on_002.score, on_001.score) == (Decimal("82.00"), Decimal("82.00"))
    assert not _raised(on_001) and not ImprovementMeeting.objects.filter(answer=on_001).exists()
    meeting = ImprovementMeeting.objects.get(answer=on_002)
    assert meeting.held_on is None and not _raised(on_002)  # the meeting decides the actions
    # QA records the meeting through the page: attendees, analysis, decisions → the corrective action.
    response = login(people[Role.QA]).post(
        reverse("surveys:meeting_record", args=[on_002.campaign_id, meeting.pk]),
        {"held_on": "2026-12-20", "attendees": "品质部、技术部、生产部", "analysis": "交期延误两次",
         "decisions": "生产部预留产能"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == datetime.date(2026, 12, 20) and _raised(on_002)
    assert meeting.action.customer == on_002.recipient.customer and "生产部预留产能" in meeting.action.problem


@pytest.mark.parametrize(("code", "picks", "score", "raises"), [
    ("CS-002", SCORE_85, "85.00", False),  # 85 is not below 85
    ("CS-002", SCORE_84, "84.00", True),
    ("CS-001", CS001_80, "80.00", False),  # 80 is not below 80
    ("CS-001", CS001_79, "79.00", True),
])
def test_the_boundaries_are_the_seeds_80_and_85(people, code, picks, score, raises):
    people[Role.QA]
    answer = _answer(people, code, picks)
    assert answer.score == Decimal(score)
    if code == "CS-002":
        assert ImprovementMeeting.objects.filter(answer=answer).exists() is raises and not _raised(answer)
    else:
        assert _raised(answer) is raises and not ImprovementMeeting.objects.filter(answer=answer).exists()


def test_a_meeting_is_recorded_once_and_only_by_qa_page_and_api(people, api):
    people[Role.QA]
    answer = _answer(people, "CS-002", SCORE_82)
    meeting = answer.meeting
    body = {"held_on": "2026-12-20", "attendees": "品质部", "analysis": "a", "decisions": "d"}
    url = f"/api/v1/survey-campaigns/{answer.campaign_id}/meetings/{meeting.pk}"
    assert api(people[Role.SALESPERSON]).post(url, body).status_code == 403
    assert api(people[Role.QA]).post(url, body).status_code == 200
    again = api(people[Role.QA]).post(url, body)
    assert again.status_code == 422 and again.json()["detail"][0]["msg"] == _zh(
        "This meeting has already been recorded.")


def test_a_template_grade_table_is_changed_by_page_and_api_and_needs_a_band_from_zero(people, login, api):
    from .factories import seed_template

    template = seed_template(people, "CS-001")
    bad = api(people[Role.QA]).put(f"/api/v1/survey-templates/{template.pk}/grades",
                                   [{"lower": "90", "grade": "good", "trigger": "none"}])
    assert bad.status_code == 422 and bad.json()["detail"][0]["msg"] == _zh(
        "The grade table needs a band from 0.")
    good = api(people[Role.QA]).put(f"/api/v1/survey-templates/{template.pk}/grades", [
        {"lower": "90", "grade": "good", "trigger": "none"}, {"lower": "0", "grade": "fail", "trigger": "action"}])
    assert good.status_code == 200 and [g["lower"] for g in good.json()["grades"]] == ["90.00", "0.00"]
    login(people[Role.SALESPERSON]).post(reverse("surveys:template_bands", args=[template.pk]),
                                         {"bands": "0 | fail | none"})
    assert template.bands.count() == 2  # a salesperson may not change it


# -- §4 the top five customers by sales ------------------------------------------------------------------------


def _priced(people, *, quantity, price, currency="CNY", ship_date=datetime.date(2026, 6, 1)):
    customer = CustomerFactory(company=people.company)
    ContactFactory(customer=customer, is_primary=True)
    line = ContractLineFactory(contract=ContractFactory(customer=customer, currency=currency), unit_price=price)
    ShipmentFactory(customer=customer, quantity=quantity, contract_line=line, part=line.part, ship_date=ship_date)
    return customer


def test_customers_rank_by_sales_in_the_base_currency_at_the_recorded_rates(people):
    # USD at 7.1 from 1 May: 100 × 15 USD = 1,500 USD = 10,650 CNY beats 1,000 × 10 CNY = 10,000 CNY,
    # although its quantity (and its amount in its own currency) is far smaller.
    ExchangeRate.objects.create(company=people.company, currency="USD", valid_from=datetime.date(2026, 5, 1),
                                rate=Decimal("7.1"))
    usd = _priced(people, quantity=100, price=Decimal("15"), currency="USD")
    cny = _priced(people, quantity=1000, price=Decimal("10"))
    c = campaign(people, customers=0, top_customers=1)
    rows = {r.customer_id: r for r in c.recipients.all()}
    assert (rows[usd.pk].sales_amount, rows[usd.pk].sales_rank) == (Decimal("10650.00"), 1)
    assert (rows[cny.pk].sales_amount, rows[cny.pk].sales_rank) == (Decimal("10000.00"), 2)
    assert "top_sales" in rows[usd.pk].reasons and "top_sales" not in rows[cny.pk].reasons
    assert c.ranking_basis == RankingBasis.AMOUNT and c.unpriced_lines == 0


def test_the_recorded_sales_rank_is_used_when_shipment_prices_are_missing(people):
    priced = _priced(people, quantity=1000, price=Decimal("10"))
    unpriced = CustomerFactory(company=people.company, sales_rank=1)
    ShipmentFactory(customer=unpriced, quantity=5, ship_date=datetime.date(2026, 6, 1))  # no contract line
    type(priced).objects.filter(pk=priced.pk).update(sales_rank=2)
    c = campaign(people, customers=0, top_customers=1)
    rows = {r.customer_id: r for r in c.recipients.all()}
    assert c.ranking_basis == RankingBasis.RECORDED and c.unpriced_lines == 1
    assert rows[unpriced.pk].sales_rank == 1 and "top_sales" in rows[unpriced.pk].reasons
    assert rows[priced.pk].sales_rank == 2 and "top_sales" not in rows[priced.pk].reasons


def test_a_top_customer_cannot_be_removed_and_the_refusal_says_why_by_service_page_and_api(people, login, api):
    top = _priced(people, quantity=1000, price=Decimal("10"))
    other = _priced(people, quantity=10, price=Decimal("10"))
    c = campaign(people, customers=0, top_customers=1)
    office = people[Role.GENERAL_OFFICE]
    with pytest.raises(ValidationError) as error:
        services.recipient_set(actor=office, campaign=c, customer=top, included=False, note="客户不愿意")
    assert "top 1 customers by sales" in error.value.message_dict["customer"][0]
    page = login(office).post(reverse("surveys:recipient_change", args=[c.pk]),
                              {"customer": top.code, "included": "0", "note": "客户不愿意"}, follow=True)
    with translation.override("zh-hans"):
        refusal = gettext("%(customer)s is number %(rank)s of the top %(top)s customers by sales, who must receive "
                          "the survey (seed 001 §4.2.2); it cannot be removed.") % {
            "customer": top, "rank": 1, "top": c.top_customers}
    assert html.escape(refusal, quote=False) in page.content.decode()
    refused = api(office).post(f"/api/v1/survey-campaigns/{c.pk}/recipients",
                               {"customer_id": top.pk, "included": False, "note": "客户不愿意"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["msg"] == refusal
    assert c.recipients.get(customer=top).included
    services.recipient_set(actor=office, campaign=c, customer=other, included=False, note="已停止合作")
    assert not c.recipients.get(customer=other).included
    # The page and the API show the ranking used.
    with translation.override("zh-hans"):
        basis = str(RankingBasis.AMOUNT.label)
    assert basis in login(office).get(reverse("surveys:campaign_detail", args=[c.pk])).content.decode()
    ranking = api(office).get(f"/api/v1/survey-campaigns/{c.pk}").json()["ranking"]
    assert (ranking["basis"], ranking["currency"], ranking["top_customers"]) == ("amount", "CNY", 1)


# -- §7 improvements approved by someone else, their result reported to the customer -----------------------------


def test_an_improvement_is_approved_by_someone_else_then_carried_out_verified_and_reported(people, login, api):
    people[Role.QA]
    answer = _answer(people, "CS-001", CS001_79)
    c = answer.campaign
    director = people[Role.SALES_DIRECTOR]
    row = services.improvement_save(actor=director, campaign=c, data={
        "answer": answer, "area": "交期", "measures": "预留 10% 产能", "department": people[Role.PRODUCTION].department})
    assert row.status == "proposed"
    # Segregation of duties: the director who proposed it does not approve it (service and API alike) …
    with pytest.raises(TransitionRefused) as refused:
        services.improvement_transition(actor=director, improvement=row, name="approve")
    assert "someone else must approve it" in refused.value.message
    url = f"/api/v1/survey-campaigns/{c.pk}/improvements/{row.pk}/steps"
    assert api(director).post(url, {"step": "approve"}).status_code == 422
    # … and the page does not offer them the step.
    assert f'id="improvement-{row.pk}-approve"' not in login(director).get(
        reverse("surveys:campaign_detail", args=[c.pk])).content.decode()
    # Not carried out before it is approved.
    with pytest.raises(TransitionRefused):
        services.improvement_transition(actor=people[Role.PRODUCTION], improvement=row, name="complete", result="x")
    page = login(people[Role.GM]).post(reverse("surveys:improvement_step", args=[c.pk, row.pk, "approve"]), {})
    assert page.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.approved_by) == ("open", people[Role.GM])
    services.improvement_transition(actor=people[Role.PRODUCTION], improvement=row, name="complete",
                                    result="已调整排产")
    services.improvement_transition(actor=people[Role.GENERAL_OFFICE], improvement=row, name="verify")
    missing = api(people[Role.SALESPERSON]).post(url, {"step": "report_to_customer", "channel": "email"})
    assert missing.status_code == 422
    done = api(people[Role.SALESPERSON]).post(url, {"step": "report_to_customer", "channel": "email",
                                                    "told": "采购经理", "summary": "已书面告知改善结果"})
    assert done.status_code == 200 and done.json()["status"] == "reported"
    assert done.json()["customer_reports"][0]["summary"] == "已书面告知改善结果"
    assert [ch.name for ch in row.changes.order_by("id")] == ["propose", "approve", "complete", "verify",
                                                              "report_to_customer"]
    assert "已书面告知改善结果" in login(people[Role.GM]).get(
        reverse("surveys:campaign_detail", args=[c.pk])).content.decode()


# -- §8 the yearly report: approved, countersigned, distributed, each department confirms ------------------------


def test_the_yearly_report_is_approved_countersigned_distributed_and_confirmed_by_each_department(people, api):
    writer = people[Role.SALES_ASSISTANT]
    head, engineer, qa = people[Role.SALES_DIRECTOR], people[Role.ENGINEERING], people[Role.QA]
    base = "/api/v1/survey-report-records"
    record = api(writer).post(base, {"year": 2026}).json()
    step = f"{base}/{record['id']}/steps"
    assert api(writer).post(step, {"step": "submit"}).status_code == 422  # no conclusions yet
    api(writer).post(base, {"year": 2026, "conclusions": "交期和包装是主要不满意项"})
    assert api(writer).post(step, {"step": "submit"}).json()["status"] == "submitted"
    assert api(engineer).post(step, {"step": "approve"}).status_code == 403  # only the sales head approves
    assert api(head).post(step, {"step": "approve"}).json()["status"] == "approved"
    # Not distributed before both heads countersign.
    early = api(writer).post(step, {"step": "distribute"})
    assert early.status_code == 422 and early.json()["detail"][0]["msg"] == _zh(
        "The heads of engineering and QA countersign the report before it is distributed.")
    # The engineering department's recorded head signs for it, nobody else of the department.
    department = engineer.department
    other = people.other(Role.ENGINEERING)
    type(other).objects.filter(pk=other.pk).update(department=department)
    type(department).objects.filter(pk=department.pk).update(head=engineer)
    assert api(other).post(step, {"step": "countersign_engineering"}).status_code == 422
    assert api(engineer).post(step, {"step": "countersign_engineering"}).status_code == 200
    assert api(qa).post(step, {"step": "countersign_qa"}).status_code == 200
    distributed = api(writer).post(step, {"step": "distribute"}).json()
    assert distributed["status"] == "distributed"
    receipts = {r["department_id"]: r for r in distributed["receipts"]}
    assert set(receipts) >= {engineer.department_id, qa.department_id, writer.department_id}
    confirm = f"{base}/{record['id']}/receipts/{receipts[qa.department_id]['id']}"
    assert api(engineer).post(confirm).status_code == 422  # not engineering's copy
    assert api(qa).post(confirm).status_code == 200
    report = SatisfactionReport.objects.get(pk=record["id"])
    assert report.receipts.filter(confirmed_at__isnull=False).count() == 1
    assert [c.name for c in report.changes.order_by("id")] == [
        "draft", "submit", "approve", "countersign_engineering", "countersign_qa", "distribute"]


def test_the_sales_head_does_not_approve_a_report_they_wrote(people, login):
    head = people[Role.SALES_DIRECTOR]
    report = services.report_draft(actor=head, company=people.company, year=2026)
    services.report_update(actor=head, report=report, conclusions="结论")
    services.report_transition(actor=head, report=report, name="submit")
    page = login(head).get(reverse("surveys:yearly_report", args=[report.pk])).content.decode()
    assert 'id="transition-approve"' not in page
    with pytest.raises(TransitionRefused):
        services.report_transition(actor=head, report=report, name="approve")


# -- §9 competitors per dimension ------------------------------------------------------------------------------


def test_competitors_are_rated_in_cost_quality_delivery_and_technology(people, api, login):
    c = campaign(people, customers=1)
    customer = c.recipients.get().customer
    sales = people[Role.SALESPERSON]
    none = api(sales).post(f"/api/v1/survey-campaigns/{c.pk}/competitors",
                           {"customer_id": customer.pk, "competitor": "恒力"})
    assert none.status_code == 422  # at least one dimension
    rated = api(sales).post(f"/api/v1/survey-campaigns/{c.pk}/competitors", {
        "customer_id": customer.pk, "competitor": "恒力", "cost": "92", "quality": "78", "delivery": "85"})
    assert rated.status_code == 200
    assert [rated.json()[d] for d in ("cost", "quality", "delivery", "technology")] == ["92.00", "78.00", "85.00",
                                                                                      None]
    login(sales).post(reverse("surveys:competitor_add", args=[c.pk]), {
        "customer": customer.code, "competitor": "东瑞", "technology": "70"})
    assert c.competitor_ratings.get(competitor="东瑞").technology == Decimal("70")


def test_the_action_a_meeting_raises_is_written_in_the_owners_language_whatever_the_recorders(people):
    qa = people[Role.QA]
    qa.language = ""  # never chose: the site's language (zh-Hans)
    qa.save(update_fields=["language"])
    answer = _answer(people, "CS-002", SCORE_82)
    meeting = ImprovementMeeting.objects.get(answer=answer)
    with translation.override("en"):  # recorded from an English page
        recorded = services.meeting_record(actor=qa, meeting=meeting, data={
            "held_on": datetime.date(2026, 12, 20), "attendees": "品质部", "analysis": "交期延误",
            "decisions": "预留产能"})
    problem = recorded.action.problem
    assert f"{answer.recipient.customer.name} 得分 82.00（阈值 " in problem, problem
    assert "scored" not in problem
