"""The nonconforming product handling form (《不合格品处理单》, seed 003 §5.4.1)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields
from kesu.customers.models import same_company

from ..choices import NcrDisposition, NcrStatus, VerificationResult

USER = settings.AUTH_USER_MODEL


class NonconformingReport(CompanyScopedModel):
    """QA issues it to the responsible department, which answers with cause and action; QA verifies.

    Its status moves only through ``services.ncr`` on the core runner (the table in ``capa/workflow.py``,
    ``"capa.ncr"``); each move is an :class:`NcrChange` row.
    """

    number = models.CharField(_("report number"), max_length=60)
    status = models.CharField(_("status"), max_length=20, choices=NcrStatus.choices, default=NcrStatus.ISSUED)
    version = models.PositiveIntegerField(_("version"), default=0)
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    action = models.ForeignKey("capa.CorrectiveAction", verbose_name=_("corrective action"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="ncrs")
    part = models.ForeignKey("customers.Part", verbose_name=_("part"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("nonconforming quantity"), validators=[MinValueValidator(1)])
    description = models.TextField(_("nonconformity"), max_length=10000)
    disposition = models.CharField(_("disposition"), max_length=30, choices=NcrDisposition.choices)
    responsible_department = models.ForeignKey("accounts.Department", verbose_name=_("responsible department"),
                                               on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(USER, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    answer_due_at = models.DateTimeField(_("answer due at"))
    cause = models.TextField(_("cause"), blank=True, max_length=5000)
    measures = models.TextField(_("corrective and preventive measures"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(USER, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    result = models.CharField(_("verification result"), max_length=20, choices=VerificationResult.choices,
                              blank=True)
    verification_note = models.TextField(_("verification note"), blank=True, max_length=5000)
    verified_by = models.ForeignKey(USER, verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nonconforming product report")
        verbose_name_plural = _("nonconforming product reports")
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="ncr_number_unique")]
        indexes = [models.Index(fields=["company", "status"], name="ncr_company_status_idx")]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        same_company(self, "complaint", "action", "part", "responsible_department")


class NcrChange(StatusChangeBase):
    """One step of a nonconforming report (issued, answered, verified, returned, cancelled): its history."""

    RECORD_FIELD = "ncr"
    audit_enabled = False  # the row is the history itself (as ClaimChange)

    ncr = models.ForeignKey(NonconformingReport, verbose_name=_("nonconforming product report"),
                            on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(NcrStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("nonconforming report history entry")
        verbose_name_plural = _("nonconforming report history")
        ordering = ["ncr", "at", "id"]

    def __str__(self) -> str:
        return f"{self.ncr}: {self.old_status} → {self.new_status}"
