"""The yearly customer satisfaction analysis report (issue 6 §6): one year's campaigns for management review.

The same figures feed the page, the PDF and the Excel workbook, so they are computed once, here, by
:func:`yearly_report`, as plain values (Decimal scores, counts, labels already translated).

What is counted, and why:

- the year's campaigns are those of the user's visible companies (optionally one of them) whose month of
  the survey falls in the year and that went out (open or closed): a draft has asked nobody yet;
- a campaign's score is its closing score; an open campaign shows the mean of its answers so far
  (``final`` says which), so the year can be read before the last campaign closes;
- the year's score is the mean of its campaigns' scores — the figure the trend plots for every year, so the
  overview and the trend agree; the mean over all answers is given beside it;
- response rate = answers ÷ included recipients × 100 (an answer always belongs to an included recipient);
- per item and per section: mean points and the mean as a share of the maximum, so items with different
  point scales (20-point and 10-point items) are compared fairly; the main areas of dissatisfaction are the
  items with the lowest share, with the customers' remarks and item comments beside them;
- competitors: each named competitor's mean rating against our own score at the same customers (paired
  per customer and campaign, so a competitor rated only by our happiest customers does not look worse);
- actions: corrective actions raised from the year's answers and campaigns (capa links of kind "survey");
- customer indicators for the calendar year beside the survey (on-time delivery, PPM, returns,
  complaints, extra freight, churn), from :func:`kesu.surveys.indicators.customer_indicators`.

Scores use Decimal arithmetic rounded half up to two places (design §11), like the campaign scores.

Cost: a fixed number of queries whatever the number of campaigns, customers or answers (about twenty: the
companies, the year's campaigns, their recipients, answers, items, item results, item comments, competitor
ratings, action links, improvements, the earlier years' campaigns and the six indicator queries); nothing is
queried per answer or per customer.
"""

from __future__ import annotations

import datetime
import tempfile
import zoneinfo
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kesu.accounts.models import Company
from kesu.core.importexport import sheet_value

from .choices import AnswerChannel, CampaignKind, CampaignStatus, Grade, ImprovementStatus
from .indicators import Indicators, customer_indicators
from .models import (
    DIMENSIONS,
    Answer,
    AnswerItem,
    Campaign,
    CompetitorRating,
    Improvement,
    Recipient,
    TemplateItem,
)
from .scoring import TWO, mean, score_of

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

TREND_YEARS = 5
LOWEST_ITEMS = 5
REPORTED_STATUSES = (CampaignStatus.OPEN, CampaignStatus.CLOSED)
# Score buckets of the histogram: [low, high), the last one closed at 100.
BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("0-59", 0, 60), ("60-69", 60, 70), ("70-79", 70, 80), ("80-89", 80, 90), ("90-100", 90, 101))
TITLE_ZH = "顾客满意度分析报告"

Report = dict[str, Any]


# -- small helpers ------------------------------------------------------------------------------------------


def rate(part: int, whole: int) -> Decimal | None:
    """``part ÷ whole × 100`` half up to two places; None ("n/a") when ``whole`` is 0, never a false 0."""
    return score_of(part, whole) if whole > 0 else None


def _mean_points(total: int, count: int) -> Decimal | None:
    return (Decimal(total) / Decimal(count)).quantize(TWO, rounding=ROUND_HALF_UP) if count else None


