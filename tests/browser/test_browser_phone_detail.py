"""A quality engineer on a phone (issue 17 "Done when", 390×844, zh-Hans): a refused meeting record comes back
with everything typed and the missing field named in view, and the change history reads as people read it —
local time to the minute, yes/no, names — not as the database stores it."""

from __future__ import annotations

import re

import pytest
from test_browser_complaint import show_related, submit_refused_meeting
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.complaints.choices import Status
from kesu.complaints.tests.factories import People, bring_to

pytestmark = pytest.mark.browser


def test_a_refused_record_keeps_its_input_and_the_history_is_readable_on_a_phone(page, live_server, company_a):
    from django.utils import translation

    translation.activate("zh-hans")
    people = People(company_a)
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    complaint = bring_to(Status.QA_INVESTIGATION, people, escalated=True)
    log_in(page, live_server.url, qa.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")

    submit_refused_meeting(page, [qa, production], production.department_id, "库存密封圈全检")

    page.goto(f"{live_server.url}/complaints/{complaint.pk}/")
    show_related(page)
    history = page.locator("#audit-trail")
    history.scroll_into_view_if_needed()
    times = history.locator("tbody tr td:first-child").all_inner_texts()
    assert times and all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", t.strip()) for t in times), times
    text = history.inner_text()
    for raw in ("True", "False", "∅", "+00:00", "command/web", "版本"):
        assert raw not in text, raw
    assert "否" in text or "是" in text  # yes/no values are written as words
