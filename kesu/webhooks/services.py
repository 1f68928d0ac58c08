"""Every write of the webhooks module, and the sender the worker runs (issue 23 §5; conventions habits 1, 4, 8).

Security (issue 23 §5):

* Only http and https addresses; an address on this machine or in a private, link-local or reserved range is
  refused (server-side request forgery: a subscription must not turn Kesu into a way into the intranet) unless
  the setting ``KESU_WEBHOOKS_ALLOW_PRIVATE`` is true (an ERP on the factory network; the tests). The check runs
  when the address is saved and again before every attempt (a name may resolve elsewhere later), and redirects
  are not followed.
* Every message is signed: ``X-Kesu-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>`` with the
  subscription's secret, which is shown once when made or renewed and never stored in the audit trail, the
  delivery log, an export or an API read.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import os
import secrets
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.audit import record_change
from kesu.core.context import acting_as
from kesu.core.memo import remembered

from .choices import PING, DeliveryStatus, WebhookEvent
from .models import (
    DEFAULT_DISABLE_AFTER,
    Delivery,
    DeliveryAttempt,
    Subscription,
    SubscriptionSecret,
    WebhookSettings,
)
from .payloads import WebhookPingData, envelope

logger = logging.getLogger("kesu.webhooks")

TIMEOUT_SECONDS = 10
RETRY_BASE = datetime.timedelta(seconds=30)
RETRY_CAP = datetime.timedelta(hours=6)
# A row left "being sent" this long (the worker was killed mid-attempt) is sent again: a receiver may see a
# message twice, which the event id lets it recognise, but never misses one.
STALE_SENDING = datetime.timedelta(minutes=10)
SECRET_PREFIX = "whsec_"


# --- who may ---------------------------------------------------------------------------------------------------


def may_manage(user) -> bool:
    """Webhooks are the company administrator's (issue 23 §5)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or (user.company_id and user.has_role("admin")))


def _require(user) -> None:
    if not may_manage(user):
        raise PermissionDenied


def subscriptions_visible_to(user) -> QuerySet[Subscription]:
    """The subscriptions of the administrator's companies (all for a superuser), nothing for anyone else."""
    if not may_manage(user):
        return Subscription.objects.none()
    return Subscription.objects.visible_to(user)


def deliveries_visible_to(user) -> QuerySet[Delivery]:
    if not may_manage(user):
        return Delivery.objects.none()
    if user.is_superuser:
        return Delivery.objects.all()
    return Delivery.objects.filter(company_id__in=user.visible_company_ids())


def subscription_get_for_user(user, pk: int) -> Subscription:
    """403 for someone who is not an administrator, 404 for another company's subscription."""
    _require(user)
    found = subscriptions_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def delivery_get_for_user(user, pk: int) -> Delivery:
    _require(user)
    found = deliveries_visible_to(user).select_related("subscription").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- addresses (SSRF) --------------------------------------------------------------------------------------------


def allow_private() -> bool:
    value = getattr(settings, "KESU_WEBHOOKS_ALLOW_PRIVATE", None)
    if value is None:
        value = os.environ.get("KESU_WEBHOOKS_ALLOW_PRIVATE", "").strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _refuse_private() -> ValidationError:
    return ValidationError({"url": _("Addresses on this machine or in a private network are not allowed.")})


def url_check(url: str, *, sending: bool = False) -> str:
    """The address, stripped, or a ValidationError naming the ``url`` field and what is wrong.

    On saving, a name that does not resolve (yet) is accepted; before an attempt it is a failed attempt.
    """
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": _("Give the receiving system's address.")})
    if len(url) > 500:
        raise ValidationError({"url": _("The address is longer than 500 characters.")})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError({"url": _("The address is not a valid URL.")}) from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError({"url": _("Only http and https addresses are allowed.")})
    host = (parts.hostname or "").strip()
    if not host:
        raise ValidationError({"url": _("The address has no host name.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Put no user name or password in the address: the signature tells the "
                                        "receiver the message is from Kesu.")})
    if allow_private():
        return url
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        raise _refuse_private()
    try:
        literal = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        literal = None
    if literal is not None:
        if _blocked(host):
            raise _refuse_private()
        return url
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        if sending:
            raise ValidationError({"url": _("The host name could not be resolved.")}) from None
        return url
    if any(_blocked(info[4][0]) for info in infos):
        raise _refuse_private()
    return url


