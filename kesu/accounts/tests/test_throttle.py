"""Throttling of every way in (issue 15 §3): a growing wait per user name and address, never a lock a
stranger can put on someone else's account."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from conftest import TEST_PASSWORD
from kesu.accounts import throttle
from kesu.notifications.models import OutboxMail

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
HOME = "10.0.0.1"  # the real user's PC
ATTACKER = "203.0.113.9"


def sign_in(client, password, address=HOME, username="sales1", url=None, **headers):
    return client.post(url or reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en", **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_refuses_even_the_right_password_while_the_wait_after_failures_lasts(client, salesperson):
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            sign_in(client, "wrong")
        response = sign_in(client, TEST_PASSWORD)
        assert response.status_code == 200 and not signed_in(client)
    assert "Too many attempts. Try again in 8 seconds." in response.content.decode()
    with time_machine.travel(START + datetime.timedelta(seconds=9), tick=False):
        assert sign_in(client, TEST_PASSWORD).status_code == 302
        assert signed_in(client)


def test_the_wait_doubles_with_each_failure_up_to_the_cap(settings):
    settings.KESU_LOGIN_MAX_DELAY_MINUTES = 15
    waits = []
    with time_machine.travel(START, tick=False):
        for _ in range(12):
            throttle.login_failed("sales1", ATTACKER)
            try:
                throttle.login_check("sales1", ATTACKER)
                waits.append(0)
            except throttle.Refused as refused:
                waits.append(refused.seconds)
    assert waits == [0, 0, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]


def test_an_attacker_on_another_address_cannot_lock_the_user_out(client, salesperson):
    with time_machine.travel(START, tick=False):
        for _ in range(40):
            sign_in(client, "wrong", address=ATTACKER)
        assert not signed_in(client)
        assert sign_in(client, TEST_PASSWORD, address=HOME).status_code == 302
        assert signed_in(client)


def test_one_address_is_slowed_down_across_user_names(client, salesperson):
    with time_machine.travel(START, tick=False):
        for n in range(30):
            sign_in(client, "wrong", address=ATTACKER, username=f"guess{n}")
        response = sign_in(client, TEST_PASSWORD, address=ATTACKER)
        assert not signed_in(client)
    assert "Too many attempts" in response.content.decode()


def test_many_addresses_together_reach_the_user_ceiling_one_address_alone_does_not():
    with time_machine.travel(START, tick=False):
        for n in range(200):
            throttle.login_failed("sales1", f"198.51.100.{n % 250}:{n}")
        with pytest.raises(throttle.Refused):
            throttle.login_check("sales1", HOME)
    # One address, guessing as fast as the back-off lets it for a whole day, stays below the ceiling.
    moment, failures = START + datetime.timedelta(days=2), 0
    end = moment + datetime.timedelta(days=1)
    while moment < end:
        with time_machine.travel(moment, tick=False):
            try:
                throttle.login_check("sales2", ATTACKER)
            except throttle.Refused as refused:
                moment += datetime.timedelta(seconds=refused.seconds)
                continue
            throttle.login_failed("sales2", ATTACKER)
            failures += 1
    assert 90 < failures < throttle.USER_CEILING.free
    with time_machine.travel(moment, tick=False):
        throttle.login_check("sales2", HOME)  # the real user, from their own address: not refused


def test_a_successful_sign_in_clears_the_wait_of_its_own_address(client, salesperson):
    with time_machine.travel(START, tick=False):
        sign_in(client, "wrong")
        sign_in(client, "wrong")
        assert sign_in(client, TEST_PASSWORD).status_code == 302
        client.logout()
        sign_in(client, "wrong")
        sign_in(client, "wrong")
        assert sign_in(client, TEST_PASSWORD).status_code == 302


def test_the_admin_sign_in_is_throttled_and_shares_the_count_of_the_sign_in_page(client, make_user):
    from kesu.accounts.roles import Role

    make_user(Role.ADMIN, username="boss", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    with time_machine.travel(START, tick=False):
        sign_in(client, "wrong", username="boss")
        sign_in(client, "wrong", username="boss", url=admin_login)
        sign_in(client, "wrong", username="boss", url=admin_login)
        response = sign_in(client, TEST_PASSWORD, username="boss", url=admin_login)
        assert not signed_in(client)
    assert "Too many attempts" in response.content.decode()
    with time_machine.travel(START + datetime.timedelta(seconds=9), tick=False):
        assert sign_in(client, TEST_PASSWORD, username="boss", url=admin_login).status_code == 302
        assert signed_in(client)


def test_the_api_answers_429_after_too_many_wrong_tokens_from_one_address(client, salesperson, api_token):
    raw = api_token(salesperson)

    def call(token, address):
        return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}, REMOTE_ADDR=address,
                          HTTP_ACCEPT_LANGUAGE="en")

    with time_machine.travel(START, tick=False):
        assert [call(f"kesu_wrong{n}", ATTACKER).status_code for n in range(10)] == [401] * 10
        refused = call(raw, ATTACKER)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "16"
        assert refused.json()["detail"] == "Too many attempts. Try again in 16 seconds."
        assert call(raw, HOME).status_code == 200
    with time_machine.travel(START + datetime.timedelta(seconds=17), tick=False):
        assert call(raw, ATTACKER).status_code == 200


def test_password_reset_requests_are_throttled_per_target_address(client, salesperson):
    def ask(address):
        return client.post(reverse("accounts:password_reset"), {"email": salesperson.email}, REMOTE_ADDR=address,
                           HTTP_ACCEPT_LANGUAGE="en")

    with time_machine.travel(START, tick=False):
        assert [ask(f"10.0.1.{n}").status_code for n in range(3)] == [302] * 3
        refused = ask("10.0.1.9")
    assert refused.status_code == 200
    assert "Too many attempts. Try again in 8 seconds." in refused.content.decode()
    assert OutboxMail.objects.filter(to=salesperson.email).count() == 3


def test_password_reset_requests_are_throttled_per_requesting_address(client, salesperson):
    with time_machine.travel(START, tick=False):
        for n in range(10):
            client.post(reverse("accounts:password_reset"), {"email": f"nobody{n}@example.com"},
                        REMOTE_ADDR=ATTACKER)
        refused = client.post(reverse("accounts:password_reset"), {"email": salesperson.email},
                              REMOTE_ADDR=ATTACKER, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200 and "Too many attempts" in refused.content.decode()
    assert not OutboxMail.objects.filter(to=salesperson.email).exists()


def test_a_forwarded_address_is_ignored_unless_kesu_is_told_a_proxy_sets_it(client, salesperson, settings):
    with time_machine.travel(START, tick=False):
        for n in range(3):
            sign_in(client, "wrong", address=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        response = sign_in(client, TEST_PASSWORD, address=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99")
        assert "Too many attempts" in response.content.decode()  # a made-up header buys no fresh address


def test_behind_a_proxy_the_forwarded_address_is_counted_not_the_proxys(client, salesperson, settings):
    settings.KESU_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = "10.9.0.1"
    with time_machine.travel(START, tick=False):
        for _ in range(40):
            sign_in(client, "wrong", address=proxy, HTTP_X_FORWARDED_FOR=f"{HOME}, {ATTACKER}")
        response = sign_in(client, TEST_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=HOME)
        assert response.status_code == 302 and signed_in(client)
