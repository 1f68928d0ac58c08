"""Reading customer service records (every read with its relations; access decided by ``visible_to``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Visit


def visits_visible_to(user) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user).select_related(
        "customer", "visited_by", "complaint", "finding_complaint", "finding_action", "finding_signal",
        "finding_review")


def visit_get_for_user(user, pk: int) -> Visit:
    """The visit, or 404 for a user of another company (outsiders never learn it exists)."""
    return get_object_or_404(visits_visible_to(user).prefetch_related("contacts"), pk=pk)


def visits_of_customer(customer) -> QuerySet[Visit]:
    return Visit.objects.filter(customer=customer).select_related("visited_by").order_by("-visited_on", "-id")


def visits_of_complaint(complaint) -> QuerySet[Visit]:
    """Visits that raised the complaint from a finding or that followed it up after its closure."""
    from django.db.models import Q

    return Visit.objects.filter(Q(complaint=complaint) | Q(finding_complaint=complaint)).select_related(
        "visited_by").order_by("-visited_on", "-id")


# -- the service plan ---------------------------------------------------------------------------------------------

def plans_visible_to(user) -> QuerySet:
    from .models import ServicePlan

    return ServicePlan.objects.visible_to(user).select_related("company", "prepared_by", "approved_by")


def plan_get_for_user(user, pk: int):
    return get_object_or_404(plans_visible_to(user), pk=pk)


def actual_months(company_id: int, year: int, customer_ids) -> dict[tuple[int, str], set[int]]:
    """(customer id, "visit" | "survey") → the months of ``year`` with a visit record or a survey answer (☆)."""
    import datetime

    from django.utils import timezone

    from kesu.surveys.models import Answer

    from .choices import MarkKind

    found: dict[tuple[int, str], set[int]] = {}
    visits = Visit.objects.filter(company_id=company_id, customer_id__in=customer_ids, visited_on__year=year)
    for customer_id, day in visits.values_list("customer_id", "visited_on"):
        found.setdefault((customer_id, MarkKind.VISIT.value), set()).add(day.month)
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    answers = Answer.objects.filter(campaign__company_id=company_id, recipient__customer_id__in=customer_ids,
                                    answered_at__gte=start, answered_at__lt=end)
    for customer_id, at in answers.values_list("recipient__customer_id", "answered_at"):
        found.setdefault((customer_id, MarkKind.SURVEY.value), set()).add(timezone.localtime(at).month)
    return found


def plan_grid(plan) -> list[dict]:
    """The form's rows: per customer and kind, twelve cells of (planned ★, actual ☆)."""
    from .choices import MarkKind

    lines = list(plan.lines.select_related("customer", "salesperson").prefetch_related("marks")
                 .order_by("salesperson__username", "customer__code"))
    actual = actual_months(plan.company_id, plan.year, [line.customer_id for line in lines])
    rows = []
    for line in lines:
        planned = {(m.kind, m.month) for m in line.marks.all()}
        for kind, label in MarkKind.choices:
            done = actual.get((line.customer_id, kind), set())
            cells = [{"month": m, "planned": (kind, m) in planned, "actual": m in done} for m in range(1, 13)]
            rows.append({"line": line, "kind": kind, "kind_label": label, "cells": cells,
                         "planned": sum(c["planned"] for c in cells), "actual": sum(c["actual"] for c in cells)})
    return rows


def plan_vs_actual(plan, grid: list[dict] | None = None) -> list[dict]:
    """Per salesperson and month: planned ★, planned ones done (☆ in the same month), and all actual ☆."""
    grid = plan_grid(plan) if grid is None else grid
    people: dict = {}
    for row in grid:
        person = row["line"].salesperson
        key = person.pk if person else 0
        entry = people.setdefault(key, {"salesperson": person, "months": [
            {"month": m, "planned": 0, "done": 0, "actual": 0} for m in range(1, 13)]})
        for cell, month in zip(row["cells"], entry["months"], strict=True):
            month["planned"] += cell["planned"]
            month["done"] += cell["planned"] and cell["actual"]
            month["actual"] += cell["actual"]
    out = []
    for entry in people.values():
        months = entry["months"]
        entry["total"] = {k: sum(m[k] for m in months) for k in ("planned", "done", "actual")}
        out.append(entry)
    return sorted(out, key=lambda e: (e["salesperson"] is None, str(e["salesperson"] or "")))


def jobs_visible_to(user) -> QuerySet:
    from .models import ServiceJob

    return ServiceJob.objects.visible_to(user).select_related("customer", "part", "complaint", "engineer")


def job_get_for_user(user, pk: int):
    return get_object_or_404(jobs_visible_to(user), pk=pk)


