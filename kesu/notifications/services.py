"""Telling people: rules → recipients → inbox rows and outbox mail; the worker sends the mail (issue 3 §6)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from .choices import Audience, Event, MailStatus
from .models import Notification, NotificationRule, OutboxMail

logger = logging.getLogger("kesu.notifications")

# Seed 001: A and B early warnings go to the leadership group at once; the rest is everyday routing.
DEFAULT_RULES: dict[str, tuple[list[str], bool]] = {
    Event.COMPLAINT_CREATED: ([Audience.OWNER], True),
    Event.COMPLAINT_ASSIGNED: ([Audience.OWNER], True),
    Event.COMPLAINT_TRANSITIONED: ([Audience.OWNER, Audience.CREATOR], False),
    Event.COMPLAINT_ESCALATED: ([Audience.ESCALATION], True),
    Event.EARLY_WARNING: ([Audience.LEADERSHIP], True),
    Event.ACTION_RAISED: ([Audience.OWNER], True),
    Event.ACTION_TRANSITIONED: ([Audience.OWNER, Audience.CREATOR], False),
    Event.ACTION_ESCALATED: ([Audience.ESCALATION], True),
    Event.NCR_CHANGED: ([Audience.DEPARTMENT_HEAD, Audience.CREATOR], True),
    # Seed 000 §4.2: each hand-over of a claim (sales → vice GM → GM → sales → finance) is announced to the next.
    Event.CLAIM_CREATED: ([Audience.OWNER], False),
    Event.CLAIM_TRANSITIONED: ([Audience.OWNER, Audience.NEXT_STEP], True),
    Event.SUPPLIER_CLAIM_TRANSITIONED: ([Audience.OWNER, Audience.NEXT_STEP], True),
    # Issue 6 §4: the customer's written remarks go to the campaign's owner.
    Event.SURVEY_ANSWERED: ([Audience.OWNER], True),
    # Seed 001 §5.1.2: the departments report by the 8th; the writers are reminded before, the GM is told of a
    # submitted report, the submitter (and, after a return, the department's writers) of the decision.
    Event.REPORT_DUE: ([Audience.NEXT_STEP, Audience.DEPARTMENT_HEAD], True),
    Event.REPORT_SUBMITTED: ([Audience.NEXT_STEP], True),
    Event.REPORT_DECIDED: ([Audience.CREATOR, Audience.NEXT_STEP], True),
}
LEADERSHIP_ROLES = ("gm", "vice_gm", "sales_director", "qa")
RETRY_MINUTES = (1, 5, 15, 60, 240)  # then the mail is given up as failed (after 6 attempts)


def notification_rules_ensure_defaults(company) -> list[NotificationRule]:
    """The company's rules, created from the defaults the first time they are needed."""
    existing = {r.event: r for r in NotificationRule.objects.filter(company=company)}
    for event, (audience, email) in DEFAULT_RULES.items():
        if event not in existing:
            existing[event], _created = NotificationRule.objects.get_or_create(
                company=company, event=event, defaults={"audience": list(audience), "send_email": email})
    return list(existing.values())


RULE_MANAGERS = ("qa", "gm", "general_office", "admin")


def may_manage_rules(user) -> bool:
    """Quality, the GM, the general office and administrators decide who is told of what."""
    return bool(user.is_superuser or (user.company_id and user.has_role(*RULE_MANAGERS)))


def notification_rule_update(*, actor, rule: NotificationRule, audience: list[str], send_inbox: bool,
                             send_email: bool, is_active: bool, source: str = "web") -> NotificationRule:
    """Change who is told of an event (audited like every configuration row)."""
    from django.core.exceptions import PermissionDenied

    from kesu.core.context import acting_as

    if not may_manage_rules(actor) or (not actor.is_superuser and rule.company_id != actor.company_id):
        raise PermissionDenied
    rule.audience, rule.send_inbox, rule.send_email, rule.is_active = list(audience), send_inbox, send_email, is_active
    rule.full_clean()
    with acting_as(actor, source), transaction.atomic():
        rule.save()
    return rule


