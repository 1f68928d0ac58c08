"""A person at a real browser (issue 2 §7): logs in in Chinese, switches language, creates a customer,
finds it in the list and exports the list to Excel."""

from __future__ import annotations

import re

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from kesu.accounts.roles import Role

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
PASSWORD = "kesu-test-pass-1"  # the factories' password (conftest.TEST_PASSWORD)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#login-submit")).to_have_text("登录")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#nav-user")).to_be_visible()


def switch_language(page: Page, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#language-switch", code)
    expect(page.locator("html")).to_have_attribute("lang", code)


def choose_every_empty_required_select(page: Page, form) -> None:
    """Pick the first real option of each required select the test does not care about."""
    for select in form.locator("select[required]").all():
        if not select.input_value():
            values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
            if values:
                select.select_option(values[0])


def test_a_salesperson_logs_in_in_chinese_switches_language_and_keeps_a_customer(page, live_server, make_user, tmp_path):
    make_user(Role.SALESPERSON, username="browser-sales", display_name="浏览器销售")
    base = live_server.url

    # Log in: the login page speaks Simplified Chinese by default.
    log_in(page, base, "browser-sales")

    # Switch to English and back; the menu follows.
    chinese_menu = page.locator("#nav-master").inner_text()
    assert CJK.search(chinese_menu), f"menu is not in Chinese: {chinese_menu!r}"
    switch_language(page, "en")
    expect(page.locator("#nav-master")).to_have_text("Master data")
    switch_language(page, "zh-hans")
    expect(page.locator("#nav-master")).to_have_text(chinese_menu)

    # Create a customer through the form.
    page.goto(base + reverse("customers:customer_list"))
    page.click("#new-customer")
    form = page.locator("form:has(#save)")
    page.fill("[name=code]", "WEB-0001")
    page.fill("[name=name]", "杭州浏览器测试机械有限公司")
    page.fill("[name=short_name]", "浏览器机械")
    if page.locator("select[name=customer_type]").count():
        page.select_option("select[name=customer_type]", "oem")
    if page.locator("select[name=status]").count():
        page.select_option("select[name=status]", "existing")
    choose_every_empty_required_select(page, form)
    page.click("#save")
    expect(page.locator("body")).to_contain_text("杭州浏览器测试机械有限公司")

    # Find it in the list by its Chinese name.
    page.goto(base + reverse("customers:customer_list"))
    query = page.locator("#filter-form [name=q]")
    query.fill("浏览器测试")
    with page.expect_navigation():
        query.press("Enter")
    expect(page.locator("body")).to_contain_text("WEB-0001")
    expect(page.locator("body")).to_contain_text("杭州浏览器测试机械有限公司")

    # Export the (filtered) list and read the workbook back.
    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    download = download_info.value
    path = tmp_path / (download.suggested_filename or "customers.xlsx")
    download.save_as(path)
    assert path.suffix == ".xlsx", download.suggested_filename
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = [[str(cell) for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert any("WEB-0001" in row and "杭州浏览器测试机械有限公司" in row for row in rows), rows[:5]
