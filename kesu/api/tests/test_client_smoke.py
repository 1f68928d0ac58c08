"""A client generated from the OpenAPI document works against a live server (issue 24 §4).

Runs scripts/api_client_smoke.py in a subprocess against pytest-django's live server: the generator
(openapi-python-client, the `test` extra) reads /api/v1/openapi.json, and the generated code records,
lists (fields=, cursor) and fetches (ETag, 304) a complaint. Under a minute on an idle machine, most of it
the generator.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from kesu.customers.tests.factories import CustomerFactory

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "api_client_smoke.py"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(importlib.util.find_spec("openapi_python_client") is None,
                       reason="openapi-python-client is not installed (pip install -e '.[test]')"),
]


@pytest.mark.slow
def test_a_generated_client_records_lists_and_fetches_a_complaint(live_server, api_token, salesperson, company_a):
    CustomerFactory(company=company_a, code="K-CLIENT")
    done = subprocess.run([sys.executable, str(SCRIPT), "--base", live_server.url, "--token", api_token(salesperson)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "304, no body" in done.stdout
