"""Excel import and export of master-data resources (kesu.core.importexport), through the customer resources."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kesu.core.importexport import ImportError_, import_xlsx
from kesu.core.models import AuditEntry, ImportJob
from kesu.customers import resources
from kesu.customers.models import Contact, ContractLine, Customer, Shipment
from kesu.customers.tests.factories import (
    ContractFactory,
    ContractLineFactory,
    CustomerFactory,
    PartFactory,
    ShipmentFactory,
)

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list], name: str = "data.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return SimpleUploadedFile(name, data.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def read(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


CUSTOMERS = [
    ["code", "name", "short_name", "customer_type", "status", "importance"],
    ["KH-001", "无锡华东汽车配件有限公司", "华东配件", "oem", "existing", "a"],
    ["KH-002", "杭州西湖电器有限公司", "西湖电器", "distributor", "potential", "b"],
]


def test_importing_creates_every_row_and_records_the_job(salesperson, company_a):
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx(CUSTOMERS))
    assert (job.status, job.rows_total, job.rows_created) == ("done", 2, 2)
    assert set(Customer.objects.filter(company=company_a).values_list("code", flat=True)) == {"KH-001", "KH-002"}
    assert ImportJob.objects.get(pk=job.pk).created_by == salesperson
    entry = AuditEntry.objects.filter(content_type__model="customer").first()
    assert (entry.source, entry.actor_id) == ("import", salesperson.pk)


def test_reimporting_the_same_file_duplicates_nothing_and_counts_the_rows_unchanged(salesperson):
    import_xlsx(resources.customer, actor=salesperson, upload=xlsx(CUSTOMERS))
    again = import_xlsx(resources.customer, actor=salesperson, upload=xlsx(CUSTOMERS))
    assert (again.status, again.rows_created, again.rows_updated, again.rows_unchanged) == ("done", 0, 0, 2)
    assert Customer.objects.count() == 2


def test_a_changed_row_updates_the_record_and_the_trail_shows_old_and_new(salesperson):
    import_xlsx(resources.customer, actor=salesperson, upload=xlsx(CUSTOMERS))
    changed = [CUSTOMERS[0], CUSTOMERS[1], [*CUSTOMERS[2][:2], "西湖新简称", *CUSTOMERS[2][3:]]]
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx(changed))
    assert (job.rows_updated, job.rows_unchanged) == (1, 1)
    customer = Customer.objects.get(code="KH-002")
    entry = AuditEntry.objects.filter(object_id=str(customer.pk), action="update").get()
    assert entry.changes["short_name"] == ["西湖电器", "西湖新简称"]


def test_headers_may_be_labels_in_any_language_and_choices_their_labels(salesperson):
    rows = [["客户代码", "全称", "Type", "status"], ["KH-100", "宁波港机有限公司", "Distributor", "Potential"]]
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx(rows))
    assert job.status == "done", job.errors
    customer = Customer.objects.get(code="KH-100")
    assert (customer.customer_type, customer.status) == ("distributor", "potential")


def test_one_bad_row_saves_nothing_and_the_report_names_row_and_field(login, salesperson):
    rows = [*CUSTOMERS, ["KH-003", "", "", "oem", "existing", "z"]]
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx(rows))
    assert job.status == "rejected"
    assert Customer.objects.count() == 0
    assert not AuditEntry.objects.filter(content_type__model="customer").exists()  # rolled back with the rows
    fields = {(e["row"], e["field"]) for e in job.errors["rows"]}
    assert {row for row, _field in fields} == {4}
    assert len(fields) == 2  # the empty name and the unknown importance
    report = read(login(salesperson).get(reverse("customers:customer_import_report", args=[job.pk])))
    assert report[0][3:] == tuple(CUSTOMERS[0])
    assert {line[0] for line in report[1:]} == {4}
    assert {line[3:] for line in report[1:]} == {("KH-003", None, None, "oem", "existing", "z")}
    assert str(Customer._meta.get_field("importance").verbose_name) in {line[1] for line in report[1:]}


def test_the_report_itself_imports_once_its_rows_are_fixed(login, salesperson):
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx([*CUSTOMERS[:2], ["KH-003", ""]]))
    report = read(login(salesperson).get(reverse("customers:customer_import_report", args=[job.pk])))
    fixed = [list(report[0]), [*report[1][:3], "KH-003", "重新填好的名称"]]
    again = import_xlsx(resources.customer, actor=salesperson, upload=xlsx(fixed))
    assert (again.status, again.rows_created) == ("done", 1), again.errors


def test_a_code_twice_in_one_file_is_refused(salesperson):
    rows = [CUSTOMERS[0], CUSTOMERS[1], CUSTOMERS[1]]
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx(rows))
    assert job.status == "rejected"
    assert [e["row"] for e in job.errors["rows"]] == [3]
    assert not Customer.objects.exists()


def test_a_negative_quantity_in_a_shipment_file_is_refused_naming_the_field(salesperson, company_a):
    customer = CustomerFactory(company=company_a, code="KH-9")
    part = PartFactory(company=company_a, part_no="P-9")
    rows = [["delivery_no", "line_no", "customer", "part", "quantity", "ship_date"],
            ["FH-1", 1, customer.code, part.part_no, 10, "2026-05-01"],
            ["FH-1", 2, customer.code, part.part_no, -5, "2026-05-01"]]
    job = import_xlsx(resources.shipment, actor=salesperson, upload=xlsx(rows))
    assert job.status == "rejected"
    assert [(e["row"], e["field"]) for e in job.errors["rows"]] == [(3, str(Shipment._meta.get_field("quantity").verbose_name))]
    assert not Shipment.objects.exists()


def test_shipments_import_with_their_contract_line_and_reimport_unchanged(salesperson, company_a):
    line = ContractLineFactory(contract__customer__company=company_a, contract__number="HT-1", line_no=1)
    rows = [["delivery_no", "line_no", "customer", "contract_line", "part", "quantity", "ship_date", "is_split"],
            ["FH-2", 1, line.contract.customer.code, "HT-1/1", line.part.part_no, 10, "2026-05-01", "是"]]
    first = import_xlsx(resources.shipment, actor=salesperson, upload=xlsx(rows))
    assert first.status == "done", first.errors
    shipment = Shipment.objects.get()
    assert (shipment.contract_line, shipment.is_split) == (line, True)
    again = import_xlsx(resources.shipment, actor=salesperson, upload=xlsx(rows))
    assert (again.rows_created, again.rows_unchanged) == (0, 1)


def test_contacts_are_matched_on_their_customer_code_and_name(salesperson, company_a):
    customer = CustomerFactory(company=company_a, code="KH-C")
    rows = [["customer", "name", "phone"], ["KH-C", "刘工", "0512-1234"]]
    assert import_xlsx(resources.contact, actor=salesperson, upload=xlsx(rows)).status == "done"
    again = import_xlsx(resources.contact, actor=salesperson, upload=xlsx([rows[0], ["KH-C", "刘工", "0512-9999"]]))
    assert (again.status, again.rows_created, again.rows_updated) == ("done", 0, 1), again.errors
    assert Contact.objects.get(customer=customer).phone == "0512-9999"


def test_contract_lines_are_matched_on_contract_number_and_line(salesperson, company_a):
    contract = ContractFactory(customer__company=company_a, number="HT-L")
    part = PartFactory(company=company_a, part_no="P-L")
    rows = [["contract", "line_no", "part", "quantity"], ["HT-L", 1, "P-L", 5], ["HT-L", 2, "P-L", 7]]
    assert import_xlsx(resources.contract_line, actor=salesperson, upload=xlsx(rows)).status == "done"
    again = import_xlsx(resources.contract_line, actor=salesperson, upload=xlsx(rows))
    assert (again.status, again.rows_unchanged) == ("done", 2), again.errors
    assert ContractLine.objects.filter(contract=contract, part=part).count() == 2


def test_codes_of_another_company_are_unknown_not_linked(outsider, company_a):
    CustomerFactory(company=company_a, code="KH-A")
    rows = [["customer", "name"], ["KH-A", "偷链"]]
    job = import_xlsx(resources.contact, actor=outsider, upload=xlsx(rows))
    assert job.status == "rejected"
    assert "KH-A" in job.errors["rows"][0]["message"]
    assert not Contact.objects.exists()


def test_an_outsiders_file_with_the_same_code_creates_its_own_record(outsider, company_a, company_b):
    theirs = CustomerFactory(company=company_a, code="KH-001", name="甲的客户")
    assert import_xlsx(resources.customer, actor=outsider, upload=xlsx(CUSTOMERS)).status == "done"
    theirs.refresh_from_db()
    assert theirs.name == "甲的客户"
    assert Customer.objects.filter(company=company_b, code="KH-001").exists()


@pytest.mark.parametrize(("upload", "message"), [
    (None, "xlsx"),
    (SimpleUploadedFile("data.csv", b"code,name\n"), "xlsx"),
    (SimpleUploadedFile("data.xlsx", b"not a zip at all"), "xlsx"),
])
def test_a_file_that_is_not_xlsx_is_refused(salesperson, upload, message):
    with pytest.raises(ImportError_, match=message):
        import_xlsx(resources.customer, actor=salesperson, upload=upload)


def test_an_unknown_column_is_refused_naming_it(salesperson):
    with pytest.raises(ImportError_, match="colour"):
        import_xlsx(resources.customer, actor=salesperson, upload=xlsx([["code", "name", "colour"], ["K", "N", "red"]]))


def test_a_file_without_the_key_column_is_refused(salesperson):
    with pytest.raises(ImportError_):
        import_xlsx(resources.customer, actor=salesperson, upload=xlsx([["name"], ["某公司"]]))


@override_settings(KESU_IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused(salesperson):
    with pytest.raises(ImportError_):
        import_xlsx(resources.customer, actor=salesperson, upload=xlsx([*CUSTOMERS] * 50))


@override_settings(KESU_IMPORT_MAX_ROWS=2)
def test_a_file_over_the_row_limit_is_refused(salesperson):
    rows = [CUSTOMERS[0], *[[f"K{i}", "某公司"] for i in range(3)]]
    with pytest.raises(ImportError_, match="2"):
        import_xlsx(resources.customer, actor=salesperson, upload=xlsx(rows))
    assert not Customer.objects.exists()


def test_a_twenty_megabyte_cell_is_refused_naming_the_field(salesperson):
    rows = [["code", "name"], ["KH-BIG", "名" * 40_000]]
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx(rows))
    assert job.status == "rejected"
    assert job.errors["rows"][0]["field"] == str(Customer._meta.get_field("name").verbose_name)
    assert not Customer.objects.exists()


def test_the_import_page_shows_the_outcome_and_the_report_link(login, salesperson):
    client = login(salesperson)
    bad = [*CUSTOMERS, ["KH-003", ""]]
    body = client.post(reverse("customers:customer_import"), {"file": xlsx(bad)}).content.decode()
    assert 'id="import-report"' in body
    body = client.post(reverse("customers:customer_import"), {"file": xlsx(CUSTOMERS)}).content.decode()
    assert 'id="import-result"' in body and Customer.objects.count() == 2
    assert body.count("data.xlsx") == 2  # both attempts are listed as recent imports


def test_a_qa_engineer_may_not_import_customers(login, qa_engineer):
    response = login(qa_engineer).post(reverse("customers:customer_import"), {"file": xlsx(CUSTOMERS)})
    assert response.status_code == 403
    assert not Customer.objects.exists()


def test_only_the_importer_downloads_the_report(login, salesperson, make_user, outsider):
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx([*CUSTOMERS, ["K", ""]]))
    url = reverse("customers:customer_import_report", args=[job.pk])
    assert login(outsider).get(url).status_code == 404
    assert login(make_user(username="colleague")).get(url).status_code == 404


def test_the_export_holds_exactly_the_filtered_list(login, salesperson, company_a, company_b):
    CustomerFactory(company=company_a, code="KH-L", status="lost", name="流失客户")
    CustomerFactory(company=company_a, code="KH-E", status="existing")
    CustomerFactory(company=company_b, code="KH-B", status="lost")
    rows = read(login(salesperson).get(reverse("customers:customer_export"), {"status": "lost"}))
    assert rows[0][0] == str(Customer._meta.get_field("code").verbose_name)
    assert [r[0] for r in rows[1:]] == ["KH-L"]


def test_the_export_searches_like_the_list(login, salesperson, company_a):
    CustomerFactory(company=company_a, code="KH-1", name="无锡华东汽车配件有限公司")
    CustomerFactory(company=company_a, code="KH-2", name="杭州西湖电器有限公司")
    rows = read(login(salesperson).get(reverse("customers:customer_export"), {"q": "西湖"}))
    assert [r[0] for r in rows[1:]] == ["KH-2"]


def test_an_exported_file_imports_back_unchanged(login, salesperson, company_a):
    line = ContractLineFactory(contract__customer__company=company_a)
    ShipmentFactory(customer=line.contract.customer, part=line.part, contract_line=line, is_split=True)
    client = login(salesperson)
    content = b"".join(client.get(reverse("customers:shipment_export")).streaming_content)
    job = import_xlsx(resources.shipment, actor=salesperson, upload=SimpleUploadedFile("back.xlsx", content))
    assert (job.status, job.rows_unchanged) == ("done", 1), job.errors


def test_an_export_opens_with_a_frozen_filtered_header_fitted_columns_and_formatted_values(salesperson):
    """Issue 17 §12: what people expect when they open an export in Excel or WPS."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from kesu.core.context import acting_as
    from kesu.core.importexport import write_xlsx

    salesperson.company.short_name = "丰源"
    salesperson.company.save()
    received = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30))
    with acting_as(salesperson, "web"):
        handle = write_xlsx("客诉", ["编号", "客户", "金额", "受理时间", "日期"], [
            ["FY-1", "泰越动力科技有限公司", Decimal("12345.5"), received, datetime.date(2026, 3, 2)],
            ["FY-2", "x" * 200, None, None, None],
        ])
    book = load_workbook(handle)
    sheet = book.active
    assert sheet.title == "丰源 客诉"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    # 泰越动力科技有限公司: ten wide characters = 20, plus 2; the 200-character text is capped at 60 + 2.
    assert sheet.column_dimensions["B"].width == 62
    assert sheet.column_dimensions["A"].width == 6
    assert [cell.number_format for cell in sheet[2]] == [
        "General", "General", "#,##0.00", "yyyy-mm-dd hh:mm", "yyyy-mm-dd"]
    assert sheet["C2"].value == 12345.5
    assert sheet["D2"].value == datetime.datetime(2026, 3, 2, 9, 30)
    assert sheet["A1"].font.b is True
