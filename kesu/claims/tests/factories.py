"""Helpers for claim tests: claims are recorded and moved through the services, never by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.accounts.roles import Role
from kesu.claims import services
from kesu.claims.choices import (
    ClaimStatus,
    DocumentKind,
    ItemKind,
    Outcome,
    ResponsibleParty,
    SettlementMethod,
)
from kesu.claims.models import Claim
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import CustomerFactory, SupplierFactory

ITEMS = [
    {"kind": ItemKind.REPLACEMENT_PARTS, "description": "更换泵体", "quantity": Decimal("3"),
     "unit_price": Decimal("1200.50")},
    {"kind": ItemKind.LABOUR, "description": "拆装工时", "quantity": Decimal("6"), "unit_price": Decimal("150")},
]  # 3 × 1,200.50 + 6 × 150 = 4,501.50


def new_claim(people: People, *, items=None, documents: bool = True, **data: Any) -> Claim:
    base: dict[str, Any] = {"title": "齿轮泵外壳划伤索赔", "description": "客户要求赔偿更换费用和工时。",
                            "received_on": datetime.date(2026, 5, 11)}
    if "customer" not in data and "complaint" not in data:
        base["customer"] = CustomerFactory(company=people.company)
    base.update(data)
    claim = services.claim_create(actor=people[Role.SALESPERSON], company=people.company, data=base,
                                  items=ITEMS if items is None else items)
    if documents:
        add_documents(claim, people)
    return claim


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 claim document")


def add_documents(claim: Claim, people: People, kinds=(DocumentKind.CLAIM_LETTER, DocumentKind.INVOICE,
                                                       DocumentKind.PHOTOS)) -> None:
    for kind in kinds:
        services.claim_document_add(actor=people[Role.SALESPERSON], claim=claim, kind=kind, file=pdf(f"{kind}.pdf"))


def act(claim: Claim, name: str, people: People, role: str, **inputs: Any) -> Claim:
    return services.claim_transition(actor=people[role], claim=claim, name=name, **inputs)


def propose(claim: Claim, people: People, amount: str = "4000.00", outcome: str = Outcome.OURS,
            role: str = Role.VICE_GM) -> Claim:
    return act(claim, "propose", people, role, analysis="外壳划伤为我司包装不当所致。",
               proposed_outcome=outcome, proposed_amount=Decimal(amount))


def meeting_inputs(people: People, party: str = ResponsibleParty.SUPPLIER, supplier=None, share: str = "60"
                   ) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "responsible_party": party, "meeting_conclusion": "来料外壳为供应商电镀不良。",
        "meeting_attendees": [people[Role.PRODUCTION], people[Role.QA], people[Role.ENGINEERING],
                              people[Role.SALESPERSON], people[Role.VICE_GM]],
    }
    if party == ResponsibleParty.SUPPLIER:
        inputs["supplier"] = supplier or SupplierFactory(company=people.company)
        inputs["supplier_share"] = Decimal(share)
    elif party == ResponsibleParty.DEPARTMENT:
        inputs["responsible_department"] = people[Role.PRODUCTION].department
    elif party == ResponsibleParty.SALESPERSON:
        inputs["responsible_salesperson"] = people[Role.SALESPERSON]
    return inputs


def settle_items(claim: Claim, people: People, amounts: list[str]) -> Claim:
    items = list(claim.items.order_by("id"))
    return services.claim_settlement_save(actor=people[Role.FINANCE], claim=claim, amounts={
        item.pk: Decimal(a) for item, a in zip(items, amounts, strict=True)})


def bring_to(status: str, people: People, claim: Claim | None = None, **meeting: Any) -> Claim:
    """Walk a claim along the usual path until it is in ``status``."""
    claim = claim or new_claim(people)
    path = [
        (ClaimStatus.ANALYSING, lambda c: act(c, "submit", people, Role.SALESPERSON)),
        (ClaimStatus.AWAITING_APPROVAL, lambda c: propose(c, people)),
        (ClaimStatus.NEGOTIATING, lambda c: act(c, "approve", people, Role.GM)),
        (ClaimStatus.RESPONSIBILITY, lambda c: act(c, "customer_accepts", people, Role.SALESPERSON)),
        (ClaimStatus.SETTLING, lambda c: act(c, "fix_responsibility", people, Role.GM,
                                             **meeting_inputs(people, **meeting))),
        (ClaimStatus.SETTLED, lambda c: act(settle_items(c, people, ["3000.00", "1000.00"]), "settle", people,
                                            Role.FINANCE, settlement_method=SettlementMethod.PAYMENT,
                                            settled_on=datetime.date(2026, 6, 30))),
    ]
    for target, step in path:
        if claim.status == status:
            break
        claim = step(claim)
        assert claim.status == target
    assert claim.status == status
    return claim
