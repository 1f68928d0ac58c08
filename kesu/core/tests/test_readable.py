"""Values as people read them on detail pages (issue 17 §3): local time to the minute, yes/no, amounts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from kesu.core.templatetags.kesu_tags import readable

pytestmark = pytest.mark.django_db


def test_a_time_is_shown_in_the_readers_zone_to_the_minute():
    at = datetime.datetime(2026, 11, 28, 9, 40, 49, 797963, tzinfo=datetime.UTC)
    with timezone.override("Asia/Shanghai"):
        assert readable(at) == "2026-11-28 17:40"


def test_yes_no_dates_amounts_nothing_and_text_as_people_read_them():
    with translation.override("zh-hans"):
        assert (readable(True), readable(False)) == ("是", "否")
    assert readable(datetime.date(2026, 2, 17)) == "2026-02-17"
    assert readable(Decimal("1234567.50")) == "1,234,567.50"
    assert readable(None) == "" and readable("", "—") == "—"
    assert readable("<b>划伤</b>\n二次") == "&lt;b&gt;划伤&lt;/b&gt;<br>二次"


def test_the_filter_escapes_text_in_a_template():
    html = Template("{% load kesu_tags %}{{ v|readable }}").render(Context({"v": "<script>x</script>"}))
    assert html == "&lt;script&gt;x&lt;/script&gt;"


def test_the_complaint_page_shows_the_received_time_local_without_seconds(login, company_a):
    from kesu.accounts.roles import Role
    from kesu.complaints.tests.factories import People, create_complaint

    people = People(company_a)
    complaint = create_complaint(people[Role.SALESPERSON])
    complaint.received_at = datetime.datetime(2026, 11, 28, 9, 40, 49, 797963, tzinfo=datetime.UTC)
    complaint.save(update_fields=["received_at"])
    page = login(people[Role.SALESPERSON]).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "2026-11-28 17:40" in page
    import re
    assert not re.search(r"797963|\+00:00", page), re.findall(r".{120}(?:797963|\+00:00).{40}", page)


def test_the_change_history_says_who_and_how_in_words_with_readable_values(login, company_a):
    from kesu.accounts.roles import Role
    from kesu.complaints.tests.factories import People, create_complaint
    from kesu.core.selectors import audit_entries_for

    people = People(company_a)
    sales = people[Role.SALESPERSON]
    complaint = create_complaint(sales)
    from kesu.core.selectors import SOURCE_LABELS

    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        created = audit_entries_for(complaint, user=sales)[-1]
        changes = {str(label): new for label, _old, new in created.field_changes}
        how = str(SOURCE_LABELS[created.source])
    assert created.by == (f"{sales} · {sales.position}" if sales.position_id else str(sales))
    assert str(created.how) == how and how != created.source
    assert "版本" not in changes  # the version counter is bookkeeping, not a change
    shown = changes["接收时间"]
    local = timezone.localtime(complaint.received_at, timezone.get_fixed_timezone(480))
    assert shown == local.strftime("%Y-%m-%d %H:%M")


def test_the_favicon_is_served_and_the_administration_speaks_of_kesu(client, admin_user):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    client.force_login(admin_user)
    with translation.override("en"):
        page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kesu administration" in page and "Django administration" not in page