def quality_reports_visible_to(user) -> QuerySet:
    from .models import QualityReport

    return QualityReport.objects.visible_to(user).select_related("company", "gm", "action")


def quality_report_get_for_user(user, pk: int):
    return get_object_or_404(quality_reports_visible_to(user), pk=pk)


def market_visible_to(user) -> QuerySet:
    from .models import MarketEntry

    return MarketEntry.objects.visible_to(user).select_related("customer", "reported_by")


def market_search(qs: QuerySet, text: str) -> QuerySet:
    """Every word (Chinese or not) must appear in the title, the text, the tags, the competitor or the customer."""
    from django.db.models import Q

    for word in text.split():
        qs = qs.filter(Q(title__icontains=word) | Q(text__icontains=word) | Q(tags__icontains=word)
                       | Q(competitor__icontains=word) | Q(region__icontains=word) | Q(customer__name__icontains=word))
    return qs


def market_month_summary(qs: QuerySet, year: int, month: int) -> dict:
    """The month's entries by kind, for marketing (seed 002: summarised monthly)."""
    from .choices import MarketKind

    rows = list(qs.filter(reported_on__year=year, reported_on__month=month).order_by("kind", "-reported_on"))
    return {"year": year, "month": month, "total": len(rows),
            "kinds": [{"kind": k, "label": label, "entries": [r for r in rows if r.kind == k]}
                      for k, label in MarketKind.choices]}


# -- the customer's processing yield and audits (issue 21 §6) --------------------------------------------------------


def yields_visible_to(user) -> QuerySet:
    from .models import CustomerYield

    return CustomerYield.objects.visible_to(user).select_related("customer", "part")


def audits_visible_to(user) -> QuerySet:
    from .models import CustomerAudit

    return CustomerAudit.objects.visible_to(user).select_related("customer", "action")


def yield_summary(rows) -> dict:
    """Processed and passed summed over ``rows`` and the yield they make (not a mean of the rows' percentages:
    a small lot must not weigh like a large one)."""
    from decimal import ROUND_HALF_UP, Decimal

    processed = sum(r.processed for r in rows)
    passed = sum(r.passed for r in rows)
    percent = (Decimal(passed) * 100 / Decimal(processed)).quantize(Decimal("0.01"), ROUND_HALF_UP) \
        if processed else None
    return {"processed": processed, "passed": passed, "percent": percent}


def customer_quality_of_year(company_ids, year: int) -> dict:
    """The yearly satisfaction report's section (issue 21 §6): each customer's processing yield over the periods
    starting in ``year`` and the customers' audits of us in ``year``, for the companies ``company_ids``."""
    from .models import CustomerAudit, CustomerYield

    yields = list(CustomerYield.objects.filter(company_id__in=company_ids, period_start__year=year)
                  .select_related("customer").order_by("customer__code", "period_start", "id"))
    by_customer: dict[int, list] = {}
    for row in yields:
        by_customer.setdefault(row.customer_id, []).append(row)
    yield_rows = [{"code": rows[0].customer.code, "name": rows[0].customer.name, "periods": len(rows),
                   **yield_summary(rows)} for rows in by_customer.values()]
    audits = [{"date": a.audited_on, "code": a.customer.code, "name": a.customer.name, "scope": a.scope,
               "findings": a.findings, "score": a.score, "passed": a.passed, "actions": a.actions}
              for a in CustomerAudit.objects.filter(company_id__in=company_ids, audited_on__year=year)
              .select_related("customer").order_by("audited_on", "id")]
    return {"yields": yield_rows, "yield_total": yield_summary(yields), "audits": audits}


def market_competitor_ratings(company_ids, start, end) -> list[dict]:
    """Competitor ratings recorded on market-information entries between ``start`` and ``end`` (issue 21 §3), in
    the shape of the surveys' CompetitorRating rows, for the yearly report's competitor comparison."""
    from django.db.models import Q

    from .models import RATING_DIMENSIONS, MarketEntry

    any_rating = Q()
    for d in RATING_DIMENSIONS:
        any_rating |= Q(**{f"rating_{d}__isnull": False})
    rows = (MarketEntry.objects.filter(any_rating, company_id__in=company_ids, reported_on__gte=start,
                                       reported_on__lte=end).exclude(competitor="")
            .select_related("customer").order_by("competitor", "reported_on", "id"))
    return [{"title": e.title, "reported_on": e.reported_on, "customer_id": e.customer_id,
             "customer_code": e.customer.code if e.customer_id else "",
             "customer_name": e.customer.name if e.customer_id else "", "competitor": e.competitor.strip(),
             "note": e.title, **{d: getattr(e, f"rating_{d}") for d in RATING_DIMENSIONS}} for e in rows]
