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
