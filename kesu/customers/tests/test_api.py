"""Customer master data through the REST API: the same rules as the pages."""

import pytest

from kesu.core.models import AuditEntry
from kesu.customers.models import Customer, Shipment

from .factories import CustomerFactory, PartFactory

pytestmark = pytest.mark.django_db


def test_a_salesperson_creates_lists_and_changes_a_customer(api, salesperson, company_a):
    caller = api(salesperson)
    created = caller.post("/api/v1/customers", {"code": "KH-API", "name": "苏州接口机电有限公司"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["company_id"] == company_a.pk
    assert body["customer_type"] == "oem"  # the model default, as on the page
    listed = caller.get("/api/v1/customers", q="接口").json()
    assert [item["code"] for item in listed["items"]] == ["KH-API"]
    changed = caller.patch(f"/api/v1/customers/{body['id']}", {"short_name": "接口机电"})
    assert changed.status_code == 200
    assert changed.json()["short_name"] == "接口机电"
    entry = AuditEntry.objects.filter(object_id=str(body["id"]), content_type__model="customer").order_by("id").last()
    assert (entry.source, entry.actor_id, entry.changes["short_name"]) == ("api", salesperson.pk, ["", "接口机电"])


def test_the_api_filters_like_the_page(api, salesperson, company_a):
    CustomerFactory(company=company_a, status="lost", code="LOST1")
    CustomerFactory(company=company_a, status="existing", code="OK1")
    items = api(salesperson).get("/api/v1/customers", status="lost").json()["items"]
    assert [i["code"] for i in items] == ["LOST1"]


def test_an_unknown_field_is_refused_not_dropped(api, salesperson):
    response = api(salesperson).post("/api/v1/customers", {"code": "KH-X", "name": "某公司", "colour": "red"})
    assert response.status_code == 422
    assert "colour" in str(response.json())
    assert not Customer.objects.filter(code="KH-X").exists()


def test_a_duplicate_code_is_refused_naming_the_field(api, salesperson, company_a):
    CustomerFactory(company=company_a, code="KH-D")
    response = api(salesperson).post("/api/v1/customers", {"code": "KH-D", "name": "重复"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "__all__" or "code" in str(response.json())


def test_a_negative_quantity_is_refused_naming_the_field(api, salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    part = PartFactory(company=company_a)
    response = api(salesperson).post("/api/v1/shipments", {
        "delivery_no": "SH-API", "customer_id": customer.pk, "part_id": part.pk, "quantity": -5,
        "ship_date": "2026-05-01",
    })
    assert response.status_code == 422
    assert [d["loc"][-1] for d in response.json()["detail"]] == ["quantity"]
    assert not Shipment.objects.filter(delivery_no="SH-API").exists()


def test_a_twenty_megabyte_name_is_refused_naming_the_field(api, salesperson):
    response = api(salesperson).post("/api/v1/customers", {"code": "KH-BIG", "name": "x" * (20 * 1024 * 1024)})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "name"
    assert not Customer.objects.filter(code="KH-BIG").exists()


def test_a_qa_engineer_cannot_create_or_delete_through_the_api(api, qa_engineer, company_a):
    customer = CustomerFactory(company=company_a)
    caller = api(qa_engineer)
    assert caller.get(f"/api/v1/customers/{customer.pk}").status_code == 200
    assert caller.post("/api/v1/customers", {"code": "Q", "name": "品保建的"}).status_code == 403
    assert caller.delete(f"/api/v1/customers/{customer.pk}").status_code == 403


def test_a_used_record_cannot_be_deleted_and_says_why(api, sales_director, company_a):
    from .factories import ShipmentFactory

    shipment = ShipmentFactory(customer__company=company_a)
    response = api(sales_director).delete(f"/api/v1/customers/{shipment.customer_id}")
    assert response.status_code == 422
    assert Customer.objects.filter(pk=shipment.customer_id).exists()


def test_the_openapi_document_describes_every_resource(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ["/api/v1/customers", "/api/v1/contacts", "/api/v1/parts", "/api/v1/contracts",
                 "/api/v1/contract-lines", "/api/v1/shipments", "/api/v1/suppliers", "/api/v1/me"]:
        assert path in schema["paths"], path
