"""The management review pack for a period (issue 7 §6; seed 000 §4.1.7–4.1.8, seed 002 quality reports):
complaints, claims, satisfaction, KPIs against targets, top problems, repeat complaints, overdue items, open
actions and the period's trend alerts — one PDF and one Excel workbook in the user's language.

:func:`review_pack` computes everything once as plain values (Decimals, ints, dates, translated labels, no
model instances), so the page, the PDF, the workbook and the API's JSON show the same figures:

- the complaint figures are the analyses of :mod:`.analyses` over the scope (its companies and period);
- a repeat complaint is one received in the period after an earlier complaint of the same customer, part
  and category within the company's repeat window (design §11: 180 days by default, complaint settings),
  the rule of :func:`kesu.complaints.selectors.repeat_complaints`;
- claims come from :func:`kesu.claims.selectors.claims_review` for the scope's companies, and only when the
  user may see money (:data:`.permissions.MONEY_PERMISSION`);
- satisfaction: the mean score of the survey answers received in the period, and the campaigns closed in it;
- KPIs: :func:`.kpis.kpi_values` of each company for the period against the targets of the period's last
  year; a target of a quantity that adds up over the year (complaints, extra freight, claims, quality cost)
  is pro-rated to the period's days, since a quarter cannot be held to a whole year's allowance;
- top problems: the "vital few" of the category and defect Pareto charts (the first 80 percent);
- overdue: the complaint backlog (:func:`.analyses.overdue_backlog`) and corrective action steps past due;
- open actions: corrective actions not closed or cancelled, with their earliest open step's due time.

Cost: a fixed number of queries per company in scope (the KPIs), plus about thirty for the rest; nothing is
queried per complaint or per action.
"""

from __future__ import annotations

import datetime
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.accounts.models import Company
from kesu.surveys.indicators import percent_of

from . import analyses, permissions
from .analyses import Scope, add_months, first_of_month
from .charts import partial_index
from .choices import HIGHER_IS_BETTER, Dimension, Kpi
from .kpis import MONEY_KPIS, kpi_values, meets, target_for_period
from .models import TrendAlert
from .selectors import targets_for

TITLE_ZH = "管理评审报告"
TOP_CUSTOMERS = 10
LIST_LIMIT = 50
CENT = Decimal("0.01")

Pack = dict[str, Any]


# -- the period ------------------------------------------------------------------------------------------------


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last full calendar quarter before ``today`` (management reviews look back a quarter)."""
    today = today or timezone.localdate()
    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    start = add_months(quarter_start, -3)
    return start, quarter_start - datetime.timedelta(days=1)


# -- the pack --------------------------------------------------------------------------------------------------


def review_pack(user, scope: Scope) -> Pack:
    """Everything the management review pack holds for ``scope`` (see the module docstring)."""
    companies = list(Company.objects.filter(pk__in=scope.company_ids).order_by("code"))
    money = user.has_perm(permissions.MONEY_PERMISSION)
    heading = next((c for c in companies if c.pk == getattr(user, "company_id", None)),
                   companies[0] if companies else None)
    pack: Pack = {
        "date_from": scope.date_from,
        "date_to": scope.date_to,
        "companies": [{"id": c.pk, "code": c.code, "name": c.name} for c in companies],
        "company_id": scope.company_ids[0] if len(scope.company_ids) == 1 else None,
        "company_name": ", ".join(c.name for c in companies) if len(companies) <= 3 else
        _("%(n)s companies") % {"n": len(companies)},
        "heading_company": heading,
        "prepared_by": str(user),
        "prepared_at": timezone.now(),
        "money": money,
        "complaints": _complaints(scope),
        "claims": _claims(user, scope) if money else None,
        "satisfaction": _satisfaction(scope, companies),
        "kpis": _kpis(scope, companies, money),
        "overdue": _overdue(scope),
        "open_actions": _open_actions(scope),
        "alerts": _alerts(scope),
    }
    pack["top_problems"] = {
        "category": [r for r in pack["complaints"]["pareto_category"] if r["vital_few"]],
        "defect": [r for r in pack["complaints"]["pareto_defect"] if r["vital_few"]],
    }
    return pack


def _row(row: analyses.BreakdownRow) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, "count": row.count, "defective": row.defective,
            "share": row.share, "cumulative": row.cumulative, "vital_few": row.vital_few, "query": row.query or {}}


def _breakdown(result: analyses.Breakdown) -> list[dict[str, Any]]:
    rows = [_row(r) for r in result.rows]
    if result.others is not None:
        rows.append(_row(result.others))
    return rows


def _durations(d: analyses.Durations) -> dict[str, Any]:
    return {"counted": d.counted, "median": d.median, "p90": d.p90, "within_target": d.within_target,
            "within_target_percent": d.within_target_percent, "target": d.target, "waiting": d.waiting}


def _complaints(scope: Scope) -> dict[str, Any]:
    # Side by side where the database allows (kesu.core.parallel), the longest first.
    found = analyses.run_many(scope, ("frequency", "customer", "closure", "category", "defect", "trend", "reopen"),
                              {"frequency": {"limit": LIST_LIMIT}, "customer": {"limit": TOP_CUSTOMERS}})
    customers, freq, closure, reopen = found["customer"], found["frequency"], found["closure"], found["reopen"]
    return {
        "total": customers.total,
        "defective": customers.defective,
        "trend": [{"month": t.month, "count": t.count, "previous_month": t.previous_month,
                   "year_before": t.year_before, "month_over_month": t.month_over_month,
                   "year_over_year": t.year_over_year, "query": t.query} for t in found["trend"]],
        "pareto_category": _breakdown(found["category"]),
        "pareto_defect": _breakdown(found["defect"]),
        "top_customers": [_row(r) for r in customers.rows],
        "frequency": {"rule": freq.rule, "total": freq.total, "problems": freq.problems,
                      "recurring_problems": freq.recurring_problems,
                      "recurring_complaints": freq.recurring_complaints,
                      "occasional_complaints": freq.occasional_complaints,
                      "recurring_percent": freq.recurring_percent, "rows": freq.rows},
        "repeats": _repeats(scope),
        "closure": {**_durations(closure.calendar_days), "working_median": closure.working_days.median,
                    "working_p90": closure.working_days.p90},
        "response": _durations(analyses.first_response_times(scope)),
        "reopen": {"closed": reopen.closed, "reopened": reopen.reopened, "reopenings": reopen.reopenings,
                   "rate": reopen.rate, "query": reopen.query},
    }


def _repeats(scope: Scope) -> dict[str, Any]:
    """Complaints of the period that repeat an earlier one (same customer, part and category) within the
    company's repeat window. One query per distinct window (normally one), one for the rows shown."""
    from kesu.complaints.models import Complaint
    from kesu.complaints.selectors import settings_for

    windows: dict[int, list[int]] = {}
    for company in Company.objects.filter(pk__in=scope.company_ids):
        windows.setdefault(settings_for(company).repeat_window_days, []).append(company.pk)
    condition = Q(pk__in=[])
    for days, ids in windows.items():
        earlier = Complaint.objects.filter(
            company_id=OuterRef("company_id"), customer_id=OuterRef("customer_id"), part_id=OuterRef("part_id"),
            category_id=OuterRef("category_id"), received_at__lt=OuterRef("received_at"),
            received_at__gte=OuterRef("received_at") - datetime.timedelta(days=days))
        condition |= Q(company_id__in=ids) & Q(Exists(earlier))
    qs = (analyses.complaints_in(scope).filter(part__isnull=False, category__isnull=False).filter(condition))
    count = qs.count()
    rows = [{"id": c["id"], "number": c["number"], "received_at": c["received_at"],
             "customer": f'{c["customer__code"]} {c["customer__name"]}',
             "part": f'{c["part__part_no"]} {c["part__name"]}', "category": c["category__name"]}
            for c in qs.order_by("-received_at", "-id").values(
                "id", "number", "received_at", "customer__code", "customer__name", "part__part_no", "part__name",
                "category__name")[:LIST_LIMIT]]
    total = analyses.complaints_in(scope).count()
    return {"count": count, "percent": percent_of(count, total), "rows": rows,
            "window_days": sorted(windows)}


