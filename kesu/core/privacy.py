"""Customers' personal data shown by need (issue 18 §13; seed 002 "保护客户信息: 禁止无关人员访问和泄露").

A contact's name, phone, mobile and e-mail are customer property (design §6). They are shown in full only to the
roles that deal with the customer: sales (salesperson, sales assistant, regional manager, sales director),
after-sales, the GM, and QA on the complaints they handle. Everyone else sees them masked (139****5678,
z***@example.cn, 张**). :func:`sees_personal_data` is the one rule; the template tag, the resource list, detail,
export and API of contacts, the complaint and survey pages, their PDFs and exports all ask it.

A model marks a field as personal with :func:`personal` (like :func:`kesu.core.audit.money`); the audit trail's
readers mask those fields' old and new values by the same rule, and the anonymisation of a contact
(kesu/core/retention.py) rewrites them.

Each full display on a contact's own page (or through the API's single-contact endpoint) is recorded in the audit
trail as a "personal data viewed" entry: who saw whose data, when.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db import models

FieldT = TypeVar("FieldT", bound=models.Field)

PERSONAL_MARKER = "kesu_personal"
NAME, PHONE, EMAIL, ADDRESS, TEXT = "name", "phone", "email", "address", "text"


def personal(field: FieldT, kind: str) -> FieldT:
    """Mark a model field as a customer's personal data of ``kind`` (name, phone, email, address, text)."""
    setattr(field, PERSONAL_MARKER, kind)
    return field


def personal_fields(model: type[models.Model]) -> dict[str, str]:
    """Field name → kind for the fields of ``model`` marked personal."""
    return {f.name: getattr(f, PERSONAL_MARKER) for f in model._meta.concrete_fields
            if getattr(f, PERSONAL_MARKER, None)}


# -- masking ------------------------------------------------------------------

_DIGIT = re.compile(r"\d")


def mask_phone(value: str) -> str:
    """139****5678: the first three and last four digits kept; a short number keeps only its last two."""
    value = str(value or "")
    digits = _DIGIT.findall(value)
    if not digits:
        return "****" if value else ""
    if len(digits) == 13 and digits[:2] == ["8", "6"]:
        digits = digits[2:]  # +86, China's country code, before a mobile number
    if len(digits) >= 11:
        return f"{''.join(digits[:3])}****{''.join(digits[-4:])}"
    if len(digits) >= 7:
        return f"{''.join(digits[:2])}****{''.join(digits[-2:])}"
    return f"****{''.join(digits[-2:])}"


def mask_email(value: str) -> str:
    """z***@example.cn: the first letter of the mailbox and the domain kept."""
    value = str(value or "")
    if not value:
        return ""
    local, at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if at else f"{value[:1]}***"


def mask_name(value: str) -> str:
    """张**: the first character (a Chinese family name, a Latin initial) kept."""
    value = str(value or "").strip()
    return f"{value[:1]}**" if value else ""


def mask_text(value: str) -> str:
    return "***" if value else ""


_MASKERS = {NAME: mask_name, PHONE: mask_phone, EMAIL: mask_email, ADDRESS: mask_text, TEXT: mask_text}


def mask(value: Any, kind: str) -> Any:
    """``value`` masked as personal data of ``kind``; None and empty values stay as they are."""
    if value in (None, ""):
        return value
    return _MASKERS.get(kind, mask_text)(str(value))


# -- who sees it --------------------------------------------------------------

def roles_in_full():
    """The roles that see customers' personal data in full on every record (sales, after-sales, the GM); QA sees
    it only on the complaints it handles (:func:`sees_personal_data`)."""
    from kesu.accounts.roles import SALES, Role

    return SALES | {Role.AFTER_SALES, Role.GM}


def _handles_complaint(user, complaint) -> bool:
    """QA sees a complaint's contact when the complaint is theirs: they own it or it sits in their department."""
    return bool(complaint.owner_id == user.pk or (user.department_id and complaint.department_id == user.department_id))


def sees_personal_data(user, record: Any = None) -> bool:
    """May ``user`` see customers' personal data in full, on ``record`` (a complaint, claim, answer…) or at all?

    Superusers do (Django's admin shows the raw rows anyway). QA does only on the complaints they handle: for a
    record linked to a complaint (``record.complaint``) the complaint decides.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    from kesu.accounts.roles import Role

    role = user.role
    if role in roles_in_full():
        return True
    if role == Role.QA and record is not None:
        complaint = record if getattr(record, "_meta", None) and record._meta.label == "complaints.Complaint" \
            else getattr(record, "complaint", None)
        return complaint is not None and _handles_complaint(user, complaint)
    return False


def shown(value: Any, kind: str, user, record: Any = None) -> Any:
    """``value`` as ``user`` may see it: in full or masked."""
    return value if sees_personal_data(user, record) else mask(value, kind)


def for_reader(value: Any, kind: str, record: Any = None) -> Any:
    """``value`` as the current reader (the request's user, kesu.core.context) may see it: for PDFs and exports
    built without the request at hand. Work with no signed-in actor (a command, the worker) sees it in full."""
    from .context import current_actor

    user = current_actor().user
    if not getattr(user, "is_authenticated", False):
        return value
    return shown(value, kind, user, record)


def contact_label(contact, user, record: Any = None) -> str:
    """How a contact is named to ``user``: the name, or its masked form."""
    if contact is None:
        return ""
    return str(shown(contact.name, NAME, user, record))


def masked_instance_values(obj: models.Model, user, record: Any = None) -> dict[str, Any]:
    """The personal fields of ``obj`` as ``user`` may see them (field name → value)."""
    fields = personal_fields(type(obj))
    if sees_personal_data(user, record):
        return {name: getattr(obj, name) for name in fields}
    return {name: mask(getattr(obj, name), kind) for name, kind in fields.items()}


def record_personal_view(user, obj: models.Model, *, source: str = "web") -> None:
    """Append a "personal data viewed" entry to the trail: who saw the personal data of which record, when.

    Only written when the record holds personal data and it was shown in full.
    """
    fields = [name for name in personal_fields(type(obj)) if getattr(obj, name, "")]
    if not fields:
        return
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    AuditEntry.objects.create(
        actor=user if getattr(user, "is_authenticated", False) else None,
        actor_name=user.get_username() if getattr(user, "is_authenticated", False) else "",
        source=source, action=AuditEntry.Action.VIEW,
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk),
        object_repr=f"{obj._meta.verbose_name} #{obj.pk}", company_id=getattr(obj, "company_id", None),
        changes={"viewed": [None, fields]},
    )
