"""The corrective action, its links to what raised it, its steps and the rows of its 8D sections."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields
from kesu.customers.models import same_company

from ..choices import (
    ActionFormat,
    ActionKind,
    ActionStatus,
    ContainmentLocation,
    ItemKind,
    SourceKind,
    Step,
    WhyChain,
)

USER = settings.AUTH_USER_MODEL


class CorrectiveAction(CompanyScopedModel):
    """One corrective or preventive action: the 8D report or the simple CAPA form, and its workflow."""

    number = models.CharField(_("action number"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices, default=ActionKind.CORRECTIVE)
    origin = models.CharField(_("raised from"), max_length=20, choices=SourceKind.choices, default=SourceKind.MANUAL)
    format = models.CharField(_("format"), max_length=10, choices=ActionFormat.choices)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNING)
    version = models.PositiveIntegerField(_("version"), default=0)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    parts = models.ManyToManyField("customers.Part", verbose_name=_("affected parts"), blank=True, related_name="+")
    category = models.ForeignKey("complaints.ComplaintCategory", verbose_name=_("defect category"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    responsible_department = models.ForeignKey("accounts.Department", verbose_name=_("responsible department"),
                                               on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(USER, verbose_name=_("owner (responsible department)"), on_delete=models.PROTECT,
                              related_name="+")
    qa_owner = models.ForeignKey(USER, verbose_name=_("QA engineer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(USER, verbose_name=_("raised by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))
    problem = models.TextField(_("problem"), max_length=10000)

    # D0, D2 (5W2H), D4, D7, D8 of the 8D report.
    emergency_response = models.TextField(_("emergency response"), blank=True, max_length=5000)
    what = models.TextField(_("what"), blank=True, max_length=2000)
    where = models.TextField(_("where"), blank=True, max_length=2000)
    when = models.TextField(_("when"), blank=True, max_length=2000)
    who = models.TextField(_("who"), blank=True, max_length=2000)
    why = models.TextField(_("why (why it is a problem)"), blank=True, max_length=2000)
    how = models.TextField(_("how (how it was found)"), blank=True, max_length=2000)
    how_many = models.TextField(_("how many"), blank=True, max_length=2000)
    occurrence_cause = models.TextField(_("root cause of occurrence"), blank=True, max_length=5000)
    escape_cause = models.TextField(_("root cause of escape"), blank=True, max_length=5000)
    fishbone_man = models.TextField(_("man"), blank=True, max_length=2000)
    fishbone_machine = models.TextField(_("machine"), blank=True, max_length=2000)
    fishbone_material = models.TextField(_("material"), blank=True, max_length=2000)
    fishbone_method = models.TextField(_("method"), blank=True, max_length=2000)
    fishbone_measurement = models.TextField(_("measurement"), blank=True, max_length=2000)
    fishbone_environment = models.TextField(_("environment"), blank=True, max_length=2000)
    procedures_updated = models.BooleanField(_("procedures and work instructions updated"), default=False)
    fmea_updated = models.BooleanField(_("FMEA updated"), default=False)
    control_plan_updated = models.BooleanField(_("control plan updated"), default=False)
    lessons_learned = models.TextField(_("lessons learned, applied to similar products"), blank=True,
                                       max_length=5000)
    recognition = models.TextField(_("closure and recognition of the team"), blank=True, max_length=5000)
    # The simple CAPA form (problem above).
    cause = models.TextField(_("cause"), blank=True, max_length=5000)
    corrective_measures = models.TextField(_("action taken"), blank=True, max_length=5000)
    verification = models.TextField(_("verification"), blank=True, max_length=5000)

    # Workflow facts.
    cycle = models.PositiveSmallIntegerField(_("planning round"), default=1)
    plan_submitted_at = models.DateTimeField(_("plan submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(USER, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    verified_by = models.ForeignKey(USER, verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    effectiveness_shipments = models.PositiveSmallIntegerField(_("later shipments to prove effectiveness"),
                                                               default=2)
    effectiveness_evidence = models.TextField(_("other evidence of effectiveness"), blank=True, max_length=5000)
    effectiveness_reason = models.TextField(_("why other evidence"), blank=True, max_length=2000)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="capa_number_unique"),
            models.CheckConstraint(condition=~models.Q(number=""), name="capa_number_not_empty"),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="capa_company_status_idx"),
            models.Index(fields=["company", "raised_at"], name="capa_company_raised_idx"),
            models.Index(fields=["owner", "status"], name="capa_owner_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        same_company(self, "customer", "category", "responsible_department")


class ActionChild(CompanyScopedModel):
    class Meta:
        abstract = True


class ActionLink(ActionChild):
    """A record that raised the action or recurred under it (complaint, claim, survey, trend, audit)."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("content_type", "object_id")
    label = models.CharField(_("reference"), max_length=200)
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("action source")
        verbose_name_plural = _("action sources")
        constraints = [models.UniqueConstraint(fields=["action", "content_type", "object_id"],
                                               name="capa_link_unique")]
        indexes = [models.Index(fields=["content_type", "object_id"], name="capa_link_source_idx")]

    def __str__(self) -> str:
        return self.label


