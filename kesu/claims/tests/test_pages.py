"""Claim pages: the whole flow by form posts, refusals shown, money hidden from roles without money access."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.claims.choices import ClaimStatus
from kesu.claims.models import Claim, CostEntry
from kesu.complaints.tests.factories import create_complaint
from kesu.core.tests.panels import later_part
from kesu.customers.tests.factories import CustomerFactory, SupplierFactory

from .factories import bring_to, new_claim, pdf

pytestmark = pytest.mark.django_db


def _post(client, user, url, data, **extra):
    client.force_login(user)
    return client.post(url, data, **extra)


def test_a_salesperson_records_a_claim_from_a_complaint_with_items(client, people):
    sales = people[Role.SALESPERSON]
    complaint = create_complaint(sales)
    client.force_login(sales)
    page = client.get(reverse("claims:create") + f"?complaint={complaint.pk}")
    assert complaint.number in page.content.decode()
    response = client.post(reverse("claims:create"), {
        "complaint": complaint.number, "title": "外壳划伤索赔", "description": "要求赔偿", "received_on": "2026-05-11",
        "currency": "CNY", "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0",
        "items-1-quantity": "1",
        "items-0-kind": "replacement_parts", "items-0-description": "更换泵体", "items-0-quantity": "3",
        "items-0-unit_price": "1200.50", "items-1-kind": "", "items-1-unit_price": "",
    })
    claim = Claim.objects.get()
    assert response.status_code == 302 and response.url == reverse("claims:detail", args=[claim.pk])
    assert claim.customer_id == complaint.customer_id and claim.claimed_amount == Decimal("3601.50")
    assert claim.owner == sales


def test_the_create_form_names_the_missing_customer(client, people):
    client.force_login(people[Role.SALESPERSON])
    response = client.post(reverse("claims:create"), {"title": "x", "description": "y", "received_on": "2026-05-11",
                                                      "currency": "CNY", "items-TOTAL_FORMS": "0",
                                                      "items-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "请填写客户，或索赔所依据的投诉。" in response.content.decode()
    assert not Claim.objects.exists()


def test_a_refused_step_is_shown_with_its_message(client, people):
    claim = new_claim(people, documents=False)
    people[Role.SALESPERSON].language = "en"
    people[Role.SALESPERSON].save()
    response = _post(client, people[Role.SALESPERSON], reverse("claims:transition", args=[claim.pk, "submit"]),
                     {"submit-note": ""}, follow=True)
    assert "The claim is not complete; still missing:" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.COLLECTING


def test_documents_are_uploaded_checked_and_served_by_hash(client, people):
    claim = new_claim(people, documents=False)
    url = reverse("claims:document", args=[claim.pk])
    response = _post(client, people[Role.SALESPERSON], url, {"kind": "invoice", "file": pdf("发票.pdf")}, follow=True)
    assert "发票.pdf" in response.content.decode()
    document = claim.documents.get()
    download = client.get(reverse("claims:document_download", args=[claim.pk, document.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    response = client.post(url, {"kind": "photos", "file": SimpleUploadedFile("x.png", b"not a png")}, follow=True)
    assert "“x.png”" in response.content.decode()  # the refusal names the file (in the user's language)
    assert claim.documents.count() == 1


def test_the_flow_by_pages_to_payment(client, people):
    claim = bring_to(ClaimStatus.SETTLING, people)
    items = list(claim.items.order_by("id"))
    _post(client, people[Role.FINANCE], reverse("claims:settlement", args=[claim.pk]),
          {f"item_{items[0].pk}": "3000.00", f"item_{items[1].pk}": "1000.00"})
    response = client.post(reverse("claims:transition", args=[claim.pk, "settle"]), {
        "settle-settlement_method": "credit", "settle-settled_on": "2026-06-30", "settle-settlement_reference": "CN-1"},
        follow=True)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SETTLED, response.content.decode()[:2000]
    assert CostEntry.objects.filter(claim=claim).count() == 2


def test_the_meeting_form_takes_people_and_a_supplier(client, people):
    claim = bring_to(ClaimStatus.RESPONSIBILITY, people)
    supplier = SupplierFactory(company=people.company)
    attendees = [people[Role.PRODUCTION].pk, people[Role.QA].pk, people[Role.SALESPERSON].pk]
    response = _post(client, people[Role.GM], reverse("claims:transition", args=[claim.pk, "fix_responsibility"]), {
        "fix_responsibility-responsible_party": "supplier", "fix_responsibility-meeting_conclusion": "供应商电镀不良",
        "fix_responsibility-meeting_attendees": attendees, "fix_responsibility-supplier": supplier.code,
        "fix_responsibility-supplier_share": "50"}, follow=True)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SETTLING, response.content.decode()[:3000]
    assert claim.supplier == supplier and claim.meeting_attendees.count() == 3


def test_roles_without_money_see_no_amount_on_any_page(client, people):
    claim = bring_to(ClaimStatus.SETTLED, people)
    sc = claim.supplier_claims.get()
    amounts = ["4,501.50", "4501.50", "4000.00", "3601.50", "2400.00"]
    client.force_login(people[Role.QA])
    for url in [reverse("claims:list"), reverse("claims:detail", args=[claim.pk]),
                reverse("complaints:list"), reverse("claims:review"),
                reverse("claims:supplier_list"), reverse("claims:supplier_detail", args=[sc.pk])]:
        body = client.get(url).content.decode()
        for amount in amounts:
            assert amount not in body, (url, amount)
    for url in [reverse("claims:ledger"), reverse("claims:printout", args=[claim.pk]),
                reverse("claims:supplier_printout", args=[sc.pk]), reverse("claims:ledger") + "?format=xlsx"]:
        assert client.get(url).status_code == 403, url
    # The same pages show the amounts to the vice GM.
    client.force_login(people[Role.VICE_GM])
    assert "4501.50" in client.get(reverse("claims:detail", args=[claim.pk])).content.decode()


def test_the_claim_export_has_amount_columns_only_for_money_roles(client, people):
    bring_to(ClaimStatus.SETTLED, people)

    def columns(user):
        client.force_login(user)
        response = client.get(reverse("claims:list") + "?open=&format=xlsx")  # settled too: open only is the default
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return [c.value for c in sheet[1]], [c.value for c in sheet[2]]

    header, row = columns(people[Role.QA])
    assert "索赔金额" not in header and not any(str(v) in ("4501.5", "4501.50") for v in row)
    header, row = columns(people[Role.FINANCE])
    assert "索赔金额" in header
    assert Decimal(str(row[header.index("索赔金额")])) == Decimal("4501.50")


def test_purchasing_sees_supplier_amounts_but_not_the_customers_claim(client, people):
    claim = bring_to(ClaimStatus.SETTLED, people)
    sc = claim.supplier_claims.get()
    client.force_login(people[Role.PURCHASING])
    assert "2400.00" in client.get(reverse("claims:supplier_detail", args=[sc.pk])).content.decode()
    assert "4501.50" not in client.get(reverse("claims:detail", args=[claim.pk])).content.decode()


def test_the_supplier_charge_back_is_sent_agreed_and_recovered_into_the_ledger(client, people):
    claim = bring_to(ClaimStatus.SETTLED, people)
    sc = claim.supplier_claims.get()
    url = lambda name: reverse("claims:supplier_transition", args=[sc.pk, name])  # noqa: E731
    _post(client, people[Role.PURCHASING], url("send"), {})
    _post(client, people[Role.VICE_GM], url("agree"), {"agree-agreed_amount": "2000.00"})
    response = _post(client, people[Role.PURCHASING], url("recover"), {
        "recover-recovered_amount": "2000.00", "recover-recovered_on": "2026-07-15"}, follow=True)
    sc.refresh_from_db()
    assert sc.status == "recovered", response.content.decode()[:2000]
    client.force_login(people[Role.FINANCE])
    body = client.get(reverse("claims:ledger")).content.decode()
    assert "4000.00" in body and "2000.00" in body
    totals = client.get(reverse("claims:ledger")).context["totals"]
    assert (totals["gross"], totals["recovered"], totals["net"]) == (
        Decimal("4000.00"), Decimal("2000.00"), Decimal("2000.00"))


def test_a_cost_is_booked_by_hand_on_a_complaint(client, people):
    complaint = create_complaint(people[Role.SALESPERSON])
    response = _post(client, people[Role.FINANCE], reverse("claims:ledger_book"), {
        "complaint": complaint.number, "booked_on": "2026-05-20", "category": "extra_freight", "bearer": "salesperson",
        "salesperson": people[Role.SALESPERSON].pk, "currency": "CNY", "amount": "380.00", "description": "空运"},
        follow=True)
    entry = CostEntry.objects.get()
    assert entry.customer_id == complaint.customer_id and entry.amount_base == Decimal("380.00"), \
        response.content.decode()[:1000]
    assert entry.period == datetime.date(2026, 5, 1)
    complaint_page = later_part(client, reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "380.00" in complaint_page


def test_an_outsider_sees_nothing(client, people, outsider):
    claim = new_claim(people)
    client.force_login(outsider)
    assert client.get(reverse("claims:detail", args=[claim.pk])).status_code in (403, 404)
    outsider_claims = client.get(reverse("claims:list"))
    assert claim.number not in outsider_claims.content.decode()


def test_the_list_and_detail_pages_run_a_fixed_number_of_queries(client, people, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    claims = [new_claim(people, customer=CustomerFactory(company=people.company)) for _ in range(3)]
    client.force_login(people[Role.SALES_DIRECTOR])
    few = count(reverse("claims:list"))
    for _ in range(5):
        new_claim(people)
    assert count(reverse("claims:list")) == few
    small = count(reverse("claims:detail", args=[claims[0].pk]))
    big = new_claim(people, items=[{"kind": "labour", "unit_price": Decimal("10")}] * 8)
    assert count(reverse("claims:detail", args=[big.pk])) == small


def test_the_review_page_lists_the_claims_of_the_period(client, people):
    claim = bring_to(ClaimStatus.SETTLED, people, party="department")
    client.force_login(people[Role.GM])
    body = client.get(reverse("claims:review") + "?from=2026-01-01&to=2026-12-31").content.decode()
    assert claim.number in body and "我司某部门" in body and "4000.00" in body
