"""The central review meeting record, the approved-outsourcer list and the API import of paper reviews with their
sign-offs (issue 20; seed 002 §6, 顾客需求管理程序 §5.4.2)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kesu.accounts.roles import Role
from kesu.contracts import services
from kesu.contracts.choices import ReviewMode, ReviewType
from kesu.contracts.models import ApprovedOutsourcer, ContractReview, ReviewMeeting
from kesu.contracts.workflow import on_outsourcer_list
from kesu.core.tests.panels import said
from kesu.customers.models import Contract
from kesu.customers.tests.factories import CustomerFactory, SupplierFactory

from .factories import act, new_review

pytestmark = pytest.mark.django_db
HELD = datetime.datetime(2026, 5, 12, 2, 0, tzinfo=datetime.UTC)


def _central(people):
    review = new_review(people, review_type=ReviewType.FOREIGN_TRADE)
    assert review.mode == ReviewMode.CENTRAL
    return act(review, "submit", people[Role.SALESPERSON])


# -- the central review meeting ---------------------------------------------------------------------------------------


def test_a_central_review_meeting_is_recorded_with_attendees_and_decisions_and_prints(people, client):
    review = _central(people)
    attendees = [people[Role.ENGINEERING], people[Role.QA], people[Role.PRODUCTION]]
    meeting = services.meeting_record(actor=people[Role.SALESPERSON], review=review, attendees=attendees, data={
        "held_at": HELD, "place": "二楼会议室", "chaired_by": people[Role.GM], "other_attendees": "客户代表 2 人",
        "decisions": "交期可满足；包装按出口木箱", "actions": "工程部 5/15 前提交工艺方案"})
    assert meeting.review == review and meeting.recorded_by == people[Role.SALESPERSON]
    assert set(meeting.attendees.all()) == set(attendees)
    client.force_login(people[Role.SALESPERSON])
    page = client.get(reverse("contracts:detail", args=[review.pk])).content.decode()
    assert f'id="meeting-{meeting.pk}"' in page and "交期可满足" in page
    pdf = client.get(reverse("contracts:meeting_printout", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_only_a_centrally_reviewed_contract_has_a_review_meeting(people, english):
    review = act(new_review(people), "submit", people[Role.SALESPERSON])  # a formal contract: department sign-off
    with pytest.raises(ValidationError) as refused:
        services.meeting_record(actor=people[Role.SALESPERSON], review=review, attendees=[people[Role.QA]],
                                data={"held_at": HELD, "decisions": "x"})
    assert refused.value.message_dict["review"] == ["Only a centrally reviewed contract has a review meeting."]


def test_a_meeting_needs_attendees_of_the_company(people, outsider, english):
    review = _central(people)
    for attendees in ([], [outsider]):
        with pytest.raises(ValidationError) as refused:
            services.meeting_record(actor=people[Role.SALESPERSON], review=review, attendees=attendees,
                                    data={"held_at": HELD, "decisions": "x"})
        assert "attendees" in refused.value.message_dict


def test_a_refused_meeting_form_comes_back_with_what_was_typed(people, client):
    review = _central(people)
    client.force_login(people[Role.SALESPERSON])
    response = client.post(reverse("contracts:meeting_create", args=[review.pk]), {
        "meeting-held_at": "2026-05-12T10:00", "meeting-place": "二楼会议室", "meeting-decisions": ""})
    assert response.status_code == 422
    form = response.context["meeting_form"]
    assert form["place"].value() == "二楼会议室" and "decisions" in form.errors and "attendees" in form.errors
    assert not ReviewMeeting.objects.exists()
    response = client.post(reverse("contracts:meeting_create", args=[review.pk]), {
        "meeting-held_at": "2026-05-12T10:00", "meeting-decisions": "同意投标",
        "meeting-attendees": [str(people[Role.QA].pk), str(people[Role.ENGINEERING].pk)]})
    assert response.status_code == 302
    assert ReviewMeeting.objects.get(review=review).decisions == "同意投标"


def test_the_api_records_and_lists_meetings_and_outsiders_get_404(people, api, outsider):
    review = _central(people)
    sales = api(people[Role.SALESPERSON])
    response = sales.post(f"/api/v1/contracts/reviews/{review.pk}/meetings", {
        "held_at": "2026-05-12T10:00:00+08:00", "attendee_ids": [people[Role.QA].pk], "decisions": "同意",
        "chaired_by_id": people[Role.GM].pk})
    assert response.status_code == 201, response.content
    assert response.json()["attendee_ids"] == [people[Role.QA].pk]
    assert [m["decisions"] for m in sales.get(f"/api/v1/contracts/reviews/{review.pk}/meetings").json()] == ["同意"]
    refused = sales.post(f"/api/v1/contracts/reviews/{review.pk}/meetings", {
        "held_at": "2026-05-12T10:00:00+08:00", "attendee_ids": [outsider.pk], "decisions": "同意"})
    assert refused.status_code == 422
    assert api(outsider).get(f"/api/v1/contracts/reviews/{review.pk}/meetings").status_code == 404
    meeting = ReviewMeeting.objects.get()
    assert api(outsider).get(f"/api/v1/contracts/meetings/{meeting.pk}/record.pdf").status_code == 404


# -- the approved-outsourcer list -------------------------------------------------------------------------------------


def test_an_outsourcer_is_on_the_list_from_approval_until_expiry_or_withdrawal(people, english):
    supplier = SupplierFactory(company=people.company, is_active=True)
    entry = services.outsourcer_approve(actor=people[Role.PURCHASING], company=people.company, supplier=supplier,
                                        approved_on=datetime.date(2026, 1, 1),
                                        valid_until=datetime.date(2026, 12, 31), scope="喷涂")
    assert not on_outsourcer_list(people.company.pk, supplier, datetime.date(2025, 12, 31))
    assert on_outsourcer_list(people.company.pk, supplier, datetime.date(2026, 6, 1))
    assert not on_outsourcer_list(people.company.pk, supplier, datetime.date(2027, 1, 1))
    services.outsourcer_withdraw(actor=people[Role.QA], entry=entry, reason="来料批次不良", on=datetime.date(2026, 7, 1))
    assert not on_outsourcer_list(people.company.pk, supplier, datetime.date(2026, 7, 1))
    with pytest.raises(PermissionDenied):
        services.outsourcer_approve(actor=people[Role.SALESPERSON], company=people.company, supplier=supplier,
                                    approved_on=datetime.date(2026, 1, 1))  # sales does not keep the list
    entry = services.outsourcer_approve(actor=people[Role.PURCHASING], company=people.company, supplier=supplier,
                                        approved_on=datetime.date(2026, 8, 1))  # approved again after re-audit
    assert entry.withdrawn_on is None and ApprovedOutsourcer.objects.count() == 1


def test_the_outsourcer_page_and_api_keep_the_list(people, client, api, outsider):
    supplier = SupplierFactory(company=people.company, is_active=True, code="WX01")
    client.force_login(people[Role.PURCHASING])
    response = client.post(reverse("contracts:outsourcers"), {
        "supplier": "WX01", "scope": "装配", "approved_on": "2026-01-05"})
    assert response.status_code == 302
    entry = ApprovedOutsourcer.objects.get(supplier=supplier)
    assert "WX01" in client.get(reverse("contracts:outsourcers")).content.decode()
    listed = api(people[Role.PURCHASING]).get("/api/v1/contracts/outsourcers/").json()
    assert [row["supplier_code"] for row in listed["items"]] == ["WX01"]
    assert api(outsider).get("/api/v1/contracts/outsourcers/").json()["count"] == 0
    assert api(outsider).post(f"/api/v1/contracts/outsourcers/{entry.pk}/withdraw",
                              {"reason": "x"}).status_code in (403, 404)
    withdrawn = api(people[Role.QA]).post(f"/api/v1/contracts/outsourcers/{entry.pk}/withdraw", {"reason": "停产"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_reason"] == "停产"


def test_a_refused_withdrawal_comes_back_on_its_row_as_typed(people, client, english):
    supplier = SupplierFactory(company=people.company, is_active=True, code="WX02")
    entry = services.outsourcer_approve(actor=people[Role.PURCHASING], company=people.company, supplier=supplier,
                                        approved_on=datetime.date(2026, 1, 5))
    client.force_login(people[Role.QA])
    url = reverse("contracts:outsourcer_withdraw", args=[entry.pk])
    blank = client.post(url, {"reason": "   "})
    assert blank.status_code == 422 and said(blank) == ["这个字段是必填项。"]  # in the reader's language
    assert f'id="withdraw-{entry.pk}-why"' in blank.content.decode()
    services.outsourcer_withdraw(actor=people[Role.PURCHASING], entry=entry, reason="停产")  # meanwhile
    twice = client.post(url, {"reason": "来料不良 <b>"})
    page = twice.content.decode()
    with translation.override("zh-hans"):
        already = gettext("This outsourcer is already withdrawn from the list.")
    assert twice.status_code == 422 and said(twice) == [already] and already in page
    assert 'value="来料不良 &lt;b&gt;"' in page and f'id="withdraw-{entry.pk}-why"' in page  # typed, escaped
    assert ApprovedOutsourcer.objects.get(pk=entry.pk).withdrawn_reason == "停产"


# -- import through the API, with sign-offs ---------------------------------------------------------------------------


def _row(customer, **overrides):
    row = {"number": "25-7", "review_type": "contract", "customer_code": customer.code, "title": "2025 年供货合同",
           "received_on": "2025-03-02", "amount": "120000.00", "status": "accepted",
           "approved_by": "", "approved_on": "2025-03-10", "product_name": "齿轮泵",
           "signoffs": [{"dept": "engineering", "answer": "can", "comment": "工艺成熟", "signed_on": "2025-03-04"},
                        {"dept": "qa", "answer": "cannot", "comment": "需客户放宽外观标准"}]}
    row.update(overrides)
    return row


def test_the_api_imports_paper_reviews_with_their_sign_offs_and_master_contracts(people, api):
    customer = CustomerFactory(company=people.company)
    sales = api(people[Role.SALESPERSON])
    rows = [_row(customer, approved_by=people[Role.GM].username)]
    response = sales.post("/api/v1/contracts/review-imports/", {"rows": rows})
    assert response.status_code == 201, response.content
    review = ContractReview.objects.get(pk=response.json()["ids"][0])
    assert (review.number, review.status, review.approved_by) == ("25-7", "accepted", people[Role.GM])
    assert sorted(review.signoffs.values_list("dept", "answer", "comment")) == [
        ("engineering", "can", "工艺成熟"), ("qa", "cannot", "需客户放宽外观标准")]
    assert review.signoffs.get(dept="engineering").answered_at.date() == datetime.date(2025, 3, 4)
    assert Contract.objects.get(pk=review.contract_id).customer == customer
    detail = sales.get(f"/api/v1/contracts/reviews/{review.pk}").json()
    assert {s["dept"] for s in detail["signoffs"]} == {"engineering", "qa"}


def test_an_api_import_is_all_or_nothing_and_names_each_refused_row(people, api):
    customer = CustomerFactory(company=people.company)
    bad_signoff = _row(customer, number="25-8", signoffs=[{"dept": "qa", "answer": "cannot", "comment": ""}])
    unknown = _row(customer, number="25-9", customer_code="NOPE")
    response = api(people[Role.SALESPERSON]).post("/api/v1/contracts/review-imports/",
                                                  {"rows": [_row(customer), bad_signoff, unknown]})
    assert response.status_code == 422
    messages = [d["msg"] for d in response.json()["detail"]]
    with translation.override("zh-hans"):
        expected = [gettext("Row %(row)d, %(column)s: %(why)s") % {"row": 2, "column": column, "why": why} for
                    column, why in (("signoffs", gettext("Say what cannot be met.")),)]
        expected.append(gettext("Row %(row)d, %(column)s: %(why)s") % {
            "row": 3, "column": "customer_code", "why": gettext("No customer with this code.")})
    assert messages == [" ".join(expected)]
    assert response.json()["detail"][0]["loc"] == ["body", "rows"]
    assert not ContractReview.objects.exists()
    refused = api(people[Role.ENGINEERING]).post("/api/v1/contracts/review-imports/", {"rows": [_row(customer)]})
    assert refused.status_code == 403
