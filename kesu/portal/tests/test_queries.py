"""The portal's list and detail read a fixed number of queries whatever their rows (conventions habit 6)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.complaints.tests.factories import People
from kesu.portal import services

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_and_detail_read_the_same_number_of_queries_for_one_row_or_many(
        client, portal_login, account_a, part_a, company_a):
    People(company_a)
    first = services.portal_complaint_file(account=account_a, data={"description": "一", "part": part_a})
    portal_login(account_a)
    one_list = _count(client, "/portal/")
    one_detail = _count(client, f"/portal/complaints/{first.pk}/")
    for n in range(4):
        services.portal_complaint_file(account=account_a, data={"description": f"再 {n}", "part": part_a})
        services.portal_reply(account=account_a, complaint=first, text=f"留言 {n}",
                              files=[SimpleUploadedFile(f"{n}.png", PNG + bytes([n]))])
    assert _count(client, "/portal/") == one_list
    assert _count(client, f"/portal/complaints/{first.pk}/") == one_detail


def test_api_writes_by_session_need_the_csrf_token(account_a, part_a, settings):
    from django.test import Client

    from .conftest import PORTAL_PASSWORD

    strict = Client(enforce_csrf_checks=True)
    strict.get("/portal/login/")  # the sign-in form sets the CSRF cookie
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    assert strict.post("/portal/login/", {"form": "password", "email": account_a.email,
                                          "password": PORTAL_PASSWORD, "csrfmiddlewaretoken": token}).status_code == 302
    assert strict.get("/api/v1/portal/complaints").status_code == 200
    assert strict.post("/api/v1/portal/complaints", {"description": "x"}).status_code == 403
