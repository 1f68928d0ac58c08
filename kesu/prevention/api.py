"""REST endpoints of this module, mounted under /api/v1/ by kesu.api.main."""

from ninja import Router

router = Router(tags=["prevention"])