# --- subscriptions ------------------------------------------------------------------------------------------------


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _clean_fields(*, name: str, url: str, events) -> tuple[str, str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the subscription a name (e.g. the receiving system).")]
    elif len(name) > 100:
        errors["name"] = [_("The name is longer than 100 characters.")]
    try:
        url = url_check(url)
    except ValidationError as error:
        errors.update(error.message_dict)
    chosen = list(dict.fromkeys(str(e) for e in (events or [])))
    unknown = [e for e in chosen if e not in WebhookEvent.values]
    if unknown:
        errors["events"] = [_("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}]
    elif not chosen:
        errors["events"] = [_("Choose at least one event.")]
    if errors:
        raise ValidationError(errors)
    return name, url, [e for e in WebhookEvent.values if e in chosen]


def subscription_create(*, actor, company, name: str, url: str, events, is_active: bool = True,
                        source: str = "web") -> tuple[Subscription, str]:
    """A new subscription and its secret, returned once to be shown once (audited, without the secret)."""
    _require(actor)
    if company is None or (not actor.is_superuser and company.pk not in actor.visible_company_ids()):
        raise PermissionDenied
    name, url, events = _clean_fields(name=name, url=url, events=events)
    secret = _new_secret()
    with acting_as(actor, source), transaction.atomic():
        subscription = Subscription.objects.create(company=company, name=name, url=url, events=events,
                                                   is_active=bool(is_active),
                                                   created_by=actor if actor.is_authenticated else None)
        SubscriptionSecret.objects.create(subscription=subscription, value=secret)
    return subscription, secret


def subscription_update(*, actor, subscription: Subscription, name: str, url: str, events, is_active: bool,
                        source: str = "web") -> Subscription:
    """Change a subscription (audited). Switching it on again starts the failure count afresh and sends what
    waited meanwhile at once."""
    subscription = subscription_get_for_user(actor, subscription.pk)
    name, url, events = _clean_fields(name=name, url=url, events=events)
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        switched_on = bool(is_active) and not locked.is_active
        locked.name, locked.url, locked.events, locked.is_active = name, url, events, bool(is_active)
        if switched_on:
            locked.consecutive_failures, locked.disabled_at = 0, None
        locked.save()
        if switched_on:
            Delivery.objects.filter(subscription=locked, status=DeliveryStatus.PENDING).update(next_attempt_at=now)
    return locked


def subscription_delete(*, actor, subscription: Subscription, source: str = "web") -> None:
    """Remove a subscription with its delivery log (audited)."""
    subscription = subscription_get_for_user(actor, subscription.pk)
    with acting_as(actor, source), transaction.atomic():
        subscription.delete()


def subscription_rotate_secret(*, actor, subscription: Subscription, source: str = "web") -> str:
    """A new secret, returned once; the trail says it was renewed, never what it is."""
    subscription = subscription_get_for_user(actor, subscription.pk)
    secret = _new_secret()
    with acting_as(actor, source), transaction.atomic():
        SubscriptionSecret.objects.update_or_create(subscription=subscription, defaults={"value": secret})
        record_change(subscription, {"secret": ["••••", str(_("renewed"))]})
    return secret


# --- per company settings ------------------------------------------------------------------------------------------


def settings_for(company_id: int) -> WebhookSettings | None:
    return WebhookSettings.objects.filter(company_id=company_id).first()


def disable_after(company_id: int) -> int:
    found = settings_for(company_id)
    return found.disable_after if found is not None else DEFAULT_DISABLE_AFTER


def settings_update(*, actor, company, disable_after: int, source: str = "web") -> WebhookSettings:
    _require(actor)
    if company is None or (not actor.is_superuser and company.pk not in actor.visible_company_ids()):
        raise PermissionDenied
    with acting_as(actor, source), transaction.atomic():
        row = WebhookSettings.objects.select_for_update().filter(company=company).first() or WebhookSettings(
            company=company)
        row.disable_after = disable_after
        try:
            row.full_clean()
        except ValidationError as error:
            raise ValidationError(error.message_dict) from error
        row.save()
    return row


# --- the outbox ---------------------------------------------------------------------------------------------------


@remembered
def _active_subscriptions(company_id: int) -> list[Subscription]:
    return list(Subscription.objects.filter(company_id=company_id, is_active=True))


def event_publish(*, company_id: int, event: str, build: Callable[[], object]) -> int:
    """Queue one occurrence of ``event`` for every active subscription of the company that chose it.

    ``build`` makes the event's data; it runs only when someone subscribed (most companies have no webhook).
    """
    subscriptions = [s for s in _active_subscriptions(company_id) if event in (s.events or [])]
    if not subscriptions:
        return 0
    payload = envelope(event, build())
    now = timezone.now()
    Delivery.objects.bulk_create([
        Delivery(company_id=company_id, subscription=s, event=event, event_id=payload["id"], payload=payload,
                 next_attempt_at=now, created_at=now) for s in subscriptions])
    return len(subscriptions)


def retry_delay(attempts: int) -> datetime.timedelta:
    """30 s after the first failure, doubling each time, at most 6 hours."""
    if attempts >= 20:
        return RETRY_CAP
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>." + body`` — what a receiver recomputes to trust a message."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address to call (it could point into the intranet)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(1024)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"[:500]
    except urllib.error.URLError as error:
        return None, str(error.reason)[:500]
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, (str(error) or type(error).__name__)[:500]


def _attempt(delivery: Delivery) -> tuple[bool, int | None, int | None, str]:
    subscription = delivery.subscription
    secret = SubscriptionSecret.objects.filter(subscription=subscription).values_list("value", flat=True).first()
    if not secret:
        return False, None, None, "no secret"
    try:
        url = url_check(subscription.url, sending=True)
    except ValidationError as error:
        return False, None, None, " ".join(error.messages)[:500]
    body = body_of(delivery)
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Kesu-Webhooks/1",
        "X-Kesu-Event": delivery.event,
        "X-Kesu-Delivery": delivery.event_id,
        "X-Kesu-Signature": f"t={timestamp},v1={sign(secret, timestamp, body)}",
    }
    started = time.monotonic()
    code, error = _post(url, body, headers)
    duration = int((time.monotonic() - started) * 1000)
    ok = code is not None and 200 <= code < 300
    if code is not None and not ok and not error:
        error = f"HTTP {code}"
    return ok, code, duration, error


def _record(delivery: Delivery, ok: bool, code: int | None, duration: int | None, error: str) -> Delivery:
    """Log the attempt; schedule the next one or count the failure against the subscription."""
    now = timezone.now()
    attempts = delivery.attempts + 1
    with transaction.atomic():
        DeliveryAttempt.objects.create(delivery=delivery, at=now, response_code=code, duration_ms=duration, ok=ok,
                                       error=error)
        changes = {"attempts": attempts, "last_attempt_at": now, "response_code": code, "duration_ms": duration,
                   "last_error": error, "claimed_at": None}
        if ok:
            changes.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
        elif delivery.is_test:
            changes.update(status=DeliveryStatus.FAILED)
        else:
            changes.update(status=DeliveryStatus.PENDING, next_attempt_at=now + retry_delay(attempts))
        Delivery.objects.filter(pk=delivery.pk).update(**changes)
        if not delivery.is_test:
            _count(delivery.subscription_id, ok, now)
    delivery.refresh_from_db()
    return delivery


def _count(subscription_id: int, ok: bool, now: datetime.datetime) -> None:
    """Failures in a row per subscription; at the company's limit the subscription is switched off (audited, as
    the system) and its administrators are told. A success starts the count afresh."""
    if ok:
        Subscription.objects.filter(pk=subscription_id).exclude(consecutive_failures=0).update(consecutive_failures=0)
        return
    Subscription.objects.filter(pk=subscription_id).update(consecutive_failures=F("consecutive_failures") + 1)
    subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
    if subscription is None or not subscription.is_active:
        return
    if subscription.consecutive_failures < disable_after(subscription.company_id):
        return
    with acting_as(None, "system"):
        subscription.is_active, subscription.disabled_at = False, now
        subscription.save(update_fields=["is_active", "disabled_at", "updated_at"])
    transaction.on_commit(lambda: _tell_disabled(subscription))


def _tell_disabled(subscription: Subscription) -> None:
    from kesu.accounts.models import User
    from kesu.notifications.choices import Event
    from kesu.notifications.services import notify

    company = subscription.company
    admins = list(User.objects.filter(company=company, is_active=True, position__role="admin"))
    host = urlsplit(subscription.url).hostname or ""
    count = subscription.consecutive_failures

    def message() -> tuple[str, str]:
        return (_("Webhook “%(name)s” switched off") % {"name": subscription.name},
                _("After %(count)s failed deliveries in a row to %(host)s, the subscription “%(name)s” was switched "
                  "off. Its deliveries wait; switch it on again once the receiving system answers.") % {
                    "count": count, "host": host, "name": subscription.name})

    notify(event=Event.WEBHOOK_DISABLED, company=company, context={"members": admins},
           message=message, link=reverse("webhooks:detail", args=[subscription.pk]))


def _claim(now: datetime.datetime, limit: int) -> list[Delivery]:
    """Take up to ``limit`` due rows; two workers never take the same row (SKIP LOCKED on PostgreSQL, the
    compare-and-set on the status everywhere)."""
    with transaction.atomic():
        ids = [row.pk for row in Delivery.objects.select_for_update(skip_locked=True, of=("self",))
               .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now, subscription__is_active=True)
               .order_by("next_attempt_at", "id").only("pk")[:limit]]
        taken = []
        for pk in ids:
            if Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING).update(
                    status=DeliveryStatus.SENDING, claimed_at=now):
                taken.append(pk)
    return list(Delivery.objects.filter(pk__in=taken).select_related("subscription").order_by("next_attempt_at", "id"))


