"""Demo complaints (issue 3 §10): every state, real paths, numbers that continue, search that finds them."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict

import pytest
from django.db.models import Count

from kesu.accounts.models import Company, User
from kesu.complaints import services
from kesu.complaints.choices import Status
from kesu.complaints.models import (
    Complaint,
    ComplaintSearchDocument,
    Deadline,
    Escalation,
    RemedyProposal,
    StatusChange,
    TimelineEntry,
)
from kesu.complaints.search import search_complaints
from kesu.complaints.workflow import TRANSITIONS
from kesu.core.models import AuditEntry
from kesu.customers.models import Shipment

from .conftest import TODAY  # the shared demo's "today"

pytestmark = pytest.mark.django_db


def test_the_demo_has_complaints_in_every_state_in_every_company(demo_data):
    per_company = defaultdict(set)
    for code, status in Complaint.objects.values_list("company__code", "status").distinct():
        per_company[code].add(status)
    assert set(per_company) == {"ZKJG", "ZKSZ", "ZKNB"}
    for code, statuses in per_company.items():
        assert statuses == set(Status.values), code
    # About 5,000 per scale unit, most of them finished history.
    assert 4000 <= Complaint.objects.count() <= 6000
    assert Complaint.objects.filter(reopen_count__gt=0).exists()
    assert RemedyProposal.objects.filter(customer_decision="rejected").exists()
    assert Escalation.objects.exists()  # some showcase deadlines are overdue and were escalated


def test_every_path_follows_the_transition_table_and_ends_where_the_complaint_stands(demo_data):
    changes = defaultdict(list)
    for complaint_id, action, old, new in StatusChange.objects.order_by("complaint_id", "at", "pk").values_list(
        "complaint_id", "name", "old_status", "new_status"
    ):
        changes[complaint_id].append((action, old, new))
    status = dict(Complaint.objects.values_list("pk", "status"))
    assert set(changes) == set(status)
    for complaint_id, steps in changes.items():
        assert steps[0] == ("create", "", Status.RECEIVED)
        current = Status.RECEIVED
        for action, old, new in steps[1:]:
            assert old == current, (complaint_id, steps)
            row = TRANSITIONS[(old, action)]
            assert new == (row.target or old)
            current = new
        assert current == status[complaint_id]
    # Every complaint is findable and its timeline starts with what the customer said.
    assert ComplaintSearchDocument.objects.count() == len(status)
    first = TimelineEntry.objects.filter(kind="communication", direction="in").values("complaint").distinct().count()
    assert first == len(status)


def test_history_rows_read_back_like_service_rows(demo_data):
    closed = Complaint.objects.filter(status=Status.CLOSED, closed_at__isnull=False).order_by("pk").first()
    entries = list(closed.timeline.order_by("at", "pk"))
    assert entries[0].at == closed.received_at
    assert entries[-1].at == closed.closed_at
    assert all(e.at.tzinfo is not None for e in entries)
    assert entries[0].created_at == entries[0].at
    assert closed.responsibility and closed.acknowledged_at and closed.first_response_at
    # Times run forward and steps happen in working time (08:30-17:30 Shanghai).
    ats = [e.at for e in entries]
    assert ats == sorted(ats)
    for e in entries[1:]:
        local = e.at.astimezone(closed.company.tz).time()
        assert datetime.time(8, 30) <= local <= datetime.time(17, 30), e.at
    # Not a single overdue deadline is left in finished history.
    assert not Deadline.objects.filter(complaint__status=Status.CLOSED, met_at__isnull=True,
                                       cancelled_at__isnull=True).exists()


def test_numbers_are_unique_follow_time_and_the_next_complaint_continues_them(demo_data):
    group = Company.objects.get(code="ZKJG")
    numbers = list(Complaint.objects.filter(company=group, number__startswith="KS-2025-")
                   .order_by("received_at", "pk").values_list("number", flat=True))
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"KS-2025-\d{4}", n) for n in numbers)
    assert not Complaint.objects.values("company", "number").annotate(n=Count("id")).filter(n__gt=1).exists()
    sales = User.objects.get(username="sales")
    shipment = Shipment.objects.filter(company=group).first()
    made = services.complaint_create(actor=sales, company=group, data={
        "channel": "phone", "customer_id": shipment.customer_id, "description": "新投诉：外壳划伤",
    })
    year = made.received_at.astimezone(group.tz).year
    used = Complaint.objects.filter(company=group, number__startswith=f"KS-{year}-").exclude(pk=made.pk)
    highest = max(int(n.rsplit("-", 1)[1]) for n in used.values_list("number", flat=True))
    assert made.number == f"KS-{year}-{highest + 1:04d}"
    assert made.timeline.count() == 1  # no id collision with the bulk rows


def test_search_finds_chinese_words_in_demo_complaints(demo_data):
    hits = search_complaints(Complaint.objects.all(), "划伤")
    assert hits.exists()
    assert all("划伤" in (c.description + c.defect_nature) or c.timeline.filter(summary__contains="划伤").exists()
               for c in hits[:50])


def test_history_is_summarised_in_the_audit_trail_and_the_showcase_is_audited_row_by_row(demo_data):
    bulk = AuditEntry.objects.filter(action=AuditEntry.Action.BULK_CREATE, content_type__model="timelineentry")
    per_row = AuditEntry.objects.exclude(action=AuditEntry.Action.BULK_CREATE)
    assert bulk.exists()
    # Only the showcase and the demo actions (through the services) write ordinary entries; of master data only
    # the contracts that accepted contract reviews create or update (issue 20).
    assert set(per_row.values_list("content_type__app_label", flat=True)) <= {"complaints", "capa", "core",
                                                                              "notifications", "claims", "surveys",
                                                                              "reports", "property", "contracts",
                                                                              "service", "prevention", "customers",
                                                                              "portal"}
    # and the portal step's contact (its e-mail and language for the portal account).
    assert set(per_row.filter(content_type__app_label="customers").values_list("content_type__model", flat=True)) \
        <= {"contract", "contact"}
    showcase = Complaint.objects.filter(received_at__date__gte=TODAY - datetime.timedelta(days=45),
                                        created_by__isnull=False)
    assert per_row.filter(content_type__model="complaint").values("object_id").distinct().count() <= (
        showcase.count())


def test_the_demo_shows_the_complaint_handling_items_of_issue_18(demo_data):
    from django.db.models import F

    from kesu.accounts.roles import Role
    from kesu.complaints.models import ComplaintSettings, DispositionLine
    from kesu.customers.models import Part

    # Lot / batch numbers on about a third of the complaints and on some disposition lines, found by search.
    complaints = Complaint.objects.all()
    with_lot = complaints.exclude(lot_number="")
    assert 0.25 < with_lot.count() / complaints.count() < 0.45
    lines = DispositionLine.objects.all()
    assert lines.exclude(lot_number="").exists() and lines.filter(lot_number="").exists()
    sample = with_lot.order_by("pk").first()
    assert sample in search_complaints(complaints, sample.lot_number)
    serial = lines.filter(lot_number__startswith="SN").order_by("pk").first()
    assert serial.complaint in search_complaints(complaints, serial.lot_number)

    # Assessed complaints carry a defect type of their own category.
    assessed = complaints.filter(pk__in=StatusChange.objects.filter(name="assess").values("complaint_id"))
    typed = assessed.filter(defect_type__isnull=False)
    assert typed.count() / assessed.count() > 0.95
    assert not typed.exclude(defect_type__category=F("category")).exists()

    # Priorities are derived in history too; QA overrode two showcase complaints per company, with reasons.
    assert set(complaints.values_list("priority", flat=True)) == {1, 2, 3, 4}
    overridden = complaints.exclude(priority_override_reason="")
    assert sorted(overridden.values_list("company__code", "priority")) == [
        ("ZKJG", 1), ("ZKJG", 4), ("ZKNB", 1), ("ZKNB", 4), ("ZKSZ", 1), ("ZKSZ", 4)]
    assert set(overridden.values_list("priority_overridden_by__position__role", flat=True)) == {Role.QA}

    # A major complaint with a safety impact stands open in every company (the QA head and the GM were told).
    safety = complaints.filter(safety_or_regulatory_impact=True, severity="major", closed_at__isnull=True)
    assert set(safety.values_list("company__code", flat=True)) == {"ZKJG", "ZKSZ", "ZKNB"}
    assert not complaints.filter(safety_or_regulatory_impact=True, severity__in=["minor", "general"]).exists()

    # Two parts in three have a responsible engineer, the engineering department's.
    parts = Part.objects.all()
    engineered = parts.filter(responsible_engineer__isnull=False)
    assert 0.6 < engineered.count() / parts.count() < 0.7
    assert set(engineered.values_list("responsible_engineer__position__role", flat=True)) == {Role.ENGINEERING}

    # One company's chain reassigns at its second level: overdue complaints went to the sales department's head.
    assert ComplaintSettings.objects.get(company__code="ZKSZ").escalation_actions == ["notify", "reassign"]
    moved = Escalation.objects.filter(reassigned_to__isnull=False)
    assert set(moved.values_list("company__code", "level", "step")) == {("ZKSZ", 2, "department_head")}
    for escalation in moved.select_related("complaint", "reassigned_to"):
        assert escalation.complaint.owner == escalation.reassigned_to
        assert escalation.reassigned_to.username == "sz.director"
        assert escalation.reassigned_from.username == "sz.sales"


def test_the_demos_indicators_are_figures_a_factory_would_recognise(demo_data):
    """Issue 17 §13: a few hundred PPM, 90–98 % on time, a handful of claims a year, and a story to follow:
    some customers and months visibly worse than the rest."""
    from kesu.claims.models import Claim
    from kesu.surveys.indicators import customer_indicators

    year_from = datetime.date(2025, 7, 1)
    companies = list(Company.objects.order_by("code"))
    group = customer_indicators([c.pk for c in companies], year_from, TODAY)
    assert 100 <= group.total.ppm <= 1000
    assert 90 <= group.total.on_time_percent <= 98
    for company in companies:
        total = customer_indicators([company.pk], year_from, TODAY)
        assert 100 <= total.total.ppm <= 1000, company.code
        assert 88 <= total.total.on_time_percent <= 98, company.code
        # Some customers stand out: several times the company's PPM, or well below its on-time rate.
        busy = [row for row in total.by_customer.values() if row.lines_due >= 10]
        assert any(row.ppm and row.ppm >= 3 * total.total.ppm for row in busy), company.code
        assert any(row.on_time_percent < total.total.on_time_percent - 10 for row in busy), company.code
        assert 1 <= Claim.objects.filter(company=company).count() <= 15, company.code

    # The bad batch's month (two months before today) in Suzhou; February late after the Spring Festival.
    suzhou = Company.objects.get(code="ZKSZ")
    bad = customer_indicators([suzhou.pk], datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)).total.ppm
    rest = customer_indicators([suzhou.pk], year_from, datetime.date(2026, 3, 31)).total.ppm
    assert bad > 1.5 * rest
    february = customer_indicators([c.pk for c in companies], datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert february.total.on_time_percent < group.total.on_time_percent - 2
