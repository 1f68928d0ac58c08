"""Every API list pages with one bounded page size and offset (issue 15 §5)."""

from __future__ import annotations

import pytest
from django.conf import settings

from kesu.api.main import api as ninja_api
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PAGED = ["/api/v1/customers", "/api/v1/complaints", "/api/v1/actions", "/api/v1/claims", "/api/v1/notifications",
         "/api/v1/reports/summary"]


def _paged_operations() -> list[tuple[str, str, dict]]:
    schema = ninja_api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
            if "limit" in params and "offset" in params:
                found.append((method, path, params))
    return found


def test_it_refuses_a_page_larger_than_the_maximum(api, salesperson, company_a):
    CustomerFactory(company=company_a)
    response = api(salesperson).get("/api/v1/customers", limit=1_000_000)
    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["detail"]] == [["query", "limit"]]


def test_it_serves_a_page_of_the_maximum_size(api, salesperson, company_a):
    CustomerFactory(company=company_a)
    response = api(salesperson).get("/api/v1/customers", limit=settings.KESU_API_MAX_PAGE_SIZE)
    assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.parametrize("path", PAGED)
def test_it_refuses_an_offset_beyond_the_database_integer_range(api, admin_user, path):
    response = api(admin_user).get(path, offset=2**63 + 1)
    assert response.status_code == 422, response.content
    assert ["query", "offset"] in [d["loc"] for d in response.json()["detail"]]


def test_every_paged_list_documents_its_bounds():
    operations = _paged_operations()
    assert len(operations) >= 15  # the lists of issue 15 §5, and more
    for method, path, params in operations:
        limit, offset = params["limit"]["schema"], params["offset"]["schema"]
        assert limit.get("maximum") == settings.KESU_API_MAX_PAGE_SIZE, (method, path, limit)
        assert limit.get("minimum") == 1 and offset.get("minimum") == 0, (method, path)
        assert offset.get("maximum", 2**63) < 2**63, (method, path, offset)
