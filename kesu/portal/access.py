"""Who is signed in to the portal: the session, signed one-time links and sign-in codes (issue 23 §1).

The portal session never carries a staff identity: signing in flushes the session, and the account is kept
under keys of its own. A session is bound to the password it was opened with (changing the password ends the
others), and every one-time link carries a fingerprint of the password and the last sign-in, so it stops
working once used.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import PortalAccount, PortalSettings

SESSION_ACCOUNT = "_portal_account"
SESSION_HASH = "_portal_hash"
SESSION_PENDING = "_portal_pending"  # a sign-in waiting for its e-mailed code
PORTAL_PREFIXES = ("/portal/", "/api/v1/portal/")

INVITE_MAX_AGE = 7 * 24 * 3600  # an invitation is good for a week
LOGIN_LINK_MAX_AGE = 30 * 60  # a magic link for half an hour
CODE_MAX_AGE = 10 * 60
CODE_TRIES = 5
LINK_SALT = "kesu.portal.link"


def _session_hash(account: PortalAccount) -> str:
    return salted_hmac("kesu.portal.session", account.password or f"none-{account.pk}").hexdigest()


def _fingerprint(account: PortalAccount, purpose: str) -> str:
    value = f"{account.pk}|{account.password}|{account.last_login and account.last_login.timestamp()}|{purpose}"
    return salted_hmac(LINK_SALT, value).hexdigest()[:20]


def link_token(account: PortalAccount, purpose: str) -> str:
    """A signed, timestamped token for ``purpose`` ("invite" or "login"), good once."""
    return signing.dumps({"a": account.pk, "p": purpose, "f": _fingerprint(account, purpose)}, salt=LINK_SALT)


def link_url(account: PortalAccount, purpose: str) -> str:
    name = "portal:set_password" if purpose == "invite" else "portal:magic"
    return settings.KESU_BASE_URL + reverse(name, args=[link_token(account, purpose)])


def account_from_link(token: str, purpose: str) -> PortalAccount | None:
    """The account a link is for, or None when it is forged, expired, already used or the account is off."""
    max_age = INVITE_MAX_AGE if purpose == "invite" else LOGIN_LINK_MAX_AGE
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict) or data.get("p") != purpose or not isinstance(data.get("a"), int):
        return None
    account = active_accounts().filter(pk=data["a"]).first()
    if account is None or not constant_time_compare(str(data.get("f", "")), _fingerprint(account, purpose)):
        return None
    return account


def active_accounts():
    return PortalAccount.objects.select_related("contact", "contact__customer", "company").filter(
        is_active=True, company__is_active=True)


def two_factor_required(account: PortalAccount) -> bool:
    return PortalSettings.objects.filter(company_id=account.company_id, two_factor_email=True).exists()


def session_login(request, account: PortalAccount) -> None:
    """Open a portal session for ``account`` (no staff identity survives it) and note the sign-in."""
    request.session.flush()
    request.session[SESSION_ACCOUNT] = account.pk
    request.session[SESSION_HASH] = _session_hash(account)
    now = timezone.now()
    # update(): a sign-in stamp, not a change worth an audit entry; it also spends any magic link sent before.
    PortalAccount.objects.filter(pk=account.pk).update(last_login=now)
    account.last_login = now


def session_logout(request) -> None:
    request.session.flush()


def session_account(request) -> PortalAccount | None:
    """The account of this portal session, or None (signed out, password changed, account switched off)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    pk = session.get(SESSION_ACCOUNT)
    if not isinstance(pk, int):
        return None
    account = active_accounts().filter(pk=pk).first()
    if account is None or not constant_time_compare(session.get(SESSION_HASH, ""), _session_hash(account)):
        return None
    return account


# -- sign-in codes by e-mail (optional per company) ------------------------------------------------


def _code_hash(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{code}".encode()).hexdigest()


def code_start(request, account: PortalAccount) -> str:
    """Remember a sign-in waiting for a six-digit code and return the code (to be e-mailed)."""
    code = f"{secrets.randbelow(10**6):06d}"
    request.session.flush()
    request.session[SESSION_PENDING] = {"a": account.pk, "h": _code_hash(code), "t": int(time.time()), "n": 0}
    return code


def code_pending(request) -> PortalAccount | None:
    pending = request.session.get(SESSION_PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("t", 0) > CODE_MAX_AGE:
        return None
    if pending.get("n", 0) >= CODE_TRIES:
        return None
    return active_accounts().filter(pk=pending.get("a")).first()


def code_check(request, code: str) -> PortalAccount | None:
    """The waiting account when ``code`` is right; a wrong code counts, five end the attempt."""
    account = code_pending(request)
    if account is None:
        return None
    pending = request.session[SESSION_PENDING]
    if constant_time_compare(_code_hash((code or "").strip()), pending["h"]):
        return account
    pending["n"] = pending.get("n", 0) + 1
    request.session[SESSION_PENDING] = pending
    return None
