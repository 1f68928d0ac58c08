"""Customer master data through the web pages: list, search, filters, detail, create, edit, delete."""

import pytest
from django.urls import reverse

from kesu.core.models import AuditEntry
from kesu.customers.models import Customer, Shipment

from .factories import ContractLineFactory, CustomerFactory, PartFactory, ShipmentFactory

pytestmark = pytest.mark.django_db


def test_a_salesperson_creates_a_customer_in_their_company(login, salesperson, company_a):
    client = login(salesperson)
    response = client.post(reverse("customers:customer_create"), {
        "company": company_a.pk, "code": "KH-001", "name": "无锡华东汽车配件有限公司", "short_name": "华东配件",
        "customer_type": "oem", "status": "existing", "importance": "a",
    })
    customer = Customer.objects.get(code="KH-001")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer_detail", args=[customer.pk])
    assert customer.company == company_a
    entry = AuditEntry.objects.get(object_id=str(customer.pk), content_type__model="customer")
    assert (entry.action, entry.actor_id, entry.source) == ("create", salesperson.pk, "web")


def test_the_list_finds_a_customer_by_a_chinese_name_fragment(login, salesperson, company_a):
    CustomerFactory(company=company_a, name="无锡华东汽车配件有限公司", region="江苏")
    CustomerFactory(company=company_a, name="杭州西湖电器有限公司", region="浙江")
    body = login(salesperson).get(reverse("customers:customer_list"), {"q": "华东"}).content.decode()
    assert "无锡华东汽车配件有限公司" in body
    assert "杭州西湖电器有限公司" not in body


def test_the_list_filters_by_status(login, salesperson, company_a):
    CustomerFactory(company=company_a, name="潜在甲", status="potential")
    CustomerFactory(company=company_a, name="现有乙", status="existing")
    body = login(salesperson).get(reverse("customers:customer_list"), {"status": "potential"}).content.decode()
    assert "潜在甲" in body and "现有乙" not in body


def test_the_list_paginates(login, salesperson, company_a):
    for _ in range(55):
        CustomerFactory(company=company_a)
    client = login(salesperson)
    first = client.get(reverse("customers:customer_list"))
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("customers:customer_list"), {"page": 2})
    assert len(second.context["rows"]) == 5


def test_a_duplicate_code_is_refused_naming_the_field(login, salesperson, company_a):
    CustomerFactory(company=company_a, code="KH-DUP")
    response = login(salesperson).post(reverse("customers:customer_create"), {
        "company": company_a.pk, "code": "KH-DUP", "name": "重复", "customer_type": "oem", "status": "existing",
        "importance": "b",
    })
    assert response.status_code == 200
    assert "客户代码" in response.content.decode() or "customer code" in response.content.decode().lower()
    assert Customer.objects.filter(code="KH-DUP").count() == 1


def test_the_same_code_may_exist_in_another_company(company_a, company_b):
    CustomerFactory(company=company_a, code="KH-SAME")
    CustomerFactory(company=company_b, code="KH-SAME")
    assert Customer.objects.filter(code="KH-SAME").count() == 2


def test_a_negative_quantity_is_refused_naming_the_field(login, salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    part = PartFactory(company=company_a)
    response = login(salesperson).post(reverse("customers:shipment_create"), {
        "company": company_a.pk, "delivery_no": "SH-NEG", "line_no": 1, "customer": customer.pk, "part": part.pk,
        "quantity": -5, "ship_date": "2026-05-01", "extra_freight_cost": "0", "currency": "CNY",
    })
    assert response.status_code == 200
    assert "quantity" in response.context["form"].errors
    assert not Shipment.objects.filter(delivery_no="SH-NEG").exists()


def test_a_twenty_megabyte_name_is_refused_naming_the_field(login, salesperson, company_a):
    response = login(salesperson).post(reverse("customers:customer_create"), {
        "company": company_a.pk, "code": "KH-BIG", "name": "名" * (20 * 1024 * 1024 // 3), "customer_type": "oem",
        "status": "existing", "importance": "b",
    })
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Customer.objects.filter(code="KH-BIG").exists()


def test_a_shipment_is_linked_by_contract_number_and_line(login, salesperson, company_a):
    line = ContractLineFactory(contract__customer__company=company_a, line_no=1)
    response = login(salesperson).post(reverse("customers:shipment_create"), {
        "company": company_a.pk, "delivery_no": "SH-LINK", "line_no": 1, "customer": line.contract.customer.pk,
        "part": line.part.pk, "contract_line": f"{line.contract.number}/1", "quantity": 10,
        "ship_date": "2026-05-01", "extra_freight_cost": "0", "currency": "CNY",
    })
    assert response.status_code == 302
    assert Shipment.objects.get(delivery_no="SH-LINK").contract_line == line


def test_a_receipt_before_shipping_is_refused(login, salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    part = PartFactory(company=company_a)
    response = login(salesperson).post(reverse("customers:shipment_create"), {
        "company": company_a.pk, "delivery_no": "SH-EARLY", "line_no": 1, "customer": customer.pk, "part": part.pk,
        "quantity": 5, "ship_date": "2026-05-10", "receipt_date": "2026-05-01", "extra_freight_cost": "0",
        "currency": "CNY",
    })
    assert "receipt_date" in response.context["form"].errors


def test_an_edit_shows_old_and_new_values_on_the_detail_page(login, salesperson, company_a):
    customer = CustomerFactory(company=company_a, short_name="旧简称")
    client = login(salesperson)
    response = client.post(reverse("customers:customer_edit", args=[customer.pk]), {
        "company": company_a.pk, "code": customer.code, "name": customer.name, "short_name": "新简称",
        "customer_type": "oem", "status": "existing", "importance": "b",
    })
    assert response.status_code == 302
    body = client.get(reverse("customers:customer_detail", args=[customer.pk])).content.decode()
    assert "旧简称" in body and "新简称" in body
    # The history names the person as colleagues know them, not by login name (issue 17 §3).
    history = body[body.index('id="audit-trail"'):]
    assert str(salesperson) in history


def test_a_qa_engineer_may_view_but_not_create_customers(login, qa_engineer):
    client = login(qa_engineer)
    assert client.get(reverse("customers:customer_list")).status_code == 200
    assert client.get(reverse("customers:customer_create")).status_code == 403


def test_only_the_sales_director_deletes_and_a_used_customer_is_protected(login, salesperson, sales_director,
                                                                           company_a):
    customer = CustomerFactory(company=company_a)
    ShipmentFactory(customer=customer, company=company_a, part=PartFactory(company=company_a))
    assert login(salesperson).post(reverse("customers:customer_delete", args=[customer.pk])).status_code == 403
    client = login(sales_director)
    response = client.post(reverse("customers:customer_delete", args=[customer.pk]), follow=True)
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert "不能删除" in response.content.decode() or "cannot be deleted" in response.content.decode()
    free = CustomerFactory(company=company_a)
    assert client.post(reverse("customers:customer_delete", args=[free.pk])).status_code == 302
    assert not Customer.objects.filter(pk=free.pk).exists()
