"""Sign-in, session timeout, password change (throttling: test_throttle.py; reset: test_password_reset.py)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_throttle():
    cache.clear()
    yield
    cache.clear()


def test_the_login_page_is_in_simplified_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert '<html lang="zh-hans">' in response.content.decode()


def test_pages_need_a_signed_in_user(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_user_signs_in_with_the_right_password(client, salesperson):
    response = client.post(reverse("accounts:login"), {"username": "sales1", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_refused_with_a_translated_message(client, salesperson):
    response = client.post(reverse("accounts:login"), {"username": "sales1", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_a_user_of_a_deactivated_company_cannot_sign_in(client, salesperson):
    salesperson.company.is_active = False
    salesperson.company.save()
    response = client.post(reverse("accounts:login"), {"username": "sales1", "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sessions_expire_after_idle_time_and_are_renewed_by_use(login, salesperson):
    """Eight idle hours end a session; using it renews it (written at most once a minute, not on every page)."""
    assert settings.SESSION_COOKIE_AGE == 480 * 60
    home = reverse("home")
    start = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        client = login(salesperson)
        assert client.get(home).status_code == 200
        with CaptureQueriesContext(connection) as again:
            assert client.get(home).status_code == 200  # the same minute: the session is not written
        assert not any("django_session" in q["sql"] and q["sql"].startswith("UPDATE") for q in again)
    for hours in (7, 14, 21):  # used every seven hours: still signed in a day later
        with time_machine.travel(start + datetime.timedelta(hours=hours), tick=False):
            assert client.get(home).status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=21, minutes=481), tick=False):
        response = client.get(home)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_user_changes_their_password(login, salesperson):
    client = login(salesperson)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Zhiliang-2026!", "new_password2": "Zhiliang-2026!"},
    )
    assert response.status_code == 302
    salesperson.refresh_from_db()
    assert salesperson.check_password("Zhiliang-2026!")


def test_a_password_change_with_a_wrong_old_password_names_the_field(login, salesperson):
    client = login(salesperson)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "Zhiliang-2026!", "new_password2": "Zhiliang-2026!"},
    )
    assert response.status_code == 200
    assert "旧密码" in response.content.decode()


def test_an_api_call_with_a_token_leaves_no_session_behind(api, salesperson):
    from django.contrib.sessions.models import Session

    assert api(salesperson).get("/api/v1/complaints").status_code == 200
    assert not Session.objects.exists()


def test_a_signed_in_users_company_position_and_department_come_in_one_query(salesperson):
    from kesu.accounts.backends import PositionRoleBackend

    backend = PositionRoleBackend()
    with CaptureQueriesContext(connection) as captured:
        user = backend.get_user(salesperson.pk)
        assert (user.company.pk, user.position.role, user.department_id) == (
            salesperson.company_id, salesperson.position.role, salesperson.department_id)
        if user.department_id:
            assert user.department.pk == salesperson.department_id
    assert len(captured) == 1
    salesperson.company.is_active = False
    salesperson.company.save()
    assert backend.get_user(salesperson.pk) is None  # a deactivated company's people are signed out
    assert backend.get_user(10**9) is None
