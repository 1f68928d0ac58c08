"""The yearly satisfaction analysis report as a record that is approved, countersigned and distributed
(seed 000 §4.3.3.3: 《顾客满意度分析报告》, approved by the sales head, countersigned by the heads of engineering
and QA, then distributed to every department; each department confirms it received it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields

from ..choices import ReportStatus

USER = settings.AUTH_USER_MODEL


class SatisfactionReport(CompanyScopedModel):
    """One company's report of one year; its figures are computed by :func:`kesu.surveys.report.yearly_report`,
    its conclusions written by sales."""

    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=15, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=0)
    conclusions = models.TextField(_("conclusions and main areas of dissatisfaction"), blank=True, max_length=10000)
    written_by = models.ForeignKey(USER, verbose_name=_("written by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    engineering_department = models.ForeignKey("accounts.Department", verbose_name=_("engineering department"),
                                               null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    engineering_signed_by = models.ForeignKey(USER, verbose_name=_("countersigned for engineering by"), null=True,
                                              blank=True, on_delete=models.PROTECT, related_name="+")
    engineering_signed_at = models.DateTimeField(_("countersigned for engineering at"), null=True, blank=True)
    qa_department = models.ForeignKey("accounts.Department", verbose_name=_("QA department"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    qa_signed_by = models.ForeignKey(USER, verbose_name=_("countersigned for QA by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    qa_signed_at = models.DateTimeField(_("countersigned for QA at"), null=True, blank=True)
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction analysis report")
        verbose_name_plural = _("satisfaction analysis reports")
        ordering = ["-year", "company"]
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="satisfaction_report_unique")]

    def __str__(self) -> str:
        return str(_("Satisfaction analysis report %(year)s") % {"year": self.year})


class SatisfactionReportChange(StatusChangeBase):
    """One step of the yearly report (approval, countersignature, distribution)."""

    RECORD_FIELD = "report"

    report = models.ForeignKey(SatisfactionReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="changes")
    old_status, new_status = status_fields(ReportStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("satisfaction report status change")
        verbose_name_plural = _("satisfaction report status changes")
        ordering = ["report", "at", "id"]


class ReportReceipt(CompanyScopedModel):
    """A department's copy of the distributed report, confirmed by someone of the department."""

    report = models.ForeignKey(SatisfactionReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="receipts")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="+")
    confirmed_by = models.ForeignKey(USER, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report receipt")
        verbose_name_plural = _("report receipts")
        ordering = ["report", "department__code"]
        constraints = [models.UniqueConstraint(fields=["report", "department"], name="report_receipt_unique")]

    def __str__(self) -> str:
        return f"{self.report} → {self.department}"
