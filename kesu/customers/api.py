"""Customer master data API: customers, contacts, parts, contracts, contract lines, shipments, suppliers."""

from ninja import Router

from kesu.core.api_crud import register

from .resources import ALL

router = Router(tags=["customers"])
for _resource in ALL:
    register(router, _resource)
