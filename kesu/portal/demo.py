"""The demo's customer portal (issue 23 §1): one contact who signs in with the demo password and finds a few
complaints of their customer, one waiting for their decision on a remedy and one closed with its survey sent.

Dated from the demo's own "now" (``kesu.demo.complaints._anchor``) and drawn from the demo's random source, so
the same seed on the same day gives the same account and complaints.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import translation

from kesu.complaints.models import Complaint
from kesu.customers.models import Contact, Customer
from kesu.demo.base import DemoContext
from kesu.demo.complaints import SOLVE, Showcase, _anchor, _clock
from kesu.surveys.models import SurveyTemplate
from kesu.surveys.selectors import survey_settings_for

from .models import PortalAccount

EMAIL = "portal@customer.example.cn"  # README, demo accounts
CONTACT_NAME = "周敏"
A, ASSESS, SALES = "acknowledge", "assess", "start_sales_handling"
# (days before "now" it came in, assessment profile, steps): one confirmed, one remedy waiting for the
# customer's decision, one closed (its post-closure survey sent).
COMPLAINTS: list[tuple[float, str, list[str]]] = [
    (2, "general", [A]),
    (6, "general", [A, ASSESS, SALES, "propose_remedy", "approve_remedy"]),
    (18, "minor", [A, ASSESS, SALES, *SOLVE, "dispose:replenish", "complete_remedy", "close"]),
]


def create_portal_account(ctx: DemoContext) -> None:
    ctx.sync_ids()  # everything below goes through the services, which let the database choose ids
    company = next((c for c in ctx.companies if ctx.customers.get(c.pk) and Complaint.objects.filter(
        company=c).exists()), None)
    if company is None:
        return
    showcase = Showcase(ctx, company)
    if not showcase.customers:
        return
    # The customer with the fewest complaints, so the contact's list starts short.
    customer = (Customer.objects.filter(pk__in=showcase.customers)
                .annotate(n=Count("complaints")).order_by("n", "pk").first())
    anchor = _anchor(ctx)
    with translation.override("zh-hans"):
        contact = Contact.objects.create(company=company, customer=customer, name=CONTACT_NAME, title="质量经理",
                                         email=EMAIL, language="zh-hans")
        account = PortalAccount(company=company, contact=contact, email=EMAIL,
                                invited_at=anchor - datetime.timedelta(days=30))
        account.set_password(ctx.password)
        account.save()
        showcase.customers, showcase.contact_id = [customer.pk], contact.pk
        showcase.prepare()
        made = [showcase._one(days, profile, steps) for days, profile, steps in COMPLAINTS]
        closed = made[-1]
        if closed is not None:
            _survey(company, closed, anchor)
    ctx.sync_ids()


def _survey(company, complaint: Complaint, anchor: datetime.datetime) -> None:
    """Send the closed complaint's survey now, at the demo's time.

    The company's post-closure template is set for this one sending only: the other closings of the demo
    announce themselves after the demo's single transaction commits, and would otherwise send surveys then,
    at the real clock's time (the demo stays the same for the same seed).
    """
    from kesu.surveys.complaint_survey import complaint_survey_send

    template = SurveyTemplate.objects.filter(company=company, code="CS-002", is_current=True).first()
    if template is None:
        return
    cfg = survey_settings_for(company)
    cfg.complaint_template = template
    cfg.save()
    with _clock(min(anchor, complaint.closed_at + datetime.timedelta(hours=1))):
        complaint_survey_send(complaint=complaint)
    cfg.complaint_template = None
    cfg.save()
