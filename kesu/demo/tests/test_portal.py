"""The demo's portal contact (issue 23): signs in with the demo password in Simplified Chinese and finds a few
complaints of their customer — one waiting for their decision on a remedy, one closed with its survey sent."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from kesu import demo
from kesu.complaints.choices import Status
from kesu.portal.demo import EMAIL
from kesu.portal.models import PortalAccount
from kesu.portal.selectors import pending_remedy, portal_complaints, portal_surveys
from kesu.surveys.choices import CampaignKind, CampaignStatus
from kesu.surveys.models import Campaign

from .conftest import TODAY

ON_THE_DAY = datetime.datetime(2026, 6, 30, 12, 0, tzinfo=datetime.UTC)
PORTAL_STEP = "kesu.portal.demo.create_portal_account"

pytestmark = pytest.mark.django_db


def test_the_portal_step_is_part_of_the_demo():
    assert PORTAL_STEP in demo.STEPS


def test_the_demo_contact_has_a_few_complaints_one_waiting_and_one_closed_with_its_survey(demo_data):
    account = PortalAccount.objects.select_related("contact").get(email=EMAIL)
    assert account.contact.language == "zh-hans" and account.is_active
    assert account.check_password(demo_data.password) and demo_data.password == "kesu-demo-2026"
    theirs = list(portal_complaints(account).filter(contact=account.contact))
    assert len(theirs) == 3
    waiting = [c for c in theirs if c.status == Status.REMEDY_APPROVED]
    assert len(waiting) == 1 and pending_remedy(waiting[0]) is not None
    closed = [c for c in theirs if c.status == Status.CLOSED]
    assert len(closed) == 1
    survey = Campaign.objects.get(complaint=closed[0])
    assert (survey.kind, survey.status) == (CampaignKind.COMPLAINT, CampaignStatus.OPEN)
    with time_machine.travel(ON_THE_DAY, tick=False):  # the demo's day: its survey link is still valid then
        assert [row["id"] for row in portal_surveys(account)["open"]] == [survey.recipients.get().pk]
    # Dated from the demo's day, not the clock: the same seed on the same day gives the same demo.
    for complaint in theirs:
        assert complaint.received_at.date() <= TODAY
    assert survey.opened_at.date() <= TODAY


def test_the_demo_contact_signs_in_to_the_portal(demo_data, client):
    response = client.post("/portal/login/", {"form": "password", "email": EMAIL, "password": demo_data.password})
    assert response.status_code == 302
    account = PortalAccount.objects.get(email=EMAIL)
    page = client.get("/portal/").content.decode()
    for complaint in portal_complaints(account).filter(contact=account.contact):
        assert complaint.number in page or client.get(f"/portal/complaints/{complaint.pk}/").status_code == 200
    closed = portal_complaints(account).get(contact=account.contact, status=Status.CLOSED)
    with time_machine.travel(ON_THE_DAY, tick=False):
        assert Campaign.objects.get(complaint=closed).name in client.get("/portal/surveys/").content.decode()
