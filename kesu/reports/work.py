"""What the departments' monthly reports and trend alerts wait for (issue 16 §1; seed 001 §5.1.2, issue 7 §3).

A draft (or returned) report waits for its department's writers by its due day; a submitted one for the general
manager or vice GM. A trend alert that found no responsible department raised no rectification request: it waits
for QA to raise one by hand.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core import work

from .choices import ReportKind, ReportStatus
from .models import DepartmentReport, TrendAlert
from .permissions import APPROVE_REPORT, WRITE_REPORT

WRITING = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _report_url(row) -> str:
    return reverse("reports:department_detail", args=[row.pk])


def _report_name(row) -> str:
    return f"{row.get_kind_display()} {row.month:%Y-%m}"


def _report_about(row) -> str:
    return str(row.department or "")


work.register(work.Source(
    module="reports", label=_("Monthly reports"), model=DepartmentReport,
    open=Q(status__in=(*WRITING, ReportStatus.SUBMITTED)), url=_report_url, number=_report_name, customer=None,
    describe=_report_about,
    steps=(
        *(work.Step("submit", _("Write and submit the monthly report"), frozenset(WRITE_REPORT[kind]),
                    Q(status__in=WRITING, kind=kind), department="department", due=work.end_of_day("due_on"))
          for kind in ReportKind),
        work.Step("approve", _("Approve the monthly report"), APPROVE_REPORT, Q(status=ReportStatus.SUBMITTED)),
    ),
))


def _alert_url(row) -> str:
    return reverse("reports:alerts") + f"#alert-{row.pk}"


def _alert_name(row) -> str:
    return f"{row.month:%Y-%m} {row.label}"


work.register(work.Source(
    module="trend_alerts", label=_("Trend alerts"), model=TrendAlert, open=Q(action__isnull=True),
    url=_alert_url, number=_alert_name, customer=None,
    steps=(
        work.Step("raise_rectification", _("Request a rectification plan"), frozenset({Role.QA}), Q()),
    ),
))
