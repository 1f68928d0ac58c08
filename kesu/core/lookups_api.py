"""The lookups for API clients (issue 17 §1): the matches the pages' type-ahead offers, as JSON."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema

from kesu.api.errors import ApiError

from . import lookups

router = Router(tags=["lookups"])

LookupName = Literal["customer", "supplier", "part", "contact", "contract", "shipment", "user", "department"]


class LookupParams(Schema):
    q: Annotated[str, Field(max_length=100)] = ""
    customer: Annotated[str, Field(max_length=50, description="narrows contacts, parts, contracts and shipments: "
                                                              "the customer's code or id")] = ""


class LookupOut(Schema):
    id: int
    value: str = Field(description="what a form or an API call takes for this record: its code, or its id")
    label: str


@router.get("/lookups/{name}", response={200: list[LookupOut], 404: ApiError}, summary="Find records by code, name or pinyin initials",
            operation_id="lookup_records")
def lookup_records(request, name: LookupName, params: Query[LookupParams]):  # type: ignore[valid-type]
    """At most 20 records the caller may see whose code, name or short name contains ``q`` (codes from their
    start) or whose names' pinyin initials start with it ("tydl" finds 泰越动力)."""
    lookup = lookups.get(name)
    customer = None
    if params.customer and lookup.customer_field:
        customer = lookups.get("customer").find(request.user, params.customer)
        if customer is None:
            raise Http404
    return [{"id": r.pk, "value": lookup.value_of(r), "label": lookup.label_for(r, request.user)}
            for r in lookup.search(request.user, params.q, customer=customer)]
