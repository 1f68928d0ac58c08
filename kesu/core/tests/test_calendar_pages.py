"""Working calendar pages, the REST API under /api/v1/calendar/, the admin, and who may do what."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.core import calendar as cal
from kesu.core.models import AuditEntry, CalendarYear, CompanyCalendarDay, DayKind

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR_URL = reverse("calendar:year")


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def office_a(make_user):
    return make_user(Role.GENERAL_OFFICE, username="office_a", display_name="办公室")


@pytest.fixture
def office_b(make_user, company_b):
    return make_user(Role.GENERAL_OFFICE, company=company_b, username="office_b")


@pytest.fixture
def shutdown_a(company_a, office_a):
    return cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16),
                               kind=DayKind.SHUTDOWN, name="设备检修")


def add_day(client, company, date: str, kind: str = DayKind.SHUTDOWN, name: str = ""):
    return client.post(reverse("calendar:day_create"), {"company": company.pk, "date": date, "kind": kind,
                                                        "name": name})


# -- the year page ---------------------------------------------------------------

def test_the_year_page_shows_holidays_make_up_days_and_weekends_with_a_legend(login, salesperson):
    page = login(salesperson).get(YEAR_URL, {"year": 2026})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-date="2026-02-16" data-kind="holiday"' in html
    assert 'data-date="2026-02-14" data-kind="makeup"' in html
    assert 'data-date="2026-03-07" data-kind="weekend"' in html
    assert 'data-date="2026-03-09" data-kind=""' in html
    assert 'id="calendar-legend"' in html
    assert "春节" in html and "国庆节" in html
    assert 'data-confirmed="1"' in html


def test_the_year_page_shows_the_company_s_shutdown_and_extra_shift(login, salesperson, office_a, company_a):
    cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 16),
                        kind=DayKind.SHUTDOWN, name="设备检修")
    cal.company_day_set(actor=office_a, company=company_a, date=datetime.date(2026, 3, 21),
                        kind=DayKind.EXTRA_SHIFT, name="赶工")
    html = login(salesperson).get(YEAR_URL, {"year": 2026}).content.decode()
    assert 'data-date="2026-03-16" data-kind="shutdown"' in html
    assert 'data-date="2026-03-21" data-kind="extra_shift"' in html
    assert "设备检修" in html and "赶工" in html


def test_an_unloaded_year_is_marked_unconfirmed_and_provisional(login, salesperson, frozen):
    html = login(salesperson).get(YEAR_URL, {"year": 2027}).content.decode()
    assert 'data-confirmed="0"' in html
    assert "provisional" in html or "临时" in html or "暂定" in html


def test_the_year_page_runs_a_bounded_number_of_queries(login, office_a, shutdown_a, django_assert_max_num_queries):
    client = login(office_a)
    with django_assert_max_num_queries(20):
        assert client.get(YEAR_URL, {"year": 2026}).status_code == 200


def test_a_salesperson_sees_no_add_form_or_remove_button(login, salesperson, shutdown_a):
    html = login(salesperson).get(YEAR_URL, {"year": 2026}).content.decode()
    assert 'id="company-day-form"' not in html
    assert reverse("calendar:day_delete", args=[shutdown_a.pk]) not in html


# -- adding and removing company days -----------------------------------------------

def test_the_general_office_adds_a_shutdown(login, office_a, company_a):
    response = add_day(login(office_a), company_a, "2026-03-16", name="设备检修")
    assert response.status_code == 302
    day = CompanyCalendarDay.objects.get()
    assert (day.company, day.date, day.is_working, day.name) == (company_a, datetime.date(2026, 3, 16), False,
                                                                 "设备检修")
    assert AuditEntry.objects.filter(content_type__model="companycalendarday", source="web",
                                     actor=office_a).exists()


def test_an_administrator_adds_an_extra_saturday_shift(login, admin_user, company_a):
    response = add_day(login(admin_user), company_a, "2026-03-21", kind=DayKind.EXTRA_SHIFT)
    assert response.status_code == 302
    assert CompanyCalendarDay.objects.get().is_working is True


def test_a_salesperson_cannot_add_a_company_day(login, salesperson, company_a):
    assert add_day(login(salesperson), company_a, "2026-03-16").status_code == 403
    assert not CompanyCalendarDay.objects.exists()


def test_a_shutdown_on_a_holiday_comes_back_with_the_error_at_the_date(login, office_a, company_a):
    response = add_day(login(office_a), company_a, "2026-10-02")
    assert response.status_code == 200
    form = response.context["form"]
    assert "date" in form.errors
    assert "2026-10-02" in form.errors["date"][0]
    assert not CompanyCalendarDay.objects.exists()


def test_a_malformed_date_and_a_duplicate_date_are_refused_naming_the_field(login, office_a, company_a, shutdown_a):
    client = login(office_a)
    response = add_day(client, company_a, "16/03/2026x")
    assert "date" in response.context["form"].errors
    response = add_day(client, company_a, "2026-03-16")
    assert "date" in response.context["form"].errors
    assert "invalid-feedback" in response.content.decode()
    assert CompanyCalendarDay.objects.count() == 1


def test_removing_a_company_day(login, office_a, shutdown_a):
    response = login(office_a).post(reverse("calendar:day_delete", args=[shutdown_a.pk]))
    assert response.status_code == 302
    assert not CompanyCalendarDay.objects.exists()


def test_a_salesperson_cannot_remove_a_company_day(login, salesperson, shutdown_a):
    assert login(salesperson).post(reverse("calendar:day_delete", args=[shutdown_a.pk])).status_code == 403
    assert CompanyCalendarDay.objects.exists()


# -- the outsider, on every page -------------------------------------------------------

def test_an_outsider_cannot_see_or_change_another_company_s_calendar(login, outsider, company_a, shutdown_a):
    client = login(outsider)
    assert client.get(YEAR_URL, {"company": company_a.pk, "year": 2026}).status_code == 404
    assert add_day(client, company_a, "2026-03-17").status_code in {403, 404}
    assert client.post(reverse("calendar:day_delete", args=[shutdown_a.pk])).status_code in {403, 404}
    assert CompanyCalendarDay.objects.count() == 1


def test_a_user_of_company_a_cannot_open_company_b_s_calendar(login, salesperson, company_b):
    assert login(salesperson).get(YEAR_URL, {"company": company_b.pk}).status_code == 404
    assert login(salesperson).get(YEAR_URL, {"company": "b"}).status_code == 404


def test_an_outsider_sees_their_own_company_by_default(login, outsider, company_b, shutdown_a):
    page = login(outsider).get(YEAR_URL, {"year": 2026})
    assert page.context["company"] == company_b
    assert "设备检修" not in page.content.decode()


def test_another_company_s_general_office_cannot_add_or_remove_this_company_s_days(login, office_b, company_a,
                                                                                  shutdown_a):
    client = login(office_b)
    assert add_day(client, company_a, "2026-03-17").status_code == 404
    assert client.post(reverse("calendar:day_delete", args=[shutdown_a.pk])).status_code == 404
    assert CompanyCalendarDay.objects.count() == 1


@pytest.mark.parametrize("name", ["calendar:import", "calendar:import_template"])
def test_only_administrators_reach_the_import_pages(login, outsider, salesperson, office_a, admin_user, name):
    url = reverse(name)
    assert login(outsider).get(url).status_code == 403
    assert login(salesperson).get(url).status_code == 403
    assert login(office_a).get(url).status_code == 403
    assert login(admin_user).get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in (YEAR_URL, reverse("calendar:import"), reverse("calendar:import_template")):
        assert client.get(url).status_code == 302


# -- the banner ------------------------------------------------------------------------

def test_an_administrator_sees_the_2027_banner_until_2027_is_imported(login, admin_user, salesperson, frozen):
    assert not CalendarYear.objects.filter(year=2027).exists()
    html = login(admin_user).get(YEAR_URL).content.decode()
    assert 'id="calendar-banner"' in html and "2027" in html.split('id="calendar-banner"')[1][:600]
    assert 'id="calendar-banner"' not in login(salesperson).get(YEAR_URL).content.decode()

    upload = SimpleUploadedFile("2027.csv", "date,type,name\n2027-01-01,holiday,元旦\n".encode())
    client = login(admin_user)
    assert client.post(reverse("calendar:import"), {"year": 2027, "file": upload}).status_code == 302
    assert 'id="calendar-banner"' not in client.get(YEAR_URL).content.decode()


def test_the_general_office_sees_the_banner_too(login, office_a, frozen):
    assert 'id="calendar-banner"' in login(office_a).get(YEAR_URL).content.decode()


# -- REST API ----------------------------------------------------------------------------

def test_the_api_lists_a_year_of_the_effective_calendar(api, salesperson, company_a, shutdown_a):
    body = api(salesperson).get("/api/v1/calendar/days", year=2026).json()
    assert body["company_id"] == company_a.pk and body["confirmed"] is True
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-02-16"] == {"date": "2026-02-16", "is_working": False, "kind": "holiday", "name": "春节",
                                  "source": "statutory", "company_day_id": None}
    assert days["2026-02-14"]["kind"] == "makeup"
    assert days["2026-03-16"]["source"] == "company" and days["2026-03-16"]["company_day_id"] == shutdown_a.pk


def test_the_api_says_an_unloaded_year_is_not_confirmed(api, salesperson, frozen):
    assert api(salesperson).get("/api/v1/calendar/days", year=2027).json()["confirmed"] is False


def test_the_api_works_out_a_deadline_and_marks_2027_provisional(api, salesperson, frozen):
    caller = api(salesperson)
    body = caller.get("/api/v1/calendar/deadline", start="2026-09-30T10:00:00+08:00", working_days=1).json()
    assert body == {"at": "2026-10-08T10:00:00+08:00", "provisional": False}
    body = caller.get("/api/v1/calendar/deadline", start="2026-12-30T10:00:00+08:00", working_days=3).json()
    assert body == {"at": "2027-01-04T10:00:00+08:00", "provisional": True}
    body = caller.get("/api/v1/calendar/deadline", start="2026-09-30T08:30:00Z", working_hours=2).json()
    assert body == {"at": "2026-10-08T09:30:00+08:00", "provisional": False}  # 16:30 in Suzhou


def test_the_api_measures_working_time(api, salesperson):
    body = api(salesperson).get("/api/v1/calendar/working-time", start="2026-03-13T16:00:00+08:00",
                                end="2026-03-16T10:00:00+08:00").json()
    assert body == {"seconds": 3 * 3600, "working_days": pytest.approx(0.3333, abs=1e-4), "provisional": False}


@pytest.mark.parametrize("params", [
    {"start": "yesterday", "working_days": 1},
    {"start": "2026-03-13T16:00:00", "working_days": 1},  # no offset
    {"start": "2026-03-13T16:00:00+08:00"},  # neither days nor hours
    {"start": "2026-03-13T16:00:00+08:00", "working_days": -1},
    {"start": "9999-12-31T16:00:00+08:00", "working_days": 1},
])
def test_the_api_refuses_a_bad_deadline_question_naming_the_field(api, salesperson, params):
    response = api(salesperson).get("/api/v1/calendar/deadline", **params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] in {"start", "working_days"}


def test_the_general_office_adds_and_removes_a_day_through_the_api(api, office_a, company_a):
    caller = api(office_a)
    response = caller.post("/api/v1/calendar/days", {"date": "2026-03-21", "kind": "extra_shift", "name": "赶工"})
    assert response.status_code == 201
    body = response.json()
    assert (body["company_id"], body["is_working"]) == (company_a.pk, True)
    assert AuditEntry.objects.filter(content_type__model="companycalendarday", source="api").exists()
    assert caller.delete(f"/api/v1/calendar/days/{body['id']}").status_code == 204
    assert not CompanyCalendarDay.objects.exists()


def test_the_api_refuses_a_bad_company_day_naming_the_field(api, office_a, shutdown_a):
    caller = api(office_a)
    response = caller.post("/api/v1/calendar/days", {"date": "2026-13-01", "kind": "shutdown"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "date"]
    response = caller.post("/api/v1/calendar/days", {"date": "2026-03-16", "kind": "shutdown"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "date"]
    response = caller.post("/api/v1/calendar/days", {"date": "2026-03-17", "kind": "party"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "kind"]


def test_a_salesperson_cannot_add_or_remove_days_through_the_api(api, salesperson, shutdown_a):
    caller = api(salesperson)
    assert caller.post("/api/v1/calendar/days", {"date": "2026-03-17", "kind": "shutdown"}).status_code == 403
    assert caller.delete(f"/api/v1/calendar/days/{shutdown_a.pk}").status_code == 403


def test_an_outsider_is_refused_company_a_on_every_endpoint(api, outsider, office_b, company_a, shutdown_a):
    caller = api(outsider)
    a = company_a.pk
    assert caller.get("/api/v1/calendar/days", year=2026, company=a).status_code == 404
    assert caller.get("/api/v1/calendar/deadline", start="2026-03-13T10:00:00+08:00", working_days=1,
                      company=a).status_code == 404
    assert caller.get("/api/v1/calendar/working-time", start="2026-03-13T10:00:00+08:00",
                      end="2026-03-16T10:00:00+08:00", company=a).status_code == 404
    assert caller.post("/api/v1/calendar/days", {"date": "2026-03-17", "kind": "shutdown",
                                                 "company": a}).status_code in {403, 404}
    office = api(office_b)
    assert office.post("/api/v1/calendar/days", {"date": "2026-03-17", "kind": "shutdown",
                                                 "company": a}).status_code == 404
    assert office.delete(f"/api/v1/calendar/days/{shutdown_a.pk}").status_code == 404
    assert CompanyCalendarDay.objects.filter(company=company_a).count() == 1


def test_the_outsider_s_own_days_never_include_company_a_s(api, outsider, company_b, shutdown_a):
    body = api(outsider).get("/api/v1/calendar/days", year=2026).json()
    assert body["company_id"] == company_b.pk
    assert all(d["source"] == "statutory" for d in body["days"])


def test_the_api_needs_a_token(client):
    assert client.get("/api/v1/calendar/days").status_code == 401


# -- admin -------------------------------------------------------------------------------

def test_the_audit_trail_is_read_only_in_the_admin(login, admin_user, shutdown_a):
    client = login(admin_user)
    entry = AuditEntry.objects.filter(content_type__model="companycalendarday").first()
    assert client.get("/admin/core/auditentry/").status_code == 200
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    change = client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"actor_name": "x"}).status_code == 403
    assert client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == entry.actor_name


def test_a_company_day_added_in_the_admin_follows_the_rules_and_is_audited(login, admin_user, company_a):
    client = login(admin_user)
    url = "/admin/core/companycalendarday/add/"
    refused = client.post(url, {"company": company_a.pk, "date": "2026-10-02", "kind": "shutdown", "name": ""})
    assert refused.status_code == 200 and not CompanyCalendarDay.objects.exists()
    saved = client.post(url, {"company": company_a.pk, "date": "2026-03-21", "kind": "extra_shift", "name": "赶工"})
    assert saved.status_code == 302
    day = CompanyCalendarDay.objects.get()
    assert day.is_working is True
    assert AuditEntry.objects.filter(content_type__model="companycalendarday", object_id=str(day.pk),
                                     source="admin").exists()


def test_a_statutory_day_changed_in_the_admin_leaves_an_audit_entry(login, admin_user):
    from kesu.core.models import StatutoryDay

    day = StatutoryDay.objects.get(date=datetime.date(2026, 10, 1))
    response = login(admin_user).post(f"/admin/core/statutoryday/{day.pk}/change/", {
        "date": "2026-10-01", "is_working": "", "kind": "holiday", "name": "国庆节（测试）"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(content_type__model="statutoryday", object_id=str(day.pk))
    assert entry.changes["name"] == ["国庆节", "国庆节（测试）"] and entry.actor == admin_user
