"""Language switch remembered per user, company time zone, profile."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_switching_language_is_remembered_on_the_user(login, salesperson):
    client = login(salesperson)
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    salesperson.refresh_from_db()
    assert salesperson.language == "en"
    assert "Welcome" in client.get(reverse("home")).content.decode()


def test_the_saved_language_follows_the_user_to_a_new_browser(client, salesperson):
    salesperson.language = "zh-hant"
    salesperson.save()
    client.force_login(salesperson)
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hant">' in body
    assert "歡迎" in body


def test_an_unknown_language_is_refused(login, salesperson):
    client = login(salesperson)
    client.post(reverse("accounts:set_language"), {"language": "klingon", "next": "/"})
    salesperson.refresh_from_db()
    assert salesperson.language == ""


def test_the_language_switch_does_not_redirect_off_site(login, salesperson):
    client = login(salesperson)
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_visitor_can_switch_the_login_page_language(client):
    client.post(reverse("accounts:set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert "Sign in" in client.get(reverse("accounts:login")).content.decode()


def test_pages_show_times_in_the_company_time_zone(login, salesperson):
    from django.utils import timezone

    salesperson.company.time_zone = "Europe/Berlin"
    salesperson.company.save()
    client = login(salesperson)
    response = client.get(reverse("accounts:profile"))
    assert "Europe/Berlin" in response.content.decode()
    # The middleware activates the zone per request: the company's for its staff, the default for anyone else.
    assert timezone.get_current_timezone_name() == "Europe/Berlin"
    client.logout()
    client.get(reverse("accounts:login"))
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"  # settings.TIME_ZONE


def test_an_unknown_company_time_zone_is_refused_naming_the_field(company_a):
    from django.core.exceptions import ValidationError

    company_a.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError) as error:
        company_a.full_clean()
    assert "time_zone" in error.value.message_dict


def test_working_hours_must_end_after_they_start(company_a):
    import datetime

    from django.core.exceptions import ValidationError

    company_a.work_start = datetime.time(18, 0)
    with pytest.raises(ValidationError) as error:
        company_a.full_clean()
    assert "work_end" in error.value.message_dict


def test_the_profile_saves_and_is_audited(login, salesperson):
    from kesu.core.models import AuditEntry

    client = login(salesperson)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "王大明", "email": "wang@example.com", "phone": "13800000000", "language": "zh-hans"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_id=str(salesperson.pk), action="update").latest("at")
    assert entry.actor_id == salesperson.pk
    assert entry.source == "web"
    assert entry.changes["display_name"] == ["王销售", "王大明"]
    assert "password" not in entry.changes
