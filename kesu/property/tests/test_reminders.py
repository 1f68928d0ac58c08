"""Overdue loans reminded and escalated, calibrations announced, in the company's working days (frozen clocks).

Worked by hand: a loan expected back on Thursday 2026-12-03 is due at 17:30 that day (the company's end of work).
Escalation after 2 working days counts from the next working start, Friday 08:30: Friday is one, Monday 7 December
is a company shutdown here, so the second is Tuesday 8 December → Wednesday 9 December 08:30.
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import transaction

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.core import work
from kesu.core.models import CompanyCalendarDay
from kesu.notifications.models import Notification
from kesu.property import services
from kesu.property.tests.factories import new_item, new_loan

pytestmark = pytest.mark.django_db(transaction=True)
R = Role
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def people(company_a):
    people = People(company_a)
    CompanyCalendarDay.objects.create(company=company_a, date=datetime.date(2026, 12, 7), is_working=False,
                                      kind="shutdown", name="设备检修停产")
    return people


def _told(user, event="property_due") -> int:
    return Notification.objects.filter(recipient=user, event=event).count()


def _issued_loan(people):
    loan = new_loan(people, expected_return_on=datetime.date(2026, 12, 3))
    loan = services.loan_transition(actor=people[R.SALESPERSON], loan=loan, name="approve")
    with time_machine.travel(_at(1, 9), tick=False):
        return services.loan_transition(actor=people[R.PRODUCTION], loan=loan, name="issue")


def test_an_overdue_loan_is_reminded_once_then_escalated_after_two_working_days(people):
    head = people.other(R.PRODUCTION)
    department = people[R.PRODUCTION].department
    department.head = head
    department.save()
    loan = _issued_loan(people)
    borrower = loan.requested_by
    assert loan.due_at == _at(3, 17, 30)

    def run(at):
        with time_machine.travel(at, tick=False), transaction.atomic():
            return [loan.pk for loan in services.loans_remind()]

    assert run(_at(3, 17, 29)) == []  # not yet due
    assert run(_at(4, 9)) == [loan.pk]  # overdue: the borrower is reminded
    assert (_told(borrower), _told(head)) == (1, 0)
    assert run(_at(4, 10)) == []  # once
    assert run(_at(8, 17)) == []  # Monday was a shutdown: one working day overdue only
    assert run(_at(9, 8, 29)) == []
    assert run(_at(9, 8, 30)) == [loan.pk]  # two working days: the department head is told
    assert (_told(borrower), _told(head)) == (2, 1)
    assert run(_at(10, 9)) == []


def test_a_late_return_is_marked_late(people):
    loan = _issued_loan(people)
    with time_machine.travel(_at(4, 9), tick=False):
        loan = services.loan_transition(actor=people[R.PRODUCTION], loan=loan, name="return",
                                        return_condition="good")
    assert loan.returned_late is True


def test_calibration_is_announced_the_set_number_of_working_days_ahead_and_waits_for_the_keeper(people):
    gauge = new_item(people, item_type="gauge", calibration_due_on=datetime.date(2026, 12, 10))
    qa = people[R.QA]
    # Five working days before 10 December, with the 7th shut down: 2 → 3, 4, 8, 9, 10.
    with time_machine.travel(_at(1, 9), tick=False), transaction.atomic():
        assert services.calibrations_remind() == []
    with time_machine.travel(_at(2, 9), tick=False), transaction.atomic():
        assert [i.pk for i in services.calibrations_remind()] == [gauge.pk]
    with time_machine.travel(_at(3, 9), tick=False), transaction.atomic():
        assert services.calibrations_remind() == []  # once per due date
    assert [item.action for item in work.waiting_for(gauge)] == ["calibrate"]
    assert [u.username for u in work.resolve_users(work.waiting_for(gauge)[0])] == [qa.username]
    services.item_calibrated(actor=qa, item=gauge, calibrated_on=datetime.date(2026, 12, 4),
                             next_due_on=datetime.date(2027, 6, 4))
    gauge.refresh_from_db()
    assert work.waiting_for(gauge) == []


def test_a_run_reads_each_companys_settings_once_however_many_loans_and_gauges_it_looks_at(people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for day in (1, 2, 3):
        new_item(people, item_type="gauge", calibration_due_on=datetime.date(2026, 12, 20 + day))
    loans = [_issued_loan(people) for _n in range(3)]
    with (time_machine.travel(_at(4, 9), tick=False), transaction.atomic(),
          CaptureQueriesContext(connection) as queries):
        assert len(services.loans_remind()) == 3 and services.calibrations_remind() == []  # three overdue loans
    settings_reads = [q["sql"] for q in queries.captured_queries if 'FROM "property_propertysettings"' in q["sql"]]
    assert len(loans) == 3 and len(settings_reads) == 2  # one per run, not one per loan or gauge
