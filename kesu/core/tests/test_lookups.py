"""Type-ahead lookups (issue 17 §1): by code, name fragment and pinyin initials, within what the user may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kesu.accounts.tests.factories import DepartmentFactory
from kesu.core.lookups import LIMIT, get, initials
from kesu.customers.models import Customer
from kesu.customers.tests.factories import (
    ContactFactory,
    ContractFactory,
    CustomerFactory,
    PartFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def _codes(client, name, **params):
    response = client.get(reverse("lookup", args=[name]), {**params, "format": "json"})
    assert response.status_code == 200
    return [row["value"] for row in response.json()["results"]]


def test_initials_are_the_first_letters_of_each_name():
    assert initials("泰越动力", "泰越") == "tydl ty"
    assert initials("ABC密封圈") == "abcmfq"
    assert initials("泰越动力", "泰越动力") == "tydl"  # the same initials once
    assert initials("", None) == ""


def test_saving_a_customer_stores_its_initials_and_a_change_of_name_updates_them(company_a):
    customer = CustomerFactory(company=company_a, name="泰越动力机械有限公司", short_name="泰越动力")
    assert Customer.objects.get(pk=customer.pk).search_initials == "tydljxyxgs tydl"
    customer.short_name = "密封"
    customer.save(update_fields=["short_name"])
    assert Customer.objects.get(pk=customer.pk).search_initials == "tydljxyxgs mf"


def test_a_customer_is_found_by_name_fragment_initials_and_code(login, salesperson, company_a):
    tydl = CustomerFactory(company=company_a, code="K-TY01", name="泰越动力机械有限公司", short_name="泰越动力")
    CustomerFactory(company=company_a, code="K-HX02", name="华星电机有限公司", short_name="华星")
    client = login(salesperson)
    assert _codes(client, "customer", q="动力") == ["K-TY01"]
    assert _codes(client, "customer", q="tydl") == ["K-TY01"]
    assert _codes(client, "customer", q="TYDL") == ["K-TY01"]  # initials typed in capitals
    assert _codes(client, "customer", q="k-ty") == ["K-TY01"]  # code from its start
    assert _codes(client, "customer", q="ydl") == []  # initials only from the start of a name
    assert _codes(client, "customer", q="hx") == ["K-HX02"]
    page = client.get(reverse("lookup", args=["customer"]), {"q": "tydl"})
    assert f'data-lookup-choice="{tydl.code}"' in page.content.decode()


def test_another_companys_customer_is_never_returned(login, salesperson, company_a, company_b):
    CustomerFactory(company=company_a, code="K-A1", name="泰越动力有限公司", short_name="泰越动力")
    CustomerFactory(company=company_b, code="K-B1", name="泰越动力有限公司", short_name="泰越动力")
    client = login(salesperson)
    assert _codes(client, "customer", q="tydl") == ["K-A1"]
    assert _codes(client, "customer", q="泰越") == ["K-A1"]
    assert _codes(client, "customer", q="K-B") == []
    # Narrowing by a customer of another company gives nothing rather than that customer's contacts.
    ContactFactory(customer=Customer.objects.get(code="K-B1"), name="外公司联系人")
    assert _codes(client, "contact", customer="K-B1") == []


def test_at_most_twenty_matches(login, salesperson, company_a):
    for n in range(LIMIT + 3):
        CustomerFactory(company=company_a, code=f"K-{n:03d}", name=f"齿轮厂{n}", short_name="")
    assert len(_codes(login(salesperson), "customer", q="clc")) == LIMIT


def test_choosing_a_customer_narrows_contacts_contracts_and_parts(login, salesperson, company_a):
    tydl = CustomerFactory(company=company_a, code="K-TY01", name="泰越动力有限公司")
    other = CustomerFactory(company=company_a, code="K-HX02", name="华星电机有限公司")
    zhang = ContactFactory(customer=tydl, name="张伟")
    li = ContactFactory(customer=other, name="张丽")
    ContractFactory(customer=tydl, number="HT-2026-0001")
    ContractFactory(customer=other, number="HT-2026-0002")
    PartFactory(company=company_a, part_no="P-1", name="密封圈", customer=tydl)
    PartFactory(company=company_a, part_no="P-2", name="密封圈", customer=other)
    client = login(salesperson)
    assert sorted(_codes(client, "contact", q="张")) == sorted([str(zhang.pk), str(li.pk)])
    # The page sends the customer field as the form names it (here with a form prefix), code or id.
    assert _codes(client, "contact", q="zw", customer="K-TY01") == [str(zhang.pk)]
    assert _codes(client, "contact", **{"intake-customer": str(other.pk)}) == [str(li.pk)]
    assert _codes(client, "contract", customer="K-TY01") == ["HT-2026-0001"]
    assert _codes(client, "part", q="mfq", customer="K-HX02") == ["P-2"]
    assert _codes(client, "part", q="mfq") == ["P-1", "P-2"]


def test_departments_and_people_are_found_by_initials(login, salesperson, company_a):
    qa = DepartmentFactory(company=company_a, code="QA", name="品质保证部")
    client = login(salesperson)
    assert _codes(client, "department", q="pzbz") == [str(qa.pk)]
    assert _codes(client, "department", q="qa") == [str(qa.pk)]
    assert _codes(client, "user", q="wxs") == [str(salesperson.pk)]  # 王销售


def test_the_lookup_needs_a_signed_in_user_and_a_known_name(client, login, salesperson):
    response = client.get(reverse("lookup", args=["customer"]), {"q": "x"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert login(salesperson).get(reverse("lookup", args=["nothing"])).status_code == 404
    assert get("shipment").customer_field == "customer"


def test_contacts_are_masked_and_not_searchable_by_name_for_who_may_not_see_personal_data(login, qa_engineer,
                                                                                           company_a):
    tydl = CustomerFactory(company=company_a, code="K-TY01", name="泰越动力有限公司")
    zhang = ContactFactory(customer=tydl, name="张伟", title="采购经理")
    client = login(qa_engineer)  # QA reads names in full only on the complaints they handle (issue 18 §13)
    assert _codes(client, "contact", q="张伟") == []
    assert _codes(client, "contact", q="zw") == []
    response = client.get(reverse("lookup", args=["contact"]), {"customer": "K-TY01", "q": "zw", "format": "json"})
    assert response.json()["results"] == [{"id": zhang.pk, "value": str(zhang.pk), "label": "张** · 采购经理",
                                           "display": "张** · 采购经理"}]


def test_suppliers_are_found_by_initials_and_inactive_ones_are_not_offered(login, salesperson, company_a):
    SupplierFactory(company=company_a, code="S-JZ", name="常州精密铸造有限公司", short_name="精铸")
    SupplierFactory(company=company_a, code="S-OLD", name="精工旧厂", short_name="", is_active=False)
    client = login(salesperson)
    assert _codes(client, "supplier", q="jz") == ["S-JZ"]
    assert _codes(client, "supplier", q="精") == ["S-JZ"]


def test_the_data_migration_fills_the_initials_of_existing_rows(company_a):
    from django.apps import apps

    from kesu.core.lookups import fill_initials_migration

    customer = CustomerFactory(company=company_a, name="泰越动力有限公司", short_name="泰越")
    Customer.objects.filter(pk=customer.pk).update(search_initials="")  # as the rows were before the column
    fill_initials_migration("customers", "Customer", ("name", "short_name"))(apps, None)
    assert Customer.objects.get(pk=customer.pk).search_initials == "tydlyxgs ty"


def test_shipments_are_found_by_delivery_number_within_the_chosen_customer(login, salesperson, company_a):
    from kesu.customers.tests.factories import ShipmentFactory

    tydl = CustomerFactory(company=company_a, code="K-TY01")
    other = CustomerFactory(company=company_a, code="K-HX02")
    mine = ShipmentFactory(customer=tydl, delivery_no="FH2026-001")
    ShipmentFactory(customer=other, delivery_no="FH2026-002")
    client = login(salesperson)
    assert len(_codes(client, "shipment", q="FH2026")) == 2
    assert _codes(client, "shipment", q="fh2026", customer="K-TY01") == [str(mine.pk)]


def test_an_anonymised_contact_keeps_no_initials_of_the_name(admin_user, company_a):
    from kesu.core import retention
    from kesu.customers.models import Contact

    contact = ContactFactory(customer=CustomerFactory(company=company_a), name="周采购")
    assert Contact.objects.get(pk=contact.pk).search_initials == "zcg"
    retention.contact_anonymise(actor=admin_user, contact=contact, reason="本人来函要求删除个人信息")
    assert Contact.objects.get(pk=contact.pk).search_initials == f"ynm{contact.pk}"  # 已匿名 #<id>


def test_the_api_offers_the_same_lookups_within_the_callers_companies(api, salesperson, company_a, company_b):
    tydl = CustomerFactory(company=company_a, code="K-TY01", name="泰越动力有限公司", short_name="泰越动力")
    CustomerFactory(company=company_b, code="K-B1", name="泰越动力有限公司")
    zhang = ContactFactory(customer=tydl, name="张伟")
    caller = api(salesperson)
    found = caller.get("/api/v1/lookups/customer", q="tydl")
    assert found.status_code == 200
    assert found.json() == [{"id": tydl.pk, "value": "K-TY01", "label": "K-TY01 泰越动力"}]
    assert [r["id"] for r in caller.get("/api/v1/lookups/contact", customer="K-TY01").json()] == [zhang.pk]
    assert caller.get("/api/v1/lookups/contact", customer="K-B1").status_code == 404
    assert caller.get("/api/v1/lookups/nothing").status_code == 422