def _claims(user, scope: Scope) -> dict[str, Any]:
    from kesu.claims.selectors import claims_review

    data = claims_review(user, scope.date_from, scope.date_to, company_ids=scope.company_ids)
    claims = [{"id": c.pk, "number": c.number, "received_on": c.received_on, "customer": str(c.customer),
               "title": c.title, "status": str(c.get_status_display()), "currency": c.currency,
               "claimed_amount": c.claimed_amount, "compensation_amount": c.compensation_amount}
              for c in data["claims"][:LIST_LIMIT]]
    return {"summary": dict(data["summary"]), "ledger": dict(data["ledger"]),
            "by_customer": [{"label": r["label"], "count": r["count"]} for r in data["by_customer"]],
            "responsible": [{"label": str(r["label"]), "count": r["count"]} for r in data["responsible"]],
            "claims": claims}


def _period_q(scope: Scope, companies: list[Company], field: str) -> Q:
    """Instants of the period's days in each company's time zone (one condition per company)."""
    condition = Q(pk__in=[])
    for company in companies:
        start = datetime.datetime.combine(scope.date_from, datetime.time.min, tzinfo=company.tz)
        end = datetime.datetime.combine(scope.date_to + datetime.timedelta(days=1), datetime.time.min,
                                        tzinfo=company.tz)
        condition |= Q(company_id=company.pk, **{f"{field}__gte": start, f"{field}__lt": end})
    return condition


def _satisfaction(scope: Scope, companies: list[Company]) -> dict[str, Any]:
    """The mean score of the answers received in the period and the campaigns closed in it (two queries)."""
    from kesu.surveys.models import Answer, Campaign

    answers = Answer.objects.filter(_period_q(scope, companies, "answered_at")).aggregate(
        n=Count("id"), mean=Avg("score"))
    mean = answers["mean"]
    campaigns = [{"id": c.pk, "name": c.name, "company": c.company.code,
                  "closed_at": c.closed_at, "score": c.score, "target": c.target_score,
                  "met": None if c.score is None else c.score >= c.target_score, "answers": c.n}
                 for c in Campaign.objects.filter(_period_q(scope, companies, "closed_at"))
                 .select_related("company").annotate(n=Count("answers")).order_by("closed_at", "id")]
    return {"answers": answers["n"],
            "mean": None if mean is None else Decimal(mean).quantize(CENT, rounding=ROUND_HALF_UP),
            "campaigns": campaigns}