def deliveries_send_pending(now: datetime.datetime | None = None, *, batch: int = 50, limit: int = 500) -> int:
    """Send what is due (the worker's job): each row once, retried later when the receiver fails."""
    now = now or timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, is_test=False, claimed_at__lt=now - STALE_SENDING).update(
        status=DeliveryStatus.PENDING, claimed_at=None)
    sent = 0
    while sent < limit:
        rows = _claim(now, min(batch, limit - sent))
        if not rows:
            break
        for delivery in rows:
            try:
                ok, code, duration, error = _attempt(delivery)
            except Exception as exc:  # never leave a row "being sent" because of one odd receiver
                logger.exception("webhook delivery %s failed", delivery.pk)
                ok, code, duration, error = False, None, None, type(exc).__name__
            try:
                _record(delivery, ok, code, duration, error)
            except Exception:  # e.g. the subscription was deleted meanwhile: its rows are gone with it
                logger.exception("webhook delivery %s not recorded", delivery.pk)
            sent += 1
    return sent


def delivery_replay(*, actor, delivery: Delivery, source: str = "web") -> Delivery:
    """Send a delivery again by hand: a new row with the same payload and event id (audited)."""
    delivery = delivery_get_for_user(actor, delivery.pk)
    if delivery.is_test:
        raise ValidationError({"delivery": _("A test message is not replayed; send a new test.")})
    now = timezone.now()
    with acting_as(actor, source), transaction.atomic():
        copy = Delivery.objects.create(company_id=delivery.company_id, subscription_id=delivery.subscription_id,
                                       event=delivery.event, event_id=delivery.event_id, payload=delivery.payload,
                                       replay_of=delivery, next_attempt_at=now, created_at=now)
        record_change(delivery.subscription, {"replayed": [delivery.pk, copy.pk]})
    return copy


