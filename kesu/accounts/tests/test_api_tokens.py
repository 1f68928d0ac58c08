"""Personal API tokens: created by the user, shown once, stored hashed, revocable, sent as a header."""

import pytest
from django.urls import reverse

from kesu.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_user_creates_a_token_and_sees_it_once(login, salesperson):
    client = login(salesperson)
    response = client.post(reverse("accounts:tokens"), {"name": "ERP 同步"})
    raw = response.context["new_token"]
    assert raw.startswith("kesu_")
    token = ApiToken.objects.get(user=salesperson)
    assert token.token_hash == ApiToken.hash(raw)
    assert raw not in (token.token_hash, token.key_prefix)
    assert raw not in client.get(reverse("accounts:tokens")).content.decode()


def test_the_api_accepts_a_bearer_token(client, salesperson, api_token):
    raw = api_token(salesperson)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["username"] == "sales1"
    assert response.json()["role"] == "salesperson"


def test_the_api_refuses_no_token_a_wrong_token_and_a_revoked_token(client, salesperson, api_token):
    raw = api_token(salesperson)
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer kesu_wrong"}).status_code == 401
    token = ApiToken.objects.get(user=salesperson)
    login_client = client
    login_client.force_login(salesperson)
    login_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    login_client.logout()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_deactivated_user_token_stops_working(client, salesperson, api_token):
    raw = api_token(salesperson)
    salesperson.is_active = False
    salesperson.save()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_tokens_are_managed_through_the_api_too(api, salesperson):
    caller = api(salesperson)
    created = caller.post("/api/v1/tokens", {"name": "报表"})
    assert created.status_code == 201
    new_raw = created.json()["token"]
    listed = caller.get("/api/v1/tokens").json()
    assert {t["name"] for t in listed} == {"test", "报表"}
    assert all("token" not in t for t in listed)
    assert caller.delete(f"/api/v1/tokens/{created.json()['id']}").status_code == 204
    assert ApiToken.objects.get(pk=created.json()["id"]).revoked_at is not None
    assert new_raw


def test_a_user_cannot_revoke_someone_elses_token(api, salesperson, qa_engineer, api_token):
    api_token(qa_engineer, name="qa")
    other = ApiToken.objects.get(user=qa_engineer)
    assert api(salesperson).delete(f"/api/v1/tokens/{other.pk}").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_a_token_name_that_is_too_long_is_refused_naming_the_field(api, salesperson):
    response = api(salesperson).post("/api/v1/tokens", {"name": "长" * 101})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "name"


def test_the_language_can_be_set_through_the_api(api, salesperson):
    response = api(salesperson).patch("/api/v1/me", {"language": "zh-hant"})
    assert response.status_code == 200
    salesperson.refresh_from_db()
    assert salesperson.language == "zh-hant"
    bad = api(salesperson).patch("/api/v1/me", {"language": "xx"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "language"
