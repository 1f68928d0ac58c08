"""The one write path for master-data records saved through forms (pages, API and imports alike).

Each call is atomic and runs as the acting user, so the audit trail (written
by the model signals inside the same transaction) names who did it and through
which channel.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from .context import acting_as


def _check_company(actor, instance: models.Model) -> None:
    company_id = getattr(instance, "company_id", None)
    if company_id is not None and not actor.is_superuser and company_id not in actor.visible_company_ids():
        raise PermissionDenied


def _save(*, actor, form, source: str, creating: bool) -> models.Model:
    if not form.is_bound or form.errors or not form.is_valid():
        raise ValidationError(form.errors or _("The form has not been filled in."))
    if creating != (form.instance.pk is None):
        raise ValueError("record_create is for new records, record_update for existing ones")
    _check_company(actor, form.instance)
    with acting_as(actor, source):
        try:
            with transaction.atomic():
                return form.save()
        except IntegrityError as error:
            # A concurrent writer took the same code between validation and save.
            raise ValidationError(_("This record conflicts with one saved at the same moment: %(error)s")
                                  % {"error": error}) from error


def record_create(*, actor, form, source: str = "web") -> models.Model:
    """Create the record of a valid form, in a company the actor can see; audited as the actor."""
    return _save(actor=actor, form=form, source=source, creating=True)


def record_update(*, actor, form, source: str = "web") -> models.Model:
    """Save the changes of a valid form to an existing record; audited as the actor, old → new."""
    return _save(actor=actor, form=form, source=source, creating=False)


def record_delete(*, actor, instance: models.Model, source: str = "web") -> None:
    """Delete a record; refused with a clear message when other records still use it."""
    _check_company(actor, instance)
    with acting_as(actor, source):
        try:
            with transaction.atomic():
                instance.delete()
        except models.ProtectedError as error:
            used_by = sorted({obj._meta.verbose_name for obj in error.protected_objects})
            raise ValidationError(
                _("It cannot be deleted because other records use it: %(used)s.") % {"used": "、".join(map(str, used_by))}
            ) from error


# -- shared by the workflow modules (complaints, corrective actions, claims, …) ----------------


class TransitionRefused(Exception):
    """A workflow step that is not allowed now, with a translated message saying why.

    ``code`` is one of the class constants; ``field`` names the missing or
    offending field when there is one (pages put the message next to it, the
    API returns it as ``loc``).
    """

    WRONG_STATE = "wrong_state"
    WRONG_ROLE = "wrong_role"
    MISSING_FIELD = "missing_field"
    PRECONDITION = "precondition"
    STALE = "stale"
    UNKNOWN_ACTION = "unknown_action"
    UNEXPECTED_FIELD = "unexpected_field"

    HTTP_STATUS = {WRONG_STATE: 409, STALE: 409, WRONG_ROLE: 403}

    def __init__(self, code: str, message: Any, field: str = "") -> None:
        super().__init__(str(message))
        self.code = code
        self.message = str(message)
        self.field = field

    @property
    def http_status(self) -> int:
        return self.HTTP_STATUS.get(self.code, 422)

    def as_validation_error(self) -> ValidationError:
        return ValidationError({self.field or "__all__": self.message}, code=self.code)


def require_role(actor, roles, company_id: int) -> None:
    if actor is None:
        return  # the system itself (worker, portal intake) acts with its own checks
    if not (actor.is_superuser or company_id in actor.visible_company_ids()):
        raise PermissionDenied
    if not actor.has_role(*roles):
        raise PermissionDenied(_("Your role may not do this."))


def is_person(actor) -> bool:
    return getattr(actor, "is_authenticated", False)


def actor_or_none(actor):
    return actor if is_person(actor) else None
