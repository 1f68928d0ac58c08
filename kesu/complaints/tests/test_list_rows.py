"""The complaint list's rows (kesu/complaints/templatetags/complaint_rows.py), read as a browser reads them: one
row per complaint with its link, cells, translated card labels, badges and local times, every text escaped."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from kesu.complaints.models import Complaint
from kesu.complaints.templatetags.complaint_rows import complaint_rows
from kesu.complaints.tests.factories import create_complaint
from kesu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


class _Rows(HTMLParser):
    """Each <tr> as its attributes and its cells (each cell: attributes, text, the attributes of its elements)."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self.cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.rows.append({"attrs": attrs, "cells": []})
        elif tag == "td":
            self.cell = {"attrs": attrs, "text": "", "inner": []}
            self.rows[-1]["cells"].append(self.cell)
        elif self.cell is not None:
            self.cell["inner"].append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def _read(html: str) -> list[dict]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def test_each_row_links_its_complaint_with_escaped_text_badges_and_local_times(salesperson, gm, company_a):
    customer = CustomerFactory(company=company_a, code="K-<1>", name='<b>"甲&乙"</b>', short_name="")
    urgent = create_complaint(salesperson, customer=customer)
    plain = create_complaint(salesperson, customer=customer)
    Complaint.objects.filter(pk=urgent.pk).update(priority=1)
    urgent = Complaint.objects.select_related("customer", "part", "category", "owner", "company").get(pk=urgent.pk)
    plain = Complaint.objects.select_related("customer", "part", "category", "owner", "company").get(pk=plain.pk)
    urgent.next_due_at = datetime.datetime(2026, 2, 16, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Shanghai
    plain.next_due_at = None
    with translation.override("zh-hans"):
        html = complaint_rows({"user": salesperson}, [(urgent, "overdue"), (plain, None)], {urgent.pk}, False)
        group_html = complaint_rows({"user": gm}, [(plain, "due")], set(), True)
    first, second = _read(html)
    assert first["attrs"] == {"class": "deadline-row-overdue",
                              "data-href": reverse("complaints:detail", args=[urgent.pk])}
    assert second["attrs"]["class"] == "deadline-row-none"
    tick, number, received, customer_cell, *rest, deadline = first["cells"]
    assert tick["inner"][0][1]["value"] == str(urgent.pk) and tick["inner"][0][1]["aria-label"] == f"选择 {urgent.number}"
    assert ("a", {"href": reverse("complaints:detail", args=[urgent.pk])}) in number["inner"]
    assert number["text"] == f"{urgent.number} 重复" and "重复" not in second["cells"][1]["text"]
    local = urgent.received_at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert received["text"] == local.strftime("%Y-%m-%d %H:%M")
    # The customer's name is text, never markup; the card keeps it under a translated label.
    assert customer_cell["text"] == str(customer) and customer_cell["attrs"]["data-label"] == "顾客"
    assert not any(tag == "b" for tag, _a in customer_cell["inner"])
    priority = rest[3]  # after part, category and severity
    assert priority["attrs"]["class"] == "priority-1 card-hide" and priority["inner"] == [
        ("span", {"class": "badge text-bg-danger"})]
    assert deadline["text"] == "已逾期 02-16 09:30" and deadline["attrs"]["data-label"] == "期限"
    assert second["cells"][-1]["text"] == ""
    # The whole group's reader gets a company column, labelled for the card.
    (row,) = _read(group_html)
    company = row["cells"][2]
    assert company["attrs"] == {"class": "card-keep company-col", "data-label": "公司"}
    assert company["text"] == (company_a.short_name or company_a.code)
    assert row["cells"][-1]["text"] == "未到期"
