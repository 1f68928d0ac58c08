"""The campaign page's "next step" panel (issue 16 §5): its owner confirms the recipients and opens it; others
see who is expected."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.core.tests.panels import panel_of
from kesu.surveys.tests.factories import campaign

pytestmark = pytest.mark.django_db


def _panel(client, record):
    return panel_of(client, reverse("surveys:campaign_detail", args=[record.pk]))


def test_the_owner_opens_a_draft_campaign_from_the_panel_and_others_see_it_waits_for_the_owner(login, people):
    draft = campaign(people)
    owner = draft.owner
    panel, html = _panel(login(owner), draft)
    assert [a.name for a in panel.first] == ["open", "recompute"] and 'id="campaign-open"' in html
    assert [item.action for item in panel.mine] == ["confirm_recipients"]
    panel, html = _panel(login(people[Role.SALESPERSON]), draft)
    assert panel.first == [] and panel.more == []
    assert [item.assignee for item in panel.others] == [owner] and 'id="next-step-waiting"' in html


def test_an_open_campaign_waits_for_sales_to_enter_answers_and_the_panel_offers_only_allowed_steps(login, people):
    from kesu.surveys import services

    owner = people[Role.GENERAL_OFFICE]
    c = campaign(people, customers=1)
    services.campaign_open(actor=owner, campaign=c)
    panel, _html = _panel(login(people[Role.SALESPERSON]), c)
    assert [item.action for item in panel.mine] == ["enter_answers"] and panel.first == [] and panel.more == []
    panel, _html = _panel(login(owner), c)
    assert [a.name for a in panel.more + panel.first] == ["close"]  # the table's only step from open
    assert [item.action for item in panel.others] == ["enter_answers"]


def test_the_migration_moves_a_changed_company_threshold_into_the_templates():
    import importlib
    from types import SimpleNamespace

    migration = importlib.import_module("kesu.surveys.migrations.0002_workflows_grades_reports")
    cfg = SimpleNamespace(threshold=Decimal("75"), grade_best=Decimal("100"), grade_good=Decimal("80"),
                          grade_pass=Decimal("60"))
    # Grades at 100/80/60 as before; an action below 75 (the company's own threshold), none from 75 up.
    assert migration.company_bands(cfg) == [
        (Decimal("100"), "best", "none"), (Decimal("80"), "good", "none"), (Decimal("75"), "pass", "none"),
        (Decimal("60"), "pass", "action"), (Decimal("0"), "fail", "action")]