class ActionStep(ActionChild):
    """A discipline (or simple-form step) with its owner and due date; overdue ones escalate."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    last_escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("action step")
        verbose_name_plural = _("action steps")
        constraints = [models.UniqueConstraint(fields=["action", "step"], name="capa_step_unique")]
        indexes = [models.Index(fields=["done_at", "due_at"], name="capa_step_open_due_idx")]

    def __str__(self) -> str:
        return self.get_step_display()


class TeamMember(ActionChild):
    """D1: who works on the action, from which department; one leads."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(USER, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    is_leader = models.BooleanField(_("team leader"), default=False)
    responsibility = models.CharField(_("task in the team"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["-is_leader", "id"]
        constraints = [models.UniqueConstraint(fields=["action", "user"], name="capa_team_member_unique")]


class ContainmentRow(ActionChild):
    """D3: where suspect stock was, how much was sorted and found bad, from when containment holds."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="containment")
    location = models.CharField(_("stock"), max_length=20, choices=ContainmentLocation.choices)
    quantity_checked = models.PositiveIntegerField(_("quantity sorted"), default=0)
    quantity_bad = models.PositiveIntegerField(_("quantity found bad"), default=0)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("containment")
        verbose_name_plural = _("containment")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity_bad__lte=models.F("quantity_checked")),
                                              name="capa_containment_bad_le_checked")]


class WhyRow(ActionChild):
    """D4: one answer of a 5-Why chain (occurrence or escape)."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="whys")
    chain = models.CharField(_("chain"), max_length=20, choices=WhyChain.choices)
    position = models.PositiveSmallIntegerField(_("why no."), validators=[MinValueValidator(1)])
    answer = models.CharField(_("because"), max_length=500)

    class Meta:
        verbose_name = _("why")
        verbose_name_plural = _("5-Why")
        ordering = ["chain", "position"]
        constraints = [models.UniqueConstraint(fields=["action", "chain", "position"], name="capa_why_unique")]


class ActionItem(ActionChild):
    """D5/D6: a permanent action, its implementation and validation; D7: a prevention measure."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.PERMANENT)
    text = models.CharField(_("action"), max_length=1000)
    owner = models.ForeignKey(USER, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    validation = models.CharField(_("validation"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["kind", "id"]


class ActionChange(ActionChild, StatusChangeBase):
    """One step of the workflow, as it happened (the action's history)."""

    RECORD_FIELD = "action"

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="changes")
    old_status, new_status = status_fields(ActionStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("action history entry")
        verbose_name_plural = _("action history")
        ordering = ["at", "id"]


class ActionEscalation(ActionChild):
    """An overdue step brought up the company's escalation chain."""

    action = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE, related_name="escalations")
    step = models.ForeignKey(ActionStep, verbose_name=_("step"), on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    chain_step = models.CharField(_("escalated to"), max_length=20)
    recipients = models.ManyToManyField(USER, verbose_name=_("recipients"), related_name="+", blank=True)
    # Issue 18 §12: a level set to reassign hands the step to its person; who had it before is kept.
    reassigned_to = models.ForeignKey(USER, verbose_name=_("reassigned to"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    reassigned_from = models.ForeignKey(USER, verbose_name=_("reassigned from"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("action escalation")
        verbose_name_plural = _("action escalations")
        ordering = ["at", "id"]
