"""Complaint prevention (seed 001 投诉预警), repeat complaints (ISO 10002 §8.5, design §11) and the after-sales
assessment of salespeople (seed 004 §6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel, StatusChangeBase, status_fields

from .choices import (
    AssessmentStatus,
    AutoCause,
    GroupKind,
    MemberPosition,
    Outcome,
    RepeatRule,
    SignalClass,
    SignalSource,
    SignalStatus,
)

USER = settings.AUTH_USER_MODEL


class PreventionGroup(CompanyScopedModel):
    """One of the three bodies of seed 001 §六 in a company, with its duties (§七) as data."""

    kind = models.CharField(_("group"), max_length=20, choices=GroupKind.choices)
    duties = models.TextField(_("duties"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("prevention group")
        verbose_name_plural = _("prevention groups")
        ordering = ["company", "kind"]
        constraints = [models.UniqueConstraint(fields=["company", "kind"], name="prevention_group_unique")]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class GroupMember(models.Model):
    """A person in a prevention group: leader, deputy or member (seed 001 §六)."""

    group = models.ForeignKey(PreventionGroup, verbose_name=_("group"), on_delete=models.CASCADE,
                              related_name="members")
    user = models.ForeignKey(USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position in the group"), max_length=10, choices=MemberPosition.choices,
                                default=MemberPosition.MEMBER)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="prevention_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_position_display()})"


class WarningSignal(CompanyScopedModel):
    """A sign of dissatisfaction recorded before it is a complaint (seed 001 投诉预警), and its prevention."""

    number = models.CharField(_("signal number"), max_length=40)
    source = models.CharField(_("source"), max_length=20, choices=SignalSource.choices)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    part = models.ForeignKey("customers.Part", verbose_name=_("part"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    observed = models.TextField(_("what was seen or heard"), max_length=5000)
    warning_class = models.CharField(_("class"), max_length=1, choices=SignalClass.choices)
    raised_at = models.DateTimeField(_("recorded at"))
    reported_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # The working group's person who follows the signal (its leader by default); A and B are decided by the
    # leadership group (``decider``, its leader by default) — seed 001 §七.
    owner = models.ForeignKey(USER, verbose_name=_("followed by"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    decider = models.ForeignKey(USER, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    identification = models.TextField(_("identification: what is really the case"), blank=True, max_length=5000)
    causes = models.TextField(_("causes"), blank=True, max_length=5000)
    development = models.TextField(_("likely development"), blank=True, max_length=5000)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True, max_length=5000)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    complaint = models.OneToOneField("complaints.Complaint", verbose_name=_("complaint"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="warning_signal")
    # Automatic signals: raised once per cause (``cause_key``), with why.
    auto_cause = models.CharField(_("automatic cause"), max_length=30, choices=AutoCause.choices, blank=True)
    cause_key = models.CharField(_("cause key"), max_length=120, blank=True)
    why = models.TextField(_("why this signal"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=20, choices=SignalStatus.choices,
                              default=SignalStatus.IDENTIFYING)
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("early-warning signal")
        verbose_name_plural = _("early-warning signals")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="prevention_signal_number_unique"),
            models.UniqueConstraint(fields=["company", "cause_key"], condition=~models.Q(cause_key=""),
                                    name="prevention_signal_cause_once"),
        ]
        indexes = [models.Index(fields=["company", "status", "raised_at"], name="prevention_signal_open_idx")]

    def __str__(self) -> str:
        return self.number


class SignalChange(StatusChangeBase):
    """One status change of a signal."""

    RECORD_FIELD = "signal"
    audit_enabled = False

    signal = models.ForeignKey(WarningSignal, verbose_name=_("signal"), on_delete=models.CASCADE,
                               related_name="changes")
    old_status, new_status = status_fields(SignalStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("signal status change")
        verbose_name_plural = _("signal status changes")
        ordering = ["signal", "at", "id"]


class PreventiveAction(CompanyScopedModel):
    """A prevention step (预控) with its owner and a working-day deadline."""

    signal = models.ForeignKey(WarningSignal, verbose_name=_("signal"), on_delete=models.CASCADE,
                               related_name="actions")
    description = models.TextField(_("action"), max_length=2000)
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    working_days = models.PositiveSmallIntegerField(_("working days"), default=1)
    due_at = models.DateTimeField(_("due at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("preventive action")
        verbose_name_plural = _("preventive actions")
        ordering = ["signal", "due_at", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class SpecialMeeting(CompanyScopedModel):
    """A special meeting of a prevention group (seed 001 §七 1.2: the deputies propose it)."""

    group = models.ForeignKey(PreventionGroup, verbose_name=_("group"), on_delete=models.PROTECT,
                              related_name="meetings")
    signal = models.ForeignKey(WarningSignal, verbose_name=_("signal"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="meetings")
    held_at = models.DateTimeField(_("held at"))
    topic = models.CharField(_("topic"), max_length=200)
    attendees = models.ManyToManyField(USER, verbose_name=_("attendees"), related_name="+")
    decisions = models.TextField(_("decisions"), max_length=5000)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("special meeting")
        verbose_name_plural = _("special meetings")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return self.topic


class RepeatSettings(CompanyScopedModel):
    """How a company recognises a repeat complaint (design §11: 180 days; both rules configurable)."""

    window_days = models.PositiveSmallIntegerField(_("within days"), default=180)
    same_customer = models.BooleanField(_("same customer"), default=True)
    same_part = models.BooleanField(_("same part at any customer"), default=True)

    class Meta:
        verbose_name = _("repeat complaint settings")
        verbose_name_plural = _("repeat complaint settings")
        constraints = [models.UniqueConstraint(fields=["company"], name="prevention_repeat_settings_unique")]


class RepeatFlag(CompanyScopedModel):
    """A complaint flagged as a repeat (ISO 10002 §8.5): by which rule, within how many days, of which ones."""

    complaint = models.OneToOneField("complaints.Complaint", verbose_name=_("complaint"), on_delete=models.CASCADE,
                                     related_name="repeat_flag")
    rule = models.CharField(_("rule"), max_length=20, choices=RepeatRule.choices)
    window_days = models.PositiveSmallIntegerField(_("within days"))
    earlier = models.ManyToManyField("complaints.Complaint", verbose_name=_("earlier complaints"), related_name="+")
    flagged_at = models.DateTimeField(_("flagged at"))

    class Meta:
        verbose_name = _("repeat complaint")
        verbose_name_plural = _("repeat complaints")

    def __str__(self) -> str:
        return str(self.get_rule_display())


class Assessment(CompanyScopedModel):
    """A salesperson's after-sales assessment for a period (seed 004 §6), confirmed by the sales director."""

    salesperson = models.ForeignKey(USER, verbose_name=_("salesperson"), on_delete=models.PROTECT,
                                    related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    figures = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    director_comment = models.TextField(_("sales director's comments"), blank=True, max_length=5000)
    confirmed_by = models.ForeignKey(USER, verbose_name=_("confirmed by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("after-sales assessment")
        verbose_name_plural = _("after-sales assessments")
        ordering = ["-period_start", "salesperson"]
        constraints = [models.UniqueConstraint(fields=["company", "salesperson", "period_start", "period_end"],
                                               name="prevention_assessment_unique")]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.period_start:%Y-%m}"


class AssessmentChange(StatusChangeBase):
    RECORD_FIELD = "assessment"
    audit_enabled = False

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE,
                                   related_name="changes")
    old_status, new_status = status_fields(AssessmentStatus.choices)

    class Meta(StatusChangeBase.Meta):
        verbose_name = _("assessment status change")
        verbose_name_plural = _("assessment status changes")
        ordering = ["assessment", "at", "id"]
