"""Every page of customer property renders for its users; the forms keep what was typed when refused; the
outputs (Excel, PDF) and the all-or-nothing import."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import CustomerFactory, PartFactory
from kesu.property import services
from kesu.property.models import PropertyItem
from kesu.property.tests.factories import new_item, new_loan, with_contact

pytestmark = pytest.mark.django_db
R = Role


@pytest.fixture
def people(company_a):
    return People(company_a)


def _pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    # Table cells wrap: the text is compared without its line breaks.
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace("\n", "")


def test_every_page_renders(people, client):
    item = new_item(people)
    loan = new_loan(people, item)
    report = services.damage_report(actor=people[R.PRODUCTION], item=item, data={
        "kind": "damaged", "description": "跌落", "happened_on": datetime.date(2026, 12, 1)})
    part = PartFactory(company=people.company, customer=item.customer)
    document = services.document_register(
        actor=people[R.ENGINEERING], company=people.company,
        data={"number": "DWG-1", "kind": "drawing", "customer": item.customer, "title": "前盖"},
        revision="A", received_on=datetime.date(2026, 11, 2), parts=[part])
    check = services.inventory_start(actor=people[R.SALESPERSON], company=people.company, year=2026)
    client.force_login(people[R.SALESPERSON])
    for url in (reverse("property:index"), reverse("property:item_create"), reverse("property:item_detail", args=[item.pk]),
                reverse("property:item_edit", args=[item.pk]), reverse("property:loan_list"),
                reverse("property:loan_detail", args=[loan.pk]), reverse("property:damage_list"),
                reverse("property:damage_detail", args=[report.pk]), reverse("property:document_list"),
                reverse("property:document_detail", args=[document.pk]), reverse("property:inventory_list"),
                reverse("property:inventory_detail", args=[check.pk]), reverse("property:item_import"),
                reverse("customers:part_detail", args=[part.pk]),
                reverse("customers:customer_detail", args=[item.customer.pk])):
        assert client.get(url).status_code == 200, url
    part_page = client.get(reverse("customers:part_detail", args=[part.pk])).content.decode()
    assert 'id="property-drawings-panel"' in part_page and "DWG-1" in part_page
    customer_page = client.get(reverse("customers:customer_detail", args=[item.customer.pk])).content.decode()
    assert 'id="property-customer-panel"' in customer_page and item.number in customer_page


def test_a_refused_registration_keeps_what_was_typed(people, client):
    customer = CustomerFactory(company=people.company)
    people[R.PRODUCTION]
    client.force_login(people[R.SALESPERSON])
    response = client.post(reverse("property:item_create"), {
        "customer": customer.code, "item_type": "tooling", "description": "后盖模具", "quantity": "1", "unit": "套",
        "received_on": "2026-12-01", "confidentiality": "normal", "terms": "return_by"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "return_by" in form.errors
    assert form["description"].value() == "后盖模具"
    assert not PropertyItem.objects.exists()


def test_the_ledger_exports_to_excel_and_prints(people, client):
    item = new_item(people)
    client.force_login(people[R.SALESPERSON])
    response = client.get(reverse("property:index"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[2]][0] == item.number
    pdf = client.get(reverse("property:index"), {"format": "pdf"})
    text = _pdf_text(pdf)
    assert "顾客财产台帐" in text and item.number in text


def test_the_loan_slip_and_the_notice_in_the_customers_language(people, client):
    item = new_item(people)
    with_contact(item.customer, language="en")
    loan = new_loan(people, item)
    report = services.damage_report(actor=people[R.PRODUCTION], item=item, data={
        "kind": "damaged", "description": "dropped", "happened_on": datetime.date(2026, 12, 1)})
    assert report.notice_language == "en"
    client.force_login(people[R.SALESPERSON])
    slip = _pdf_text(client.get(reverse("property:loan_slip", args=[loan.pk])))
    assert "顾客财产借用单" in slip and loan.number in slip
    notice = _pdf_text(client.get(reverse("property:damage_notice", args=[report.pk])))
    assert report.number in notice and "Notice of damage or loss of customer property" in notice


def _xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("ledger.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_an_import_takes_every_row_or_none_reporting_each_refused_row(people, client):
    customer = CustomerFactory(company=people.company, code="C001")
    people[R.PRODUCTION], people[R.QA]
    client.force_login(people[R.SALESPERSON])
    header = ["customer", "item_type", "description", "received_on", "terms"]
    bad = _xlsx([header, ["C001", "sample", "样件 A", "2026-11-01", "keep"],
                 ["C999", "sample", "样件 B", "2026-11-01", "keep"],
                 ["C001", "gauge", "检具", "2026-11-01", "return_by"]])
    response = client.post(reverse("property:item_import"), {"file": bad})
    errors = response.context["result"].errors
    assert sorted((e["row"], e["field"]) for e in errors) == [(3, "customer"), (4, "return_by")]
    assert not PropertyItem.objects.exists()
    good = _xlsx([header, ["C001", "sample", "样件 A", "2026-11-01", "keep"],
                  ["C001", "Gauge or measuring equipment", "检具", "2026-11-01", "keep"]])
    response = client.post(reverse("property:item_import"), {"file": good})
    assert response.status_code == 302
    assert sorted(PropertyItem.objects.filter(customer=customer).values_list("item_type", flat=True)) == [
        "gauge", "sample"]


def test_the_drawing_register_prints_and_exports(people, client):
    item = new_item(people, item_type="drawing")
    services.document_register(actor=people[R.ENGINEERING], company=people.company,
                                data={"number": "DWG-55", "kind": "drawing", "customer": item.customer, "title": "壳体"},
                                revision="A", received_on=datetime.date(2026, 11, 2))
    client.force_login(people[R.ENGINEERING])
    text = _pdf_text(client.get(reverse("property:document_list"), {"format": "pdf"}))
    assert "外来图纸及文件登记记录表" in text and "DWG-55" in text
    response = client.get(reverse("property:document_list"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[2]][:1] == ["DWG-55"]


def test_the_api_registers_lists_and_changes_items_with_the_services_rules(people, api):
    customer = CustomerFactory(company=people.company, owner=people[R.SALESPERSON])
    people[R.PRODUCTION]
    body = {"customer_id": customer.pk, "item_type": "sample", "description": "限度样件", "received_on": "2026-12-01",
            "terms": "return_by"}
    refused = api(people[R.SALESPERSON]).post("/api/v1/property/items", body)
    assert (refused.status_code, refused.json()["detail"][0]["loc"]) == (422, ["body", "return_by"])
    created = api(people[R.SALESPERSON]).post("/api/v1/property/items", {**body, "return_by": "2027-01-15"})
    assert created.status_code == 201
    item = created.json()
    assert (item["status"], item["keeper_department_id"]) == ("received", people[R.PRODUCTION].department_id)
    listed = api(people[R.PRODUCTION]).get("/api/v1/property/items", customer_code=customer.code).json()
    assert [row["id"] for row in listed["items"]] == [item["id"]]
    changed = api(people[R.PRODUCTION]).patch(f"/api/v1/property/items/{item['id']}",
                                              {"location": "样品柜 B-2", "expected_version": item["version"]})
    assert (changed.status_code, changed.json()["location"]) == (200, "样品柜 B-2")
    stale = api(people[R.PRODUCTION]).patch(f"/api/v1/property/items/{item['id']}",
                                            {"location": "x", "expected_version": item["version"]})
    assert stale.status_code == 422


def test_the_admin_lists_every_model_of_the_module(people, client, django_user_model):
    new_loan(people)
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x-pass-1")
    client.force_login(admin)
    for name in ("propertysettings", "propertyitem", "loan", "damagereport", "externaldocument", "controlledcopy",
                 "inventorycheck"):
        assert client.get(reverse(f"admin:property_{name}_changelist")).status_code == 200, name
    item = PropertyItem.objects.get()
    assert client.get(reverse("admin:property_propertyitem_change", args=[item.pk])).status_code == 200


@pytest.mark.parametrize("url_name", ["property:index", "property:loan_list", "property:damage_list",
                                      "property:document_list"])
def test_list_pages_read_in_a_fixed_number_of_queries(people, client, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow():
        item = new_item(people, item_type="drawing")
        new_loan(people, item)
        services.damage_report(actor=people[R.PRODUCTION], item=item, data={
            "kind": "damaged", "description": "x", "happened_on": datetime.date(2026, 12, 1)})
        services.document_register(actor=people[R.ENGINEERING], company=people.company, data={
            "number": f"D-{item.pk}", "kind": "drawing", "customer": item.customer, "title": "t"},
            revision="A", received_on=datetime.date(2026, 11, 2))

    client.force_login(people[R.SALESPERSON])
    grow()
    client.get(reverse(url_name))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(url_name))
    for _ in range(4):
        grow()
    with CaptureQueriesContext(connection) as five:
        client.get(reverse(url_name))
    assert len(five) == len(one)
