"""Campaigns: recipients by rule (explained), opening with personal links by e-mail, reminders, closing."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.core.calendar import WorkingCalendar
from kesu.core.context import acting_as
from kesu.core.services import TransitionRefused, actor_or_none, require_role
from kesu.core.workflow import run_transition
from kesu.customers.models import Contact, Customer, Shipment

from .. import permissions
from ..choices import CampaignStatus, InclusionReason, RankingBasis
from ..models import DIMENSIONS, Campaign, CampaignChange, CompetitorRating, Invitation, Recipient
from ..scoring import mean
from ..selectors import survey_settings_for
from .common import full_clean

SIGN_SALT = "kesu.surveys.invitation"
CREATE_FIELDS = ("name", "kind", "template", "period_start", "period_end", "send_month", "target_score",
                 "top_customers", "owner")


def invitation_token(invitation: Invitation) -> str:
    """The link's token: the invitation's id and key, signed (an altered token fails the signature)."""
    return signing.dumps([invitation.pk, invitation.nonce], salt=SIGN_SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    return f"{settings.KESU_BASE_URL}/s/{invitation_token(invitation)}/"


def campaign_create(*, actor, company, data: dict[str, Any], source: str = "web") -> Campaign:
    """A campaign in draft, its recipients chosen by the rule at once (and recomputable while in draft)."""
    require_role(actor, permissions.CAMPAIGNS, company.pk)
    unknown = sorted(set(data) - set(CREATE_FIELDS) - {f"{n}_id" for n in CREATE_FIELDS})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    cfg = survey_settings_for(company)
    campaign = Campaign(company=company, **data)
    if campaign.target_score is None:
        campaign.target_score = cfg.yearly_target
    if not data.get("top_customers") and not data.get("top_customers") == 0:
        campaign.top_customers = cfg.top_customers
    if not campaign.owner_id and actor_or_none(actor) is not None:
        campaign.owner = actor
    full_clean(campaign)
    if campaign.template.company_id != company.pk or not campaign.template.is_current:
        raise ValidationError({"template": _("Choose the current version of one of the company's templates.")})
    with acting_as(actor, source), transaction.atomic():
        campaign.save()
        _compute_recipients(campaign)
    return campaign


def sales_ranking(campaign: Campaign) -> tuple[dict[int, dict[str, Any]], str, int]:
    """Per customer with shipments in the period: lines, sales in the base currency and rank; the basis used.

    Seed 001 §4.2.2 3): the top five by sales must receive the survey. Sales = quantity × the contract line's unit
    price, converted to the base currency at the rate finance recorded for the contract's currency on the ship
    date (never a quantity for a missing price, never two currencies added). When some lines have no price or no
    rate, the amounts would rank customers wrongly: the customers' recorded sales rank (customer master) is used
    instead; when no customer has one, the priced lines alone rank them (and the page says so).
    """
    from kesu.claims.selectors import claim_settings_for, rate_for

    base = claim_settings_for(campaign.company).base_currency
    rates: dict[tuple[str, datetime.date], Decimal | None] = {}
    rows: dict[int, dict[str, Any]] = {}
    unpriced = 0
    lines = (Shipment.objects.filter(company=campaign.company, ship_date__gte=campaign.period_start,
                                     ship_date__lte=campaign.period_end)
             .values_list("customer_id", "quantity", "ship_date", "contract_line__unit_price",
                          "contract_line__contract__currency"))
    for customer_id, quantity, ship_date, price, currency in lines.iterator(chunk_size=2000):
        row = rows.setdefault(customer_id, {"lines": 0, "sales": Decimal("0"), "unpriced": 0})
        row["lines"] += 1
        key = (currency or base, ship_date)
        if key not in rates:
            rates[key] = rate_for(campaign.company, key[0], ship_date)
        rate = rates[key]
        if price is None or rate is None:
            row["unpriced"] += 1
            unpriced += 1
            continue
        row["sales"] += Decimal(quantity) * Decimal(price) * Decimal(rate)
    for row in rows.values():
        row["sales"] = row["sales"].quantize(Decimal("0.01"))
    recorded = dict(Customer.objects.filter(pk__in=rows, sales_rank__isnull=False).values_list("id", "sales_rank"))
    if unpriced and recorded:
        basis = RankingBasis.RECORDED
        order = sorted(rows, key=lambda pk: (recorded.get(pk) is None, recorded.get(pk) or 0, -rows[pk]["sales"], pk))
    else:
        basis = RankingBasis.PARTIAL if unpriced else RankingBasis.AMOUNT
        order = sorted(rows, key=lambda pk: (-rows[pk]["sales"], pk))
    for rank, pk in enumerate(order, start=1):
        rows[pk]["rank"] = rank
    return rows, basis, unpriced


def _compute_recipients(campaign: Campaign) -> None:
    """Every customer with shipments in the period, and always the top N by sales (:func:`sales_ranking`); the
    rest listed as out.

    Hand-made additions and removals are kept when the rule is run again, except the removal of a customer now
    among the top N (seed 001 §4.2.2 3: they must receive it).
    """
    from kesu.claims.selectors import claim_settings_for

    business, basis, unpriced = sales_ranking(campaign)
    top = {pk for pk, row in business.items() if row["rank"] <= campaign.top_customers}
    manual = {r.customer_id: r for r in campaign.recipients.all() if r.reasons and (
        r.reasons[-1] == InclusionReason.ADDED or (r.reasons[-1] == InclusionReason.REMOVED
                                                   and r.customer_id not in top))}
    campaign.recipients.exclude(customer_id__in=manual).delete()
    campaign.ranking_basis, campaign.unpriced_lines = basis, unpriced
    campaign.ranking_currency = claim_settings_for(campaign.company).base_currency
    campaign.save(update_fields=["ranking_basis", "unpriced_lines", "ranking_currency", "updated_at"])
    contacts = _contacts(campaign.company)
    new = []
    for customer_id in Customer.objects.filter(company=campaign.company).values_list("id", flat=True):
        if customer_id in manual:
            continue
        row = business.get(customer_id)
        reasons = []
        if row:
            reasons.append(InclusionReason.SHIPPED.value)
            if customer_id in top:
                reasons.append(InclusionReason.TOP_SALES.value)
        else:
            reasons.append(InclusionReason.NO_BUSINESS.value)
        new.append(Recipient(company=campaign.company, campaign=campaign, customer_id=customer_id,
                             contact=contacts.get(customer_id), included=row is not None, reasons=reasons,
                             shipment_lines=row["lines"] if row else 0,
                             sales_amount=row["sales"] if row else Decimal("0"),
                             sales_rank=row["rank"] if row else None))
    Recipient.objects.bulk_create(new, batch_size=1000)


def _contacts(company) -> dict[int, Contact]:
    """Per customer, the contact to ask: the primary one with an e-mail, else any with an e-mail, else any."""
    best: dict[int, Contact] = {}
    for contact in Contact.objects.filter(company=company).order_by("customer_id", "-is_primary", "id"):
        current = best.get(contact.customer_id)
        if current is None or (contact.email and not current.email):
            best[contact.customer_id] = contact
    return best


def campaign_recompute(*, actor, campaign: Campaign, source: str = "web") -> Campaign:
    require_role(actor, permissions.CAMPAIGNS, campaign.company_id)
    with acting_as(actor, source), transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != CampaignStatus.DRAFT:
            raise ValidationError({"status": _("Recipients are chosen while the campaign is a draft.")})
        _compute_recipients(locked)
    return locked


def recipient_set(*, actor, campaign: Campaign, customer, included: bool, note: str, contact=None,
                  source: str = "web") -> Recipient:
    """Add a customer to the campaign or take one out, by hand, with the reason written down."""
    require_role(actor, permissions.CAMPAIGNS, campaign.company_id)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the customer is added or removed.")})
    if customer.company_id != campaign.company_id:
        raise ValidationError({"customer": _("Choose a customer of the campaign's company.")})
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError({"status": _("A closed campaign takes no changes.")})
    with acting_as(actor, source), transaction.atomic():
        row, _created = Recipient.objects.get_or_create(
            campaign=campaign, customer=customer, defaults={"company": campaign.company, "reasons": []})
        if hasattr(row, "answer") and not included:
            raise ValidationError({"customer": _("This customer has answered; it stays in the campaign.")})
        if not included and InclusionReason.TOP_SALES in row.reasons:
            # Seed 001 §4.2.2 3): 销售额排名前5的重要客户必须发放.
            raise ValidationError({"customer": _(
                "%(customer)s is number %(rank)s of the top %(top)s customers by sales, who must receive the survey "
                "(seed 001 §4.2.2); it cannot be removed.") % {
                "customer": customer, "rank": row.sales_rank, "top": campaign.top_customers}})
        row.included = included
        row.reasons = [*row.reasons, (InclusionReason.ADDED if included else InclusionReason.REMOVED).value]
        row.note = note.strip()[:300]
        if contact is not None:
            row.contact = contact
        elif row.contact_id is None:
            row.contact = _contacts(campaign.company).get(customer.pk)
        row.save()
        if included and campaign.status == CampaignStatus.OPEN and not row.invitations.exists():
            _invite(campaign, row, timezone.now())
    return row


def _invite(campaign: Campaign, recipient: Recipient, now: datetime.datetime) -> Invitation:
    cfg = survey_settings_for(campaign.company)
    contact = recipient.contact
    invitation = Invitation.objects.create(
        company=campaign.company, recipient=recipient, contact=contact, email=contact.email if contact else "",
        language=contact.language if contact else settings.LANGUAGE_CODE, nonce=secrets.token_hex(8),
        expires_at=now + datetime.timedelta(days=cfg.link_valid_days))
    if invitation.email:
        _mail(invitation, reminder=False)
        invitation.sent_at = now
        invitation.save(update_fields=["sent_at", "updated_at"])
    return invitation


def _mail(invitation: Invitation, *, reminder: bool) -> None:
    from kesu.notifications.services import mail_queue

    campaign = invitation.recipient.campaign
    with translation.override(invitation.language):
        subject = (_("Reminder: %(name)s") if reminder else _("Customer satisfaction survey: %(name)s")) % {
            "name": campaign.title}
        body = _("Dear %(contact)s,\n\nWe value your opinion of our products and service. Please answer our "
                 "short survey through your personal link (valid until %(until)s, one answer):\n\n%(url)s\n\n"
                 "Thank you!\n%(company)s") % {
            "contact": invitation.contact.name if invitation.contact else invitation.recipient.customer.name,
            "until": timezone.localtime(invitation.expires_at, campaign.company.tz).strftime("%Y-%m-%d"),
            "url": invitation_url(invitation), "company": campaign.company.name}
    mail_queue(company=campaign.company, to=invitation.email, subject=subject, body=body)


def _transition(actor, campaign: Campaign, name: str, effects, source: str, note: str = "") -> Campaign:
    """Move the campaign through ``workflow.CAMPAIGN_TABLE`` (the only way its status changes), keeping the
    refusals the campaign services always gave (a ValidationError naming the field)."""
    from .. import signals
    from ..workflow import CAMPAIGN_STATE_TEXTS, CAMPAIGN_TABLE, label_of

    def announce(locked, row, old, note, now):
        transaction.on_commit(lambda: signals.campaign_transitioned.send(
            Campaign, campaign=locked, name=row.name, old_status=old, new_status=locked.status, actor=actor,
            note=note))

    try:
        return run_transition(table=CAMPAIGN_TABLE, obj=campaign, name=name, actor=actor,
                              inputs={"note": note} if note else {}, noun=Campaign._meta.verbose_name,
                              label_of=label_of, effects=effects, changes=CampaignChange, announce=announce,
                              related=("company", "template"), source=source)
    except TransitionRefused as refused:
        if refused.code in (TransitionRefused.WRONG_STATE, TransitionRefused.STALE):
            raise ValidationError({"status": str(CAMPAIGN_STATE_TEXTS[name])}) from refused
        if refused.code == TransitionRefused.WRONG_ROLE:
            raise PermissionDenied from refused
        raise refused.as_validation_error() from refused


def campaign_open(*, actor, campaign: Campaign, source: str = "web") -> Campaign:
    """Send every included recipient's contact a personal link; those without e-mail are answered by staff."""
    require_role(actor, permissions.CAMPAIGNS, campaign.company_id)
    cfg = survey_settings_for(campaign.company)

    def effects(locked, row, inputs, now):
        for recipient in locked.recipients.filter(included=True).select_related("contact", "customer"):
            _invite(locked, recipient, now)
        locked.opened_at = now
        locked.answer_due_at = WorkingCalendar(locked.company).add_working_days(now, cfg.reminder_working_days).at

    return _transition(actor, campaign, "open", effects, source)


