"""The Django admin of customer master data: every page opens, changes are audited, staff see their company only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from kesu.core.models import AuditEntry
from kesu.customers.resources import ALL

from .factories import ContactFactory, ContractLineFactory, CustomerFactory, ShipmentFactory, SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("resource", ALL, ids=lambda r: r.name)
def test_the_administrator_opens_list_and_change_pages(login, admin_user, company_a, resource):
    customer = CustomerFactory(company=company_a)
    line = ContractLineFactory(contract__customer=customer)
    ShipmentFactory(customer=customer, part=line.part, contract_line=line)
    SupplierFactory(company=company_a)
    ContactFactory(customer=customer)
    client = login(admin_user)
    name = resource.opts.model_name
    assert client.get(reverse(f"admin:customers_{name}_changelist"), {"q": "上海"}).status_code == 200
    record = resource.model.objects.first()
    assert client.get(reverse(f"admin:customers_{name}_change", args=[record.pk])).status_code == 200


def test_a_change_in_the_admin_is_audited_with_source_admin(login, admin_user, company_a):
    customer = CustomerFactory(company=company_a, name="旧名")
    client = login(admin_user)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    response = client.post(url, {
        "company": company_a.pk, "code": customer.code, "name": "新名", "customer_type": "oem",
        "status": "existing", "importance": "b", "_save": "Save",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.filter(content_type__model="customer", object_id=str(customer.pk)).first()
    assert (entry.source, entry.actor, entry.changes["name"]) == ("admin", admin_user, ["旧名", "新名"])


def test_staff_of_company_b_see_nothing_of_company_a_in_the_admin(login, outsider, company_a):
    customer = CustomerFactory(company=company_a, name="甲公司的秘密顾客")
    outsider.is_staff = True
    outsider.save()
    outsider.user_permissions.add(Permission.objects.get(codename="change_customer"))
    client = login(outsider)
    assert "甲公司的秘密顾客" not in client.get(reverse("admin:customers_customer_changelist")).content.decode()
    response = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert response.status_code in (302, 404)
