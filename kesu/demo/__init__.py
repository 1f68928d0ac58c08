"""Demo and scale data (issue 2 §6): a Chinese manufacturing group, its people, customers and deliveries.

``generate(scale=N, seed=S)`` runs the steps in :data:`STEPS` in order, each a
function taking the shared :class:`~kesu.demo.base.DemoContext`. Everything is
drawn from ``random.Random(seed)`` and dated relative to ``today``, so the same
seed on the same day gives the same data.

Later modules extend the demo by adding a step to :data:`STEPS` (a dotted
path to ``def step(ctx: DemoContext) -> None``); a step reads what earlier
steps left in ``ctx`` (companies, users, customers, parts, shipments per
customer) and queues new rows with ``ctx.add(instance)`` so that rows are inserted
in batches with one summary audit entry per model and company. Rows are
flushed after every step, so a step may also query what earlier steps wrote
(e.g. pick shipments to complain about).

Volumes for ``scale=N``: 50·N+10 customers, about 5,000·N shipment lines
over the last 2½ years; ``scale=200`` gives 10,000 customers and about a
million shipment lines.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils.module_loading import import_string

from .base import DemoAlreadyLoaded, DemoContext, demo_loaded

# The order matters: each step may use what the steps before it created.
STEPS: list[str] = [
    "kesu.demo.organization.create_organization",
    "kesu.demo.master_data.create_suppliers",
    "kesu.demo.master_data.create_customers",
    "kesu.demo.master_data.create_parts",
    "kesu.demo.orders.create_contracts_and_shipments",
    "kesu.demo.complaints.create_complaints",
    "kesu.demo.capa.create_actions",
    "kesu.demo.claims.create_claims",
    "kesu.demo.surveys.create_surveys",
    "kesu.demo.reports.create_reports",
    "kesu.property.demo.create_property",
    "kesu.contracts.demo.create_contract_reviews",
    "kesu.service.demo.create_service",
    "kesu.prevention.demo.create_prevention",
    "kesu.portal.demo.create_portal_account",
]

DEFAULT_SEED = 2026

# What the demo made, by module: (label, model label), in the order a new user meets them. Counted in the
# database after the run: the steps that go through the ordinary services (actions, claims, surveys) are not
# in the batch writers' counts.
SUMMARY: list[tuple[str, str]] = [
    ("Companies", "accounts.Company"),
    ("Users", "accounts.User"),
    ("Customers", "customers.Customer"),
    ("Suppliers", "customers.Supplier"),
    ("Parts", "customers.Part"),
    ("Shipment lines", "customers.Shipment"),
    ("Complaints", "complaints.Complaint"),
    ("Corrective actions (8D)", "capa.CorrectiveAction"),
    ("Nonconformity reports (NCR)", "capa.NonconformingReport"),
    ("Claims", "claims.Claim"),
    ("Supplier claims", "claims.SupplierClaim"),
    ("Survey campaigns", "surveys.Campaign"),
    ("Survey answers", "surveys.Answer"),
    ("Satisfaction reports", "surveys.SatisfactionReport"),
    ("Department reports", "reports.DepartmentReport"),
    ("KPI month snapshots", "reports.MonthlySnapshot"),
    ("Trend alerts", "reports.TrendAlert"),
    ("Customer property items", "property.PropertyItem"),
    ("Property loans", "property.Loan"),
    ("Property damage reports", "property.DamageReport"),
    ("External drawings and documents", "property.ExternalDocument"),
    ("Contract reviews", "contracts.ContractReview"),
    ("Contract change notices", "contracts.ChangeNotice"),
    ("Delivery plans", "contracts.DeliveryPlan"),
    ("Service plans", "service.ServicePlan"),
    ("Visits and return visits", "service.Visit"),
    ("Service jobs", "service.ServiceJob"),
    ("Product quality reports", "service.QualityReport"),
    ("Market information", "service.MarketEntry"),
    ("Early-warning signals", "prevention.WarningSignal"),
    ("Repeat complaints", "prevention.RepeatFlag"),
    ("After-sales assessments", "prevention.Assessment"),
    ("Customer portal accounts", "portal.PortalAccount"),
]

__all__ = ["STEPS", "DEFAULT_SEED", "SUMMARY", "DemoAlreadyLoaded", "DemoContext", "demo_loaded", "generate",
           "summary"]


def summary() -> list[tuple[str, int]]:
    """How many records of each module the database holds (right after the demo: what it made)."""
    from django.apps import apps

    return [(label, apps.get_model(model).objects.count()) for label, model in SUMMARY]


def generate(
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    password: str | None = None,
    log: Callable[[str], None] | None = None,
    steps: list[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> DemoContext:
    """Create the demo group and its data in one transaction; refuse if it is already there.

    ``steps`` runs only those steps (in that order), e.g. the first ones in tests. ``progress`` is
    called after each step with (steps done, steps in all, the step's name): ``kesu up`` draws its bar.
    """
    from django.db import transaction

    from kesu.core.context import acting_as

    if scale < 1:
        raise ValueError("scale must be at least 1")
    if demo_loaded():
        raise DemoAlreadyLoaded
    ctx = DemoContext(scale=scale, seed=seed, today=today or datetime.date.today(), password=password, log=log)
    # One transaction: an interrupted run leaves nothing behind, so running
    # it again starts clean instead of tripping over half the data.
    with acting_as(None, "command"), transaction.atomic():
        paths = STEPS if steps is None else steps
        for index, path in enumerate(paths, start=1):
            step = import_string(path)
            started = ctx.clock()
            step(ctx)
            ctx.flush()
            ctx.say(f"  {path.rsplit('.', 1)[-1]}: {ctx.clock() - started:.1f} s")
            if progress is not None:
                progress(index, len(paths), path.rsplit(".", 1)[-1])
        ctx.finish()
    return ctx