def subscription_send_test(*, actor, subscription: Subscription, source: str = "web") -> Delivery:
    """Send a signed test message now and log it; it counts toward no failure limit and is not retried."""
    subscription = subscription_get_for_user(actor, subscription.pk)
    payload = envelope(PING, WebhookPingData(subscription_id=subscription.pk,
                                             message="Kesu webhook test / Kesu 测试消息"))
    now = timezone.now()
    with acting_as(actor, source):
        delivery = Delivery.objects.create(company_id=subscription.company_id, subscription=subscription,
                                           event=PING, event_id=payload["id"], payload=payload, is_test=True,
                                           status=DeliveryStatus.SENDING, claimed_at=now, next_attempt_at=now,
                                           created_at=now)
    delivery.subscription = subscription
    ok, code, duration, error = _attempt(delivery)
    return _record(delivery, ok, code, duration, error)


KEEP_LOG = datetime.timedelta(days=90)


def deliveries_prune(now: datetime.datetime | None = None) -> int:
    """Forget delivered and failed test rows older than 90 days (the log would otherwise grow without end);
    waiting rows are kept whatever their age: nothing is lost."""
    now = now or timezone.now()
    old = Delivery.objects.filter(created_at__lt=now - KEEP_LOG,
                                  status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.FAILED))
    deleted, _by_model = old.delete()
    return deleted
