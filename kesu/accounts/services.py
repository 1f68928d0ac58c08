"""Account services: the one write path for preferences and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.core.context import acting_as

from .models import ApiToken, User


def user_set_language(*, actor: User, language: str) -> None:
    """Remember the user's language choice (issue 2 §2: remembered per user)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Unknown language.")})
    if actor.language != language:
        with acting_as(actor, "web"), transaction.atomic():
            actor.language = language
            actor.save(update_fields=["language", "updated_at"])


def user_update_profile(*, actor: User, form) -> User:
    with acting_as(actor, "web"), transaction.atomic():
        return form.save()


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal token; the raw value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=actor, name=name, key_prefix=raw[:10], token_hash=ApiToken.hash(raw))
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


# Default departments (design §1, seeds 000 §3 and 004 §3): code, kind, and
# the roles whose positions live there. Companies edit them freely afterwards.
DEFAULT_DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("MGMT", "management", ["gm", "vice_gm"]),
    ("GO", "general_office", ["general_office", "admin"]),
    ("SALES", "sales", ["sales_director", "regional_manager", "salesperson", "sales_assistant"]),
    ("QA", "qa", ["qa"]),
    ("ENG", "engineering", ["engineering"]),
    ("PROD", "production", ["production"]),
    ("PUR", "purchasing", ["purchasing"]),
    ("FIN", "finance", ["finance"]),
    ("AS", "after_sales", ["after_sales"]),
]


def company_create_defaults(*, actor: User | None, company) -> None:
    """Give a company the default departments and one position per role, named in its language.

    Idempotent: existing codes and names are left as the company has them.
    Positions of the general office and the GM see the whole group (design §1, seed 001).
    """
    from django.utils import translation

    from .models import Department, Position
    from .roles import Role

    group_roles = {"gm", "vice_gm", "general_office"}
    with acting_as(actor, "command" if actor is None else "web"), transaction.atomic(), translation.override("zh-hans"):
        for code, kind, roles in DEFAULT_DEPARTMENTS:
            label = dict(Department._meta.get_field("kind").choices)[kind]
            Department.objects.get_or_create(company=company, code=code, defaults={"name": str(label), "kind": kind})
            for role in roles:
                Position.objects.get_or_create(
                    company=company, role=role,
                    defaults={
                        "name": str(Role(role).label),
                        "scope": Position.Scope.GROUP if role in group_roles else Position.Scope.COMPANY,
                    },
                )


def password_reset_request(*, email: str, address: str) -> int:
    """Queue a password-reset mail to every active account with this e-mail address; return how many.

    The link starts with settings.KESU_BASE_URL, never with the request's Host header (issue 15 §1: a reset
    asked for with ``Host: evil.example`` must not mail the real user a link to evil.example). The mail goes
    through the outbox, so a mail server that is down delays it instead of losing it, and it is written in
    the user's language. The request counts against the reset throttle whether or not the address is known,
    so the answer (and its timing) tells nothing about which addresses have accounts.
    """
    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from kesu.notifications.services import mail_queue

    from . import throttle
    from .models import Company

    throttle.fail(throttle.reset_keys(email, address))
    queued = 0
    with transaction.atomic():
        for user in PasswordResetForm().get_users(email):
            # Outbox mail belongs to a company: an account without one (an administrator) is filed under the
            # group's first top-level company, as `kesu up` files its administrator; none at all if there is none.
            company = user.company or Company.objects.filter(parent__isnull=True).order_by("pk").first()
            path = reverse("accounts:password_reset_confirm", kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            })
            context = {"user": user, "link": f"{settings.KESU_BASE_URL}{path}"}
            with translation.override(user.language or settings.LANGUAGE_CODE):
                subject = "".join(render_to_string("accounts/password_reset_subject.txt", context).splitlines())
                body = render_to_string("accounts/password_reset_email.txt", context)
            mail_queue(company=company, to=getattr(user, User.get_email_field_name()), subject=subject, body=body)
            queued += 1
    return queued
