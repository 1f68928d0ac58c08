"""Excel import (all-or-nothing, row-by-row report, no duplicates on re-import) and export."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kesu.core.models import ImportJob
from kesu.customers.models import Customer, Shipment

from .factories import CustomerFactory, PartFactory

pytestmark = pytest.mark.django_db


def xlsx(rows, name="customers.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    data.name = name
    return data


def read(response):
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


GOOD = [
    ["客户代码", "全称", "简称", "类型", "状态", "重要度"],
    ["KH-101", "常州恒力机械有限公司", "恒力", "主机厂（OEM）", "现有顾客", "A（重点）"],
    ["KH-102", "佛山南海五金制品厂", "南海五金", "distributor", "potential", "c"],
]


def test_an_import_creates_every_row_and_a_reimport_duplicates_nothing(login, salesperson):
    client = login(salesperson)
    client.post(reverse("customers:customer_import"), {"file": xlsx(GOOD)})
    job = ImportJob.objects.get()
    assert (job.status, job.rows_created) == ("done", 2)
    assert Customer.objects.get(code="KH-102").customer_type == "distributor"
    client.post(reverse("customers:customer_import"), {"file": xlsx(GOOD)})
    second = ImportJob.objects.order_by("-id").first()
    assert (second.status, second.rows_created, second.rows_unchanged) == ("done", 0, 2)
    assert Customer.objects.filter(code__startswith="KH-10").count() == 2


def test_a_reimport_with_a_changed_cell_updates_that_record(login, salesperson):
    client = login(salesperson)
    client.post(reverse("customers:customer_import"), {"file": xlsx(GOOD)})
    changed = [row[:] for row in GOOD]
    changed[1][2] = "恒力机械"
    client.post(reverse("customers:customer_import"), {"file": xlsx(changed)})
    job = ImportJob.objects.order_by("-id").first()
    assert (job.rows_updated, job.rows_unchanged) == (1, 1)
    assert Customer.objects.get(code="KH-101").short_name == "恒力机械"


def test_one_bad_row_imports_nothing_and_the_report_names_row_and_field(login, salesperson):
    rows = [*GOOD, ["KH-103", "", "空名称", "oem", "existing", "b"], ["KH-104", "某公司", "", "火星", "existing", "b"]]
    client = login(salesperson)
    response = client.post(reverse("customers:customer_import"), {"file": xlsx(rows)})
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    assert job.rows_rejected == 2
    assert Customer.objects.count() == 0
    assert {(e["row"], e["field"]) for e in job.errors["rows"]} == {(4, "全称"), (5, "类型")}
    assert "火星" in response.content.decode()
    report = read(client.get(reverse("customers:customer_import_report", args=[job.pk])))
    assert report[0][:3] in {("行", "字段", "错误"), ("Row", "Field", "Error")}  # until the catalogue has them
    assert [r[0] for r in report[1:]] == [4, 5]
    assert "KH-104" in report[2]


def test_a_code_repeated_inside_the_file_is_reported(login, salesperson):
    rows = [*GOOD, ["KH-101", "又一个", "", "oem", "existing", "b"]]
    login(salesperson).post(reverse("customers:customer_import"), {"file": xlsx(rows)})
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    assert job.errors["rows"][0]["row"] == 4


def test_an_unknown_column_or_a_wrong_file_is_refused_clearly(login, salesperson):
    client = login(salesperson)
    response = client.post(reverse("customers:customer_import"), {"file": xlsx([["客户代码", "颜色"], ["K", "红"]])})
    assert "颜色" in response.content.decode()
    fake = io.BytesIO(b"not a workbook")
    fake.name = "evil.xlsx"
    response = client.post(reverse("customers:customer_import"), {"file": fake})
    assert "不是有效的" in response.content.decode() or "not a valid" in response.content.decode()
    text = io.BytesIO(b"code,name\n")
    text.name = "customers.csv"
    assert ".xlsx" in client.post(reverse("customers:customer_import"), {"file": text}).content.decode()
    assert not ImportJob.objects.exists()


def test_shipments_import_with_foreign_keys_by_code_and_a_negative_quantity_is_rejected(login, salesperson, company_a):
    CustomerFactory(company=company_a, code="KH-9")
    PartFactory(company=company_a, part_no="P-9")
    rows = [["delivery_no", "line_no", "customer", "part", "quantity", "ship_date"],
            ["SH-1", 1, "KH-9", "P-9", 100, "2026-03-01"],
            ["SH-1", 2, "KH-9", "P-404", 100, "2026-03-01"],
            ["SH-2", 1, "KH-9", "P-9", -5, "2026-03-01"]]
    login(salesperson).post(reverse("customers:shipment_import"), {"file": xlsx(rows, "s.xlsx")})
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    fields = {(e["row"], e["field"]) for e in job.errors["rows"]}
    assert (3, "零件") in fields and (4, "数量") in fields
    assert not Shipment.objects.exists()


def test_a_qa_engineer_cannot_import_customers(login, qa_engineer):
    assert login(qa_engineer).post(reverse("customers:customer_import"), {"file": xlsx(GOOD)}).status_code == 403


def test_the_export_contains_exactly_the_filtered_rows_and_reimports_cleanly(login, salesperson, company_a):
    CustomerFactory(company=company_a, code="E1", status="lost", name="流失顾客")
    CustomerFactory(company=company_a, code="E2", status="existing", name="现有顾客")
    client = login(salesperson)
    rows = read(client.get(reverse("customers:customer_export"), {"status": "lost"}))
    assert rows[0][0] == "客户代码"
    assert [r[0] for r in rows[1:]] == ["E1"]
    everything = read(client.get(reverse("customers:customer_export")))
    client.post(reverse("customers:customer_import"), {"file": xlsx([list(r) for r in everything])})
    job = ImportJob.objects.get()
    assert (job.status, job.rows_unchanged, job.rows_created) == ("done", 2, 0), job.errors
