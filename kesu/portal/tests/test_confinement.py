"""A portal identity gets 404 on every staff page and staff API operation (issue 23 "Done when").

Table-driven over the whole URL map (django.urls resolver walk) and over every operation of the OpenAPI
document: whatever exists outside /portal/ and /api/v1/portal/ answers 404 — not a redirect to the staff
sign-in page, not 401/403, which would tell that it exists.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from kesu.portal import services
from kesu.portal.models import PortalAccount

pytestmark = pytest.mark.django_db

SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x/y", "uuid": str(uuid.UUID(int=1))}
ALLOWED = ("/portal/", "/api/v1/portal/", "/static/", "/favicon.ico", "/s/")  # /s/: the public survey link


def _route(pattern) -> str:
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "_route"):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), text)
    # A regular expression (the admin's): named groups become a sample value, anchors and escapes go.
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
    text = text.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return re.sub(r"[?*+()|\[\]]", "", text)


def _walk(resolver: URLResolver, prefix: str = "/"):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + _route(entry))
        elif isinstance(entry, URLPattern):
            yield prefix + _route(entry)


STAFF_PATHS = sorted({p for p in _walk(get_resolver()) if not p.startswith(ALLOWED)})
PORTAL_PATHS = sorted({p for p in _walk(get_resolver()) if p.startswith("/portal/")})


def _staff_api_operations():
    from kesu.api.main import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/portal/"):
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, concrete


STAFF_API = sorted(set(_staff_api_operations()))


def test_the_walk_covers_the_whole_url_map():
    # A guard on the table itself: every app's pages and the API are in it.
    assert len(STAFF_PATHS) > 300
    for prefix in ("/complaints/", "/capa/", "/claims/", "/customers/", "/admin/", "/api/v1/", "/accounts/",
                   "/inbox/", "/audit/", "/records/", "/work/"):
        assert any(p.startswith(prefix) for p in STAFF_PATHS), prefix
    assert len(STAFF_API) > 100


@pytest.fixture
def portal_client(client, portal_login, account_a):
    return portal_login(account_a)


# One sign-in per table and every row checked (the failures listed together): a test per row took minutes.


def test_a_portal_session_gets_404_on_every_staff_page(portal_client):
    wrong = [(method, path, status) for path in STAFF_PATHS for method in ("get", "post")
             if (status := getattr(portal_client, method)(path).status_code) != 404]
    assert not wrong


def test_a_portal_session_gets_404_on_every_staff_api_operation(portal_client):
    wrong = [(method, path, status) for method, path in STAFF_API
             if (status := getattr(portal_client, method)(path, content_type="application/json").status_code) != 404]
    assert not wrong


def test_a_portal_token_gets_404_on_every_staff_api_operation(client, account_a):
    _token, raw = services.portal_token_create(account=account_a, name="ERP")
    headers = {"Authorization": f"Bearer {raw}"}
    wrong = [(method, path, status) for method, path in STAFF_API
             if (status := getattr(client, method)(path, content_type="application/json",
                                                   headers=headers).status_code) != 404]
    assert not wrong


def test_the_staff_steps_under_portal_are_404_for_a_portal_identity(portal_client, contact_a):
    assert portal_client.post(f"/portal/staff/contacts/{contact_a.pk}/invite/").status_code == 404
    response = portal_client.post("/api/v1/portal/invitations", {"contact_id": contact_a.pk},
                                  content_type="application/json")
    assert response.status_code == 404
    assert not PortalAccount.objects.filter(contact=contact_a, invited_at__isnull=False).exists()


def test_staff_are_not_portal_identities(client, salesperson, api, account_a):
    client.force_login(salesperson)
    assert client.get("/portal/").status_code == 302  # to the portal's sign-in, not into a customer's records
    assert client.get("/api/v1/portal/complaints").status_code == 401
    assert api(salesperson).get("/api/v1/portal/complaints").status_code == 401


def test_the_portal_itself_stays_open_to_its_contact(portal_client):
    assert [p for p in PORTAL_PATHS if p in ("/portal/", "/portal/account/", "/portal/complaints/new/")]
    for path in ("/portal/", "/portal/account/", "/portal/complaints/new/"):
        assert portal_client.get(path).status_code == 200, path
