"""Helpers for survey tests: templates, campaigns and answers go through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.customers.tests.factories import ContactFactory, CustomerFactory, ShipmentFactory
from kesu.surveys import services
from kesu.surveys.models import Campaign, SurveyTemplate

YEAR = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def ask_after_closure(company, threshold: Decimal | None = Decimal("80")) -> SurveyTemplate:
    """The company asks closed complaints the satisfaction survey on form CS-002 (issue 23 §4); an answer below
    ``threshold`` raises a corrective action (None: the settings' own threshold)."""
    from kesu.surveys.selectors import survey_settings_for

    services.templates_ensure_seeded(company)
    template = SurveyTemplate.objects.get(company=company, code="CS-002", is_current=True)
    cfg = survey_settings_for(company)
    cfg.complaint_template = template
    if threshold is not None:
        cfg.complaint_threshold = threshold
    cfg.save()
    return template


def seed_template(people: People, code: str) -> SurveyTemplate:
    services.templates_ensure_seeded(people.company)
    return SurveyTemplate.objects.get(company=people.company, code=code, is_current=True)


def customer_with_business(people: People, *, quantity: int = 100, language: str = "zh-hans", email: bool = True):
    customer = CustomerFactory(company=people.company)
    ContactFactory(customer=customer, is_primary=True, language=language,
                   **({} if email else {"email": ""}))
    ShipmentFactory(customer=customer, quantity=quantity, ship_date=datetime.date(2026, 6, 1))
    return customer


def campaign(people: People, code: str = "CS-002", customers: int = 2, **data) -> Campaign:
    for _ in range(customers):
        customer_with_business(people)
    template = data.pop("template", None) or seed_template(people, code)
    base = {"name": "2026年度顾客满意度调查", "template": template, "period_start": YEAR[0],
            "period_end": YEAR[1], "send_month": datetime.date(2026, 12, 1), "target_score": Decimal("85")}
    base.update(data)
    return services.campaign_create(actor=people[Role.GENERAL_OFFICE], company=people.company, data=base)


def choices_for(template: SurveyTemplate, picks: list[int]) -> dict[int, int]:
    """Item id → option index, items in order (sections, then items)."""
    items = [item for section in template.sections.order_by("position") for item in section.items.order_by("position")]
    assert len(items) == len(picks)
    return {item.pk: pick for item, pick in zip(items, picks, strict=True)}
