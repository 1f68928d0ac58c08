"""Demo data (issue 2 §6): a realistic group, deterministic from a seed, bulk-inserted, never twice."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F

from kesu import demo
from kesu.accounts.models import Company, User
from kesu.accounts.roles import Role
from kesu.core.models import AuditEntry
from kesu.customers.models import Contact, Contract, ContractLine, Customer, Part, Shipment, Supplier

TODAY = datetime.date(2026, 6, 30)
# The people, customers and deliveries; the other steps are tested on the shared full demo (kesu/demo/tests);
# the tests that run the demo themselves are in test_demo_runs.py.
# The master-data steps: what follows complaints (actions, claims, surveys, reports) writes through services.
# The batch-written master data: the demo package's own steps without complaints and reports (the modules' steps
# go through their services and are tested in their apps).
BASE_STEPS = [step for step in demo.STEPS
              if step.startswith("kesu.demo.") and not step.startswith(("kesu.demo.complaints", "kesu.demo.reports"))]

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The master-data steps once for the module, rolled back at the end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo.generate(scale=1, seed=7, today=TODAY, steps=BASE_STEPS)
        transaction.set_rollback(True)


def test_scale_one_gives_sixty_customers_and_about_five_thousand_shipment_lines(demo_data):
    assert Customer.objects.count() == 60
    assert 4500 <= Shipment.objects.count() <= 6500
    assert Contact.objects.count() >= 60
    assert Part.objects.exists() and Supplier.objects.exists()
    assert ContractLine.objects.count() >= Contract.objects.count()


def test_it_builds_a_group_with_two_subsidiaries_and_one_user_per_role_in_each(demo_data):
    group = Company.objects.get(code="ZKJG")
    assert group.name == "中科精工集团有限公司"
    assert set(group.subsidiaries.values_list("code", flat=True)) == {"ZKSZ", "ZKNB"}
    staff_roles = set(Role) - {Role.ADMIN}
    for company in Company.objects.all():
        roles = set(User.objects.filter(company=company).values_list("position__role", flat=True))
        assert roles == staff_roles, company.code
    for username in ["sales", "qa", "gm", "director", "assistant", "regional", "engineer", "production",
                     "purchasing", "finance", "vicegm", "office", "aftersales"]:
        assert User.objects.get(username=username).company == group



def test_a_subsidiary_salesperson_sees_only_their_company_and_the_group_gm_sees_all(demo_data):
    sz_sales = User.objects.get(username="sz.sales")
    gm = User.objects.get(username="gm")
    visible = set(Customer.objects.visible_to(sz_sales).values_list("company__code", flat=True))
    assert visible == {"ZKSZ"}
    assert Customer.objects.visible_to(gm).count() == 60
    assert sz_sales.has_perm("customers.add_customer")


def test_shipments_look_like_real_deliveries(demo_data):
    shipments = Shipment.objects.all()
    assert not shipments.filter(ship_date__gt=TODAY).exists()
    assert not shipments.filter(ship_date__lt=TODAY - datetime.timedelta(days=3 * 366)).exists()
    # Received 1–5 days after leaving, or still in transit near "today".
    assert not shipments.filter(receipt_date__lt=F("ship_date")).exists()
    assert not shipments.filter(receipt_date__gt=F("ship_date") + datetime.timedelta(days=5)).exists()
    late = shipments.filter(ship_date__gt=F("due_date")).count() / shipments.count()
    assert 0.03 < late < 0.25
    assert shipments.filter(is_split=True).exists()
    assert shipments.filter(extra_freight_cost__gt=0, is_split=True).exists()
    assert not shipments.filter(extra_freight_cost__gt=0, is_split=False).exists()
    # A shipment belongs to its contract line's part and customer.
    assert not shipments.exclude(part_id=F("contract_line__part_id")).exists()
    assert not shipments.exclude(customer_id=F("contract_line__contract__customer_id")).exists()
    assert not shipments.exclude(company_id=F("customer__company_id")).exists()


def test_it_writes_one_summary_audit_entry_per_model_and_company_instead_of_one_per_row(demo_data):
    assert not AuditEntry.objects.exclude(action=AuditEntry.Action.BULK_CREATE).exists()
    per_model_company = (
        AuditEntry.objects.values("content_type", "company_id").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert list(per_model_company) == []
    shipment_entries = AuditEntry.objects.filter(content_type__model="shipment")
    assert sum(e.changes["count"][1] for e in shipment_entries) == Shipment.objects.count()




def test_running_it_again_adds_nothing_and_says_why(demo_data):
    before = Shipment.objects.count()
    with pytest.raises(demo.DemoAlreadyLoaded):
        demo.generate(scale=1, seed=7, today=TODAY, steps=BASE_STEPS)
    with pytest.raises(CommandError, match="already in this database"):
        call_command("demo", scale=1)
    assert Shipment.objects.count() == before
    assert Company.objects.filter(code="ZKJG").count() == 1


def test_ordinary_inserts_after_the_demo_do_not_collide_with_its_ids(demo_data):
    group = Company.objects.get(code="ZKJG")
    customer = Customer.objects.create(company=group, code="NEW-1", name="新客户有限公司")
    assert customer.pk > Customer.objects.exclude(pk=customer.pk).order_by("-pk").first().pk