def _kpis(scope: Scope, companies: list[Company], money: bool) -> list[dict[str, Any]]:
    """Each company's indicators for the period against its targets of the period's last year."""
    result = []
    for company in companies:
        values = kpi_values(company, scope.date_from, scope.date_to)
        targets = targets_for(company.pk, scope.date_to.year)
        rows = []
        for kpi in Kpi:
            if kpi in MONEY_KPIS and not money:
                continue
            year_target = targets[kpi].target if kpi in targets else None
            target = target_for_period(kpi, year_target, scope.date_from, scope.date_to)
            value = values.get(kpi)
            rows.append({"kpi": kpi.value, "label": str(kpi.label), "value": value, "year_target": year_target,
                         "target": target, "met": meets(kpi, value, target),
                         "higher_is_better": kpi in HIGHER_IS_BETTER})
        result.append({"company_id": company.pk, "company": f"{company.code} {company.name}", "rows": rows})
    return result


def _overdue(scope: Scope) -> dict[str, Any]:
    """Overdue complaints now (by status and department) and corrective action steps past due."""
    from kesu.capa.choices import OPEN_STATUSES, Step
    from kesu.capa.models import ActionStep

    now = timezone.now()
    backlog = analyses.overdue_backlog(scope, now)
    steps = (ActionStep.objects.filter(action__company_id__in=scope.company_ids, done_at__isnull=True,
                                       due_at__lt=now, action__status__in=OPEN_STATUSES)
             .select_related("action", "owner").order_by("due_at", "id"))
    count = steps.count()
    return {
        "complaints": backlog.total,
        "complaints_query": backlog.query,
        "by_status": [{"label": r["label"], "count": r["count"], "query": r["query"]} for r in backlog.by_status],
        "by_department": [{"label": str(r["label"]), "count": r["count"], "query": r["query"]}
                          for r in backlog.by_department],
        "by_age": backlog.by_age,
        "steps": count,
        "step_rows": [{"action_id": s.action_id, "number": s.action.number, "title": s.action.title,
                       "step": str(Step(s.step).label) if s.step in Step.values else s.step,
                       "owner": str(s.owner), "due_at": s.due_at, "days_overdue": (now - s.due_at).days}
                      for s in steps[:LIST_LIMIT]],
    }


def _open_actions(scope: Scope) -> dict[str, Any]:
    """Corrective actions not closed or cancelled, earliest due first (two queries)."""
    from kesu.capa.choices import OPEN_STATUSES, ActionStatus
    from kesu.capa.models import ActionStep, CorrectiveAction

    first_due = (ActionStep.objects.filter(action=OuterRef("pk"), done_at__isnull=True).order_by()
                 .values("action").annotate(first=Min("due_at")).values("first"))
    qs = (CorrectiveAction.objects.filter(company_id__in=scope.company_ids, status__in=OPEN_STATUSES)
          .annotate(due=first_due).select_related("owner", "company"))
    now = timezone.now()
    count = qs.count()
    rows = [{"id": a.pk, "number": a.number, "title": a.title, "owner": str(a.owner),
             "status": str(ActionStatus(a.status).label), "raised_at": a.raised_at, "due": a.due,
             "overdue": a.due is not None and a.due < now}
            for a in qs.order_by(F("due").asc(nulls_last=True), "raised_at", "id")[:LIST_LIMIT * 2]]
    return {"count": count, "rows": rows}


def _alerts(scope: Scope) -> list[dict[str, Any]]:
    """Trend alerts of the period's months (one query)."""
    qs = (TrendAlert.objects.filter(company_id__in=scope.company_ids, month__gte=first_of_month(scope.date_from),
                                    month__lte=scope.date_to).select_related("department", "action", "company")
          .order_by("month", "dimension", "label"))
    return [{"id": a.pk, "month": a.month, "company": a.company.code,
             "dimension": str(Dimension(a.dimension).label), "label": a.label,
             "count": a.count, "mean": a.mean, "upper_limit": a.upper_limit,
             "department": str(a.department) if a.department_id else "",
             "action": a.action.number if a.action_id else "", "action_id": a.action_id} for a in qs]


# -- shared by the PDF and the workbook --------------------------------------------------------------------------


def _local(value: datetime.datetime | None, pack: Pack) -> datetime.datetime | None:
    """An instant as a naive local time of the heading company (Excel keeps no zones; the PDF shows this)."""
    if value is None:
        return None
    company = pack["heading_company"]
    tz = company.tz if company is not None else timezone.get_current_timezone()
    return timezone.localtime(value, tz).replace(tzinfo=None)