def invitations_remind(now: datetime.datetime | None = None) -> int:
    """Remind contacts who have not answered after the company's working days (2 by default); idempotent."""
    now = now or timezone.now()
    sent = 0
    pending = (Invitation.objects.filter(recipient__campaign__status=CampaignStatus.OPEN, used_at__isnull=True,
                                         sent_at__isnull=False, expires_at__gt=now,
                                         recipient__answer__isnull=True)  # not when staff entered the answer
               .exclude(email="").select_related("recipient__campaign__company", "recipient__customer", "contact"))
    calendars: dict[int, WorkingCalendar] = {}
    for invitation in pending.iterator(chunk_size=500):
        company = invitation.recipient.campaign.company
        calendar = calendars.setdefault(company.pk, WorkingCalendar(company))
        days = survey_settings_for(company).reminder_working_days
        since = invitation.last_reminded_at or invitation.sent_at
        if now < calendar.add_working_days(since, days).at:
            continue
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=invitation.pk, last_reminded_at=invitation.last_reminded_at,
                                                used_at__isnull=True).update(
                last_reminded_at=now, reminders=F("reminders") + 1)
            if claimed:  # compare-and-set: two workers never remind twice
                _mail(invitation, reminder=True)
                sent += 1
    return sent


def campaign_close(*, actor, campaign: Campaign, source: str = "web") -> Campaign:
    """Close the campaign: its score is the mean of its answers; below the target it raises an action (once)."""
    require_role(actor, permissions.CAMPAIGNS, campaign.company_id)
    return close_campaign(actor, campaign, source, target_action=True)


