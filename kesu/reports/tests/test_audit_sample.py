"""The audit sample (issue 18 §15): N random closed complaints of a period, reproducible by its seed, as a page,
one PDF and one workbook, for QA, the GM and administrators."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import openpyxl
import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.choices import Status
from kesu.complaints.models import Complaint, Deadline
from kesu.complaints.tests.factories import People, bring_to
from kesu.reports import audit_sample

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def closed_2025(people):
    """Five complaints closed in 2025 (one on 31 December late in the evening) and one closed in January 2026."""
    numbers = []
    closings = [(2025, 2, 3, 9), (2025, 4, 1, 9), (2025, 7, 15, 9), (2025, 10, 8, 9), (2025, 12, 31, 23),
                (2026, 1, 1, 8)]
    for year, month, day, hour in closings:
        complaint = bring_to(Status.CLOSED, people)
        Complaint.objects.filter(pk=complaint.pk).update(
            closed_at=datetime.datetime(year, month, day, hour, 30, tzinfo=SHANGHAI))
        numbers.append(complaint.number)
    return numbers


def test_a_draw_takes_n_of_the_closed_complaints_of_the_period_and_the_seed_repeats_it(closed_2025, people):
    qa = people[Role.QA]
    year = {"start": datetime.date(2025, 1, 1), "end": datetime.date(2025, 12, 31)}
    first = audit_sample.draw(qa, size=3, seed=20260415, **year)
    assert (first.population, len(first.items), first.seed) == (5, 3, 20260415)
    drawn = [i.complaint.number for i in first.items]
    assert set(drawn) <= set(closed_2025[:5])  # the 2026 closure is outside the period
    again = audit_sample.draw(people[Role.GM], size=3, seed=20260415, **year)
    assert [i.complaint.number for i in again.items] == drawn
    everything = audit_sample.draw(qa, size=50, seed=1, **year)
    assert sorted(i.complaint.number for i in everything.items) == sorted(closed_2025[:5])


def test_each_drawn_complaint_carries_its_whole_record(closed_2025, people):
    sample = audit_sample.draw(people[Role.QA], start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31),
                               size=1, seed=7)
    item = sample.items[0]
    steps = [s.name for s in item.status_changes]
    assert steps[0] == "create" and "acknowledge" in steps and steps[-1] == "close"
    assert item.remedies and item.remedies[0].approved_by is not None
    assert item.deadlines  # the 24-hour reply and the others, each met, met late or missed


def test_a_deadline_is_met_met_late_missed_or_no_longer_needed(english):
    due = datetime.datetime(2025, 3, 3, 17, 30, tzinfo=SHANGHAI)
    started = due - datetime.timedelta(days=1)
    assert audit_sample.deadline_outcome(Deadline(started_at=started, due_at=due, met_at=due)) == "met"
    assert audit_sample.deadline_outcome(
        Deadline(started_at=started, due_at=due, met_at=due + datetime.timedelta(minutes=1))) == "met late"
    assert audit_sample.deadline_outcome(Deadline(started_at=started, due_at=due)) == "missed"
    assert audit_sample.deadline_outcome(Deadline(started_at=started, due_at=due, cancelled_at=due)) == \
        "no longer needed"


def test_the_page_shows_the_seed_and_gives_one_pdf_and_one_workbook(closed_2025, people, login, english):
    client = login(people[Role.QA])
    params = {"start": "2025-01-01", "end": "2025-12-31", "size": 2, "seed": 99}
    page = client.get(reverse("records:audit_sample"), params).content.decode()
    assert "99" in page and 'id="sample-pdf"' in page
    pdf = client.get(reverse("records:audit_sample_pdf"), params)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "seed99" in pdf["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("records:audit_sample_xlsx"), params).content))
    # The draw, complaints, status changes, timeline, approvals, deadlines, actions (named in the reader's language).
    draw, complaints, changes = book.worksheets[0], book.worksheets[1], book.worksheets[2]
    assert len(book.worksheets) == 7 and book.sheetnames[1] == "顾客投诉"
    assert [c.value for c in draw[2]][2:5] == [2, 99, 5]
    assert complaints.max_row == 3  # the header and the two drawn complaints
    drawn = {row[0].value for row in complaints.iter_rows(min_row=2)}
    assert {row[0].value for row in changes.iter_rows(min_row=2)} == drawn


def test_the_api_gives_the_same_draw(closed_2025, people, api):
    params = {"start": "2025-01-01", "end": "2025-12-31", "size": 2, "seed": 99}
    body = api(people[Role.GM]).get("/api/v1/audit-sample", **params).json()
    sample = audit_sample.draw(people[Role.QA], start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31),
                               size=2, seed=99)
    assert [i["number"] for i in body["items"]] == [i.complaint.number for i in sample.items]
    assert (body["seed"], body["population"]) == (99, 5)
    assert body["items"][0]["status_changes"][-1]["to"] == "closed"


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALESPERSON, Role.PRODUCTION])
def test_others_may_not_draw_by_page_or_api(people, login, api, role):
    params = {"start": "2025-01-01", "end": "2025-12-31", "size": 2}
    assert login(people[role]).get(reverse("records:audit_sample"), params).status_code == 403
    assert api(people[role]).get("/api/v1/audit-sample", **params).status_code == 403
    assert api(people[role]).get("/api/v1/audit-sample.xlsx", **params).status_code == 403
