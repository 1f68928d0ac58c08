"""Browser tests: Playwright driving Debian's /usr/bin/chromium against pytest-django's live server.

Skipped unless KESU_BROWSER_TESTS=1 (the README's plain `pytest` stays fast
and needs no browser); with it set, a missing Chromium is a failure, never a
silent skip — .ci/run installs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses
# ORM calls from a thread with a running loop unless told it is fine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("KESU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ENABLED = os.environ.get("KESU_BROWSER_TESTS") == "1"


@pytest.fixture(scope="session", autouse=True)
def _browser_tests_wanted():
    # Session scope and autouse: decided before live_server starts a server for nothing.
    if not ENABLED:
        pytest.skip("browser tests run only with KESU_BROWSER_TESTS=1 (see .ci/run)")
    if not CHROMIUM.exists():
        pytest.fail(f"KESU_BROWSER_TESTS=1 but {CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")


@pytest.fixture(scope="session")
def browser(_browser_tests_wanted):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
