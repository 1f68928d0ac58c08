"""Behind a reverse proxy (issue 24 §1): X-Forwarded-For / -Proto believed from KESU_TRUSTED_PROXIES only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from kesu.core.proxy import TrustedProxies, TrustedProxyMiddleware, client_address

PROXY = "10.0.0.2"
PERSON = "198.51.100.23"
ATTACKER = "203.0.113.66"


def _through(settings, *, trusted, remote, **headers):
    """The request as the views see it after the middleware, for a request from ``remote``."""
    settings.KESU_TRUSTED_PROXIES = trusted
    seen = {}

    def view(request):
        seen["remote"] = request.META.get("REMOTE_ADDR")
        seen["secure"] = request.is_secure()
        seen["forwarded_for"] = request.META.get("HTTP_X_FORWARDED_FOR")
        return None

    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    TrustedProxyMiddleware(view)(request)
    return seen


@pytest.fixture
def proxy_ssl(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_a_trusted_proxy_names_the_person_and_says_https(settings, proxy_ssl):
    seen = _through(settings, trusted=["10.0.0.0/8"], remote=PROXY,
                    HTTP_X_FORWARDED_FOR=PERSON, HTTP_X_FORWARDED_PROTO="https")
    assert seen == {"remote": PERSON, "secure": True, "forwarded_for": PERSON}


def test_an_untrusted_peer_keeps_its_own_address_and_its_forwarded_headers_are_dropped(settings, proxy_ssl):
    seen = _through(settings, trusted=["10.0.0.0/8"], remote=ATTACKER,
                    HTTP_X_FORWARDED_FOR=PERSON, HTTP_X_FORWARDED_PROTO="https")
    assert seen == {"remote": ATTACKER, "secure": False, "forwarded_for": None}


def test_a_person_cannot_pass_a_made_up_address_through_the_trusted_proxy(settings, proxy_ssl):
    # The person's side writes "1.2.3.4"; nginx appends the address it really saw. The right-most untrusted one counts.
    seen = _through(settings, trusted=["10.0.0.0/8"], remote=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}")
    assert seen["remote"] == ATTACKER


def test_a_chain_of_trusted_proxies_is_walked_to_the_person():
    proxies = TrustedProxies(["10.0.0.0/8", "192.168.1.1"])
    assert client_address(PROXY, f"{PERSON}, 192.168.1.1, 10.9.9.9", proxies) == PERSON
    assert client_address(PROXY, "garbage, 10.9.9.9", proxies) == "10.9.9.9"  # stops at what is no address
    assert client_address(PROXY, "", proxies) == PROXY


def test_a_unix_socket_peer_is_trusted_only_when_listed(settings, proxy_ssl):
    # gunicorn gives a peer on a unix socket an empty address.
    headers = {"HTTP_X_FORWARDED_FOR": PERSON, "HTTP_X_FORWARDED_PROTO": "https"}
    assert _through(settings, trusted=["unix"], remote="", **headers)["remote"] == PERSON
    assert _through(settings, trusted=["127.0.0.1"], remote="", **headers) == {
        "remote": "", "secure": False, "forwarded_for": None}


def test_ipv6_and_ipv4_mapped_peers():
    proxies = TrustedProxies(["::1", "127.0.0.1"])
    assert proxies.trusts("::1") and proxies.trusts("::ffff:127.0.0.1")
    assert not proxies.trusts("::2") and not proxies.trusts("not an address")
    assert client_address("::1", "[2001:db8::7]:51234", proxies) == "2001:db8::7"


def test_without_trusted_proxies_the_middleware_changes_nothing(settings):
    # The older per-header settings (KESU_CLIENT_ADDRESS_HEADER, KESU_PROXY_SSL_HEADER) keep their meaning.
    seen = _through(settings, trusted=[], remote=ATTACKER, HTTP_X_FORWARDED_FOR=PERSON)
    assert seen["remote"] == ATTACKER and seen["forwarded_for"] == PERSON


def test_a_misspelt_proxy_is_said_at_start():
    with pytest.raises(ImproperlyConfigured, match="10.0.0.300"):
        TrustedProxies(["10.0.0.300"])


@pytest.mark.django_db
def test_hsts_is_sent_only_when_a_trusted_proxy_says_https(client, settings, proxy_ssl):
    settings.KESU_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.SECURE_HSTS_SECONDS = 3600
    page = "/accounts/login/"
    trusted = client.get(page, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=PERSON, HTTP_X_FORWARDED_PROTO="https")
    assert trusted.status_code == 200 and "Strict-Transport-Security" in trusted
    forged = client.get(page, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 200 and "Strict-Transport-Security" not in forged


@pytest.mark.django_db
def test_login_throttling_counts_the_person_behind_the_proxy_not_the_proxy(client, settings, salesperson,
                                                                           monkeypatch):
    from kesu.accounts import throttle

    settings.KESU_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.KESU_CLIENT_ADDRESS_HEADER = ""
    seen = []
    original = throttle.client_address
    monkeypatch.setattr(throttle, "client_address", lambda request: seen.append(original(request)) or seen[-1])
    client.post("/accounts/login/", {"username": salesperson.username, "password": "wrong"},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=PERSON)
    assert seen and set(seen) == {PERSON}
