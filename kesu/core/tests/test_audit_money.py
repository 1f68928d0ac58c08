"""Amounts of money in the audit trail (issue 15 §4): shown only to those the money rule lets see them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.claims import services
from kesu.claims.tests.factories import bring_to
from kesu.complaints.tests.factories import People
from kesu.core.audit import money_fields
from kesu.core.audit_selectors import MASK

pytestmark = pytest.mark.django_db

MODELS = ["claims.claim", "claims.claimitem", "claims.negotiationround", "claims.costentry",
          "claims.supplierclaim", "claims.claimsettings"]
# What the claim below claims, proposes, settles, charges back and recovers, and the approval limit set.
AMOUNTS = ["4501.50", "3601.50", "1200.50", "4000.00", "3000.00", "2400.00", "2345.67", "35000.00"]
CENTS = ["400000", "300000", "234567"]  # the ledger's base-currency amounts


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def money_history(people):
    """A claim from recording to payment, its charge-back recovered, the vice GM's limit changed."""
    claim = bring_to("settled", people)
    charge_back = claim.supplier_claims.get()
    for name, role, inputs in [
        ("send", Role.PURCHASING, {}),
        ("agree", Role.VICE_GM, {"agreed_amount": Decimal("2400.00")}),
        ("recover", Role.PURCHASING, {"recovered_amount": Decimal("2345.67"),
                                      "recovered_on": datetime.date(2026, 7, 20)}),
    ]:
        charge_back = services.supplier_claim_transition(actor=people[role], supplier_claim=charge_back, name=name,
                                                         **inputs)
    services.claim_settings_update(actor=people[Role.FINANCE], company=people.company,
                                   data={"vice_gm_limit": Decimal("35000.00")})
    return claim


def trail_as(client, user) -> str:
    """Everything the /audit/ page and the audit API show the user about the claims models."""
    client.force_login(user)
    texts, shown = [], 0
    for model in MODELS:
        page = client.get(reverse("audit:list"), {"model": model})
        api = client.get("/api/v1/audit", {"model": model, "limit": 500})
        assert page.status_code == 200 and api.status_code == 200
        assert api.json()["count"] == len(api.json()["items"]) < 50, model  # every entry is on the page
        shown += api.json()["count"]
        texts += [page.content.decode(), api.content.decode()]
    assert shown > 10
    return "\n".join(texts)


@pytest.mark.parametrize("role", [Role.QA, Role.GENERAL_OFFICE])
def test_roles_that_may_not_see_money_read_the_trail_without_any_amount(client, people, money_history, role):
    text = trail_as(client, people[role])
    assert [amount for amount in AMOUNTS + CENTS if amount in text] == []
    assert MASK in text  # the changes are there, their values are not


def test_roles_that_see_money_read_the_amounts_in_the_trail(client, people, money_history):
    text = trail_as(client, people[Role.GM])
    # (Items and offers have no company of their own: their entries are for superusers, as before.)
    assert [a for a in ["4501.50", "4000.00", "2400.00", "2345.67", "35000.00", "300000"] if a not in text] == []


def test_a_ledger_entry_is_named_without_its_amount(client, people, money_history):
    client.force_login(people[Role.QA])
    items = client.get("/api/v1/audit", {"model": "claims.costentry"}).json()["items"]
    assert items and all(item["object_repr"].endswith(f"#{item['object_id']}") for item in items)


def test_the_money_fields_are_marked_on_the_models_not_listed_by_hand():
    from kesu.claims.models import ClaimSettings, CostEntry, SupplierClaim

    assert {"amount", "amount_base_cents"} <= money_fields(CostEntry)
    assert {"amount", "agreed_amount", "recovered_amount"} <= money_fields(SupplierClaim)
    assert money_fields(ClaimSettings) == {"vice_gm_limit"}


def test_the_admins_audit_pages_mask_amounts_too(client, people, money_history):
    from kesu.core.models import AuditEntry

    qa = people[Role.QA]
    qa.is_staff = True
    qa.save()
    client.force_login(qa)
    entry = AuditEntry.objects.filter(content_type__model="costentry").first()
    listing = client.get(reverse("admin:core_auditentry_changelist"))
    detail = client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert listing.status_code == 200 and detail.status_code == 200
    text = listing.content.decode() + detail.content.decode()
    assert [amount for amount in AMOUNTS + CENTS if amount in text] == []
    assert MASK in detail.content.decode()
