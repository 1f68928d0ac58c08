"""Reading surveys: settings, templates with their items, campaigns, answers and per-item results."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import Answer, AnswerItem, Campaign, Recipient, SurveySettings, SurveyTemplate, TemplateSection


def survey_settings_for(company) -> SurveySettings:
    obj, _created = SurveySettings.objects.get_or_create(company=company)
    return obj


def templates_visible_to(user) -> QuerySet:
    return SurveyTemplate.objects.visible_to(user)


def template_with_items(pk: int) -> SurveyTemplate:
    return SurveyTemplate.objects.select_related("company").prefetch_related(
        Prefetch("sections", queryset=TemplateSection.objects.order_by("position").prefetch_related("items")),
        "bands").get(pk=pk)


def template_get_for_user(user, pk: int) -> SurveyTemplate:
    get_object_or_404(templates_visible_to(user), pk=pk)
    return template_with_items(pk)


def campaigns_visible_to(user) -> QuerySet:
    return Campaign.objects.visible_to(user).select_related("template", "owner", "company")


def campaign_get_for_user(user, pk: int) -> Campaign:
    return get_object_or_404(campaigns_visible_to(user), pk=pk)


def recipients_of(campaign: Campaign) -> list[Recipient]:
    return list(campaign.recipients.select_related("customer", "contact").prefetch_related("invitations")
                .order_by("-included", "sales_rank", "customer__code"))


def answers_of(campaign: Campaign) -> list[Answer]:
    return list(campaign.answers.select_related("recipient__customer", "entered_by").order_by("score", "id"))


def item_results(campaign: Campaign) -> list[dict]:
    """Per item: how many answered, the mean points and the mean as a share of the item's maximum."""
    template = template_with_items(campaign.template_id)
    sums: dict[int, list[int]] = defaultdict(list)
    for item_id, points in AnswerItem.objects.filter(answer__campaign=campaign).values_list("item_id", "points"):
        sums[item_id].append(points)
    rows = []
    for section in template.sections.all():
        for item in section.items.all():
            values = sums.get(item.pk, [])
            mean = sum(values) / len(values) if values else None
            rows.append({"section": section, "item": item, "answers": len(values),
                         "mean": round(mean, 2) if mean is not None else None,
                         "share": round(mean * 100 / item.max_points, 1) if mean is not None else None,
                         "zeros": sum(1 for v in values if v == 0)})
    return rows


def improvements_of(campaign: Campaign) -> list:
    """The campaign's improvement lines with what the page shows of them (department, action, reports)."""
    return list(campaign.improvements.select_related("department", "action", "recorded_by", "approved_by",
                                                     "answer__recipient__customer", "company")
                .prefetch_related("customer_reports").order_by("id"))
