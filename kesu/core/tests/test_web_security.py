"""Web security settings and headers (issue 15 §1, §9): hosts, cookies, HSTS, the content security policy."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

KESU = Path(__file__).resolve().parents[2]
NAMES = ["ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
         "CSRF_TRUSTED_ORIGINS"]


def settings_with(tmp_path, **env) -> dict:
    """The settings Kesu starts with under these environment variables (read in a fresh interpreter)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KESU_") and k != "DJANGO_SETTINGS_MODULE"}
    code = ("import json, kesu.settings as s; "
            f"print(json.dumps({{n: getattr(s, n, None) for n in {NAMES!r}}}))")
    out = subprocess.run([sys.executable, "-c", code], env={**clean, "KESU_DATA_DIR": str(tmp_path),
                         "KESU_SECRET_KEY": "x" * 50, **env}, capture_output=True, text=True, check=True,
                         cwd=KESU.parent)
    return json.loads(out.stdout)


def test_kesu_answers_only_to_the_base_urls_host_and_the_machine_itself_by_default(tmp_path):
    found = settings_with(tmp_path, KESU_BASE_URL="https://kesu.example.cn")
    assert found["ALLOWED_HOSTS"] == ["kesu.example.cn", "localhost", "127.0.0.1", "[::1]"]
    assert "*" not in settings_with(tmp_path)["ALLOWED_HOSTS"]
    assert settings_with(tmp_path, KESU_ALLOWED_HOSTS="a.example,b.example")["ALLOWED_HOSTS"] == [
        "a.example", "b.example"]


def test_cookies_are_secure_and_hsts_is_sent_when_the_base_url_is_https(tmp_path):
    https = settings_with(tmp_path, KESU_BASE_URL="https://kesu.example.cn")
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]
    assert https["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    assert https["CSRF_TRUSTED_ORIGINS"] == ["https://kesu.example.cn"]
    http = settings_with(tmp_path, KESU_BASE_URL="http://10.1.2.3:8000")
    assert not http["SESSION_COOKIE_SECURE"] and not http["CSRF_COOKIE_SECURE"] and not http["SECURE_HSTS_SECONDS"]
    overridden = settings_with(tmp_path, KESU_BASE_URL="https://kesu.example.cn", KESU_SECURE_COOKIES="0")
    assert not overridden["SESSION_COOKIE_SECURE"]


def test_a_request_for_another_host_is_refused(client):
    assert client.get(reverse("accounts:login"), HTTP_HOST="evil.example").status_code == 400
    assert client.get(reverse("accounts:login"), HTTP_HOST="localhost").status_code == 200


def test_html_pages_carry_the_content_security_policy(client, login, salesperson):
    for response in (client.get(reverse("accounts:login")), login(salesperson).get(reverse("home"))):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy


def test_the_api_docs_page_loads_only_its_own_scripts(client, login, salesperson):
    response = login(salesperson).get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self';" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "cdn" not in html.lower()
    for script in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S):
        attributes, body = script
        assert "src=" in attributes or 'type="application/json"' in attributes, script


def test_no_template_runs_inline_script():
    """Under the policy an inline handler or script block would silently do nothing: none may exist."""
    offenders = []
    for path in KESU.rglob("templates/**/*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            if "src=" not in match.group(1) and "application/json" not in match.group(1):
                offenders.append(f"{path}: {match.group(0)}")
        offenders += [f"{path}: {m.group(0)}" for m in re.finditer(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=\s*[\"']", text)]
        offenders += [f"{path}: {m.group(0)}" for m in re.finditer(r"javascript:", text)]
    assert offenders == []


def test_pages_load_the_script_that_replaces_the_inline_handlers(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert re.search(r'<script src="/static/kesu/kesu\.js" defer></script>', html)
    assert 'data-submit-on-change' in html
    assert (Path(django_settings.BASE_DIR) / "static" / "kesu" / "kesu.js").exists()
