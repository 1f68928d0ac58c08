"""Telling people: rules → recipients → inbox rows and outbox mail; the worker sends the mail (issue 3 §6)."""

from __future__ import annotations

import datetime
import logging
import smtplib
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.core.memo import remembered

from .choices import Audience, Event, MailStatus
from .models import AnnouncedWork, Notification, NotificationRule, OutboxMail

logger = logging.getLogger("kesu.notifications")

# Seed 001: A and B early warnings go to the leadership group at once; the rest is everyday routing.
# Issue 16 §3: every event that moves a record on tells the next actor (the people the record now waits for, read
# from the work registry) in the inbox and by e-mail; the owner and creator still hear of a change someone else
# made to their record. Seed 004 §6: every step has an owner, who must hear that it is theirs.
DEFAULT_RULES: dict[str, tuple[list[str], bool]] = {
    Event.COMPLAINT_CREATED: ([Audience.OWNER, Audience.NEXT_ACTOR], True),
    Event.COMPLAINT_ASSIGNED: ([Audience.OWNER], True),
    Event.COMPLAINT_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER, Audience.CREATOR, Audience.PASS_ON], True),
    Event.COMPLAINT_ESCALATED: ([Audience.ESCALATION], True),
    Event.EARLY_WARNING: ([Audience.LEADERSHIP], True),
    # Issue 18 §11: a safety or regulatory impact goes to the QA head and the general manager at once.
    Event.SAFETY_FLAGGED: ([Audience.QA_HEAD, Audience.GM], True),
    Event.ACTION_RAISED: ([Audience.OWNER, Audience.NEXT_ACTOR], True),
    Event.ACTION_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER, Audience.CREATOR], True),
    Event.ACTION_ESCALATED: ([Audience.ESCALATION], True),
    Event.NCR_CHANGED: ([Audience.NEXT_ACTOR, Audience.DEPARTMENT_HEAD, Audience.CREATOR], True),
    # Seed 000 §4.2: each hand-over of a claim (sales → vice GM → GM → sales → finance) is announced to the next.
    Event.CLAIM_CREATED: ([Audience.OWNER, Audience.NEXT_ACTOR], False),
    Event.CLAIM_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER], True),
    Event.SUPPLIER_CLAIM_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER], True),
    # Issue 6 §4: the customer's written remarks go to the campaign's owner.
    Event.SURVEY_ANSWERED: ([Audience.OWNER], True),
    # Seed 001 §4.2.2: opening a campaign hands the answers to sales; closing it is news for its owner.
    Event.CAMPAIGN_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER], True),
    # Seed 003 §5.3.2: approval → the responsible department → the campaign owner verifies → sales tells the
    # customer; whoever proposed the line hears of each step.
    Event.IMPROVEMENT_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER, Audience.CREATOR], True),
    # Seed 002 §5.2.3.3.3: below 85 QA calls quality, engineering and production together.
    Event.SURVEY_MEETING_CALLED: ([Audience.NEXT_ACTOR, Audience.OWNER], True),
    # Seed 000 §4.3.3.3: sales head → heads of engineering and QA → sales distributes → every department.
    Event.SATISFACTION_REPORT_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.CREATOR], True),
    # Seed 001 §5.1.2: the departments report by the 8th; the writers are reminded before, the GM is told of a
    # submitted report, the submitter (and, after a return, the department's writers) of the decision.
    Event.REPORT_DUE: ([Audience.NEXT_ACTOR, Audience.DEPARTMENT_HEAD], True),
    Event.REPORT_SUBMITTED: ([Audience.NEXT_ACTOR], True),
    Event.REPORT_DECIDED: ([Audience.CREATOR, Audience.NEXT_ACTOR], True),
    # Seed 000 §4.4: the keeper, the borrower and sales hear of each step of a loan, a damage report or a recall.
    Event.PROPERTY_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER, Audience.CREATOR, Audience.MEMBERS], True),
    Event.PROPERTY_DUE: ([Audience.NEXT_ACTOR, Audience.OWNER, Audience.DEPARTMENT_HEAD], True),
    # Seed 002: each department asked signs off; sales concludes; a change notice goes to every department concerned.
    Event.CONTRACT_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER, Audience.CREATOR, Audience.MEMBERS], True),
    Event.CONTRACT_DUE: ([Audience.NEXT_ACTOR, Audience.DEPARTMENT_HEAD], True),
    Event.SERVICE_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER, Audience.CREATOR], True),
    Event.SERVICE_DUE: ([Audience.NEXT_ACTOR, Audience.OWNER], True),
    # Seed 001: A and B signals go to the leadership group at once, C to the working group (context["members"]).
    Event.SIGNAL_RAISED: ([Audience.MEMBERS, Audience.NEXT_ACTOR], True),
    Event.PREVENTION_TRANSITIONED: ([Audience.NEXT_ACTOR, Audience.OWNER, Audience.CREATOR, Audience.MEMBERS], True),
    Event.REPEAT_COMPLAINT: ([Audience.OWNER, Audience.MEMBERS], True),
    # Issue 23 §5: the company's administrators (context["members"]) hear that a webhook was switched off.
    Event.WEBHOOK_DISABLED: ([Audience.MEMBERS], True),
}
# The events that hand a record on (migration 0009 gives the rules companies already have the next actor).
HAND_OFF_EVENTS = tuple(event for event, (audience, _email) in DEFAULT_RULES.items()
                        if Audience.NEXT_ACTOR in audience)
