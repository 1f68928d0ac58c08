"""Helpers the claim services share: validation that names fields, row locks with version checks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


def full_clean(instance: models.Model, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error


def locked_for_edit(model, obj, expected_version: int | None, statuses):
    """The record locked for update, refused when someone changed it meanwhile or its status forbids edits."""
    locked = model.objects.select_for_update().select_related("company").get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError({"version": _("Someone else changed this record meanwhile; reload it and try again.")})
    if locked.status not in statuses:
        raise ValidationError({"status": _("This cannot be changed while the record is “%(status)s”.") % {
            "status": locked.get_status_display()}})
    return locked
