"""The subscription list and the delivery log read a fixed number of queries whatever the number of rows
(conventions habit 6)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kesu.webhooks import services
from kesu.webhooks.choices import WebhookEvent
from kesu.webhooks.payloads import WebhookComplaintData

pytestmark = pytest.mark.django_db


def _make(admin, n: int) -> None:
    for i in range(n):
        subscription, _secret = services.subscription_create(
            actor=admin, company=admin.company, name=f"ERP {i}", url=f"http://127.0.0.1:9/{i}",
            events=[WebhookEvent.COMPLAINT_CREATED])
        services.event_publish(company_id=admin.company_id, event=WebhookEvent.COMPLAINT_CREATED,
                               build=lambda: WebhookComplaintData(
                                   id=1, number="KS-1", status="received", channel="phone", severity="",
                                   received_at=timezone.now(), customer_code="C1", customer_name="客户",
                                   url="http://kesu.example/complaints/1/"))


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/webhooks/", "/webhooks/deliveries/"])
def test_the_lists_read_a_fixed_number_of_queries(path, webhook_admin, login):
    client = login(webhook_admin)
    _make(webhook_admin, 2)
    few = _queries(client, path)
    _make(webhook_admin, 5)
    assert _queries(client, path) == few
