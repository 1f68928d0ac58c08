"""The complaint list as a quality engineer uses it (issue 17 §7, "Done when"), in zh-Hans: sort by a column at
1440×900 and 390×844, then tick two complaints and assign them to a colleague of the department in one go."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_browser_smoke import log_in

from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import People, create_complaint
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.browser


def test_sort_the_list_and_bulk_assign_two_complaints(page, live_server, company_a):
    from django.utils import translation

    translation.activate("zh-hans")
    people = People(company_a)
    qa, colleague = people[Role.QA], people.other(Role.QA)
    made = {code: create_complaint(people[Role.SALESPERSON], customer=CustomerFactory(company=company_a, code=code))
            for code in ("K-B", "K-A", "K-C")}
    base = live_server.url
    log_in(page, base, qa.username)
    for width, height in ((390, 844), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(base + "/complaints/?sort=customer")
        first = page.locator("#result-table tbody tr").first
        expect(first).to_contain_text(made["K-A"].number)
    # Desktop: sort by the customer column header, the order turns round.
    page.locator("#result-table thead a.sort-link", has_text="顾客").click()
    expect(page.locator("#result-table tbody tr").first).to_contain_text(made["K-C"].number)

    for code in ("K-A", "K-C"):
        page.locator(f"input.row-select[value='{made[code].pk}']").check()
    page.select_option("#bulk-owner", str(colleague.pk))
    page.click("#assign-selected")
    expect(page.locator(".alert-success, .alert", has_text=made["K-A"].number).first).to_be_visible()
    owners = dict(Complaint.objects.filter(pk__in=[c.pk for c in made.values()]).values_list("pk", "owner_id"))
    assert owners[made["K-A"].pk] == colleague.pk and owners[made["K-C"].pk] == colleague.pk
    assert owners[made["K-B"].pk] != colleague.pk

    # On a phone the rows are cards, and the same ticks and bulk assignment work there.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/complaints/?sort=customer")
    tick = page.locator(f"input.row-select[value='{made['K-B'].pk}']")
    tick.scroll_into_view_if_needed()
    tick.check()
    page.locator("#bulk-owner").scroll_into_view_if_needed()
    page.select_option("#bulk-owner", str(colleague.pk))
    page.click("#assign-selected")
    expect(page.locator(".alert-success, .alert", has_text=made["K-B"].number).first).to_be_visible()
    assert Complaint.objects.get(pk=made["K-B"].pk).owner_id == colleague.pk
