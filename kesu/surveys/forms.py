"""Forms of the survey pages; the template editor reads a short text format (one line per section or item)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.core.forms_base import ScopedModelForm, style_fields
from kesu.customers.forms import CustomerCodeField
from kesu.customers.models import Customer

from .choices import AnswerChannel
from .models import Campaign, Improvement, SurveySettings, SurveyTemplate

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
        style_fields(self)


class StaffAnswerForm(forms.Form):
    channel = forms.ChoiceField(choices=[c for c in AnswerChannel.choices if c[0] != AnswerChannel.LINK],
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
    score = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, label=_("score (0–100)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user)
        style_fields(self)


class ImprovementForm(forms.ModelForm):
    class Meta:
        model = Improvement
        fields = ["area", "analysis", "measures", "department", "due_on", "result", "status"]
        widgets = {"due_on": DATE, "analysis": forms.Textarea(attrs={"rows": 2}),
                   "measures": forms.Textarea(attrs={"rows": 2}), "result": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(company_id__in=user.visible_company_ids())
        style_fields(self)

    def _post_clean(self):
        pass


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SurveySettings
        fields = ["threshold", "yearly_target", "grade_best", "grade_good", "grade_pass", "top_customers",
                  "reminder_working_days", "link_valid_days", "require_total_100", "action_department"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_department"].queryset = Department.objects.filter(company=user.company)
        style_fields(self)

    def _post_clean(self):
        pass
