"""Helpers of the service-module services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


def full_clean(instance: models.Model, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def assign(instance: models.Model, data: dict[str, Any], allowed, relations=()) -> None:
    names = set(allowed) | {f"{name}_id" for name in relations}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    for name, value in data.items():
        setattr(instance, name, value)
