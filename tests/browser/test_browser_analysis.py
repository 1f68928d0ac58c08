"""A quality engineer reads the complaint analyses and clicks down to the complaints behind a bar (issue 7 §2).

Three complaints this year, two of them about scratches on one part: the Pareto chart of defects shows the
scratches first; clicking that bar opens the complaint list with exactly those two complaints and the note
that they are the complaints behind a figure. The KPI dashboard and the management review pack answer too.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import People, create_complaint
from kesu.customers.tests.factories import CustomerFactory, PartFactory

pytestmark = pytest.mark.browser


def test_a_pareto_bar_opens_the_complaints_behind_it(page, live_server, company_a):
    from django.utils import translation

    translation.activate("zh-hans")
    people = People(company_a)
    qa, sales = people[Role.QA], people[Role.SALESPERSON]
    customer = CustomerFactory(company=company_a, code="K-ANA", name="常州精工机械有限公司")
    part = PartFactory(company=company_a, customer=customer, part_no="GP-200")
    now = timezone.now()
    scratched = [create_complaint(sales, customer=customer, part=part, defect_nature="划伤",
                                  received_at=now - datetime.timedelta(days=days)) for days in (3, 4)]
    other = create_complaint(sales, customer=customer, part=part, defect_nature="异响",
                             received_at=now - datetime.timedelta(days=5))
    assert Complaint.objects.count() == 3

    base = live_server.url
    log_in(page, base, qa.username)
    page.goto(base + "/reports/analyses/?only=defect")
    chart = page.locator("#chart-defect")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("划伤")
    chart.locator("a").first.click()

    expect(page.locator("#drill-down-note")).to_be_visible()
    expect(page.locator("#result-count")).to_contain_text("2")
    for complaint in scratched:
        expect(page.get_by_text(complaint.number)).to_be_visible()
    expect(page.get_by_text(other.number)).to_have_count(0)

    page.goto(base + "/reports/")
    expect(page.locator("#dashboard-form")).to_be_visible()
    page.goto(base + "/reports/review/")
    expect(page.locator("body")).to_contain_text("管理评审")
