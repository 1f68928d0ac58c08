"""What analysis and management review keeps (design §9): targets, settings, monthly snapshots, trend alerts
and the departments' monthly reports. Every figure is computed from the domain apps' records; these rows
only keep what must not change afterwards (a month's snapshot, an alert already raised, a report submitted).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields

from .choices import Dimension, Kpi, ReportKind, ReportStatus

USER = settings.AUTH_USER_MODEL


class ReportSettings(CompanyScopedModel):
    """One company's analysis settings (one row per company, created with defaults on first use)."""

    closure_target_working_days = models.PositiveSmallIntegerField(
        _("close complaints within (working days)"), default=10, validators=[MinValueValidator(1)])
    alert_history_months = models.PositiveSmallIntegerField(
        _("trend alerts: months of history"), default=12, validators=[MinValueValidator(3), MaxValueValidator(60)])
    alert_min_count = models.PositiveSmallIntegerField(
        _("trend alerts: least complaints in a month"), default=3, validators=[MinValueValidator(1)])
    report_due_day = models.PositiveSmallIntegerField(
        _("monthly reports due on day"), default=8, validators=[MinValueValidator(1), MaxValueValidator(28)])
    report_remind_days = models.PositiveSmallIntegerField(
        _("remind this many days before"), default=3, validators=[MaxValueValidator(27)])

    class Meta:
        verbose_name = _("analysis settings")
        verbose_name_plural = _("analysis settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="report_settings_one_per_company")]

    def __str__(self) -> str:
        return str(self.company)


class KpiTarget(CompanyScopedModel):
    """A company's target for one indicator in one year (issue 7 §4)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kpi = models.CharField(_("indicator"), max_length=30, choices=Kpi.choices)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["company", "-year", "kpi"]
        constraints = [models.UniqueConstraint(fields=["company", "year", "kpi"], name="kpi_target_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kpi_display()}"


class MonthlySnapshot(CompanyScopedModel):
    """A company's indicators for one closed month, taken once the month is over (issue 7 §7).

    ``values`` maps each :class:`Kpi` value to a decimal string, or null where the indicator is "n/a"
    (nothing shipped, nothing due); ``counts`` keeps the month's complaint counts for the summary.
    """

    month = models.DateField(_("month"))
    values = models.JSONField(_("indicators"), default=dict)
    counts = models.JSONField(_("counts"), default=dict)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        ordering = ["company", "-month"]
        constraints = [models.UniqueConstraint(fields=["company", "month"], name="monthly_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.company} {self.month:%Y-%m}"


class TrendAlert(CompanyScopedModel):
    """An abnormal rise of complaints for one customer, part or category in one month (issue 7 §3).

    One row per (company, month, dimension, watched record): the row is the "once" — a second run finds it
    and raises nothing. ``action`` is the request for a rectification plan raised through the CAPA service.
    """

    month = models.DateField(_("month"))
    dimension = models.CharField(_("watched"), max_length=20, choices=Dimension.choices)
    object_id = models.PositiveBigIntegerField(_("record"))
    label = models.CharField(_("name"), max_length=300)
    count = models.PositiveIntegerField(_("complaints in the month"))
    mean = models.DecimalField(_("monthly mean of the history"), max_digits=12, decimal_places=3)
    upper_limit = models.DecimalField(_("upper control limit"), max_digits=12, decimal_places=3)
    history_months = models.PositiveSmallIntegerField(_("months of history"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("responsible department"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+")
    action = models.ForeignKey(
        "capa.CorrectiveAction", verbose_name=_("corrective action"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))

    class Meta:
        verbose_name = _("trend alert")
        verbose_name_plural = _("trend alerts")
        ordering = ["-month", "-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "month", "dimension", "object_id"],
                                               name="trend_alert_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.label}"


class DepartmentReport(CompanyScopedModel):
    """A department's monthly report due by the 8th (seed 001 §5.1.2), drafted from the data.

    ``figures`` holds what was computed when the draft was made (refreshed until it is submitted); the
    department writes its analysis and proposals; approval freezes it.
    """

    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    month = models.DateField(_("month"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    due_on = models.DateField(_("due on"))
    figures = models.JSONField(_("figures"), default=dict)
    drafted_at = models.DateTimeField(_("drafted at"))
    analysis = models.TextField(_("analysis"), blank=True, max_length=20000)
    proposals = models.TextField(_("improvement proposals"), blank=True, max_length=20000)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    submitted_by = models.ForeignKey(USER, verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True, max_length=2000)
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("departmental monthly report")
        verbose_name_plural = _("departmental monthly reports")
        ordering = ["-month", "kind"]
        constraints = [models.UniqueConstraint(fields=["company", "kind", "month"], name="department_report_unique")]
        indexes = [models.Index(fields=["status", "due_on"], name="department_report_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m}"


class ReportChange(StatusChangeBase):
    """One status change of a departmental report (who, when, from, to, note)."""

    RECORD_FIELD = "report"

    report = models.ForeignKey(DepartmentReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="changes")
    old_status, new_status = status_fields(ReportStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("report status change")
        verbose_name_plural = _("report status changes")
        ordering = ["at", "id"]


class RolledUpMeasures(models.Model):
    """What the complaint rollups count per group (see :class:`ComplaintRollup`): the responsibility the group is
    keyed by too, and the measures."""

    responsibility = models.CharField(_("responsibility"), max_length=20, blank=True)
    complaints = models.PositiveIntegerField(_("complaints"))
    quantity_defective = models.PositiveBigIntegerField(_("quantity defective"))
    repeats = models.PositiveIntegerField(_("repeats"))
    closed = models.PositiveIntegerField(_("closed"))
    reopened = models.PositiveIntegerField(_("reopened"))
    reopenings = models.PositiveIntegerField(_("reopenings"))
    returned = models.PositiveBigIntegerField(_("quantity returned"))

    class Meta:
        abstract = True


class ComplaintRollup(RolledUpMeasures):
    """Counted complaints of one company's month per customer, part, category and responsibility (issue 24 §5).

    The month is the calendar month of receipt in the company's time zone; counted means not rejected at intake
    and not cancelled (as every analysis counts). Each measure is what the analyses and the KPI dashboard add
    up: complaints, the defective quantity (summed over every responsibility; "ours" is a row filter), repeats,
    closed, closed-and-reopened, reopenings of the closed ones and the quantity of return dispositions. Rows are
    kept by :mod:`kesu.reports.services.rollups` (delete and insert per month); a month is read from here only
    when its :class:`RollupMonth` is built and no :class:`RollupChange` waits for it.
    """

    company = models.ForeignKey("accounts.Company", verbose_name=_("company"), on_delete=models.CASCADE,
                                related_name="+")
    month = models.DateField(_("month"))
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="+")
    part = models.ForeignKey("customers.Part", verbose_name=_("part"), null=True, on_delete=models.CASCADE,
                             related_name="+")
    category = models.ForeignKey("complaints.ComplaintCategory", verbose_name=_("category"), null=True,
                                 on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("complaint rollup")
        verbose_name_plural = _("complaint rollups")
        indexes = [models.Index(fields=["company", "month"], name="complaint_rollup_month_idx")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m} {self.customer_id}/{self.part_id}/{self.category_id}"


class MonthlyRollup(models.Model):
    """What the rollups of one company's month share: the company and the month (rebuilt together, see
    :class:`RollupMonth`)."""

    company = models.ForeignKey("accounts.Company", verbose_name=_("company"), on_delete=models.CASCADE,
                                related_name="+")
    month = models.DateField(_("month"))

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["company", "month"], name="%(class)s_month_idx")]


class ClosureRollup(MonthlyRollup):
    """Counted complaints of one company's month of receipt per day received and day finally closed (none while
    not closed), both in the company's time zone: what the closure-time analysis adds up (design §11). Built and
    read with :class:`ComplaintRollup`, for scopes not narrowed to a customer, part, category or responsibility.
    """

    received_day = models.DateField(_("day received"))
    closed_day = models.DateField(_("day closed"), null=True)
    complaints = models.PositiveIntegerField(_("complaints"))

    class Meta(MonthlyRollup.Meta):
        verbose_name = _("closure rollup")
        verbose_name_plural = _("closure rollups")

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m} {self.received_day} → {self.closed_day}"


class ResponseRollup(MonthlyRollup):
    """Counted complaints of one company's month of receipt per whole hours from receipt to the first response
    (none while unanswered): what the first-response analysis adds up (design §11), as :class:`ClosureRollup`."""

    hours = models.IntegerField(_("hours to the first response"), null=True)
    complaints = models.PositiveIntegerField(_("complaints"))

    class Meta(MonthlyRollup.Meta):
        verbose_name = _("first-response rollup")
        verbose_name_plural = _("first-response rollups")

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m} {self.hours}"


class CoarseRollup(MonthlyRollup, RolledUpMeasures):
    """:class:`ComplaintRollup`'s rows of a month summed over all but one of its dimensions (and the
    responsibility): the few rows a trend, a KPI or a breakdown by that dimension reads, where the fine rollup
    holds nearly one row per complaint when customers and parts are many. Built with it, from its groups."""

    class Meta(MonthlyRollup.Meta):
        abstract = True

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m} {self.responsibility}"


class CategoryRollup(CoarseRollup):
    category = models.ForeignKey("complaints.ComplaintCategory", verbose_name=_("category"), null=True,
                                 on_delete=models.CASCADE, related_name="+")

    class Meta(CoarseRollup.Meta):
        verbose_name = _("complaint rollup by category")
        verbose_name_plural = _("complaint rollups by category")


class CustomerRollup(CoarseRollup):
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="+")

    class Meta(CoarseRollup.Meta):
        verbose_name = _("complaint rollup by customer")
        verbose_name_plural = _("complaint rollups by customer")


class PartRollup(CoarseRollup):
    part = models.ForeignKey("customers.Part", verbose_name=_("part"), null=True, on_delete=models.CASCADE,
                             related_name="+")

    class Meta(CoarseRollup.Meta):
        verbose_name = _("complaint rollup by part")
        verbose_name_plural = _("complaint rollups by part")


class DefectRollup(CoarseRollup):
    """Per defect nature as typed (free text, a factory's few dozen words): what the defect breakdown adds up. Not
    in the fine rollup, so counted from the complaints when the month is rebuilt."""

    defect_nature = models.CharField(_("defect nature"), max_length=200, blank=True)

    class Meta(CoarseRollup.Meta):
        verbose_name = _("complaint rollup by defect")
        verbose_name_plural = _("complaint rollups by defect")


class ShipmentRollup(MonthlyRollup):
    """Shipment lines of one company's month per customer and currency (issue 24 §5): what the KPI dashboard and
    the customer indicators add up (design §11).

    Two measures in one row, each by its own date: ``quantity``, ``lines``, ``freight_lines`` and ``freight`` (the
    extra freight cost of the lines that have one) count the lines *shipped* in the month; ``due`` and
    ``on_time`` count the lines *due* in it and those delivered on time. A line shipped in one month and due in
    the next is in both months' rows, once each way. Built and read with the complaint rollup, month by month
    (:class:`RollupMonth`, :class:`RollupChange`): a shipment's change marks its ship and due months.
    """

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="+")
    currency = models.CharField(_("currency"), max_length=3)
    quantity = models.PositiveBigIntegerField(_("quantity shipped"))
    lines = models.PositiveIntegerField(_("lines shipped"))
    freight_lines = models.PositiveIntegerField(_("lines with extra freight"))
    freight = models.DecimalField(_("extra freight cost"), max_digits=20, decimal_places=2)
    due = models.PositiveIntegerField(_("lines due"))
    on_time = models.PositiveIntegerField(_("lines on time"))

    class Meta(MonthlyRollup.Meta):
        verbose_name = _("shipment rollup")
        verbose_name_plural = _("shipment rollups")

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m} {self.customer_id} {self.currency}"


class RollupMonth(models.Model):
    """One company's month whose rollup rows (:class:`ComplaintRollup`, :class:`ClosureRollup`,
    :class:`ResponseRollup`, :class:`ShipmentRollup`) are built (and when)."""

    company = models.ForeignKey("accounts.Company", verbose_name=_("company"), on_delete=models.CASCADE,
                                related_name="+")
    month = models.DateField(_("month"))
    built_at = models.DateTimeField(_("built at"))
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("rolled-up month")
        verbose_name_plural = _("rolled-up months")
        constraints = [models.UniqueConstraint(fields=["company", "month"], name="rollup_month_unique")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m}"


class RollupChange(models.Model):
    """A change to a complaint (or its returns, or its repeat flag) received in this company's month, or to a
    shipment line shipped or due in it, written in the same transaction as the change: until the worker has
    rebuilt the month and removed the row, the month is computed live. Rows are only inserted by the writers (no
    lock taken), so concurrent writers never wait on each other here."""

    company_id = models.BigIntegerField(_("company"))
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("rollup change")
        verbose_name_plural = _("rollup changes")
        indexes = [models.Index(fields=["company_id", "month"], name="rollup_change_month_idx")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m}"