LEADERSHIP_ROLES = ("gm", "vice_gm", "sales_director", "qa")


@remembered
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
    from kesu.core.context import acting_as

    if not may_manage_rules(actor) or (not actor.is_superuser and rule.company_id != actor.company_id):
        raise PermissionDenied
    rule.audience, rule.send_inbox, rule.send_email, rule.is_active = list(audience), send_inbox, send_email, is_active
    rule.full_clean()
    with acting_as(actor, source), transaction.atomic():
        rule.save()
    return rule


def _next_actors(record, now: datetime.datetime, calendars: dict) -> dict[int, tuple[Any, list]]:
    """The people a hand-off of ``record`` gives new work, each with those items (issue 16 §3).

    Read through the work registry after the change is committed: the record's waiting items, each resolved to
    its assignee, else the active users with the step's role in its department (or company). Only the (person,
    action) pairs that were not waiting at the record's previous announcement count (:class:`AnnouncedWork`), so
    each person hears of a piece of work once, however many steps others take meanwhile.
    """
    from kesu.core import work

    key = f"{record._meta.label_lower}:{record.pk}"
    waiting: dict[int, tuple[Any, list]] = {}
    for item in work.waiting_for(record, now=now, calendars=calendars):
        for user in work.resolve_users(item):
            waiting.setdefault(user.pk, (user, []))[1].append(item)
    pairs = sorted({f"{pk}:{item.action}" for pk, (_user, items) in waiting.items() for item in items})
    if not pairs:
        # Nothing waits (closed, cancelled): forget the record, so the log stays as small as the open work.
        AnnouncedWork.objects.filter(record=key).delete()
        return {}
    announced, created = AnnouncedWork.objects.select_for_update().get_or_create(
        record=key, defaults={"waiting": pairs, "updated_at": now})
    before = set() if created else set(announced.waiting)
    if not created:
        announced.waiting, announced.updated_at = pairs, now
        announced.save(update_fields=["waiting", "updated_at"])
    fresh: dict[int, tuple[Any, list]] = {}
    for pk, (user, items) in waiting.items():
        new = [item for item in items if f"{pk}:{item.action}" not in before]
        if new:
            fresh[pk] = (user, new)
    return fresh


def _audience_users(audience: Iterable[str], company, context: dict,
                    next_actors: dict[int, tuple[Any, list]] | None = None) -> list:
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
        elif name == Audience.PASS_ON:
            users.extend(context.get("pass_on") or ())
        elif name == Audience.MEMBERS:
            users.extend(context.get("members") or ())
        elif name == Audience.NEXT_ACTOR and next_actors:
            users.extend(user for user, _items in next_actors.values())
        elif name == Audience.QA_HEAD:
            users.extend(User.objects.filter(headed_departments__company=company, headed_departments__kind="qa",
                                             is_active=True).distinct())
        elif name == Audience.GM:
            users.extend(User.objects.filter(company=company, is_active=True, position__role="gm"))
        elif name == Audience.LEADERSHIP:
            users.extend(User.objects.filter(company=company, is_active=True, position__role__in=LEADERSHIP_ROLES))
    return users


def expected_of(items: list, company, now: datetime.datetime, calendars: dict | None = None) -> str:
    """What the next actor is expected to do and by when, in the active language and the company's time zone.

    One line per item, e.g. "Expected of you: Approve the initial analysis report — due 2026-03-05 17:00 (3 working
    days left)"; the time left is counted on the company's working calendar.
    """
    from kesu.core import work

    work.describe_due(items, now, calendars)  # again: the time left is worded in the recipient's language
    lines = []
    for item in items:
        if item.due_at is None:
            lines.append(_("Expected of you: %(action)s (no deadline)") % {"action": item.label})
            continue
        due = timezone.localtime(item.due_at, company.tz)
        lines.append(_("Expected of you: %(action)s — due %(due)s (%(left)s)") % {
            "action": item.label, "due": f"{due:%Y-%m-%d %H:%M}", "left": item.time_left})
    return "\n".join(lines)


