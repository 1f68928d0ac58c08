"""The daily digest (issue 16 §3): each morning, one e-mail per user listing the work waiting and overdue.

Sent by the worker (``notifications.daily_digest``) once a day per user, from ``DIGEST_HOUR`` in the company's time
zone on its working days, to active users with an e-mail address who keep ``User.digest_email`` on (the default:
see the field). The list is the user's own queue from the work registry (:func:`kesu.core.work.queue`), so the
digest and the queue page never disagree. A :class:`~kesu.notifications.models.Digest` row per user and day,
written in the same transaction as the outbox mail under a unique constraint, makes the job idempotent: a second
run, a second worker or a restart sends nothing more that day. A day on which nothing waits is recorded too and
sends nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Digest, OutboxMail

# 08:00 local time: the digest is waiting when the working day starts (the seeds' companies start at 08:00–08:30).
DIGEST_HOUR = 8
# The digest lists the most urgent items; the rest are counted and the queue page has them all.
DIGEST_ITEMS = 30


def _lines(items, base_url: str) -> list[str]:
    lines = []
    for item in items:
        about = f" · {item.about}" if item.about else ""
        lines.append(f"- [{item.time_left}] {item.number}{about}: {item.label}")
        lines.append(f"  {base_url}{item.url}")
    return lines


def digest_text(user, now: datetime.datetime) -> tuple[str, str, int, int]:
    """(subject, body, items waiting, items overdue) of ``user``'s digest, in the active language."""
    from kesu.core import work

    found = work.queue(user, "mine", limit=DIGEST_ITEMS, now=now)
    counts = found.counts
    base = settings.KESU_BASE_URL
    subject = ngettext("Kesu: %(count)d item waiting for you, %(overdue)d overdue",
                       "Kesu: %(count)d items waiting for you, %(overdue)d overdue", counts.total) % {
        "count": counts.total, "overdue": counts.overdue}
    body = [_("Good morning, %(name)s. This is the work waiting for you in Kesu.") % {"name": user},
            _("Waiting: %(total)d · overdue: %(overdue)d · due today: %(today)d") % {
                "total": counts.total, "overdue": counts.overdue, "today": counts.today}, ""]
    overdue = [item for item in found.items if item.state == "overdue"]
    rest = [item for item in found.items if item.state != "overdue"]
    if overdue:
        body += [_("Overdue"), *_lines(overdue, base), ""]
    if rest:
        body += [_("Waiting"), *_lines(rest, base), ""]
    if counts.total > len(found.items):
        body.append(_("… and %(count)d more.") % {"count": counts.total - len(found.items)})
    body += [_("Your queue: %(url)s") % {"url": base + reverse("work:queue")},
             _("You can turn this e-mail off on your profile page: %(url)s") % {
                 "url": base + reverse("accounts:profile")}]
    return subject, "\n".join(body), counts.total, counts.overdue


def digest_send(*, user, day: datetime.date, now: datetime.datetime) -> Digest | None:
    """Send ``user`` their digest for ``day`` unless it was sent (or found empty) already; the Digest row or None.

    The row goes in first, under the unique constraint, and the mail with it in one transaction: of two runs at
    once, one inserts and sends, the other finds the row and sends nothing.
    """
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(user.company.tz):
        subject, body, total, overdue = digest_text(user, now)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(recipient=user, day=day, items=total, overdue=overdue, created_at=now)
            if total:
                digest.mail = OutboxMail.objects.create(company=user.company, recipient=user, to=user.email,
                                                        subject=subject[:300], body=body, next_attempt_at=now,
                                                        created_at=now)
                digest.save(update_fields=["mail"])
    except IntegrityError:
        return None  # already sent today
    return digest


def digest_send_due(now: datetime.datetime | None = None) -> int:
    """Send every digest due now: per company, once its local time is past ``DIGEST_HOUR`` on a working day, to
    each opted-in user who has not had today's. Returns the number of digest e-mails queued."""
    from kesu.accounts.models import Company, User
    from kesu.core.calendar import WorkingCalendar

    now = now or timezone.now()
    sent = 0
    for company in Company.objects.filter(users__is_active=True, users__digest_email=True).distinct():
        local = timezone.localtime(now, company.tz)
        if local.hour < DIGEST_HOUR or not WorkingCalendar(company).is_working_day(local.date()):
            continue
        done = Digest.objects.filter(day=local.date()).values("recipient_id")
        users = (User.objects.filter(company=company, is_active=True, digest_email=True).exclude(email="")
                 .exclude(pk__in=done).select_related("company", "department", "position").order_by("pk"))
        for user in users:
            digest = digest_send(user=user, day=local.date(), now=now)
            sent += bool(digest is not None and digest.mail_id)
    return sent
