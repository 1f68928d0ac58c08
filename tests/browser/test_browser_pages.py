"""Group views name the company (issue 17 §5, "Done when"): the group's GM, in zh-Hans at 1440×900 and
390×844, sees a company column in the complaint list and one Pareto bar per category for the whole group,
with a column per company whose figure opens that company's complaints; a subsidiary's salesperson sees no
company column."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_browser_smoke import log_in

from kesu.accounts.models import Position
from kesu.accounts.roles import Role
from kesu.accounts.tests.factories import CompanyFactory
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import People, category, create_complaint

pytestmark = pytest.mark.browser


def test_a_group_user_sees_the_company_column_and_one_bar_per_category(page, live_server, company_a):
    from django.utils import translation

    translation.activate("zh-hans")
    subsidiary = CompanyFactory(code="A1", name="苏州甲机械一分厂", short_name="甲一厂", parent=company_a)
    here, there = People(company_a), People(subsidiary)
    gm = here[Role.GM]
    Position.objects.filter(pk=gm.position_id).update(scope=Position.Scope.GROUP)
    made = [create_complaint(here[Role.SALESPERSON]), create_complaint(there[Role.SALESPERSON])]
    for complaint in made:
        Complaint.objects.filter(pk=complaint.pk).update(category=category(complaint.company, "performance"))

    base = live_server.url
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, base, gm.username)
    page.goto(base + "/complaints/?open=")
    expect(page.locator("th.company-col")).to_have_count(1)
    expect(page.locator("td.company-col", has_text="甲机械")).to_have_count(1)
    expect(page.locator("td.company-col", has_text="甲一厂")).to_have_count(1)

    page.goto(base + "/reports/analyses/?only=category")
    chart = page.locator("#chart-category")
    expect(chart).to_be_visible()
    expect(chart.locator("a.kesu-chart-link")).to_have_count(1)  # one bar for the group's "performance"
    expect(page.locator("th", has_text="甲一厂")).to_have_count(1)
    expect(page.locator("th", has_text="甲机械")).to_have_count(1)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/complaints/?open=")
    expect(page.locator("td.company-col", has_text="甲一厂")).to_be_visible()

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1440, "height": 900})  # the signed-in name shows in the expanded menu
    log_in(page, base, there[Role.SALESPERSON].username)
    page.goto(base + "/complaints/?open=")
    expect(page.locator(f"text={made[1].number}").first).to_be_visible()
    expect(page.locator("th.company-col")).to_have_count(0)