def notify(*, event: str, company, context: dict, message: Callable[[], tuple[str, str]], link: str = "",
           actor=None) -> list[Notification]:
    """Tell everyone the company's rule for ``event`` names; each in their own language.

    ``message`` builds (title, body) and is called once per recipient language.
    The actor is never told of their own action, and each person is told once
    however many audiences name them. When the rule names the next actor,
    ``context["record"]`` is the record handed on: the people it now gives new
    work are read from the work registry (:func:`_next_actors`), and their
    message begins with the action expected of them and its deadline. Inbox
    rows, outbox mail and what was announced are written in one transaction.
    """
    rule = next((r for r in notification_rules_ensure_defaults(company) if r.event == event), None)
    if rule is None or not rule.is_active:
        return []
    now = timezone.now()
    calendars: dict = {}  # each company's working calendar, read once for the items and their wording
    with transaction.atomic():
        next_actors: dict[int, tuple[Any, list]] = {}
        if Audience.NEXT_ACTOR in rule.audience and context.get("record") is not None:
            next_actors = _next_actors(context["record"], now, calendars)
        return _tell(rule, company, context, next_actors, message, link, actor, now, calendars)


def _tell(rule: NotificationRule, company, context: dict, next_actors: dict[int, tuple[Any, list]],
          message: Callable[[], tuple[str, str]], link: str, actor, now: datetime.datetime,
          calendars: dict) -> list[Notification]:
    """Write the inbox rows and outbox mail of one event for the people its rule names (see :func:`notify`)."""
    seen, recipients = set(), []
    for user in _audience_users(rule.audience, company, context, next_actors):
        if user is None or not user.is_active or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        recipients.append(user)
    event = rule.event
    inbox, mail, texts = [], [], {}
    for user in recipients:
        language = user.language or settings.LANGUAGE_CODE
        if language not in texts:
            with translation.override(language):
                texts[language] = tuple(str(t) for t in message())
        title, body = texts[language]
        if user.pk in next_actors:
            items = next_actors[user.pk][1]
            with translation.override(language):
                # The subject leads with what is expected: a hand-off inside a status ("submit the initial
                # report") would otherwise read like news of a status that has not changed.
                title = _("%(action)s — %(title)s") % {"action": items[0].label, "title": title}
                body = f"{expected_of(items, company, now, calendars)}\n\n{body}".strip()
        if rule.send_inbox:
            inbox.append(Notification(company=company, recipient=user, event=event, title=title[:300], body=body,
                                      link=link, created_at=now))
        if rule.send_email and user.email:
            mail.append(OutboxMail(company=company, recipient=user, to=user.email, subject=title[:300],
                                   body=f"{body}\n\n{settings.KESU_BASE_URL}{link}" if link else body,
                                   next_attempt_at=now, created_at=now))
    created = Notification.objects.bulk_create(inbox)
    OutboxMail.objects.bulk_create(mail)
    return created


def mail_queue(*, company, to: str, subject: str, body: str) -> OutboxMail:
    """One e-mail to someone outside the rules (a customer's contact, a password reset), sent by the worker.

    ``company`` may be None (a user of no company asking for a password reset).
    The row gets its Message-ID here, once, so every attempt carries it.
    """
    now = timezone.now()
    return OutboxMail.objects.create(company=company, recipient=None, to=to, subject=str(subject)[:300],
                                     body=str(body), next_attempt_at=now, created_at=now)


# --- sending -----------------------------------------------------------------------------------

# Back-off after a failed attempt: 1 minute, doubling, at most an hour — and never a last attempt: a mail
# waits out an outage of any length until it is sent or an administrator gives up (issue 15 §6).
RETRY_FIRST = datetime.timedelta(minutes=1)
RETRY_MAX = datetime.timedelta(hours=1)
# A row stays "sending" this long before another worker may take it over: longer than any SMTP
# conversation can last (SEND_TIMEOUT_SECONDS per socket operation), so a live sender is never overtaken.
SENDING_TIMEOUT = datetime.timedelta(minutes=10)
SEND_TIMEOUT_SECONDS = 60
BATCH = 100
# What the server says about one message; anything else (refused connection, timeout, lost
# connection) means the server is away, and the rest of the run waits for the next one.
PER_MESSAGE_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError, ValueError,
)