def _difference(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else (a - b).quantize(TWO, rounding=ROUND_HALF_UP)


def _year_range(first: int, last: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


def freight_text(costs: dict[str, Decimal]) -> str:
    """Extra freight per currency as one line ("CNY 300.50; USD 12.00"): Kesu keeps no exchange rates."""
    return "; ".join(f"{currency} {amount:,.2f}" for currency, amount in sorted(costs.items()))


def _scope(user, company_id: int | None) -> tuple[list[Company], list[int]]:
    """The companies the user may report on, and those this report covers (one of them when asked)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    companies = Company.objects.order_by("code")
    if not user.is_superuser:
        companies = companies.filter(pk__in=user.visible_company_ids())
    visible = list(companies)
    if company_id is None:
        return visible, [c.pk for c in visible]
    if company_id not in {c.pk for c in visible}:
        raise PermissionDenied
    return visible, [company_id]


# -- the report ---------------------------------------------------------------------------------------------


def yearly_report(user, year: int, company_id: int | None = None) -> Report:
    """Everything the yearly analysis shows, for the campaigns of ``year`` the user may see.

    ``company_id`` narrows the report to one visible company; a company the user may not see is refused
    (PermissionDenied) rather than shown empty, so a guessed id reveals nothing and says so.
    """
    visible, scope = _scope(user, company_id)
    start, end = _year_range(year, year)
    campaigns = list(
        Campaign.objects.visible_to(user).filter(company_id__in=scope, status__in=REPORTED_STATUSES,
                                                 send_month__gte=start, send_month__lte=end)
        .select_related("template", "company").order_by("send_month", "id"))
    ids = [c.pk for c in campaigns]
    by_pk = {c.pk: c for c in campaigns}

    included: Counter[int] = Counter()
    customers: dict[int, tuple[str, str]] = {}
    for row in (Recipient.objects.filter(campaign_id__in=ids, included=True).order_by()
                .values("campaign_id", "customer_id", "customer__code", "customer__name")):
        included[row["campaign_id"]] += 1
        customers[row["customer_id"]] = (row["customer__code"], row["customer__name"])

    answers = _answers(ids, by_pk)
    for answer in answers:
        customers.setdefault(answer["customer_id"], (answer["customer_code"], answer["customer_name"]))
    scores_of: dict[int, list[Decimal]] = defaultdict(list)
    for answer in answers:
        scores_of[answer["campaign_id"]].append(answer["score"])

    campaign_rows = [_campaign_row(c, included[c.pk], scores_of[c.pk]) for c in campaigns]
    items, sections = _items(campaigns, ids)
    trend = _trend(user, scope, year, campaign_rows)
    report: Report = {
        "year": year,
        "generated_at": timezone.now(),
        "companies": visible,
        "company": _heading_company(user, visible, company_id),
        "company_id": company_id,
        "campaigns": campaign_rows,
        "overview": _overview(campaign_rows, answers, by_pk),
        "histogram": _histogram(answers),
        "grades": [{"grade": g.value, "label": str(g.label), "count": sum(1 for a in answers if a["grade"] == g)}
                   for g in Grade],
        "templates": sorted({f"{c.template.code} v{c.template.version}" for c in campaigns}),
        "sections": sections,
        "items": items,
        "lowest_items": sorted((i for i in items if i["share"] is not None),
                               key=lambda i: (i["share"], i["order"]))[:LOWEST_ITEMS],
        "answers": answers,
        "remarks": sorted((a for a in answers if a["remarks"]), key=lambda a: (a["score"], a["id"])),
        "comments": _comments(ids, answers, items),
        "trend": trend,
        **_competitors(ids, answers, scope, year),
        "actions": _actions(ids, answers),
        "improvements": _improvements(ids),
        "indicators": _indicators(scope, year, customers, answers),
        "customer_quality": _customer_quality(scope, year),
    }
    return report


def _heading_company(user, visible: list[Company], company_id: int | None) -> Company | None:
    """Whose name heads the printout: the company asked for, else the user's own, else the first visible."""
    wanted = company_id or getattr(user, "company_id", None)
    for company in visible:
        if company.pk == wanted:
            return company
    return visible[0] if visible else None


def _answers(ids: list[int], campaigns: dict[int, Campaign]) -> list[dict[str, Any]]:
    """The year's answers as rows (one query), answered times in the campaign company's time zone."""
    rows = []
    for row in (Answer.objects.filter(campaign_id__in=ids)
                .order_by("campaign__send_month", "campaign_id", "recipient__customer__code", "id")
                .values("id", "campaign_id", "recipient__customer_id", "recipient__customer__code",
                        "recipient__customer__name", "answered_at", "channel", "respondent", "points",
                        "max_points", "score", "grade", "critical_zero", "remarks")):
        campaign = campaigns[row["campaign_id"]]
        rows.append({
            "id": row["id"], "campaign_id": row["campaign_id"], "campaign": campaign.name,
            "customer_id": row["recipient__customer_id"], "customer_code": row["recipient__customer__code"],
            "customer_name": row["recipient__customer__name"],
            "answered_at": timezone.localtime(row["answered_at"], campaign.company.tz).replace(tzinfo=None),
            "channel": str(AnswerChannel(row["channel"]).label), "respondent": row["respondent"],
            "points": row["points"], "max_points": row["max_points"], "score": row["score"],
            "grade": row["grade"], "grade_label": str(Grade(row["grade"]).label),
            "critical_zero": row["critical_zero"], "remarks": row["remarks"].strip(),
            "target": campaign.target_score,
        })
    return rows


def _campaign_row(campaign: Campaign, included: int, scores: list[Decimal]) -> dict[str, Any]:
    score = campaign.score if campaign.score is not None else mean(scores)
    return {
        "pk": campaign.pk, "name": campaign.name, "company": campaign.company,
        "kind": str(CampaignKind(campaign.kind).label), "send_month": campaign.send_month,
        "status": campaign.status, "status_label": str(CampaignStatus(campaign.status).label),
        "template": f"{campaign.template.code} v{campaign.template.version}",
        "included": included, "answers": len(scores), "response_rate": rate(len(scores), included),
        "score": score, "final": campaign.score is not None, "target": campaign.target_score,
        "gap": _difference(score, campaign.target_score),
        "met": None if score is None else score >= campaign.target_score,
        "lowest": min(scores, default=None), "highest": max(scores, default=None),
    }


def _overview(campaigns: list[dict[str, Any]], answers: list[dict[str, Any]],
              by_pk: dict[int, Campaign]) -> dict[str, Any]:
    scores = [a["score"] for a in answers]
    score = mean([c["score"] for c in campaigns if c["score"] is not None])
    # Campaigns of one year normally share the company's yearly target; if not, their mean is the bar.
    target = mean([c.target_score for c in by_pk.values()])
    included = sum(c["included"] for c in campaigns)
    return {
        "campaigns": len(campaigns), "included": included, "answers": len(answers),
        "response_rate": rate(len(answers), included), "score": score, "answer_mean": mean(scores),
        "target": target, "gap": _difference(score, target),
        "met": None if score is None or target is None else score >= target,
        "lowest": min(scores, default=None), "highest": max(scores, default=None),
        "at_target": sum(1 for a in answers if a["score"] >= a["target"]),
        "at_target_rate": rate(sum(1 for a in answers if a["score"] >= a["target"]), len(answers)),
        "critical_zero": sum(1 for a in answers if a["critical_zero"]),
    }


def _histogram(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for label, low, high in BUCKETS:
        count = sum(1 for a in answers if low <= a["score"] < high)
        rows.append({"label": label, "low": low, "high": min(high, 100), "count": count,
                     "percent": rate(count, len(answers))})
    return rows


def _items(campaigns: list[Campaign], ids: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per item and per section of the campaigns' templates: answers, mean points, share of the maximum.

    Two queries: the templates' items, and the answer items summed per item by the database.
    """
    template_ids = {c.template_id for c in campaigns}
    several = len(template_ids) > 1
    stats = {row["item_id"]: row for row in (
        AnswerItem.objects.filter(answer__campaign_id__in=ids).order_by().values("item_id")
        .annotate(n=Count("id"), total=Sum("points"), zeros=Count("id", filter=Q(points=0))))}
    items: list[dict[str, Any]] = []
    sections: dict[int, dict[str, Any]] = {}
    for order, item in enumerate(TemplateItem.objects.filter(section__template_id__in=template_ids)
                                 .select_related("section__template")
                                 .order_by("section__template__code", "section__template__version",
                                           "section__position", "position")):
        section, template = item.section, item.section.template
        stat = stats.get(item.pk, {"n": 0, "total": 0, "zeros": 0})
        count, total, maximum = stat["n"], stat["total"] or 0, item.max_points
        label = f"{template.code} v{template.version}"
        items.append({
            "order": order, "pk": item.pk, "template": label, "section_id": section.pk,
            "section_position": section.position, "section": section.title, "position": item.position,
            "number": f"{section.position}.{item.position}", "text": item.text, "answers": count,
            "mean": _mean_points(total, count), "max_points": maximum,
            "share": score_of(total, count * maximum) if count and maximum else None, "zeros": stat["zeros"],
        })
        row = sections.setdefault(section.pk, {
            "pk": section.pk, "template": label, "position": section.position, "title": section.title,
            "label": f"{label} {section.position}. {section.title}" if several else f"{section.position}. {section.title}",
            "is_critical": section.is_critical, "answers": 0, "total": 0, "max_points": 0, "possible": 0})
        row["answers"] = max(row["answers"], count)
        row["total"] += total
        row["max_points"] += maximum
        row["possible"] += count * maximum
    for row in sections.values():
        row["mean"] = _mean_points(row["total"], row["answers"])
        row["share"] = score_of(row["total"], row["possible"]) if row["possible"] else None
        row["items"] = [i for i in items if i["section_id"] == row["pk"]]
    return items, list(sections.values())


def _comments(ids: list[int], answers: list[dict[str, Any]], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Customers' comments on single items, worst-scored answers first (one query)."""
    by_answer = {a["id"]: a for a in answers}
    by_item = {i["pk"]: i for i in items}
    rows = []
    for row in (AnswerItem.objects.filter(answer__campaign_id__in=ids).exclude(comment="")
                .order_by("answer__score", "answer_id", "item__section__position", "item__position")
                .values("answer_id", "item_id", "option", "points", "comment")):
        answer, item = by_answer.get(row["answer_id"]), by_item.get(row["item_id"])
        if answer is None or item is None:
            continue
        rows.append({"answer_id": answer["id"], "customer_code": answer["customer_code"],
                     "customer_name": answer["customer_name"], "campaign": answer["campaign"],
                     "score": answer["score"], "item": f"{item['number']} {item['text']}",
                     "option": row["option"], "points": row["points"], "max_points": item["max_points"],
                     "comment": row["comment"]})
    return rows


def _trend(user, scope: list[int], year: int, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The mean campaign score of each of the last five years (this one included), beside their targets.

    Earlier campaigns still open (never closed) count with the mean of their answers, like this year's.
    """
    first = year - TREND_YEARS + 1
    start, end = _year_range(first, year - 1)
    earlier = list(Campaign.objects.visible_to(user).filter(
        company_id__in=scope, status__in=REPORTED_STATUSES, send_month__gte=start, send_month__lte=end)
        .order_by().values("id", "send_month", "score", "target_score"))
    pending = [c["id"] for c in earlier if c["score"] is None]
    provisional: dict[int, list[Decimal]] = defaultdict(list)
    if pending:
        for campaign_id, score in Answer.objects.filter(campaign_id__in=pending).order_by().values_list(
                "campaign_id", "score"):
            provisional[campaign_id].append(score)
    per_year: dict[int, list[tuple[Decimal | None, Decimal]]] = defaultdict(list)
    for c in earlier:
        score = c["score"] if c["score"] is not None else mean(provisional[c["id"]])
        per_year[c["send_month"].year].append((score, c["target_score"]))
    per_year[year] = [(c["score"], c["target"]) for c in current]
    rows = []
    for y in range(first, year + 1):
        scored = [s for s, _t in per_year[y] if s is not None]
        rows.append({"year": y, "campaigns": len(per_year[y]), "score": mean(scored),
                     "target": mean([t for _s, t in per_year[y]])})
    previous = None
    for row in rows:
        row["change"] = _difference(row["score"], previous)
        previous = row["score"] if row["score"] is not None else previous
    return rows


def _customer_quality(scope: list[int], year: int) -> dict[str, Any]:
    """The customers' processing yield of our parts and their audits of us in the year (issue 21 §6; 满意度控制程序
    §3.3, §4.1), recorded in customer service."""
    from kesu.service.selectors import customer_quality_of_year

    return customer_quality_of_year(scope, year)


def _competitors(ids: list[int], answers: list[dict[str, Any]], scope: list[int] | None = None,
                 year: int | None = None) -> dict[str, Any]:
    """Each competitor's ratings in cost, quality, delivery and technology (seed 000 §4.3.1), and their mean over
    the dimensions given against our own score at the same customer in the same campaign.

    Ratings come from two sources: those entered on a campaign, and those sales recorded on market-information
    entries of the year (issue 21 §3). A market entry belongs to no campaign, so our score beside it is our mean
    at that customer over the year's answers (none when the entry names no customer or the customer did not
    answer)."""
    ours = {(a["campaign_id"], a["customer_id"]): a["score"] for a in answers}
    ratings = []
    if scope and year is not None:
        from kesu.service.selectors import market_competitor_ratings

        of_customer: dict[int, list[Decimal]] = defaultdict(list)
        for a in answers:
            of_customer[a["customer_id"]].append(a["score"])
        start, end = _year_range(year, year)
        for row in market_competitor_ratings(scope, start, end):
            our = mean(of_customer.get(row["customer_id"], [])) if row["customer_id"] else None
            score = mean([row[d] for d in DIMENSIONS if row[d] is not None])
            ratings.append({"campaign": _("Market information %(date)s") % {"date": row["reported_on"]},
                            "customer_code": row["customer_code"], "customer_name": row["customer_name"],
                            "competitor": row["competitor"], **{d: row[d] for d in DIMENSIONS}, "score": score,
                            "ours": our, "lead": _difference(our, score), "note": row["note"]})
    for row in (CompetitorRating.objects.filter(campaign_id__in=ids)
                .order_by("competitor", "customer__code", "campaign_id")
                .values("campaign_id", "campaign__name", "customer_id", "customer__code", "customer__name",
                        "competitor", *DIMENSIONS, "note")):
        our = ours.get((row["campaign_id"], row["customer_id"]))
        score = mean([row[d] for d in DIMENSIONS if row[d] is not None])
        ratings.append({"campaign": row["campaign__name"], "customer_code": row["customer__code"],
                        "customer_name": row["customer__name"], "competitor": row["competitor"],
                        **{d: row[d] for d in DIMENSIONS},
                        "score": score, "ours": our, "lead": _difference(our, score), "note": row["note"]})
    summary = []
    # The most-rated competitors first: the comparison with them rests on the most customers.
    counts = Counter(r["competitor"] for r in ratings)
    for competitor in sorted(counts, key=lambda name: (-counts[name], name)):
        rows = [r for r in ratings if r["competitor"] == competitor]
        paired = [r for r in rows if r["ours"] is not None]
        summary.append({"competitor": competitor, "ratings": len(rows), "score": mean([r["score"] for r in rows]),
                        **{d: mean([r[d] for r in rows if r[d] is not None]) for d in DIMENSIONS},
                        "ours": mean([r["ours"] for r in paired]), "paired": len(paired),
                        "lead": mean([r["lead"] for r in paired])})
    return {"competitors": summary, "competitor_ratings": ratings}


def _actions(ids: list[int], answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Corrective actions raised from the year's answers and campaigns (one query, plus cached content types)."""
    from kesu.capa.choices import ActionStatus, SourceKind
    from kesu.capa.models import ActionLink

    if not ids:
        return []
    answer_type = ContentType.objects.get_for_model(Answer)
    campaign_type = ContentType.objects.get_for_model(Campaign)
    links = (ActionLink.objects.filter(kind=SourceKind.SURVEY)
             .filter(Q(content_type=answer_type, object_id__in=Answer.objects.filter(campaign_id__in=ids)
                       .order_by().values("id"))
                     | Q(content_type=campaign_type, object_id__in=ids))
             .select_related("action").order_by("action__raised_at", "action_id", "id"))
    by_answer = {a["id"]: a for a in answers}
    rows: dict[int, dict[str, Any]] = {}
    for link in links:
        action = link.action
        if action.pk in rows:
            continue
        answer = by_answer.get(link.object_id) if link.content_type_id == answer_type.pk else None
        rows[action.pk] = {
            "pk": action.pk, "number": action.number, "title": action.title, "status": action.status,
            "status_label": str(ActionStatus(action.status).label), "raised_at": action.raised_at,
            "closed_at": action.closed_at, "source": link.label,
            "raised_on": "answer" if answer is not None else "campaign",
            "customer": f"{answer['customer_code']} {answer['customer_name']}" if answer else "",
            "score": answer["score"] if answer else None,
        }
    return list(rows.values())


def _improvements(ids: list[int]) -> list[dict[str, Any]]:
    """The lines of the analysis-and-improvement form of the year's campaigns (one query)."""
    return [{"campaign": row.campaign.name, "area": row.area, "measures": row.measures,
             "department": str(row.department) if row.department_id else "", "due_on": row.due_on,
             "status": row.status, "status_label": str(ImprovementStatus(row.status).label),
             "action": row.action.number if row.action_id else ""}
            for row in Improvement.objects.filter(campaign_id__in=ids)
            .select_related("campaign", "department", "action").order_by("campaign_id", "id")]


def _indicators(scope: list[int], year: int, customers: dict[int, tuple[str, str]],
                answers: list[dict[str, Any]]) -> dict[str, Any]:
    """The calendar year's customer indicators: the total over the whole scope, and each surveyed customer.

    The total (and churn) covers every customer of the companies, not only those asked, since management
    review reads it as the year's delivery and quality performance.
    """
    start, end = _year_range(year, year)
    result = customer_indicators(scope, start, end)
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for answer in answers:
        scores[answer["customer_id"]].append(answer["score"])
    rows = [{"customer_id": pk, "code": code, "name": name, "score": mean(scores.get(pk, [])),
             "indicators": result.by_customer.get(pk) or Indicators()}
            for pk, (code, name) in sorted(customers.items(), key=lambda kv: (kv[1][0], kv[0]))]
    for row in rows:
        row["freight"] = freight_text(row["indicators"].extra_freight_cost)
    return {"date_from": start, "date_to": end, "total": result.total,
            "freight": freight_text(result.total.extra_freight_cost), "churn_percent": result.churn_percent,
            "customers_before": result.customers_before, "customers_lost": result.customers_lost, "rows": rows}


# -- charts as SVG for the page --------------------------------------------------------------------------------

BAR = "#0d6efd"
WARN = "#dc3545"
MUTED = "#6c757d"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    """An inline SVG chart; every text in it has been escaped by the caller's helpers."""
    return mark_safe(  # safe: every text below has passed through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="kesu-chart"><title>{escape(title)}</title>'
        + "".join(body) + "</svg>")


def _text(x: float, y: float, value: Any, anchor: str = "middle", size: int = 12, fill: str = "#212529") -> str:
    size = max(size, 12)  # readable axes (issue 17 §9): no chart text under 12 px of the drawing
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}">'
            f"{escape(str(value))}</text>")


def histogram_svg(report: Report) -> SafeString:
    """Answers per score bucket as vertical bars, counts on top."""
    rows = report["histogram"]
    width, height, left, bottom, top = 420, 220, 30, 30, 20
    peak = max([r["count"] for r in rows] + [1])
    slot = (width - left - 10) / len(rows)
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="{MUTED}"/>']
    for i, row in enumerate(rows):
        bar = (height - bottom - top) * row["count"] / peak
        x = left + i * slot + slot * 0.15
        color = WARN if row["high"] <= 60 else BAR
        body.append(f'<rect x="{x:.1f}" y="{height - bottom - bar:.1f}" width="{slot * 0.7:.1f}" '
                    f'height="{bar:.1f}" fill="{color}" data-count="{row["count"]}"/>')
        body.append(_text(x + slot * 0.35, height - bottom - bar - 4, row["count"]))
        body.append(_text(x + slot * 0.35, height - bottom + 16, row["label"]))
    return _svg(width, height, _("Answers by score"), body)


def sections_svg(report: Report) -> SafeString:
    """Each section's mean as a share of its maximum (0–100), against the year's target line."""
    rows = report["sections"]
    label_width, bar_width, line, top = 200, 260, 24, 18
    width = label_width + bar_width + 60
    base = top + line * len(rows)
    body = []
    for i, row in enumerate(rows):
        y = top + i * line
        share = row["share"] or Decimal(0)
        length = bar_width * float(share) / 100
        body.append(_text(label_width - 6, y + 15, _short(row["label"], 18), anchor="end"))
        body.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{line - 8}" fill="{BAR}"/>')
        body.append(_text(label_width + length + 4, y + 15, row["share"] if row["share"] is not None else "—",
                          anchor="start"))
    body.append(f'<line x1="{label_width}" y1="{base}" x2="{label_width + bar_width}" y2="{base}" stroke="{MUTED}"/>')
    for tick in range(0, 101, 20):
        body.append(_text(label_width + bar_width * tick / 100, base + 14, tick, size=9, fill=MUTED))
    target = report["overview"]["target"]
    if target is not None:
        x = label_width + bar_width * float(target) / 100
        body.append(f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{base}" stroke="{WARN}" '
                    'stroke-dasharray="4 3"/>')
        body.append(_text(x, top - 6, f"{_('Target')} {target}", size=9, fill=WARN))
    return _svg(width, base + 22, _("Score per section (per cent of the maximum)"), body)


def trend_svg(report: Report) -> SafeString:
    """The yearly score over the last five years on a 0–100 scale, with the target as a dashed line."""
    rows = report["trend"]
    width, height, left, right, top, bottom = 420, 220, 34, 16, 20, 30
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(i: int) -> float:
        return left + plot_w * (i + 0.5) / len(rows)

    def y_of(value: Decimal) -> float:
        return top + plot_h * (1 - float(value) / 100)

    body = []
    for tick in range(0, 101, 20):
        y = y_of(Decimal(tick))
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e9ecef"/>')
        body.append(_text(left - 4, y + 3, tick, anchor="end", size=9, fill=MUTED))
    targets = [(x_of(i), y_of(r["target"])) for i, r in enumerate(rows) if r["target"] is not None]
    if targets:
        body.append('<polyline fill="none" stroke="{}" stroke-dasharray="4 3" points="{}"/>'.format(
            WARN, " ".join(f"{x:.1f},{y:.1f}" for x, y in targets)))
        body.append(_text(width - right, top - 2, f"- - {_('Target')}", anchor="end", size=9, fill=WARN))
    points = [(x_of(i), y_of(r["score"]), r["score"]) for i, r in enumerate(rows) if r["score"] is not None]
    if points:
        body.append('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            BAR, " ".join(f"{x:.1f},{y:.1f}" for x, y, _s in points)))
    for x, y, score in points:
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{BAR}"/>')
        body.append(_text(x, y - 7, score, size=10))
    for i, row in enumerate(rows):
        body.append(_text(x_of(i), height - bottom + 16, row["year"]))
    return _svg(width, height, _("Score of the year, last five years"), body)


def _short(value: str, length: int) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


def charts(report: Report) -> dict[str, SafeString]:
    """The page's three charts, drawn here so the template stays free of arithmetic and needs no JS."""
    return {"histogram": histogram_svg(report), "sections": sections_svg(report), "trend": trend_svg(report)}


# -- PDF ------------------------------------------------------------------------------------------------------


def _v(value: Any) -> str:
    """A figure for the printout: "—" for n/a, dates as ISO, the rest as text."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _pdf_bar_chart(labels: list[str], values: list[float], *, horizontal: bool, value_max: float | None = None,
                   title: str = "", target: Decimal | None = None) -> Drawing:
    """A reportlab bar chart Drawing with CJK labels (the font PrintForm registers)."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib import colors

    from kesu.core.printing import FONT

    width = 510
    height = 60 + 22 * len(labels) if horizontal else 190
    drawing = Drawing(width, height)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (170, 20) if horizontal else (40, 30)
    chart.width = width - chart.x - 30
    chart.height = height - chart.y - 30
    chart.data = [values]
    chart.bars[0].fillColor = colors.HexColor(BAR)
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    if value_max is not None:
        chart.valueAxis.valueMax = value_max
        chart.valueAxis.valueStep = 20
    else:
        chart.valueAxis.valueMax = max(values + [1]) + 1
        chart.valueAxis.valueStep = max(1, int(chart.valueAxis.valueMax // 5))
    if horizontal:
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dx = -4
        chart.categoryAxis.reverseDirection = True
    chart.barLabelFormat = "%s" if not horizontal else "%.2f"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 8
    drawing.add(chart)
    if target is not None:  # the year's target as a dashed line across the value axis
        at = float(target) / float(chart.valueAxis.valueMax)
        line = (Line(chart.x + chart.width * at, chart.y - 4, chart.x + chart.width * at, chart.y + chart.height)
                if horizontal else
                Line(chart.x, chart.y + chart.height * at, chart.x + chart.width, chart.y + chart.height * at))
        line.strokeColor, line.strokeDashArray = colors.HexColor(WARN), [4, 3]
        drawing.add(line)
        drawing.add(String(chart.x + chart.width, height - 12, f"- - {_('Target')} {target}", fontName=FONT,
                           fontSize=8, textAnchor="end", fillColor=colors.HexColor(WARN)))
    if title:
        drawing.add(String(0, height - 12, title, fontName=FONT, fontSize=9))
    return drawing


def _pdf_trend_chart(report: Report, title: str) -> Drawing:
    """The five years' scores as a line (years without a score are left out), the targets dashed."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    from kesu.core.printing import FONT

    rows = report["trend"]
    years = [r["year"] for r in rows]
    scores = [(r["year"], float(r["score"])) for r in rows if r["score"] is not None]
    targets = [(r["year"], float(r["target"])) for r in rows if r["target"] is not None]
    drawing = Drawing(510, 160)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 25, 440, 110
    # LinePlot needs a point per series: an empty series is one point drawn in white.
    plot.data = [scores or [(years[-1], 0.0)], targets or [(years[-1], 0.0)]]
    plot.lines[0].strokeColor = colors.HexColor(BAR) if scores else colors.white
    plot.lines[0].strokeWidth = 2
    if scores:
        plot.lines[0].symbol = makeMarker("FilledCircle")
    plot.lines[1].strokeColor = colors.HexColor(WARN) if targets else colors.white
    plot.lines[1].strokeDashArray = [4, 3]
    low, high = years[0] - 0.5, years[-1] + 0.5
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = low, high
    plot.xValueAxis.valueSteps = years
    plot.xValueAxis.labelTextFormat = "%d"
    plot.xValueAxis.labels.fontName = FONT
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 20
    plot.yValueAxis.labels.fontName = FONT
    drawing.add(plot)
    for year, score in scores:  # the scores labelled, the target line not (it would crowd the points)
        x = plot.x + plot.width * (year - low) / (high - low)
        y = plot.y + plot.height * score / 100
        drawing.add(String(x, y + 6, f"{score:.2f}", fontName=FONT, fontSize=8, textAnchor="middle"))
    if targets:
        drawing.add(String(plot.x + plot.width, plot.y + plot.height + 8, f"- - {_('Target')}",
                           fontName=FONT, fontSize=8, textAnchor="end", fillColor=colors.HexColor(WARN)))
    drawing.add(String(0, 150, title, fontName=FONT, fontSize=9))
    return drawing


def _keep_headings_with_next(form) -> None:
    """A heading never ends a page alone: each one is kept with the table or chart after it."""
    heading = form.styles["heading"]
    for flowable in form.story:
        if getattr(flowable, "style", None) is heading:
            flowable.keepWithNext = 1


def _pdf_customer_quality(form, cq: dict[str, Any]) -> None:
    """Issue 21 §6: the customers' processing yield and their audits of us, beside the indicators."""
    total = cq["yield_total"]
    form.heading(_("Customer processing yield and customer audits"))
    form.table([_("Customer"), _("Periods"), _("Parts processed"), _("Parts passed"), _("Processing yield (%)")],
               [(f"{r['code']} {r['name']}", r["periods"], r["processed"], r["passed"], _v(r["percent"]))
                for r in cq["yields"]]
               + ([(_("All customers"), "", total["processed"], total["passed"], _v(total["percent"]))]
                  if cq["yields"] else []),
               widths=[0.36, 0.1, 0.18, 0.18, 0.18], empty=_("No processing yield recorded in this year."))
    form.table([_("Audit date"), _("Customer"), _("Scope"), _("Findings"), _("Score"), _("Our actions")],
               [(_v(a["date"]), f"{a['code']} {a['name']}", a["scope"], a["findings"], _v(a["score"]), a["actions"])
                for a in cq["audits"]], widths=[0.12, 0.18, 0.16, 0.24, 0.08, 0.22],
               empty=_("No customer audit in this year."))


def report_pdf(report: Report) -> bytes:
    """The report as a printable PDF with its charts, for the management review file."""
    from kesu.core.printing import PrintForm

    year = report["year"]
    # A user of no company gets a page header without a name rather than some other company's.
    company = report["company"] or SimpleNamespace(name="", tz=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    form = PrintForm(company=company, title_zh=f"{year}年度{TITLE_ZH}",
                     title=_("Customer satisfaction analysis %(year)s") % {"year": year})
    o = report["overview"]
    form.heading(_("Overview"))
    form.grid([
        (_("Campaigns"), o["campaigns"]), (_("Customers asked"), o["included"]),
        (_("Answers"), o["answers"]), (_("Response rate (%)"), _v(o["response_rate"])),
        (_("Score of the year"), _v(o["score"])), (_("Mean of all answers"), _v(o["answer_mean"])),
        (_("Target"), _v(o["target"])), (_("Against the target"), _v(o["gap"])),
        (_("Lowest answer"), _v(o["lowest"])), (_("Highest answer"), _v(o["highest"])),
        (_("Answers at or above the target"), f"{o['at_target']} ({_v(o['at_target_rate'])} %)"),
        (_("Answers with a critical item at zero"), o["critical_zero"]),
    ], columns=2)
    form.heading(_("Campaigns"))
    form.table([_("Campaign"), _("Month"), _("Status"), _("Asked"), _("Answers"), _("Response rate (%)"),
                _("Score"), _("Target")],
               [(c["name"], c["send_month"].strftime("%Y-%m"), c["status_label"], c["included"], c["answers"],
                 _v(c["response_rate"]), _v(c["score"]), _v(c["target"])) for c in report["campaigns"]],
               widths=[0.26, 0.09, 0.14, 0.08, 0.09, 0.12, 0.11, 0.11], empty=_("No campaign in this year."))
    form.space()
    form.story.append(_pdf_bar_chart([h["label"] for h in report["histogram"]],
                                     [h["count"] for h in report["histogram"]], horizontal=False,
                                     title=_("Answers by score")))
    form.story.append(_pdf_trend_chart(report, _("Score of the year, last five years")))
    form.table([_("Year"), _("Campaigns"), _("Score"), _("Year-on-year change"), _("Target")],
               [(t["year"], t["campaigns"], _v(t["score"]), _v(t["change"]), _v(t["target"]))
                for t in report["trend"]], widths=[0.2, 0.2, 0.2, 0.2, 0.2])
    if report["sections"]:
        form.heading(_("Score per section"))
        form.story.append(_pdf_bar_chart([_short(s["label"], 14) for s in report["sections"]],
                                         [float(s["share"] or 0) for s in report["sections"]], horizontal=True,
                                         value_max=100, target=o["target"]))
        form.paragraph(_("Per cent of the section's maximum points."), "label")
    form.heading(_("Score per item"))
    form.table([_("No."), _("Item"), _("Answers"), _("Mean points"), _("Maximum"), _("Share (%)"), _("Zeros")],
               [(i["number"], f"{i['template']} · {i['text']}" if len(report["templates"]) > 1 else i["text"],
                 i["answers"], _v(i["mean"]), i["max_points"], _v(i["share"]), i["zeros"])
                for i in report["items"]], widths=[0.07, 0.41, 0.09, 0.12, 0.11, 0.11, 0.09],
               empty=_("No items."))
    form.heading(_("Main areas of dissatisfaction"))
    form.table([_("No."), _("Item"), _("Share (%)"), _("Zeros")],
               [(i["number"], i["text"], _v(i["share"]), i["zeros"]) for i in report["lowest_items"]],
               widths=[0.1, 0.6, 0.15, 0.15], empty=_("No answers."))
    form.table([_("Customer"), _("Score"), _("Customer's remarks")],
               [(f"{a['customer_code']} {a['customer_name']}", _v(a["score"]), a["remarks"])
                for a in report["remarks"]]
               + [(f"{c['customer_code']} {c['customer_name']}", _v(c["score"]),
                   f"{c['item']} ({c['points']}/{c['max_points']}): {c['comment']}") for c in report["comments"]],
               widths=[0.3, 0.1, 0.6], empty=_("No remarks."))
    form.heading(_("Comparison with competitors"))
    form.table([_("Competitor"), _("Ratings"), _("Cost"), _("Quality"), _("Delivery"), _("Technology"),
                _("Their mean"), _("Our mean, same customers"), _("Our lead")],
               [(c["competitor"], c["ratings"], *(_v(c[d]) for d in DIMENSIONS), _v(c["score"]), _v(c["ours"]),
                 _v(c["lead"])) for c in report["competitors"]],
               widths=[0.2, 0.06, 0.09, 0.09, 0.09, 0.09, 0.1, 0.16, 0.12], empty=_("No ratings."))
    form.heading(_("Actions raised"))
    form.table([_("Action"), _("Title"), _("Status"), _("Raised at")],
               [(a["number"], a["title"], a["status_label"],
                 _v(timezone.localtime(a["raised_at"], company.tz) if company else a["raised_at"]))
                for a in report["actions"]], widths=[0.2, 0.45, 0.2, 0.15], empty=_("No actions."))
    if report["improvements"]:
        form.table([_("Area of dissatisfaction"), _("Measures"), _("Department"), _("Due on"), _("Status")],
                   [(i["area"], i["measures"], i["department"], _v(i["due_on"]), i["status_label"])
                    for i in report["improvements"]], widths=[0.2, 0.4, 0.15, 0.12, 0.13])
    ind = report["indicators"]
    form.heading(_("Customer indicators %(from)s to %(to)s") % {"from": ind["date_from"], "to": ind["date_to"]})
    total = ind["total"]
    form.grid([(_("On-time delivery (%)"), _v(total.on_time_percent)), (_("Delivered PPM"), _v(total.ppm)),
               (_("Return rate (%)"), _v(total.return_rate_percent)), (_("Complaints"), total.complaints),
               (_("Quantity shipped"), total.shipped_quantity), (_("Extra freight"), ind["freight"] or "—"),
               (_("Churn (%)"), _v(ind["churn_percent"])),
               (_("Customers lost"), f"{ind['customers_lost']} / {ind['customers_before']}")], columns=2)
    form.table([_("Customer"), _("Score"), _("On time (%)"), _("PPM"), _("Returns (%)"), _("Complaints"),
                _("Shipped")],
               [(f"{r['code']} {r['name']}", _v(r["score"]), _v(r["indicators"].on_time_percent),
                 _v(r["indicators"].ppm), _v(r["indicators"].return_rate_percent), r["indicators"].complaints,
                 r["indicators"].shipped_quantity) for r in ind["rows"]],
               widths=[0.32, 0.1, 0.12, 0.1, 0.12, 0.12, 0.12], empty=_("No customers."))
    _pdf_customer_quality(form, report["customer_quality"])
    form.sign_off([_("Prepared by"), _("Reviewed by"), _("Approved by")])
    _keep_headings_with_next(form)
    return form.render()


# -- Excel ------------------------------------------------------------------------------------------------------


def report_xlsx(report: Report) -> tuple[Any, str]:
    """The report as a workbook (summary, items, answers, trend, competitors, indicators, actions).

    Written in openpyxl's write-only mode to a temporary file, returned open at 0 with its file name.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)

    def sheet(title: str, rows: list[list[Any]]) -> None:
        ws = workbook.create_sheet("".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet")
        for row in rows:
            cells = []
            for value in row:
                value = sheet_value(value)
                if isinstance(value, str) and value.startswith("="):  # text, never a live formula
                    cell = WriteOnlyCell(ws, value)
                    cell.data_type = "s"
                    value = cell
                cells.append(value)
            ws.append(cells)

    o, year = report["overview"], report["year"]
    summary: list[list[Any]] = [
        [f"{year}年度{TITLE_ZH}", _("Customer satisfaction analysis %(year)s") % {"year": year}],
        [_("Company"), ", ".join(str(c) for c in report["companies"] if report["company_id"] in (None, c.pk))],
        [_("Campaigns"), o["campaigns"]], [_("Customers asked"), o["included"]], [_("Answers"), o["answers"]],
        [_("Response rate (%)"), o["response_rate"]], [_("Score of the year"), o["score"]],
        [_("Mean of all answers"), o["answer_mean"]], [_("Target"), o["target"]],
        [_("Against the target"), o["gap"]], [_("Lowest answer"), o["lowest"]],
        [_("Highest answer"), o["highest"]], [_("Answers at or above the target"), o["at_target"]],
        [_("Answers with a critical item at zero"), o["critical_zero"]],
        [],
        [_("Campaign"), _("Month"), _("Kind"), _("Status"), _("Template"), _("Asked"), _("Answers"),
         _("Response rate (%)"), _("Score"), _("Final score"), _("Target"), _("Against the target")],
    ]
    summary += [[c["name"], c["send_month"], c["kind"], c["status_label"], c["template"], c["included"],
                 c["answers"], c["response_rate"], c["score"], c["final"], c["target"], c["gap"]]
                for c in report["campaigns"]]
    summary += [[], [_("Score"), _("Answers"), _("Share (%)")]]
    summary += [[h["label"], h["count"], h["percent"]] for h in report["histogram"]]
    summary += [[], [_("Grade"), _("Answers")]] + [[g["label"], g["count"]] for g in report["grades"]]
    sheet(_("Summary"), summary)

    items: list[list[Any]] = [[_("Template"), _("No."), _("Section or item"), _("Answers"), _("Mean points"),
                               _("Maximum"), _("Share (%)"), _("Zeros")]]
    for section in report["sections"]:
        items.append([section["template"], str(section["position"]), section["title"], section["answers"],
                      section["mean"], section["max_points"], section["share"], None])
        items += [[i["template"], i["number"], i["text"], i["answers"], i["mean"], i["max_points"], i["share"],
                   i["zeros"]] for i in section["items"]]
    sheet(_("Items"), items)

    answers: list[list[Any]] = [[_("Answer"), _("Campaign"), _("Customer code"), _("Customer"), _("Answered at"),
                                 _("Channel"), _("Answered by"), _("Points"), _("Maximum"), _("Score"), _("Grade"),
                                 _("A critical item scored zero"), _("Customer's remarks")]]
    answers += [[a["id"], a["campaign"], a["customer_code"], a["customer_name"], a["answered_at"], a["channel"],
                 a["respondent"], a["points"], a["max_points"], a["score"], a["grade_label"], a["critical_zero"],
                 a["remarks"]] for a in report["answers"]]
    if report["comments"]:
        answers += [[], [_("Answer"), _("Customer code"), _("Customer"), _("Item"), _("Answer option"), _("Points"),
                         _("Comment")]]
        answers += [[c["answer_id"], c["customer_code"], c["customer_name"], c["item"], c["option"], c["points"],
                     c["comment"]] for c in report["comments"]]
    sheet(_("Answers"), answers)

    sheet(_("Trend"), [[_("Year"), _("Campaigns"), _("Score"), _("Year-on-year change"), _("Target")]]
          + [[t["year"], t["campaigns"], t["score"], t["change"], t["target"]] for t in report["trend"]])

    dimensions = [_("Cost"), _("Quality"), _("Delivery"), _("Technology")]
    competitors: list[list[Any]] = [[_("Competitor"), _("Ratings"), _("Their mean"), _("Our mean, same customers"),
                                     _("Paired ratings"), _("Our lead"), *dimensions]]
    competitors += [[c["competitor"], c["ratings"], c["score"], c["ours"], c["paired"], c["lead"],
                     *(c[d] for d in DIMENSIONS)] for c in report["competitors"]]
    competitors += [[], [_("Competitor"), _("Campaign"), _("Customer code"), _("Customer"), _("Their score"),
                         _("Our score"), _("Our lead"), _("Note"), *dimensions]]
    competitors += [[r["competitor"], r["campaign"], r["customer_code"], r["customer_name"], r["score"], r["ours"],
                     r["lead"], r["note"], *(r[d] for d in DIMENSIONS)] for r in report["competitor_ratings"]]
    sheet(_("Competitors"), competitors)

    ind = report["indicators"]
    header = [_("Customer code"), _("Customer"), _("Score"), _("On time (%)"), _("PPM"), _("Returns (%)"),
              _("Complaints"), _("Quantity shipped"), _("Extra freight"), _("Lost")]

    def figures(ind_row: Indicators) -> list[Any]:
        return [ind_row.on_time_percent, ind_row.ppm, ind_row.return_rate_percent, ind_row.complaints,
                ind_row.shipped_quantity]

    indicators: list[list[Any]] = [header]
    indicators += [[r["code"], r["name"], r["score"], *figures(r["indicators"]), r["freight"], r["indicators"].lost]
                   for r in ind["rows"]]
    indicators += [[_("All customers"), "", o["score"], *figures(ind["total"]), ind["freight"], None],
                   [], [_("Churn (%)"), ind["churn_percent"]],
                   [_("Customers lost"), ind["customers_lost"]], [_("Customers shipped to the year before"),
                                                                  ind["customers_before"]],
                   [_("Period"), ind["date_from"], ind["date_to"]]]
    sheet(_("Indicators"), indicators)

    actions: list[list[Any]] = [[_("Action"), _("Title"), _("Status"), _("Raised at"), _("Closed at"), _("Source"),
                                 _("Customer"), _("Score")]]
    actions += [[a["number"], a["title"], a["status_label"], a["raised_at"], a["closed_at"], a["source"],
                 a["customer"], a["score"]] for a in report["actions"]]
    if report["improvements"]:
        actions += [[], [_("Campaign"), _("Area of dissatisfaction"), _("Measures"), _("Department"), _("Due on"),
                         _("Status"), _("Action")]]
        actions += [[i["campaign"], i["area"], i["measures"], i["department"], i["due_on"], i["status_label"],
                     i["action"]] for i in report["improvements"]]
    sheet(_("Actions"), actions)

    cq = report["customer_quality"]
    quality: list[list[Any]] = [[_("Customer code"), _("Customer"), _("Periods"), _("Parts processed"),
                                 _("Parts passed"), _("Processing yield (%)")]]
    quality += [[r["code"], r["name"], r["periods"], r["processed"], r["passed"], r["percent"]] for r in cq["yields"]]
    quality += [[_("All customers"), "", "", cq["yield_total"]["processed"], cq["yield_total"]["passed"],
                 cq["yield_total"]["percent"]], [],
                [_("Audit date"), _("Customer code"), _("Customer"), _("Scope"), _("Findings"), _("Score"),
                 _("Passed"), _("Our actions")]]
    quality += [[a["date"], a["code"], a["name"], a["scope"], a["findings"], a["score"], a["passed"], a["actions"]]
                for a in cq["audits"]]
    sheet(_("Customer audits"), quality)

    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    company = next((c for c in report["companies"] if c.pk == report["company_id"]), None)
    stem = f"survey-report-{year}" + (f"-{company.code}" if company else "")
    return handle, f"{stem}.xlsx"