def _audience_users(audience: Iterable[str], company, context: dict) -> list:
    """The people an audience names; ``context`` says who the record's owner, creator and department are."""
    from kesu.accounts.models import User

    users = []
    for name in audience:
        if name == Audience.OWNER:
            users.append(context.get("owner"))
        elif name == Audience.CREATOR:
            users.append(context.get("creator"))
        elif name == Audience.DEPARTMENT_HEAD and context.get("department") is not None:
            users.append(context["department"].head)
        elif name == Audience.ESCALATION and context.get("escalation") is not None:
            users.extend(context["escalation"].recipients.all())
        elif name == Audience.NEXT_STEP and context.get("next_roles"):
            users.extend(User.objects.filter(company=company, is_active=True,
                                             position__role__in=context["next_roles"]))
        elif name == Audience.LEADERSHIP:
            users.extend(User.objects.filter(company=company, is_active=True, position__role__in=LEADERSHIP_ROLES))
    return users


def notify(*, event: str, company, context: dict, message: Callable[[], tuple[str, str]], link: str = "",
           actor=None) -> list[Notification]:
    """Tell everyone the company's rule for ``event`` names; each in their own language.

    ``message`` builds (title, body) and is called once per recipient language.
    The actor is never told of their own action. Inbox rows and outbox mail are
    written in one transaction.
    """
    rule = next((r for r in notification_rules_ensure_defaults(company) if r.event == event), None)
    if rule is None or not rule.is_active:
        return []
    seen, recipients = set(), []
    for user in _audience_users(rule.audience, company, context):
        if user is None or not user.is_active or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        recipients.append(user)
    now = timezone.now()
    inbox, mail, texts = [], [], {}
    for user in recipients:
        language = user.language or settings.LANGUAGE_CODE
        if language not in texts:
            with translation.override(language):
                texts[language] = tuple(str(t) for t in message())
        title, body = texts[language]
        if rule.send_inbox:
            inbox.append(Notification(company=company, recipient=user, event=event, title=title[:300], body=body,
                                      link=link, created_at=now))
        if rule.send_email and user.email:
            mail.append(OutboxMail(company=company, recipient=user, to=user.email, subject=title[:300],
                                   body=f"{body}\n\n{settings.KESU_BASE_URL}{link}" if link else body,
                                   next_attempt_at=now, created_at=now))
    with transaction.atomic():
        created = Notification.objects.bulk_create(inbox)
        OutboxMail.objects.bulk_create(mail)
    return created


def mail_queue(*, company, to: str, subject: str, body: str) -> OutboxMail:
    """One e-mail to someone outside the system (a customer's contact), sent and retried by the worker."""
    now = timezone.now()
    return OutboxMail.objects.create(company=company, recipient=None, to=to, subject=str(subject)[:300],
                                     body=str(body), next_attempt_at=now, created_at=now)


def outbox_send_pending(now: datetime.datetime | None = None, limit: int = 100) -> int:
    """Send due mail; a failure is retried later (1, 5, 15, 60, 240 minutes), then marked failed.

    Each row is claimed with a compare-and-set on its attempt count, so two
    workers never send the same mail twice. Never raises.
    """
    now = now or timezone.now()
    sent = 0
    due = list(OutboxMail.objects.filter(status=MailStatus.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id")[:limit])
    for mail in due:
        claimed = OutboxMail.objects.filter(pk=mail.pk, status=MailStatus.PENDING, attempts=mail.attempts).update(
            attempts=mail.attempts + 1, next_attempt_at=now + datetime.timedelta(minutes=RETRY_MINUTES[0]))
        if not claimed:
            continue
        attempts = mail.attempts + 1
        try:
            send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to], fail_silently=False)
        except Exception as error:  # noqa: BLE001 - any failure of the mail server means "try again later"
            logger.warning("mail %s to %s failed (attempt %s): %s", mail.pk, mail.to, attempts, error)
            if attempts > len(RETRY_MINUTES):
                OutboxMail.objects.filter(pk=mail.pk).update(status=MailStatus.FAILED, last_error=str(error)[:2000])
            else:
                OutboxMail.objects.filter(pk=mail.pk).update(
                    last_error=str(error)[:2000],
                    next_attempt_at=now + datetime.timedelta(minutes=RETRY_MINUTES[attempts - 1]))
            continue
        OutboxMail.objects.filter(pk=mail.pk).update(status=MailStatus.SENT, sent_at=now, last_error="")
        sent += 1
    return sent


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; another person's is not found."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
