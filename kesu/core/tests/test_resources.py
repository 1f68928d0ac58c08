"""The generic master-data machinery: resource declarations, pages, write services and the audit trail selector."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kesu.accounts.models import Position
from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import CompanyFactory
from kesu.core import services
from kesu.core.context import acting_as
from kesu.core.models import AuditEntry
from kesu.core.resources import urls_for
from kesu.core.selectors import audit_entries_for
from kesu.customers import resources
from kesu.customers.forms import CustomerForm
from kesu.customers.models import Customer
from kesu.customers.resources import ALL
from kesu.customers.tests.factories import (
    ContactFactory,
    ContractFactory,
    ContractLineFactory,
    CustomerFactory,
    PartFactory,
    ShipmentFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db

URL_ACTIONS = ["list", "create", "detail", "edit", "delete", "export", "import", "import_status", "import_report"]


def customer_data(company, **changes) -> dict:
    data = {"company": company.pk, "code": "KH-1", "name": "无锡华东汽车配件有限公司", "customer_type": "oem",
            "status": "existing", "importance": "b"}
    return {**data, **changes}


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
def test_every_resource_has_the_nine_named_pages(resource):
    names = {pattern.name for pattern in urls_for(resource)}
    assert names == {f"{resource.name}_{action}" for action in URL_ACTIONS}
    for action in ("list", "create", "export", "import"):
        assert reverse(f"customers:{resource.name}_{action}")
    for action in ("detail", "edit", "delete", "import_status", "import_report"):
        assert reverse(f"customers:{resource.name}_{action}", args=[1])


def test_search_matches_chinese_fragments_of_name_short_name_and_code(salesperson, company_a):
    CustomerFactory(company=company_a, code="KH-甲1", name="无锡华东汽车配件有限公司", short_name="华东配件")
    CustomerFactory(company=company_a, code="KH-2", name="杭州西湖电器有限公司", short_name="西湖", region="浙江")
    for term in ("华东", "配件", "甲1", "kh-甲"):
        qs, _filterset = resources.customer.filtered(salesperson, {"q": term})
        assert [c.code for c in qs] == ["KH-甲1"], term


def test_filters_offer_only_visible_companies_and_users(salesperson, company_a, company_b, outsider):
    _qs, filterset = resources.customer.filtered(salesperson, {})
    assert list(filterset.form.fields["company"].queryset) == [company_a]
    assert outsider not in filterset.form.fields["owner"].queryset


def test_a_filter_naming_another_companys_id_shows_nothing(salesperson, company_b):
    CustomerFactory(company=company_b)
    qs, filterset = resources.customer.filtered(salesperson, {"company": company_b.pk})
    assert not qs.exists()
    assert "company" in filterset.errors


def test_the_list_answers_htmx_with_the_rows_only(login, salesperson, company_a):
    CustomerFactory(company=company_a, name="华东")
    response = login(salesperson).get(reverse("customers:customer_list"), {"q": "华东"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="result-table"' in body and "<html" not in body


def test_the_list_page_carries_the_ids_the_browser_tests_use(login, salesperson):
    body = login(salesperson).get(reverse("customers:customer_list")).content.decode()
    for marker in ('id="new-customer"', 'id="filter-form"', 'name="q"', 'id="export-xlsx"'):
        assert marker in body


def test_the_form_page_has_the_save_button(login, salesperson):
    assert 'id="save"' in login(salesperson).get(reverse("customers:customer_create")).content.decode()


def test_user_input_is_escaped_on_list_and_detail(login, salesperson, company_a):
    customer = CustomerFactory(company=company_a, name="<script>alert(1)</script>")
    client = login(salesperson)
    for url in (reverse("customers:customer_list"), reverse("customers:customer_detail", args=[customer.pk])):
        body = client.get(url).content.decode()
        assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


# -- write services ---------------------------------------------------------

def test_record_create_saves_a_valid_form_and_the_trail_names_the_user(salesperson, company_a):
    form = CustomerForm(data=customer_data(company_a), user=salesperson)
    customer = services.record_create(actor=salesperson, form=form, source="api")
    entry = AuditEntry.objects.get(content_type__model="customer", object_id=str(customer.pk), action="create")
    assert (entry.actor, entry.source) == (salesperson, "api")


def test_record_create_refuses_an_invalid_form_and_saves_nothing(salesperson, company_a):
    form = CustomerForm(data=customer_data(company_a, name=""), user=salesperson)
    with pytest.raises(ValidationError) as raised:
        services.record_create(actor=salesperson, form=form)
    assert "name" in raised.value.message_dict
    assert not Customer.objects.exists()


def test_record_create_refuses_a_company_the_actor_cannot_see(outsider, company_a):
    form = CustomerForm(data=customer_data(company_a), user=outsider)
    with pytest.raises(ValidationError) as raised:
        services.record_create(actor=outsider, form=form)
    assert "company" in raised.value.message_dict


def test_record_update_is_for_existing_records_only(salesperson, company_a):
    form = CustomerForm(data=customer_data(company_a), user=salesperson)
    form.is_valid()
    with pytest.raises(ValueError):
        services.record_update(actor=salesperson, form=form)


def test_record_delete_refuses_another_companys_record(outsider, company_a):
    customer = CustomerFactory(company=company_a)
    with pytest.raises(PermissionDenied):
        services.record_delete(actor=outsider, instance=customer)
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_record_delete_of_a_used_record_says_what_uses_it(sales_director, company_a):
    shipment = ShipmentFactory(customer__company=company_a)
    with pytest.raises(ValidationError):
        services.record_delete(actor=sales_director, instance=shipment.customer)
    assert Customer.objects.filter(pk=shipment.customer_id).exists()


def test_a_delete_through_the_page_is_in_the_trail(login, sales_director, company_a):
    customer = CustomerFactory(company=company_a)
    login(sales_director).post(reverse("customers:customer_delete", args=[customer.pk]))
    entry = AuditEntry.objects.get(content_type__model="customer", object_id=str(customer.pk), action="delete")
    assert (entry.actor, entry.source, entry.changes["code"]) == (sales_director, "web", [customer.code, None])


# -- audit trail selector and include -------------------------------------

def test_the_trail_labels_fields_and_choices_in_the_readers_language(salesperson, company_a):
    customer = CustomerFactory(company=company_a, status="existing")
    with acting_as(salesperson, "web"):
        customer.status = "lost"
        customer.save()
    with translation.override("en"):
        entries = audit_entries_for(customer)
    assert entries[0].action == "update"
    assert entries[0].field_changes == [("status", "Existing", "Lost")]


def test_the_trail_of_a_record_is_read_in_one_query(salesperson, company_a):
    customer = CustomerFactory(company=company_a)
    with acting_as(salesperson, "web"):
        for n in range(5):
            customer.short_name = f"简称{n}"
            customer.save()
    audit_entries_for(customer)  # warm the content type cache
    with CaptureQueriesContext(connection) as captured:
        assert len(audit_entries_for(customer)) == 6
    assert len(captured) == 1


def test_an_edit_via_the_api_shows_old_and_new_on_the_detail_page(api, login, salesperson, company_a):
    customer = CustomerFactory(company=company_a, region="江苏")
    assert api(salesperson).patch(f"/api/v1/customers/{customer.pk}", {"region": "浙江"}).status_code == 200
    response = login(salesperson).get(reverse("customers:customer_detail", args=[customer.pk]))
    trail = [e for e in response.context["audit_entries"] if e.action == "update"]
    assert trail[0].source == "api" and trail[0].actor_name == salesperson.username
    assert (str(Customer._meta.get_field("region").verbose_name), "江苏", "浙江") in trail[0].field_changes
    assert "浙江" in response.content.decode()


# -- fixed query counts on detail pages -----------------------------------

def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _record(name, company):
    customer = CustomerFactory(company=company)
    line = ContractLineFactory(contract__customer=customer)
    return {
        "customer": customer,
        "contact": ContactFactory(customer=customer),
        "part": PartFactory(company=company, customer=customer),
        "contract": line.contract,
        "contractline": line,
        "shipment": ShipmentFactory(customer=customer, part=line.part, contract_line=line),
        "supplier": SupplierFactory(company=company),
    }[name]


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
def test_detail_pages_run_the_same_queries_with_a_short_and_a_long_history(login, salesperson, company_a, resource):
    record = _record(resource.name, company_a)
    client = login(salesperson)
    url = reverse(f"customers:{resource.name}_detail", args=[record.pk])
    few = _queries(client, url)
    with acting_as(salesperson, "web"):
        for _ in range(20):
            record.save()  # each blind save is one more trail entry
    assert _queries(client, url) == few


def test_the_contract_page_lists_its_lines_in_a_fixed_number_of_queries(login, salesperson, company_a):
    contract = ContractFactory(customer__company=company_a)
    for n in range(3):
        ContractLineFactory(contract=contract, line_no=n + 1)
    client = login(salesperson)
    url = reverse("customers:contract_detail", args=[contract.pk])
    few = _queries(client, url)
    for n in range(3, 30):
        ContractLineFactory(contract=contract, line_no=n + 1)
    response = client.get(url)
    assert len(response.context["lines"]) == 30
    assert _queries(client, url) == few


# -- company choice for group users ----------------------------------------

@pytest.fixture
def group_user(make_user, company_a):
    subsidiary = CompanyFactory(code="A1", name="苏州甲机械一分厂", parent=company_a)
    user = make_user(Role.SALES_DIRECTOR, username="groupdirector")
    Position.objects.filter(pk=user.position_id).update(scope=Position.Scope.GROUP)
    user.refresh_from_db()
    return user, subsidiary


def test_a_group_user_may_create_a_record_in_a_subsidiary_but_not_outside(login, group_user, company_b):
    user, subsidiary = group_user
    client = login(user)
    response = client.post(reverse("customers:customer_create"), customer_data(subsidiary, code="KH-SUB"))
    assert response.status_code == 302
    assert Customer.objects.get(code="KH-SUB").company == subsidiary
    response = client.post(reverse("customers:customer_create"), customer_data(company_b, code="KH-OUT"))
    assert "company" in response.context["form"].errors
    assert not Customer.objects.filter(code="KH-OUT").exists()


def test_a_group_user_imports_into_the_chosen_subsidiary(login, group_user):
    from kesu.core.tests.test_importexport import CUSTOMERS, xlsx

    user, subsidiary = group_user
    client = login(user)
    body = client.get(reverse("customers:customer_import")).content.decode()
    assert 'name="company"' in body
    client.post(reverse("customers:customer_import"), {"file": xlsx(CUSTOMERS), "company": subsidiary.pk})
    assert set(Customer.objects.values_list("company", flat=True)) == {subsidiary.pk}


def test_a_salesperson_cannot_import_into_another_company(login, salesperson, company_b):
    from kesu.core.tests.test_importexport import CUSTOMERS, xlsx

    client = login(salesperson)
    assert 'name="company"' not in client.get(reverse("customers:customer_import")).content.decode()
    response = client.post(reverse("customers:customer_import"), {"file": xlsx(CUSTOMERS), "company": company_b.pk})
    assert 'id="import-error"' in response.content.decode()
    assert not Customer.objects.exists()


# -- generated REST endpoints -----------------------------------------------

def test_put_replaces_the_record_and_fields_left_out_take_their_defaults(api, salesperson, company_a):
    customer = CustomerFactory(company=company_a, code="KH-P", status="lost", region="江苏")
    response = api(salesperson).put(f"/api/v1/customers/{customer.pk}", {"code": "KH-P", "name": "新全称"})
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.name, customer.status, customer.region, customer.company) == ("新全称", "existing", "", company_a)
    entry = AuditEntry.objects.filter(content_type__model="customer", object_id=str(customer.pk)).first()
    assert (entry.source, entry.changes["status"]) == ("api", ["lost", "existing"])


def test_put_without_a_required_field_names_it_and_changes_nothing(api, salesperson, company_a):
    customer = CustomerFactory(company=company_a, name="原名")
    response = api(salesperson).put(f"/api/v1/customers/{customer.pk}", {"code": customer.code})
    assert response.status_code == 422
    assert [d["loc"][-1] for d in response.json()["detail"]] == ["name"]
    customer.refresh_from_db()
    assert customer.name == "原名"


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
def test_an_outsider_cannot_replace_another_companys_record(api, outsider, company_a, resource):
    record = _record(resource.name, company_a)
    before = resource.model.objects.filter(pk=record.pk).values().get()
    response = api(outsider).put(f"/api/v1/{resource.plural}/{record.pk}", {})
    assert response.status_code in (403, 404)
    assert resource.model.objects.filter(pk=record.pk).values().get() == before


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
def test_an_outsider_with_every_permission_still_gets_404_through_the_api(api, outsider, company_a, resource):
    outsider.position.role = Role.ADMIN
    outsider.position.save()
    record = _record(resource.name, company_a)
    caller = api(outsider)
    base = f"/api/v1/{resource.plural}"
    for response in (caller.get(f"{base}/{record.pk}"), caller.put(f"{base}/{record.pk}", {}),
                     caller.patch(f"{base}/{record.pk}", {}), caller.delete(f"{base}/{record.pk}")):
        assert response.status_code == 404
    assert resource.model.objects.filter(pk=record.pk).exists()
    assert caller.get(base).json()["count"] == 0


def test_the_api_list_pages_with_limit_and_offset(api, salesperson, company_a):
    for n in range(5):
        CustomerFactory(company=company_a, code=f"KH-{n}")
    page = api(salesperson).get("/api/v1/customers", limit=2, offset=2).json()
    assert page["count"] == 5
    assert [item["code"] for item in page["items"]] == ["KH-2", "KH-3"]


def test_the_api_links_a_shipment_to_a_contract_line_by_id(api, salesperson, company_a):
    line = ContractLineFactory(contract__customer__company=company_a, contract__number="HT-9", line_no=2)
    response = api(salesperson).post("/api/v1/shipments", {
        "delivery_no": "FH-API", "customer_id": line.contract.customer_id, "part_id": line.part_id,
        "contract_line_id": line.pk, "quantity": 3, "ship_date": "2026-05-01",
    })
    assert response.status_code == 201, response.content
    assert response.json()["contract_line_id"] == line.pk


def test_the_api_refuses_a_part_of_another_company_naming_the_field(api, salesperson, company_a, company_b):
    customer = CustomerFactory(company=company_a)
    foreign_part = PartFactory(company=company_b)
    response = api(salesperson).post("/api/v1/shipments", {
        "delivery_no": "FH-X", "customer_id": customer.pk, "part_id": foreign_part.pk, "quantity": 3,
        "ship_date": "2026-05-01",
    })
    assert response.status_code == 422
    assert [d["loc"][-1] for d in response.json()["detail"]] == ["part_id"]


def test_the_export_link_carries_the_search_also_after_an_htmx_search(login, salesperson):
    client = login(salesperson)
    body = client.get(reverse("customers:customer_list"), {"q": "华东", "status": "lost", "page": "2"},
                      headers={"HX-Request": "true"}).content.decode()
    export = reverse("customers:customer_export")
    assert 'id="export-xlsx"' in body
    assert f'{export}?q=%E5%8D%8E%E4%B8%9C&amp;status=lost"' in body


def test_the_export_runs_a_fixed_number_of_queries(login, salesperson, company_a):
    client = login(salesperson)
    for _ in range(3):
        ShipmentFactory(customer__company=company_a)
    url = reverse("customers:shipment_export")
    few = _queries_streamed(client, url)
    for _ in range(27):
        ShipmentFactory(customer__company=company_a)
    assert _queries_streamed(client, url) == few


def _queries_streamed(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
@pytest.mark.parametrize("role", [Role.SALESPERSON, Role.SALES_DIRECTOR, Role.QA, Role.PURCHASING, Role.ENGINEERING])
def test_pages_follow_the_role_grants(login, make_user, company_a, resource, role):
    from kesu.accounts.roles import GRANTS

    user = make_user(role, username=f"u-{role}")
    record = _record(resource.name, company_a)
    client = login(user)
    pages = {
        "view": [reverse(f"customers:{resource.name}_list"), reverse(f"customers:{resource.name}_detail", args=[record.pk])],
        "add": [reverse(f"customers:{resource.name}_create")],
        "change": [reverse(f"customers:{resource.name}_edit", args=[record.pk])],
        "delete": [reverse(f"customers:{resource.name}_delete", args=[record.pk])],
    }
    for action, urls in pages.items():
        allowed = role in GRANTS.get(("customers", resource.opts.model_name, action), set())
        for url in urls:
            assert client.get(url).status_code == (200 if allowed else 403), (action, url)


def test_the_openapi_document_names_each_lists_filters(client):
    schema = client.get("/api/v1/openapi.json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/shipments"]["get"]["parameters"]}
    assert {"q", "customer_code", "part_no", "shipped_from", "shipped_to", "is_split", "limit", "offset"} <= names
    assert "put" in schema["paths"]["/api/v1/customers/{pk}"]


def test_the_api_filters_shipments_by_date_range_and_split_flag(api, salesperson, company_a):
    import datetime

    ShipmentFactory(customer__company=company_a, delivery_no="FH-IN", ship_date=datetime.date(2026, 5, 2), is_split=True)
    ShipmentFactory(customer__company=company_a, delivery_no="FH-EARLY", ship_date=datetime.date(2026, 4, 1),
                    is_split=True)
    ShipmentFactory(customer__company=company_a, delivery_no="FH-WHOLE", ship_date=datetime.date(2026, 5, 3))
    items = api(salesperson).get("/api/v1/shipments", shipped_from="2026-05-01", is_split="true").json()["items"]
    assert [i["delivery_no"] for i in items] == ["FH-IN"]
