"""A CSV the csv module cannot read (a cell over its 131,072-character field limit) is refused as a file error
next to the file field, not answered with a server error (found by the calendar mutation work, issue 25)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.core import calendar as cal
from kesu.core.models import StatutoryDay
from kesu.core.tests.calendar_state import forget_calendar_year

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_csv_cell_longer_than_the_field_limit_is_refused_with_the_reason(admin_user):
    forget_calendar_year(2027)
    text = "date,type,name\n2027-01-01,holiday," + "元" * 140_000 + "\n"  # under 1 MB in UTF-8
    assert len(text.encode()) < 1024 * 1024
    result = cal.statutory_year_import(actor=admin_user, upload=SimpleUploadedFile("2027.csv", text.encode()),
                                       year=2027)
    assert [(e["row"], e["field"], e["message"]) for e in result.errors] == [
        (0, "file", "The CSV file could not be read: one of its cells is too long or badly quoted.")]
    assert not StatutoryDay.objects.filter(date__year=2027).exists()


def test_the_page_shows_the_reason_in_chinese(client, admin_user):
    forget_calendar_year(2027)
    client.force_login(admin_user)
    text = "date,type,name\n2027-01-01,holiday," + "元" * 140_000 + "\n"
    from django.urls import reverse

    response = client.post(reverse("calendar:import"), {
        "year": 2027, "file": SimpleUploadedFile("2027.csv", text.encode())})
    assert response.status_code == 200
    assert "CSV 文件无法读取" in response.content.decode()
