"""The after-sales feedback report (seed 001 §5.1.2 b; issue 21 §4): what customers said in the period's visits and
return visits, by topic — the quality problems, the change and improvement proposals and the major customer
suggestions — with the service-job figures of the period. One selector feeds the page, the PDF and the Excel file.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from .choices import TOPICS, MarketKind
from .models import Visit

# What a report holds at most per section on the page and the PDF (the Excel file has every row).
SHOWN = 200


def _raised(visit: Visit) -> str:
    """The records the visit's finding was turned into, by number."""
    numbers = [record.number for record in (visit.finding_complaint, visit.finding_action, visit.finding_signal,
                                            visit.finding_review) if record is not None]
    return "、".join(numbers)


def aftersales_summary(user, date_from: datetime.date, date_to: datetime.date) -> dict[str, Any]:
    """The visits of the period the user may see, what was said in them by topic, their findings, and the market
    feedback and suggestions of the same period (a handful of queries, whatever the number of visits)."""
    from .selectors import market_visible_to, visits_visible_to

    visits = list(visits_visible_to(user).filter(visited_on__gte=date_from, visited_on__lte=date_to)
                  .select_related("finding_signal", "finding_review").order_by("visited_on", "id"))
    topics = []
    for name, label in TOPICS:
        rows = [{"visit": v, "date": v.visited_on, "customer": v.customer, "text": getattr(v, name),
                 "negative": v.negative} for v in visits if getattr(v, name).strip()]
        topics.append({"name": name, "label": label, "rows": rows, "negative": sum(r["negative"] for r in rows)})
    findings = [{"visit": v, "date": v.visited_on, "customer": v.customer, "text": v.findings,
                 "negative": v.negative, "raised": _raised(v)} for v in visits if v.findings.strip()]
    suggestions = list(market_visible_to(user).filter(kind__in=(MarketKind.FEEDBACK, MarketKind.NEED),
                                                      reported_on__gte=date_from, reported_on__lte=date_to)
                       .select_related("customer").order_by("reported_on", "id"))
    figures = None
    if getattr(user, "company_id", None):
        from .figures import job_figures

        figures = job_figures(user.company_id, date_from, date_to)
    return {
        "date_from": date_from, "date_to": date_to, "visits": len(visits),
        "onsite": sum(1 for v in visits if v.kind == "onsite"), "phone": sum(1 for v in visits if v.kind == "phone"),
        "negative": sum(1 for v in visits if v.negative), "with_findings": len(findings),
        "raised": sum(1 for f in findings if f["raised"]), "topics": topics, "findings": findings,
        "suggestions": suggestions, "figures": figures,
    }


def export_rows(summary: dict[str, Any]):
    """Every remark of the report as one row (section, date, customer, text, negative, raised records)."""
    for topic in summary["topics"]:
        for row in topic["rows"]:
            yield {"section": str(topic["label"]), "date": row["date"], "customer": row["customer"],
                   "text": row["text"], "negative": row["negative"], "raised": "", "company_id": row["visit"].company_id}
    for row in summary["findings"]:
        yield {"section": _("Findings"), "date": row["date"], "customer": row["customer"], "text": row["text"],
               "negative": row["negative"], "raised": row["raised"], "company_id": row["visit"].company_id}
    for entry in summary["suggestions"]:
        yield {"section": str(entry.get_kind_display()), "date": entry.reported_on, "customer": entry.customer,
               "text": f"{entry.title}：{entry.text}", "negative": None, "raised": "", "company_id": entry.company_id}


def export_columns() -> list[tuple[Any, Any]]:
    return [
        (_("Section"), lambda r: r["section"]), (_("Date"), lambda r: r["date"]),
        (_("Customer code"), lambda r: r["customer"].code if r["customer"] else ""),
        (_("Customer"), lambda r: r["customer"].name if r["customer"] else ""),
        (_("What the customer said"), lambda r: r["text"]), (_("Negative view"), lambda r: r["negative"]),
        (_("Raised as"), lambda r: r["raised"]),
    ]


def aftersales_pdf(summary: dict[str, Any], company) -> bytes:
    """The report on paper (A4) for the department's after-sales feedback file."""
    import zoneinfo
    from types import SimpleNamespace

    from django.conf import settings

    from kesu.core.printing import PrintForm

    # A user of no company gets a page header without a name rather than some other company's.
    company = company or SimpleNamespace(name="", tz=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    period = {"from": summary["date_from"], "to": summary["date_to"]}
    form = PrintForm(company=company, title_zh="售后服务信息反馈报告",
                     title=_("After-sales feedback report %(from)s to %(to)s") % period)
    form.paragraph(_("Period: %(from)s to %(to)s") % period)
    figures = summary["figures"]
    rows = [(_("Visits and return visits"), summary["visits"]), (_("On-site visits"), summary["onsite"]),
            (_("Phone return visits"), summary["phone"]), (_("Negative views"), summary["negative"]),
            (_("Visits with findings"), summary["with_findings"]),
            (_("Findings raised as a record"), summary["raised"])]
    if figures:
        rows += [(_("Repair rate (%)"), figures["repair"]["rate_percent"] or "—"),
                 (_("First-time fix rate (%)"), figures["first_time_fix"]["rate_percent"] or "—")]
    form.grid(rows, columns=2)
    for topic in summary["topics"]:
        form.heading(str(topic["label"]))
        form.table([_("Date"), _("Customer"), _("What the customer said"), _("Negative view")],
                   [(r["date"], f"{r['customer'].code} {r['customer'].name}", r["text"], r["negative"])
                    for r in topic["rows"][:SHOWN]], widths=[0.12, 0.26, 0.52, 0.1], empty=_("Nothing said."))
    form.heading(_("Findings"))
    form.table([_("Date"), _("Customer"), _("Findings"), _("Raised as")],
               [(r["date"], f"{r['customer'].code} {r['customer'].name}", r["text"], r["raised"])
                for r in summary["findings"][:SHOWN]], widths=[0.12, 0.24, 0.46, 0.18], empty=_("No findings."))
    form.heading(_("Market feedback and customer suggestions"))
    form.table([_("Date"), _("Customer"), _("Title"), _("Information")],
               [(e.reported_on, f"{e.customer.code} {e.customer.name}" if e.customer_id else "", e.title, e.text)
                for e in summary["suggestions"][:SHOWN]], widths=[0.12, 0.22, 0.2, 0.46],
               empty=_("No suggestions."))
    form.sign_off([_("Prepared by"), _("Reviewed by"), _("Approved by")])
    return form.render()
