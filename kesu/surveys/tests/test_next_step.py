"""The campaign page's "next step" panel (issue 16 §5): its owner confirms the recipients and opens it; others
see who is expected."""

from __future__ import annotations

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
