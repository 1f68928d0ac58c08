"""Calendar state a test sets up itself, whatever years the installed chinese-calendar package covers.

Migration 0002 loads every year the package knows; a release that adds 2027 must not change what a test
about "a year without a published calendar" sees, nor make it skip.
"""

from __future__ import annotations


def forget_calendar_year(year: int) -> None:
    """Make ``year`` a year without a published calendar: no confirmation row, no statutory days."""
    from kesu.core.models import CalendarYear, StatutoryDay

    StatutoryDay.objects.filter(date__year=year).delete()
    CalendarYear.objects.filter(year=year).delete()