def retry_delay(failures: int) -> datetime.timedelta:
    """The pause after the ``failures``-th failed attempt in a row: 1, 2, 4 … minutes, capped at an hour."""
    return min(RETRY_FIRST * 2 ** min(max(failures, 1) - 1, 20), RETRY_MAX)


def _due(now: datetime.datetime) -> Q:
    # "sending" rows come due again only when their sender is presumed dead (see SENDING_TIMEOUT).
    return Q(status__in=(MailStatus.PENDING, MailStatus.SENDING), next_attempt_at__lte=now)


def outbox_attempts_this_minute(now: datetime.datetime) -> int:
    """Attempts begun in ``now``'s clock minute, by every worker: what the send rate is counted on."""
    start = now.replace(second=0, microsecond=0)
    return OutboxMail.objects.filter(claimed_at__gte=start, claimed_at__lt=start + datetime.timedelta(minutes=1)
                                     ).count()


def _claim(mail: OutboxMail, now: datetime.datetime) -> bool:
    """Take the row for this worker: a compare-and-set on ``attempts``, so two workers never send one row.

    ``next_attempt_at`` moves past the sending timeout: should this worker die
    mid-send, the row comes due again then and is sent again with the same Message-ID.
    """
    claimed = OutboxMail.objects.filter(_due(now), pk=mail.pk, attempts=mail.attempts).update(
        status=MailStatus.SENDING, attempts=mail.attempts + 1, claimed_at=now,
        next_attempt_at=now + SENDING_TIMEOUT)
    mail.attempts += 1
    return bool(claimed)


def _claim_next(now: datetime.datetime) -> OutboxMail | None:
    """PostgreSQL: take the next due row no other worker is taking (``FOR UPDATE SKIP LOCKED``), marked as
    ``_claim`` marks it, in a transaction of its own that commits before the mail is sent. Several workers then
    share the outbox out row by row instead of racing for the same batch; a worker killed mid-send leaves at most
    this one row "sending" (issue 24 §2)."""
    from kesu.core.jobs import claim_rows

    with transaction.atomic():
        rows = claim_rows(OutboxMail.objects.filter(_due(now)).order_by("next_attempt_at", "id"), 1)
        if not rows:
            return None
        mail = rows[0]
        OutboxMail.objects.filter(pk=mail.pk).update(
            status=MailStatus.SENDING, attempts=mail.attempts + 1, claimed_at=now,
            next_attempt_at=now + SENDING_TIMEOUT)
        mail.attempts += 1
    return mail


def _claimed(now: datetime.datetime | None, size: int) -> Iterable[tuple[OutboxMail, datetime.datetime]]:
    """Up to ``size`` due mails, each claimed for this worker, with the moment of its claim."""
    from kesu.core.jobs import skip_locked_supported

    if skip_locked_supported(OutboxMail.objects.db):
        for _ in range(size):
            moment = now or timezone.now()
            mail = _claim_next(moment)
            if mail is None:
                return
            yield mail, moment
        return
    # SQLite: read a batch, then a compare-and-set per row (one writer at a time anyway).
    for mail in list(OutboxMail.objects.filter(_due(now or timezone.now())).order_by("next_attempt_at", "id")
                     [:size]):
        moment = now or timezone.now()
        if _claim(mail, moment):
            yield mail, moment


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a connection that is already broken closes as well as it can
        logger.debug("closing the mail connection failed", exc_info=True)


