"""Customer master data API."""

from ninja import Router

router = Router(tags=["customers"])
