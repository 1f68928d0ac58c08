"""Helpers of the survey services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


def full_clean(instance: models.Model, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
