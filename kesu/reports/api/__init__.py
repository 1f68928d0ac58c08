"""The reports app's REST API, mounted at /api/v1/reports/: one router per area."""

from ninja import Router

from .analyses import router as analyses_router
from .dashboard import router as dashboard_router
from .department import router as department_router

router = Router(tags=["reports"])
router.add_router("", analyses_router)
router.add_router("", dashboard_router)
router.add_router("", department_router)