def _fmt(value: Any) -> str:
    """A figure for the printout: "—" for n/a, dates as ISO, booleans as yes/no."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _period_text(pack: Pack) -> str:
    return f"{pack['date_from'].isoformat()} – {pack['date_to'].isoformat()}"


def _key_figures(pack: Pack) -> list[tuple[str, Any]]:
    c = pack["complaints"]
    figures = [
        (_("Complaints"), c["total"]),
        (_("Defective quantity (ours)"), c["defective"]),
        (_("Recurring complaints (percent)"), c["frequency"]["recurring_percent"]),
        (_("Repeat complaints"), c["repeats"]["count"]),
        (_("Closure time, median (days)"), c["closure"]["median"]),
        (_("Closure time, P90 (days)"), c["closure"]["p90"]),
        (_("Closed within target (percent)"), c["closure"]["within_target_percent"]),
        (_("First response, median (hours)"), c["response"]["median"]),
        (_("Reopen rate (percent)"), c["reopen"]["rate"]),
        (_("Overdue complaints"), pack["overdue"]["complaints"]),
        (_("Overdue corrective action steps"), pack["overdue"]["steps"]),
        (_("Open corrective actions"), pack["open_actions"]["count"]),
        (_("Satisfaction: mean score of the answers"), pack["satisfaction"]["mean"]),
        (_("Trend alerts"), len(pack["alerts"])),
    ]
    if pack["claims"] is not None:
        summary = pack["claims"]["summary"]
        figures += [(_("Claims received"), summary["count"]),
                    (_("Claimed (base currency)"), summary["claimed_base"]),
                    (_("Compensation (base currency)"), summary["compensation_base"]),
                    (_("Quality cost, net (base currency)"), pack["claims"]["ledger"]["net"])]
    return figures


# -- PDF charts (reportlab graphics, CJK labels) -------------------------------------------------------------

CHART_BLUE, CHART_RED, CHART_GREEN, CHART_ORANGE, CHART_GREY = "#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6c757d"
CHART_WIDTH = 510


def _drawing(height: float, title: str):
    from reportlab.graphics.shapes import Drawing, String

    from kesu.core.printing import FONT

    drawing = Drawing(CHART_WIDTH, height)
    drawing.add(String(0, height - 11, title, fontName=FONT, fontSize=9))
    return drawing


def _label(x: float, y: float, value: Any, *, size: float = 7, anchor: str = "middle", color: str = "#212529",
           angle: float = 0):
    """A text of a chart, rotated by ``angle`` degrees about its anchor when asked."""
    from reportlab.graphics.shapes import Group, String
    from reportlab.lib import colors

    from kesu.core.printing import FONT

    string = String(0, 0, str(value), fontName=FONT, fontSize=size, textAnchor=anchor,
                    fillColor=colors.HexColor(color))
    group = Group(string)
    group.translate(x, y)
    if angle:
        group.rotate(angle)
    return group


def _short(value: Any, length: int) -> str:
    value = str(value)
    return value if len(value) <= length else value[: length - 1] + "…"


def _value_axis(drawing, left: float, bottom: float, width: float, height: float, peak: float) -> None:
    from reportlab.graphics.shapes import Line
    from reportlab.lib import colors

    for tick in range(5):
        y = bottom + height * tick / 4
        drawing.add(Line(left, y, left + width, y, strokeColor=colors.HexColor("#e0e0e0"), strokeWidth=0.5))
        number = peak * tick / 4
        drawing.add(_label(left - 3, y - 2.5, f"{number:.0f}" if peak >= 8 else f"{number:.1f}", anchor="end"))


def pareto_drawing(rows: list[dict[str, Any]], title: str):
    """Bars of the counts, largest first (the vital few red), and the cumulative percent as a line on a
    0–100 axis on the right, with a dashed line at 80 percent."""
    from reportlab.graphics.shapes import Circle, Line, PolyLine, Rect
    from reportlab.lib import colors

    left, right, bottom, top = 36, 30, 62, 22
    height = 230
    drawing = _drawing(height, title)
    plot_w, plot_h = CHART_WIDTH - left - right, height - bottom - top
    rows = rows or [{"label": "—", "count": 0, "cumulative": None, "vital_few": False}]
    peak = float(max(max(r["count"] for r in rows), 1))
    _value_axis(drawing, left, bottom, plot_w, plot_h, peak)
    for tick in (0, 50, 100):
        drawing.add(_label(left + plot_w + 3, bottom + plot_h * tick / 100 - 2.5, f"{tick}%", anchor="start"))
    y80 = bottom + plot_h * 0.8
    drawing.add(Line(left, y80, left + plot_w, y80, strokeColor=colors.HexColor(CHART_RED), strokeWidth=0.7,
                     strokeDashArray=[3, 2]))
    slot = plot_w / len(rows)
    points: list[float] = []
    for index, row in enumerate(rows):
        bar = plot_h * row["count"] / peak
        x = left + index * slot + slot * 0.15
        drawing.add(Rect(x, bottom, slot * 0.7, bar, strokeColor=None,
                         fillColor=colors.HexColor(CHART_RED if row["vital_few"] else CHART_BLUE)))
        drawing.add(_label(x + slot * 0.35, bottom + bar + 2, row["count"]))
        drawing.add(_label(x + slot * 0.35, bottom - 8, _short(row["label"], 10), anchor="end", angle=35))
        if row["cumulative"] is not None:
            points += [x + slot * 0.35, bottom + plot_h * float(row["cumulative"]) / 100]
    if len(points) >= 4:
        drawing.add(PolyLine(points, strokeColor=colors.HexColor(CHART_ORANGE), strokeWidth=1.5))
    for i in range(0, len(points), 2):
        drawing.add(Circle(points[i], points[i + 1], 2, fillColor=colors.HexColor(CHART_ORANGE), strokeColor=None))
    return drawing


def line_drawing(labels: list[str], series: list[tuple[str, list[Any], str]], title: str):
    """Lines over ``labels``: ``series`` is ``[(name, values, colour)]``, None values leave gaps; a legend
    names each line."""
    from reportlab.graphics.shapes import Circle, PolyLine, Rect
    from reportlab.lib import colors

    left, right, bottom, top = 36, 12, 30, 34
    height = 190
    drawing = _drawing(height, title)
    plot_w, plot_h = CHART_WIDTH - left - right, height - bottom - top
    values = [float(v) for _n, data, _c in series for v in data if v is not None]
    peak = max(values + [1.0]) * 1.1
    _value_axis(drawing, left, bottom, plot_w, plot_h, peak)
    count = max(len(labels), 1)

    def x_of(i: int) -> float:
        return left + plot_w * (i + 0.5) / count

    for i, label in enumerate(labels):
        drawing.add(_label(x_of(i), bottom - 12, label))
    for number, (name, data, colour) in enumerate(series):
        colour_value = colors.HexColor(colour)
        points = [(x_of(i), bottom + plot_h * float(v) / peak) for i, v in enumerate(data) if v is not None]
        flat = [c for point in points for c in point]
        if len(points) > 1:
            drawing.add(PolyLine(flat, strokeColor=colour_value, strokeWidth=1.5,
                                 strokeDashArray=[3, 2] if number else None))
        for x, y in points:
            drawing.add(Circle(x, y, 2, fillColor=colour_value, strokeColor=None))
        drawing.add(Rect(left + number * 150, height - 24, 10, 3, fillColor=colour_value, strokeColor=None))
        drawing.add(_label(left + number * 150 + 14, height - 25, name, anchor="start"))
    return drawing


def kpi_drawing(rows: list[dict[str, Any]], title: str):
    """Each indicator with a target as a bar of its value in percent of the target (the dashed line is the
    target), green when met and red when not; the value and the target are written beside the bar."""
    from reportlab.graphics.shapes import Line, Rect
    from reportlab.lib import colors

    rows = [r for r in rows if r["target"] is not None]
    label_w, bar_w, line, top = 170, 250, 16, 30
    height = top + line * max(len(rows), 1) + 18
    drawing = _drawing(height, title)
    base = height - top
    for index, row in enumerate(rows):
        y = base - (index + 1) * line
        value, target = row["value"], row["target"]
        ratio = float(value) / float(target) * 100 if value is not None and target else (
            100.0 if value is not None and value == target else 0.0)
        length = bar_w * min(ratio, 200) / 200
        colour = CHART_GREY if row["met"] is None else (CHART_GREEN if row["met"] else CHART_RED)
        drawing.add(_label(label_w - 4, y + 4, _short(row["label"], 22), anchor="end"))
        drawing.add(Rect(label_w, y + 2, max(length, 0.5), line - 5, fillColor=colors.HexColor(colour),
                         strokeColor=None))
        drawing.add(_label(label_w + length + 4, y + 4, f"{_fmt(value)} / {_fmt(target)}", anchor="start"))
    x100 = label_w + bar_w / 2
    drawing.add(Line(x100, base - line * max(len(rows), 1), x100, base + 4,
                     strokeColor=colors.HexColor(CHART_RED), strokeDashArray=[3, 2]))
    drawing.add(_label(x100, base + 7, _("Target")))
    if not rows:
        drawing.add(_label(label_w, base - line + 4, _("No targets set."), anchor="start"))
    return drawing


# -- PDF -------------------------------------------------------------------------------------------------------


def review_pdf(pack: Pack) -> bytes:
    """The pack as a printable A4 PDF with its charts, in the active language (Chinese font throughout)."""
    from types import SimpleNamespace

    from reportlab.platypus import PageBreak

    from kesu.core.printing import PrintForm

    company = pack["heading_company"] or SimpleNamespace(name="", tz=timezone.get_current_timezone())
    form = PrintForm(company=company, title_zh=TITLE_ZH, title=_("Management review"))
    c = pack["complaints"]
    form.grid([(_("Company"), pack["company_name"]), (_("Period"), _period_text(pack)),
               (_("Prepared by"), pack["prepared_by"]), (_("Prepared at"), _fmt(_local(pack["prepared_at"], pack)))],
              columns=1)
    form.space()
    form.heading(_("Key figures"))
    form.grid([(label, _fmt(value)) for label, value in _key_figures(pack)], columns=2)
    form.story.append(PageBreak())

    form.heading(_("1. Complaints"))
    months = [t["month"].strftime("%Y-%m") for t in c["trend"]]
    running = partial_index([t["month"] for t in c["trend"]])
    if running is not None:  # the month still running is read as "up to today", not as a fall (issue 17 §9)
        months[running] = f"{months[running]} ({_('up to today')})"
    form.story.append(line_drawing(
        months, [(_("Complaints"), [t["count"] for t in c["trend"]], CHART_BLUE),
                 (_("Same month a year before"), [t["year_before"] for t in c["trend"]], CHART_GREY)],
        _("Complaints per month")))
    form.table([_("Month"), _("Complaints"), _("Month before"), _("Change (percent)"), _("A year before"),
                _("Change (percent)")],
               [(m, t["count"], t["previous_month"], _fmt(t["month_over_month"]), t["year_before"],
                 _fmt(t["year_over_year"])) for m, t in zip(months, c["trend"], strict=True)],
               widths=[0.16, 0.16, 0.16, 0.18, 0.16, 0.18])
    for key, heading in (("pareto_category", _("Complaints by category (Pareto)")),
                         ("pareto_defect", _("Complaints by defect (Pareto)"))):
        form.heading(heading)
        form.story.append(pareto_drawing(c[key], heading))
        form.table([_("Name"), _("Complaints"), _("Share (percent)"), _("Cumulative (percent)"), _("Vital few")],
                   [(r["label"], r["count"], _fmt(r["share"]), _fmt(r["cumulative"]), _fmt(r["vital_few"]))
                    for r in c[key]], widths=[0.4, 0.15, 0.15, 0.15, 0.15], empty=_("No complaints."))
    form.heading(_("Top customers"))
    form.table([_("Customer"), _("Complaints"), _("Share (percent)"), _("Defective quantity (ours)")],
               [(r["label"], r["count"], _fmt(r["share"]), r["defective"]) for r in c["top_customers"]],
               widths=[0.5, 0.15, 0.15, 0.2], empty=_("No complaints."))
    f = c["frequency"]
    form.heading(_("Recurring and occasional problems"))
    form.paragraph(f["rule"], "label")
    form.grid([(_("Problems"), f["problems"]), (_("Recurring problems"), f["recurring_problems"]),
               (_("Recurring complaints"), f["recurring_complaints"]),
               (_("Occasional complaints"), f["occasional_complaints"])], columns=2)
    form.table([_("Customer"), _("Part"), _("Category"), _("Complaints")],
               [(r["customer"], r["part"], r["category"], r["count"]) for r in f["rows"]],
               widths=[0.3, 0.3, 0.25, 0.15], empty=_("No recurring problem."))
    form.heading(_("Repeat complaints"))
    form.paragraph(_("A complaint repeats an earlier one of the same customer, part and category received "
                     "within %(days)s days.") % {"days": "/".join(str(d) for d in c["repeats"]["window_days"])
                                                 or "—"}, "label")
    form.table([_("Complaint"), _("Received at"), _("Customer"), _("Part"), _("Category")],
               [(r["number"], _fmt(_local(r["received_at"], pack)), r["customer"], r["part"], r["category"])
                for r in c["repeats"]["rows"]], widths=[0.18, 0.17, 0.25, 0.25, 0.15],
               empty=_("No repeat complaint."))
    form.heading(_("Closure, response and reopenings"))
    form.grid([(_("Closed complaints"), c["closure"]["counted"]), (_("Still open"), c["closure"]["waiting"]),
               (_("Closure time, median (days)"), _fmt(c["closure"]["median"])),
               (_("Closure time, P90 (days)"), _fmt(c["closure"]["p90"])),
               (_("Closure time, median (working days)"), _fmt(c["closure"]["working_median"])),
               (_("Closed within target (percent)"), f'{_fmt(c["closure"]["within_target_percent"])} '
                                                      f'({c["closure"]["target"]})'),
               (_("First response, median (hours)"), _fmt(c["response"]["median"])),
               (_("First response, P90 (hours)"), _fmt(c["response"]["p90"])),
               (_("Answered within target (percent)"), f'{_fmt(c["response"]["within_target_percent"])} '
                                                        f'({c["response"]["target"]})'),
               (_("Reopen rate (percent)"), f'{_fmt(c["reopen"]["rate"])} '
                                            f'({c["reopen"]["reopened"]} / {c["reopen"]["closed"]})')], columns=2)

    if pack["claims"] is not None:
        claims = pack["claims"]
        s = claims["summary"]
        form.heading(_("2. Claims"))
        form.grid([(_("Claims received"), s["count"]), (_("Still open"), s["open"]), (_("Settled"), s["settled"]),
                   (_("Withdrawn"), s["withdrawn"]), (_("Claimed (base currency)"), _fmt(s["claimed_base"])),
                   (_("Compensation (base currency)"), _fmt(s["compensation_base"])),
                   (_("Quality cost, gross"), _fmt(claims["ledger"]["gross"])),
                   (_("Recovered from suppliers"), _fmt(claims["ledger"]["recovered"])),
                   (_("Quality cost, net"), _fmt(claims["ledger"]["net"]))], columns=2)
        form.table([_("Claim"), _("Received on"), _("Customer"), _("Status"), _("Currency"), _("Claimed"),
                    _("Compensation")],
                   [(r["number"], _fmt(r["received_on"]), r["customer"], r["status"], r["currency"],
                     _fmt(r["claimed_amount"]), _fmt(r["compensation_amount"])) for r in claims["claims"]],
                   widths=[0.15, 0.13, 0.24, 0.14, 0.08, 0.13, 0.13], empty=_("No claims."))

    sat = pack["satisfaction"]
    form.heading(_("3. Customer satisfaction"))
    form.grid([(_("Answers received"), sat["answers"]), (_("Mean score of the answers"), _fmt(sat["mean"]))],
              columns=2)
    form.table([_("Campaign"), _("Company"), _("Closed at"), _("Answers"), _("Score"), _("Target"), _("Met")],
               [(r["name"], r["company"], _fmt(_local(r["closed_at"], pack)), r["answers"], _fmt(r["score"]),
                 _fmt(r["target"]), _fmt(r["met"])) for r in sat["campaigns"]],
               widths=[0.3, 0.1, 0.17, 0.1, 0.1, 0.1, 0.13], empty=_("No campaign closed in the period."))

    form.heading(_("4. Indicators against targets"))
    form.paragraph(_("Targets of quantities that add up over the year are pro-rated to the period's days."),
                   "label")
    for block in pack["kpis"]:
        form.story.append(kpi_drawing(block["rows"], block["company"]))
        form.table([_("Indicator"), _("Value"), _("Target"), _("Target of the year"), _("Met")],
                   [(r["label"], _fmt(r["value"]), _fmt(r["target"]), _fmt(r["year_target"]), _fmt(r["met"]))
                    for r in block["rows"]], widths=[0.4, 0.15, 0.15, 0.15, 0.15])

    form.heading(_("5. Top problems"))
    form.table([_("Kind"), _("Name"), _("Complaints"), _("Cumulative (percent)")],
               [(_("Category"), r["label"], r["count"], _fmt(r["cumulative"])) for r in pack["top_problems"]["category"]]
               + [(_("Defect"), r["label"], r["count"], _fmt(r["cumulative"])) for r in pack["top_problems"]["defect"]],
               widths=[0.15, 0.5, 0.15, 0.2], empty=_("No complaints."))

    o = pack["overdue"]
    form.heading(_("6. Overdue items"))
    form.grid([(_("Overdue complaints"), o["complaints"]), (_("Overdue corrective action steps"), o["steps"])],
              columns=2)
    form.table([_("Status"), _("Overdue complaints")], [(r["label"], r["count"]) for r in o["by_status"]],
               widths=[0.7, 0.3], empty=_("No overdue complaint."))
    form.table([_("Department"), _("Overdue complaints")], [(r["label"], r["count"]) for r in o["by_department"]],
               widths=[0.7, 0.3], empty=_("No overdue complaint."))
    form.table([_("Action"), _("Title"), _("Step"), _("Owner"), _("Due at"), _("Days overdue")],
               [(r["number"], r["title"], r["step"], r["owner"], _fmt(_local(r["due_at"], pack)), r["days_overdue"])
                for r in o["step_rows"]], widths=[0.15, 0.3, 0.15, 0.13, 0.15, 0.12],
               empty=_("No overdue step."))

    form.heading(_("7. Open corrective actions"))
    form.table([_("Action"), _("Title"), _("Status"), _("Owner"), _("Due at")],
               [(r["number"], r["title"], r["status"], r["owner"], _fmt(_local(r["due"], pack)))
                for r in pack["open_actions"]["rows"]], widths=[0.16, 0.38, 0.16, 0.14, 0.16],
               empty=_("No open action."))

    form.heading(_("8. Trend alerts"))
    form.table([_("Month"), _("Watched"), _("Name"), _("Complaints"), _("Upper control limit"), _("Action")],
               [(r["month"].strftime("%Y-%m"), r["dimension"], r["label"], r["count"], _fmt(r["upper_limit"]),
                 r["action"]) for r in pack["alerts"]], widths=[0.12, 0.13, 0.35, 0.12, 0.14, 0.14],
               empty=_("No trend alert in the period."))
    form.sign_off([_("Prepared by"), _("Reviewed by"), _("Approved by")])
    heading_style = form.styles["heading"]
    for flowable in form.story:  # a heading never ends a page alone
        if getattr(flowable, "style", None) is heading_style:
            flowable.keepWithNext = 1
    return form.render()


# -- Excel -----------------------------------------------------------------------------------------------------


def _xlsx_value(value: Any, sheet) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime.datetime):
        value = value.replace(tzinfo=None) if timezone.is_naive(value) else timezone.localtime(value).replace(
            tzinfo=None)
    elif isinstance(value, dict | list):
        value = str(value)
    elif value is not None and not isinstance(value, bool | int | float | Decimal | datetime.date | str):
        value = str(value)
    if isinstance(value, str) and value.startswith("="):  # text, never a live formula
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def review_xlsx(pack: Pack) -> tuple[Any, str]:
    """The pack as a workbook, one sheet per section; returned as (open temporary file, file name)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    c = pack["complaints"]

    def add(title: str, rows: list[list[Any]]) -> None:
        ws = workbook.create_sheet("".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet")
        for row in rows:
            ws.append([_xlsx_value(v, ws) for v in row])

    def pareto(rows: list[dict[str, Any]]) -> list[list[Any]]:
        return [[r["label"], r["count"], r["defective"], r["share"], r["cumulative"], r["vital_few"]] for r in rows]

    pareto_header = [_("Name"), _("Complaints"), _("Defective quantity (ours)"), _("Share (percent)"),
                     _("Cumulative (percent)"), _("Vital few")]
    add(_("Summary"), [[TITLE_ZH, _("Management review")], [_("Company"), pack["company_name"]],
                       [_("Period"), pack["date_from"], pack["date_to"]], [_("Prepared by"), pack["prepared_by"]],
                       [_("Prepared at"), _local(pack["prepared_at"], pack)], []]
        + [[label, value] for label, value in _key_figures(pack)])
    add(_("Complaints by month"),
        [[_("Month"), _("Complaints"), _("Month before"), _("Change (percent)"), _("A year before"),
          _("Change (percent)")]]
        + [[t["month"].strftime("%Y-%m"), t["count"], t["previous_month"], t["month_over_month"], t["year_before"],
            t["year_over_year"]] for t in c["trend"]])
    add(_("By category"), [pareto_header] + pareto(c["pareto_category"]))
    add(_("By defect"), [pareto_header] + pareto(c["pareto_defect"]))
    add(_("Top customers"), [pareto_header] + pareto(c["top_customers"]))
    f = c["frequency"]
    add(_("Recurring problems"), [[f["rule"]], [_("Problems"), f["problems"]],
                                  [_("Recurring problems"), f["recurring_problems"]],
                                  [_("Recurring complaints"), f["recurring_complaints"]],
                                  [_("Occasional complaints"), f["occasional_complaints"]], [],
                                  [_("Customer"), _("Part"), _("Category"), _("Complaints"), _("Share (percent)")]]
        + [[r["customer"], r["part"], r["category"], r["count"], r["share"]] for r in f["rows"]])
    add(_("Repeat complaints"), [[_("Repeat complaints"), c["repeats"]["count"], c["repeats"]["percent"]], [],
                                 [_("Complaint"), _("Received at"), _("Customer"), _("Part"), _("Category")]]
        + [[r["number"], _local(r["received_at"], pack), r["customer"], r["part"], r["category"]]
           for r in c["repeats"]["rows"]])
    times = []
    for name, d in ((_("Closure time (days)"), c["closure"]), (_("First response (hours)"), c["response"])):
        times.append([name, d["counted"], d["waiting"], d["median"], d["p90"], d["within_target"],
                      d["within_target_percent"], d["target"]])
    add(_("Times"), [[_("Measure"), _("Counted"), _("Still waiting"), _("Median"), _("P90"), _("Within target"),
                      _("Within target (percent)"), _("Target")]] + times
        + [[], [_("Closed complaints"), _("Reopened"), _("Reopenings"), _("Reopen rate (percent)")],
           [c["reopen"]["closed"], c["reopen"]["reopened"], c["reopen"]["reopenings"], c["reopen"]["rate"]]])
    if pack["claims"] is not None:
        claims, s = pack["claims"], pack["claims"]["summary"]
        add(_("Claims"), [[_("Claims received"), s["count"]], [_("Still open"), s["open"]],
                          [_("Settled"), s["settled"]], [_("Withdrawn"), s["withdrawn"]],
                          [_("Claimed (base currency)"), s["claimed_base"]],
                          [_("Compensation (base currency)"), s["compensation_base"]],
                          [_("Quality cost, gross"), claims["ledger"]["gross"]],
                          [_("Recovered from suppliers"), claims["ledger"]["recovered"]],
                          [_("Quality cost, net"), claims["ledger"]["net"]], [],
                          [_("Claim"), _("Received on"), _("Customer"), _("Title"), _("Status"), _("Currency"),
                           _("Claimed"), _("Compensation")]]
            + [[r["number"], r["received_on"], r["customer"], r["title"], r["status"], r["currency"],
                r["claimed_amount"], r["compensation_amount"]] for r in claims["claims"]])
    sat = pack["satisfaction"]
    add(_("Satisfaction"), [[_("Answers received"), sat["answers"]], [_("Mean score of the answers"), sat["mean"]],
                            [], [_("Campaign"), _("Company"), _("Closed at"), _("Answers"), _("Score"), _("Target"),
                                 _("Met")]]
        + [[r["name"], r["company"], _local(r["closed_at"], pack), r["answers"], r["score"], r["target"], r["met"]]
           for r in sat["campaigns"]])
    add(_("Indicators"), [[_("Company"), _("Indicator"), _("Value"), _("Target"), _("Target of the year"),
                           _("Met")]]
        + [[block["company"], r["label"], r["value"], r["target"], r["year_target"], r["met"]]
           for block in pack["kpis"] for r in block["rows"]])
    add(_("Top problems"), [[_("Kind"), *pareto_header]]
        + [[_("Category"), *row] for row in pareto(pack["top_problems"]["category"])]
        + [[_("Defect"), *row] for row in pareto(pack["top_problems"]["defect"])])
    o = pack["overdue"]
    add(_("Overdue items"), [[_("Overdue complaints"), o["complaints"]],
                             [_("Overdue corrective action steps"), o["steps"]], [], [_("Status"), _("Complaints")]]
        + [[r["label"], r["count"]] for r in o["by_status"]] + [[], [_("Department"), _("Complaints")]]
        + [[r["label"], r["count"]] for r in o["by_department"]]
        + [[], [_("Action"), _("Title"), _("Step"), _("Owner"), _("Due at"), _("Days overdue")]]
        + [[r["number"], r["title"], r["step"], r["owner"], _local(r["due_at"], pack), r["days_overdue"]]
           for r in o["step_rows"]])
    add(_("Open actions"), [[_("Action"), _("Title"), _("Status"), _("Owner"), _("Raised at"), _("Due at"),
                             _("Overdue")]]
        + [[r["number"], r["title"], r["status"], r["owner"], _local(r["raised_at"], pack), _local(r["due"], pack),
            r["overdue"]] for r in pack["open_actions"]["rows"]])
    add(_("Trend alerts"), [[_("Month"), _("Company"), _("Watched"), _("Name"), _("Complaints"),
                             _("Monthly mean of the history"), _("Upper control limit"), _("Department"),
                             _("Action")]]
        + [[r["month"].strftime("%Y-%m"), r["company"], r["dimension"], r["label"], r["count"], r["mean"],
            r["upper_limit"], r["department"], r["action"]] for r in pack["alerts"]])
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    codes = "-".join(c["code"] for c in pack["companies"]) if len(pack["companies"]) == 1 else "all"
    return handle, f"management-review-{pack['date_from']:%Y%m%d}-{pack['date_to']:%Y%m%d}-{codes}.xlsx"


def review_json(pack: Pack) -> dict[str, Any]:
    """The pack as JSON-ready data for the API (the heading company as its id)."""
    data = dict(pack)
    company = data.pop("heading_company")
    data["heading_company_id"] = company.pk if company is not None else None
    return data
