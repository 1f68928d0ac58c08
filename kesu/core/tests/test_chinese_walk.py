"""Complete Chinese (issue 17 §4): every page, walked as several roles in zh-Hans, shows no untranslated English
UI word and never fails with a 5xx.

The walk is the privacy walk's (every route of the URL configuration, numeric parameters filled with the ids of a
small data set made by the factories the way the demo makes it), on HTML pages only: a PDF or a workbook is not a
page. Only text nodes count, outside ``<script>``, ``<style>``, ``<code>``, ``<pre>``, ``<textarea>`` and
``<option>`` (codes and values people typed), and outside attributes. The word list holds the words a
page's chrome uses (buttons, column headers, states, Python values leaking through); a hit names the URL, the
word and the text around it, so the missing ``{% translate %}`` is easy to find.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import get_resolver

from kesu.accounts.roles import Role
from kesu.core.tests.test_privacy import _fill, _routes, demo_like  # noqa: F401  (demo_like is a fixture)

ENGLISH_UI_WORDS = (
    "Save", "Cancel", "Submit", "Due", "Status", "Customer", "Complaint", "Action", "None", "True", "False",
    "Delete", "Edit", "Search", "Filter", "Export", "Next", "Previous", "Close", "Owner", "Deadline", "Overdue",
    "Claim", "Supplier", "Department", "Approve", "Reject", "Send", "Print", "Total", "Yes", "No",
)
WORD = re.compile(r"(?<![\w.@/-])(" + "|".join(ENGLISH_UI_WORDS) + r")(?![\w.@/-])")
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "option", "kbd", "samp"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ROUTES_NOT_WALKED = ("admin/", "api/", "s/<", "accounts/password/reset/<")  # Django's admin; API; public tokens


class _TextNodes(HTMLParser):
    """The visible text nodes of a page, without what sits inside the skipped tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.stack: list[str] = []
        self.nodes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        self.stack.append(tag)
        if tag in SKIPPED_TAGS:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        while self.stack:
            opened = self.stack.pop()
            if opened in SKIPPED_TAGS:
                self.skipping -= 1
            if opened == tag:
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.nodes.append(data.strip())


def english_words(html: str) -> list[tuple[str, str]]:
    """(word, text node) for every English UI word found in the page's text nodes."""
    parser = _TextNodes()
    parser.feed(html)
    return [(m.group(1), node) for node in parser.nodes for m in WORD.finditer(node)]


def test_the_check_finds_english_words_in_text_and_ignores_code_attributes_and_options():
    html = ('<h1>投诉</h1><button title="Save">保存</button><code>None</code><script>var a = "Cancel";</script>'
            '<select><option>Status</option></select><td>客户: None</td><p>Due <br> 期限</p>'
            '<a href="/x">kesu-due@example.cn</a>')
    assert english_words(html) == [("None", "客户: None"), ("Due", "Due")]


@pytest.mark.parametrize("role", [Role.SALESPERSON, Role.QA, Role.GM, Role.FINANCE])
def test_every_page_in_chinese_shows_no_english_ui_word_and_no_server_error(client, demo_like, role):  # noqa: F811
    people, _person, ids = demo_like
    user = people[role]
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client.force_login(user)
    client.raise_request_exception = False  # a failing page is reported as its 5xx with the others
    errors, english, pages = [], [], 0
    for route, converters in _routes(get_resolver().url_patterns):
        if route.startswith(ROUTES_NOT_WALKED) or "logout" in route:
            continue
        for url in _fill(route, converters, ids):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code >= 500:
                errors.append(f"{url} → {response.status_code}")
                continue
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            for word, node in english_words(raw.decode("utf-8", "replace")):
                english.append(f"{url}: {word!r} in {node[:80]!r}")
    assert not errors, "server errors:\n" + "\n".join(errors)
    assert not english, f"{len(english)} English words on Chinese pages:\n" + "\n".join(sorted(set(english)))
    assert pages >= 40  # the walk really reached the pages (finance, who sees the fewest, reaches 50)


def test_the_whole_audit_trail_reads_like_a_records_change_history(login, qa_engineer, company_a):
    from kesu.customers.tests.factories import PartFactory

    part = PartFactory(company=company_a, name="密封圈")
    part.is_active = False
    part.save()

    body = login(qa_engineer).get("/audit/", {"model": "customers.part", "action": "update"},
                                  HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    changes = re.search(r'<td class="audit-changes"><div><strong>启用</strong>: <del>(.*?)</del> → <ins>(.*?)</ins>',
                        body)
    assert changes is not None and changes.groups() == ("是", "否"), body
    assert english_words(body) == []


def test_the_administration_is_titled_kesu_not_django(client, admin_user):
    client.force_login(admin_user)
    body = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    header = re.search(r'<div id="site-name">(.*?)</div>', body, re.S).group(1)
    assert "Django" not in title and "Django" not in header, (title, header)
