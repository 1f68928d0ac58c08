"""What every complaint record module shares."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL



def _user_same_company(record: models.Model, *fields: str) -> None:
    errors = {}
    for field in fields:
        user = getattr(record, field, None)
        if user is not None and not user.is_superuser and user.company_id != record.company_id:
            errors[field] = _("It must belong to the same company.")
    if errors:
        raise ValidationError(errors)