def outbox_send_pending(now: datetime.datetime | None = None, *, per_minute: int | None = None,
                        max_seconds: float = 50.0) -> int:
    """Send due mail in batches until none is due, the minute's rate is reached or ``max_seconds`` passed.

    Each mail is claimed (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, a
    compare-and-set on SQLite) before it is sent and carries
    its row's Message-ID. A failed mail waits (``retry_delay``) and is tried
    again, without end; when the server itself is away the run stops at the
    first failure instead of failing every mail in turn. The rate
    (``KESU_MAIL_PER_MINUTE``) counts the attempts of the current clock minute
    in the database, so it holds for all workers together (give or take one
    batch of a worker that starts at the same moment). Returns the number sent;
    never raises for a mail server's error.
    """
    from django.core.mail import EmailMessage, get_connection

    from kesu.core.jobs import skip_locked_supported

    per_minute = per_minute or settings.KESU_MAIL_PER_MINUTE
    started = time.monotonic()
    sent = 0
    connection = None
    try:
        while time.monotonic() - started < max_seconds:
            moment = now or timezone.now()
            budget = per_minute - outbox_attempts_this_minute(moment)
            if budget <= 0:
                break
            if not OutboxMail.objects.filter(_due(moment)).exists():
                break
            server_away, claimed = False, 0
            for mail, moment in _claimed(now, min(budget, BATCH)):
                claimed += 1
                try:
                    if connection is None:
                        connection = get_connection(fail_silently=False, timeout=SEND_TIMEOUT_SECONDS)
                        connection.open()
                    EmailMessage(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to],
                                 headers={"Message-ID": mail.message_id}, connection=connection).send()
                except Exception as error:  # noqa: BLE001 - any failure of the mail server means "try again later"
                    failures = mail.failures + 1
                    logger.warning("mail %s to %s failed (attempt %s): %s", mail.pk, mail.to, mail.attempts, error)
                    OutboxMail.objects.filter(pk=mail.pk, attempts=mail.attempts).update(
                        status=MailStatus.PENDING, failures=failures, last_error=str(error)[:2000],
                        next_attempt_at=moment + retry_delay(failures))
                    if not isinstance(error, PER_MESSAGE_ERRORS):
                        server_away = True
                        break
                    continue
                # Only a row still "sending": had an administrator or another worker moved it, theirs stands.
                OutboxMail.objects.filter(pk=mail.pk, status=MailStatus.SENDING).update(
                    status=MailStatus.SENT, sent_at=moment, last_error="", failures=0)
                sent += 1
            if server_away or (not claimed and skip_locked_supported(OutboxMail.objects.db)):
                break  # PostgreSQL: the due rows left are in other workers' hands this very moment
    finally:
        if connection is not None:
            _close(connection)
    return sent


# --- the administrator's outbox ---------------------------------------------------------------


class OutboxActionRefused(ValidationError):
    """A resend or give-up the row's status does not allow (named, so pages and the API can say why)."""


def may_manage_outbox(user) -> bool:
    """Administrators see the outbox of their companies, resend and give up mail."""
    if not user.is_authenticated:  # the admin's sign-in page asks for an anonymous visitor too
        return False
    return bool(user.is_superuser or (user.company_id and user.has_role("admin")))


def outbox_visible_to(user) -> QuerySet[OutboxMail]:
    """The outbox rows ``user`` may see: all for a superuser, their companies' otherwise."""
    if not may_manage_outbox(user):
        return OutboxMail.objects.none()
    if user.is_superuser:
        return OutboxMail.objects.all()
    return OutboxMail.objects.filter(company_id__in=user.visible_company_ids())


def outbox_list(*, user, status: str = "", query: str = "") -> QuerySet[OutboxMail]:
    """The outbox as the administrator's page and the API list it: newest first, the body left out.

    The body is never shown: a password-reset mail's link would let whoever
    reads it sign in as that user.
    """
    qs = outbox_visible_to(user).defer("body").order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(to__icontains=query) | Q(subject__icontains=query))
    return qs


def _outbox_move(*, actor, mail: OutboxMail, allowed: tuple[str, ...], changes: dict, refusal: str,
                 source: str) -> OutboxMail:
    from kesu.core.audit import record_change
    from kesu.core.context import acting_as

    if not outbox_visible_to(actor).filter(pk=mail.pk).exists():
        raise PermissionDenied
    with acting_as(actor, source), transaction.atomic():
        old = OutboxMail.objects.filter(pk=mail.pk).values_list("status", flat=True).first()
        # Compare-and-set on the status: a worker taking the row at this moment wins, and we say so.
        if old not in allowed or not OutboxMail.objects.filter(pk=mail.pk, status=old).update(**changes):
            raise OutboxActionRefused(refusal)
        mail.refresh_from_db()
        record_change(mail, {"status": [old, mail.status]})
    return mail


def outbox_give_up(*, actor, mail: OutboxMail, source: str = "web") -> OutboxMail:
    """Stop retrying a waiting mail (an address that will never accept it); audited."""
    return _outbox_move(actor=actor, mail=mail, allowed=(MailStatus.PENDING,), changes={"status": MailStatus.GIVEN_UP},
                        refusal=_("Only a waiting mail can be given up."), source=source)


def outbox_resend(*, actor, mail: OutboxMail, source: str = "web") -> OutboxMail:
    """Send a given-up or sent mail again, now, with its own Message-ID (the same message); audited."""
    return _outbox_move(actor=actor, mail=mail, allowed=(MailStatus.GIVEN_UP, MailStatus.SENT),
                        changes={"status": MailStatus.PENDING, "next_attempt_at": timezone.now(), "failures": 0,
                                 "last_error": ""},
                        refusal=_("Only a sent or given-up mail can be resent."), source=source)


def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; another person's is not found."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
