"""Pages and API of contract review: the flow by form posts, refusals alike in page and API, outsiders 404,
wrong roles 403, the list with Excel, the ledger and the PDFs."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kesu.accounts.roles import Role
from kesu.contracts.choices import Answer, Dept, ReviewStatus
from kesu.contracts.models import ContractReview
from kesu.customers.tests.factories import CustomerFactory

from .factories import act, new_review, sign_all

pytestmark = pytest.mark.django_db


def test_a_salesperson_records_a_review_by_the_form_and_sends_it(client, people):
    sales = people[Role.SALESPERSON]
    customer = CustomerFactory(company=people.company, code="C900")
    client.force_login(sales)
    assert client.get(reverse("contracts:create")).status_code == 200
    response = client.post(reverse("contracts:create"), {
        "review_type": "tender", "customer": "C900", "title": "泵站招标", "received_on": "2026-05-11",
        "currency": "CNY", "amount": "2800000.00", "product_name": "齿轮泵", "quantity": "100"})
    review = ContractReview.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == reverse("contracts:detail", args=[review.pk])
    assert review.mode == "branch"
    page = client.get(reverse("contracts:detail", args=[review.pk])).content.decode()
    assert 'id="transition-submit"' in page
    client.post(reverse("contracts:transition", args=[review.pk, "submit"]), {"version": review.version})
    review.refresh_from_db()
    assert review.status == ReviewStatus.REVIEWING


def test_a_refused_form_keeps_what_was_typed_and_names_the_field(client, people):
    client.force_login(people[Role.SALESPERSON])
    CustomerFactory(company=people.company, code="C901")
    response = client.post(reverse("contracts:create"), {
        "review_type": "tender", "customer": "C901", "title": "泵站招标", "received_on": "2026-05-11",
        "currency": "EUR", "amount": "100.00", "product_name": "齿轮泵"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "exchange_rate" in form.errors
    assert form["title"].value() == "泵站招标"


def test_a_refusal_reads_the_same_on_the_page_and_in_the_api(client, people, api):
    review = act(new_review(people), "submit", people[Role.SALESPERSON])
    qa = people[Role.QA]
    review = act(review, "sign_off", qa, answer=Answer.CAN)
    client.force_login(qa)
    page = client.post(reverse("contracts:transition", args=[review.pk, "sign_off"]), {"sign_off-answer": "can"},
                       follow=True).content.decode()
    with translation.override("zh-hans"):
        want = gettext("Your department has no sign-off waiting on this review.")
    assert want in page
    response = api(qa).post(f"/api/v1/contracts/reviews/{review.pk}/transitions",
                            {"action": "sign_off", "inputs": {"answer": "can"}})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "answer"]
    with translation.override(qa.language or "zh-hans"):
        assert detail["msg"] == gettext("Your department has no sign-off waiting on this review.")


def test_outsiders_get_404_from_pages_and_api(client, people, outsider, api):
    review = new_review(people)
    client.force_login(outsider)
    assert client.get(reverse("contracts:detail", args=[review.pk])).status_code == 404
    assert client.get(reverse("contracts:printout", args=[review.pk])).status_code == 404
    assert client.post(reverse("contracts:transition", args=[review.pk, "submit"])).status_code == 404
    assert api(outsider).get(f"/api/v1/contracts/reviews/{review.pk}").status_code == 404
    assert api(outsider).post(f"/api/v1/contracts/reviews/{review.pk}/transitions",
                              {"action": "submit"}).status_code == 404
    assert api(outsider).get("/api/v1/contracts/reviews/").json()["count"] == 0


def test_a_role_without_the_permission_gets_403(client, people, api):
    after_sales = people[Role.AFTER_SALES]
    client.force_login(after_sales)
    assert client.get(reverse("contracts:index")).status_code == 403
    assert api(after_sales).get("/api/v1/contracts/reviews/").status_code == 403
    engineer = people[Role.ENGINEERING]
    assert api(engineer).post("/api/v1/contracts/reviews/", {"customer_id": 1}).status_code == 403


def test_the_api_runs_the_whole_review(people, api):
    customer = CustomerFactory(company=people.company)
    sales = people[Role.SALESPERSON]
    response = api(sales).post("/api/v1/contracts/reviews/", {
        "review_type": "foreign_trade", "customer_id": customer.pk, "title": "出口合同", "received_on": "2026-05-11",
        "currency": "CNY", "amount": "120000.00", "product_name": "齿轮泵"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["mode"], data["amount"]) == ("central", "120000.00")
    pk = data["id"]
    assert api(sales).post(f"/api/v1/contracts/reviews/{pk}/transitions", {"action": "submit"}).status_code == 200
    for role in (Role.ENGINEERING, Role.PURCHASING, Role.PRODUCTION, Role.QA, Role.FINANCE, Role.SALESPERSON):
        r = api(people[role]).post(f"/api/v1/contracts/reviews/{pk}/transitions",
                                   {"action": "sign_off", "inputs": {"answer": "can", "comment": "可满足"}})
        assert r.status_code == 200, r.content
    assert api(sales).post(f"/api/v1/contracts/reviews/{pk}/transitions", {"action": "accept"}).status_code == 200
    r = api(people[Role.GM]).post(f"/api/v1/contracts/reviews/{pk}/transitions", {"action": "approve"})
    assert r.json()["status"] == "accepted"
    ledger = api(sales).get("/api/v1/contracts/ledger/").json()
    assert [row["id"] for row in ledger["items"]] == [pk]


def test_the_list_exports_to_excel_and_the_ledger_shows_accepted_ones(client, people):
    review = new_review(people)
    accepted = act(act(sign_all(act(new_review(people, title="已批准合同"), "submit", people[Role.SALESPERSON]),
                                people), "accept", people[Role.SALESPERSON]), "approve", people[Role.GM])
    client.force_login(people[Role.SALESPERSON])
    response = client.get(reverse("contracts:index") + "?open=&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    numbers = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert numbers == sorted([review.number, accepted.number])
    page = client.get(reverse("contracts:ledger")).content.decode()
    assert accepted.number in page and f">{review.number}<" not in page


def test_the_review_record_and_change_notice_print_as_pdf(client, people):
    from kesu.contracts import services

    review = act(act(sign_all(act(new_review(people), "submit", people[Role.SALESPERSON]), people), "accept",
                     people[Role.SALESPERSON]), "approve", people[Role.GM])
    notice = services.notice_create(actor=people[Role.SALESPERSON], review=review, description="数量增至 600",
                                    new_values={"quantity": Decimal("600")}, affected=[Dept.PRODUCTION],
                                    concerned=[Dept.PRODUCTION, Dept.QA])
    client.force_login(people[Role.QA])
    for url in (reverse("contracts:printout", args=[review.pk]), reverse("contracts:notice_printout",
                                                                         args=[notice.pk])):
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(reverse("contracts:notice", args=[notice.pk])).status_code == 200
