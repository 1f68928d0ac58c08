"""Under the content security policy (issue 15 §9) the pages still work: no inline script was left behind.

Chromium reports every blocked script or style on the console; any such report fails the test.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from kesu.accounts.roles import Role

pytestmark = pytest.mark.browser

PASSWORD = "kesu-test-pass-1"  # the factories' password (conftest.TEST_PASSWORD)


def watch_for_violations(page: Page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#nav-user")).to_be_visible()


def test_the_language_switch_of_the_sign_in_page_works_without_inline_script(page, live_server):
    violations = watch_for_violations(page)
    page.goto(live_server.url + reverse("accounts:login"))
    with page.expect_navigation():
        page.select_option("#language-switch", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []


def test_the_api_docs_render_under_the_policy(page, live_server, make_user):
    make_user(Role.QA, username="csp-qa")
    violations = watch_for_violations(page)
    log_in(page, live_server.url, "csp-qa")
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kesu API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations == []


def test_the_8d_step_form_posts_to_the_chosen_step(page, live_server, company_a):
    from kesu.capa.tests.factories import raise_action
    from kesu.complaints.tests.factories import People

    people = People(company_a)
    action = raise_action(people)
    step = action.steps.order_by("id").last()
    violations = watch_for_violations(page)
    log_in(page, live_server.url, people[Role.QA].username)
    page.goto(live_server.url + reverse("capa:detail", args=[action.pk]))
    page.locator("details:has(#step-form) summary").click()
    form = page.locator("#step-form")
    form.locator("select[name=step]").select_option(step.step)
    form.locator("select[name=owner]").select_option(str(people[Role.QA].pk))
    form.locator("input[name=due_at]").fill("2031-06-30T17:00")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert re.search(rf"/capa/{action.pk}/#steps$", page.url), page.url
    step.refresh_from_db()
    assert step.owner_id == people[Role.QA].pk and step.due_at.year == 2031
    assert violations == []
