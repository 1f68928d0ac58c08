"""Forms of the survey pages; the template editor reads a short text format (one line per section or item)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.core.forms_base import ScopedModelForm, style_fields
from kesu.core.lookups import use_lookups
from kesu.customers.forms import CustomerCodeField
from kesu.customers.models import Customer

from .choices import AnswerChannel, BandTrigger, Grade, ReportChannel
from .models import DIMENSIONS, Campaign, Improvement, SurveySettings, SurveyTemplate
from .services.answers import CUSTOMER_CHANNELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


def template_to_text(template: SurveyTemplate) -> str:
    lines = []
    for section in template.sections.all():
        lines.append(f"# {section.title}{' *' if section.is_critical else ''}")
        for item in section.items.all():
            options = " | ".join(f"{o['label']}={o['points']}" for o in item.options)
            lines.append(f"- {item.text} | {options}")
    return "\n".join(lines)


def text_to_sections(text: str) -> list[dict[str, Any]]:
    """``# Section title *`` (``*``: critical) and ``- Question | label=points | …`` lines → sections."""
    sections: list[dict[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            critical = title.endswith("*")
            sections.append({"title": title.rstrip("*").strip(), "is_critical": critical, "items": []})
            continue
        if not line.startswith("-") or not sections:
            raise ValidationError(_("Line %(n)s: start a section with “#” and an item with “-”.") % {"n": number})
        parts = [p.strip() for p in line.lstrip("-").split("|")]
        options = []
        for part in parts[1:]:
            label, _sep, points = part.rpartition("=")
            if not label.strip() or not points.strip().isdigit():
                raise ValidationError(_("Line %(n)s: write each answer as label=points, e.g. 满意=5.") % {
                    "n": number})
            options.append({"label": label.strip(), "points": int(points)})
        sections[-1]["items"].append({"text": parts[0], "options": options, "allow_comment": True})
    return sections


class TemplateForm(forms.Form):
    code = forms.CharField(max_length=30, label=_("template code"))
    name = forms.CharField(max_length=200, label=_("name"))
    introduction = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                   label=_("introduction to the customer"))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
                           label=_("sections and items"),
                           help_text=_("“# Section *” starts a section (* = critical); “- Question | answer=points "
                                       "| …” adds an item."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean_body(self):
        return text_to_sections(self.cleaned_data["body"])

    def data_for_service(self) -> dict[str, Any]:
        return {"code": self.cleaned_data["code"], "name": self.cleaned_data["name"],
                "introduction": self.cleaned_data["introduction"], "sections": self.cleaned_data["body"]}


class CampaignForm(ScopedModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "kind", "template", "period_start", "period_end", "send_month", "target_score",
                  "top_customers", "owner"]
        widgets = {"period_start": DATE, "period_end": DATE, "send_month": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = SurveyTemplate.objects.visible_to(self.user).filter(is_current=True)
        for name in ("target_score", "top_customers", "owner"):
            self.fields[name].required = False
        self.fields["target_score"].help_text = _("Empty: the company's yearly target.")
        style_fields(self)

    def _post_clean(self):
        pass

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class RecipientForm(forms.Form):
    customer = CustomerCodeField(queryset=Customer.objects.none(), label=_("customer code"))
    included = forms.TypedChoiceField(choices=[("1", _("add")), ("0", _("remove"))], coerce=lambda v: v == "1",
                                      label=_("add or remove"))
    note = forms.CharField(max_length=300, label=_("why"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user)
        self.user = user
        use_lookups(self, {"customer": "customer"})  # by name, code or pinyin initials (issue 17 §1)
        style_fields(self)


class StaffAnswerForm(forms.Form):
    channel = forms.ChoiceField(choices=[c for c in AnswerChannel.choices if c[0] not in CUSTOMER_CHANNELS],
                                label=_("how the answer came in"))
    respondent = forms.CharField(max_length=100, required=False, label=_("answered by"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class AnswerForm(forms.Form):
    """The questionnaire: one choice per item, an optional comment, the customer's remarks."""

    remarks = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              label=_("Other remarks or suggestions"), max_length=5000)

    def __init__(self, *args, template: SurveyTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for section in template.sections.all():
            for item in section.items.all():
                name = f"item_{item.pk}"
                self.fields[name] = forms.ChoiceField(
                    label=item.text, widget=forms.RadioSelect,
                    choices=[(str(i), o["label"]) for i, o in enumerate(item.options)],
                    error_messages={"required": _("Answer this question.")})
                if item.allow_comment:
                    self.fields[f"comment_{item.pk}"] = forms.CharField(required=False, max_length=1000,
                                                                         label=_("comment"))
                self.rows.append((section, item, self[name], self[f"comment_{item.pk}"] if item.allow_comment
                                  else None))
        self.fields["remarks"].widget.attrs["class"] = "form-control"

    def choices(self) -> dict[int, str]:
        return {int(k[5:]): v for k, v in self.cleaned_data.items() if k.startswith("item_")}

    def comments(self) -> dict[int, str]:
        return {int(k[8:]): v for k, v in self.cleaned_data.items() if k.startswith("comment_") and v}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file"))


class CompetitorForm(forms.Form):
    customer = CustomerCodeField(queryset=Customer.objects.none(), label=_("customer code"))
    competitor = forms.CharField(max_length=100, label=_("competitor"))
    # Seed 000 §4.3.1: compared in cost, quality, delivery and technology, each 0–100 (at least one).
    cost = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False,
                              label=_("cost (0–100)"))
    quality = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False,
                                 label=_("quality (0–100)"))
    delivery = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False,
                                  label=_("delivery (0–100)"))
    technology = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False,
                                    label=_("technology (0–100)"))
    note = forms.CharField(max_length=300, required=False, label=_("note"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user)
        self.user = user
        use_lookups(self, {"customer": "customer"})  # by name, code or pinyin initials (issue 17 §1)
        style_fields(self)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["ratings"] = {d: data.pop(d) for d in DIMENSIONS}
        return data


class ImprovementForm(forms.ModelForm):
    class Meta:
        model = Improvement
        fields = ["area", "analysis", "measures", "department", "due_on"]
        widgets = {"due_on": DATE, "analysis": forms.Textarea(attrs={"rows": 2}),
                   "measures": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(company_id__in=user.visible_company_ids())
        style_fields(self)

    def _post_clean(self):
        pass


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SurveySettings
        fields = ["yearly_target", "grade_best", "grade_good", "grade_pass", "top_customers",
                  "reminder_working_days", "link_valid_days", "require_total_100", "action_department",
                  "complaint_template", "complaint_threshold", "complaint_close_days"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_department"].queryset = Department.objects.filter(company=user.company)
        self.fields["complaint_template"].queryset = SurveyTemplate.objects.filter(company=user.company,
                                                                                   is_current=True)
        style_fields(self)

    def _post_clean(self):
        pass


class ImprovementStepForm(forms.Form):
    """The inputs of an improvement's steps: the result when it is done, the reason when it is sent back, the
    note of an approval, and how its result was reported to the customer (seed 003 §5.3.2)."""

    result = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                             label=_("result and verification"))
    reason = forms.CharField(required=False, max_length=2000, label=_("reason"))
    note = forms.CharField(required=False, max_length=2000, label=_("note"))
    channel = forms.ChoiceField(required=False, choices=[("", "—"), *ReportChannel.choices], label=_("channel"))
    told = forms.CharField(required=False, max_length=100, label=_("told to"))
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000,
                              label=_("what the customer was told"))

    STEP_FIELDS = {"approve": ("note",), "complete": ("result",), "reject_result": ("reason",),
                   "verify": ("note",), "report_to_customer": ("channel", "told", "summary")}

    def __init__(self, *args, step: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if step:
            for name in list(self.fields):
                if name not in self.STEP_FIELDS.get(step, ()):
                    del self.fields[name]
        style_fields(self)

    def inputs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class MeetingForm(forms.Form):
    """The improvement meeting's record (seed 002 §5.2.3.3.3)."""

    held_on = forms.DateField(widget=DATE, label=_("held on"))
    attendees = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("attendees"))
    analysis = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, label=_("analysis"))
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, label=_("decisions"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class GradeTableForm(forms.Form):
    """A template's grade table as text, one band per line: ``from score | grade | trigger`` (e.g. ``85 | good |
    none``; ``0 | fail | meeting``)."""

    bands = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace"}),
                            label=_("grade table"),
                            help_text=_("One band per line: from score | grade (best, good, pass, fail) | raises "
                                        "(none, action, meeting); one band must start at 0."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean_bands(self) -> list[dict[str, Any]]:
        rows = []
        for number, raw in enumerate(self.cleaned_data["bands"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split("|")]
            if len(parts) != 3 or parts[1] not in Grade.values or parts[2] not in BandTrigger.values:
                raise ValidationError(_("Line %(n)s: write from score | grade | raises, e.g. 80 | good | none.")
                                      % {"n": number})
            rows.append({"lower": parts[0], "grade": parts[1], "trigger": parts[2]})
        return rows


def bands_to_text(template: SurveyTemplate) -> str:
    return "\n".join(f"{b.lower} | {b.grade} | {b.trigger}" for b in template.bands.all())


class SatisfactionReportForm(forms.Form):
    conclusions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000,
                                  label=_("conclusions and main areas of dissatisfaction"))
    note = forms.CharField(required=False, max_length=2000, label=_("note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