def close_campaign(actor, campaign: Campaign, source: str, *, target_action: bool, note: str = "") -> Campaign:
    """The close step itself, for ``campaign_close`` (staff) and the rule closing post-closure surveys
    (``actor`` None): the score is the mean of the answers; ``target_action`` raises an action below the target
    (a post-closure survey's answer raised its own already, kesu.surveys.complaint_survey)."""
    from .answers import raise_once

    def effects(locked, row, inputs, now):
        locked.score = mean(locked.answers.values_list("score", flat=True))
        locked.closed_at = now
        if target_action and locked.score is not None and locked.score < locked.target_score:
            raise_once(actor, locked, None)  # seed 001 §4.5.1 1): the yearly target missed

    return _transition(actor, campaign, "close", effects, source, note=note)


def competitor_rating_set(*, actor, campaign: Campaign, customer, competitor: str, ratings: dict[str, Any],
                          note: str = "", source: str = "web") -> CompetitorRating:
    """How the customer rates a named competitor in cost, quality, delivery and technology (seed 000 §4.3.1),
    0–100 each, at least one given (sales enters it); compared per dimension in the report."""
    require_role(actor, permissions.ENTER, campaign.company_id)
    if customer.company_id != campaign.company_id:
        raise ValidationError({"customer": _("Choose a customer of the campaign's company.")})
    unknown = sorted(set(ratings) - set(DIMENSIONS))
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    with acting_as(actor, source), transaction.atomic():
        row = CompetitorRating.objects.filter(campaign=campaign, customer=customer,
                                              competitor=competitor.strip()).first() or CompetitorRating(
            company=campaign.company, campaign=campaign, customer=customer, competitor=competitor.strip())
        for dimension in DIMENSIONS:
            setattr(row, dimension, ratings.get(dimension))
        row.note = note
        full_clean(row)
        row.save()
    row.refresh_from_db()  # the ratings as stored (two places)
    return row
