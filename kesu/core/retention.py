"""Retention and anonymisation of customers' personal data (issue 18 §14, seed 002 "保存期3年", design §10–§11).

Records are kept three years after they close by default; a company may set another period per record type
(:class:`~kesu.core.models.RetentionPolicy`). Once a year the worker prepares a review per company listing what is
past its period (:func:`retention_review_prepare`); an administrator confirms it on the retention page (or through
the API) and :func:`retention_confirm` anonymises the personal data of each listed record.

Anonymising keeps the quality facts (counts, parts, categories, costs, dates, statuses) so statistics do not move,
and removes what identifies a person: the contact link, people's names, phone numbers and e-mail addresses where
free text holds them (the customer's known contacts and anything shaped like a phone number or e-mail address).

A contact may also be anonymised on request, with the reason (:func:`contact_anonymise`): everywhere, including
the audit trail's stored old and new values, which are rewritten here — the one place the append-only trail is
changed, because a person's right to erasure outranks the trail's copy of their data.

Writes go through ``QuerySet.update`` on purpose: a ``save()`` would copy the personal data being removed into a new
audit entry. Each anonymised record gets one audit entry naming the fields changed, never their values.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .lookups import initials
from .models import Anonymisation, AuditEntry, RetentionPolicy, RetentionReview

REDACTED = "***"
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)|(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class AnonymisationRefused(ValidationError):
    """A refused anonymisation (who, what or why is missing); the message says which."""


def anonymised_contact_name(pk: int) -> str:
    return f"已匿名 #{pk}"  # stored data, not a label: the same in every language


# -- what identifies a person in free text ---------------------------------------------------------------------

def scrub(text: str, needles: Iterable[str]) -> str:
    """``text`` with the given names, numbers and addresses, and anything shaped like a phone number or e-mail
    address, replaced by ***."""
    if not text:
        return text
    for needle in sorted({n for n in needles if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(needle, REDACTED)
    text = _EMAIL.sub(REDACTED, text)
    return _PHONE.sub(REDACTED, text)


def _contact_needles(contacts) -> list[str]:
    needles: list[str] = []
    for contact in contacts:
        needles += [contact.name, contact.phone, contact.mobile, contact.email]
    return [n for n in needles if n]


def _scrub_rows(model: type[models.Model], qs, fields: list[str], needles: list[str]) -> list[str]:
    """Scrub ``fields`` of every row of ``qs`` in place (no audit copy); the names of the fields that changed."""
    changed: set[str] = set()
    for row in qs.values("pk", *fields):
        updates = {}
        for name in fields:
            value = row[name]
            if isinstance(value, str) and value:
                cleaned = scrub(value, needles)
                if cleaned != value:
                    updates[name] = cleaned
        if updates:
            model._default_manager.filter(pk=row["pk"]).update(**updates)
            changed |= set(updates)
    return sorted(changed)


def _replace_deep(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old in sorted(replacements, key=len, reverse=True):
            value = value.replace(old, replacements[old])
        return value
    if isinstance(value, list):
        return [_replace_deep(v, replacements) for v in value]
    if isinstance(value, dict):
        return {k: _replace_deep(v, replacements) for k, v in value.items()}
    return value


def entries_of(model: type[models.Model], pks: Iterable[Any]) -> Q:
    """The audit entries of the given records of ``model`` (a scope for :func:`audit_rewrite`)."""
    return Q(content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in pks])


def audit_rewrite(replacements: dict[str, str], *, company_id: int | None = None, scope: Q | None = None) -> int:
    """Rewrite every audit entry (of ``company_id``, within ``scope``) whose stored values or record name hold one
    of ``replacements``' keys.

    The database stores the JSON of the changes either escaped (SQLite: ``\\u5f20``) or not (PostgreSQL's
    jsonb as text), so both spellings are searched.
    """
    replacements = {k: v for k, v in replacements.items() if k and len(k) >= 2}
    if not replacements:
        return 0
    condition = Q()
    for needle in replacements:
        condition |= Q(object_repr__contains=needle) | Q(changes_text__contains=needle)
        escaped = json.dumps(needle)[1:-1]
        if escaped != needle:
            condition |= Q(changes_text__contains=escaped)
    qs = AuditEntry.objects.annotate(changes_text=Cast("changes", TextField())).filter(condition)
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    if scope is not None:
        qs = qs.filter(scope)
    count = 0
    for entry in qs.only("pk", "changes", "object_repr"):
        # The trail is append-only through save(); erasure is its one sanctioned rewrite (see the module doc).
        AuditEntry.objects.filter(pk=entry.pk).update(
            changes=_replace_deep(entry.changes, replacements),
            object_repr=_replace_deep(entry.object_repr, replacements)[:200])
        count += 1
    return count


def _record_anonymisation(obj: models.Model, *, actor, kind: str, reason: str, fields: list[str]) -> None:
    content_type = ContentType.objects.get_for_model(type(obj))
    label = f"{obj._meta.verbose_name} #{obj.pk}"
    Anonymisation.objects.create(company_id=obj.company_id, content_type=content_type, object_id=str(obj.pk),
                                 record=label, kind=kind, reason=reason, actor=actor)
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor.get_username() if getattr(actor, "is_authenticated", False) else "",
        source="web" if actor is not None else "system", action=AuditEntry.Action.ANONYMISE,
        content_type=content_type, object_id=str(obj.pk), object_repr=label, company_id=obj.company_id,
        changes={"anonymised": [None, fields], "why": [None, kind]},
    )


# -- record types ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordType:
    """One kind of record kept for a retention period after it closes."""

    key: str
    label: Any
    model: str  # "app_label.Model"
    closed_field: str  # the date it closed (a date or an instant)
    closed_filter: Callable[[], Q]
    anonymise: Callable[[models.Model], list[str]]  # scrubs one record, returns the fields it changed

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


def _complaint_closed() -> Q:
    from kesu.complaints.choices import FINAL_STATUSES

    return Q(status__in=FINAL_STATUSES)


def _complaint_anonymise(complaint) -> list[str]:
    from kesu.complaints.models import (
        AdHocMeeting,
        Complaint,
        ComplaintSearchDocument,
        DispositionLine,
        RemedyProposal,
        TimelineEntry,
    )
    from kesu.customers.models import Contact

    needles = _contact_needles(Contact.objects.filter(customer_id=complaint.customer_id))
    changed = _scrub_rows(Complaint, Complaint.objects.filter(pk=complaint.pk), [
        "description", "customer_request", "acceptance_note", "window_reason", "root_cause", "initial_report",
        "explanation", "explanation_evidence", "defect_location", "defect_nature"], needles)
    if complaint.contact_id:
        Complaint.objects.filter(pk=complaint.pk).update(contact=None)
        changed.append("contact")
    changed += _scrub_rows(TimelineEntry, TimelineEntry.objects.filter(complaint=complaint), ["summary"], needles)
    changed += _scrub_rows(RemedyProposal, RemedyProposal.objects.filter(complaint=complaint),
                           ["text", "decision_reason"], needles)
    changed += _scrub_rows(AdHocMeeting, AdHocMeeting.objects.filter(complaint=complaint),
                           ["conclusions", "actions"], needles)
    changed += _scrub_rows(DispositionLine, DispositionLine.objects.filter(complaint=complaint), ["note"], needles)
    _scrub_rows(ComplaintSearchDocument, ComplaintSearchDocument.objects.filter(complaint_id=complaint.pk), ["text"],
                needles)
    # Only this complaint's own trail: the contacts themselves live on and keep theirs.
    scope = entries_of(Complaint, [complaint.pk])
    for child in (TimelineEntry, RemedyProposal, AdHocMeeting, DispositionLine):
        scope |= entries_of(child, child.objects.filter(complaint=complaint).values_list("pk", flat=True))
    audit_rewrite({n: REDACTED for n in needles}, company_id=complaint.company_id, scope=scope)
    return sorted(set(changed))


def _claim_closed() -> Q:
    from kesu.claims.choices import CLOSED_STATUSES

    return Q(status__in=CLOSED_STATUSES)


def _claim_anonymise(claim) -> list[str]:
    from kesu.claims.models import Claim, NegotiationRound
    from kesu.customers.models import Contact

    needles = _contact_needles(Contact.objects.filter(customer_id=claim.customer_id))
    changed = _scrub_rows(Claim, Claim.objects.filter(pk=claim.pk), [
        "description", "customer_reference", "analysis", "agreement_note", "meeting_conclusion"], needles)
    changed += _scrub_rows(NegotiationRound, NegotiationRound.objects.filter(claim=claim), ["answer_note"], needles)
    scope = entries_of(Claim, [claim.pk]) | entries_of(
        NegotiationRound, NegotiationRound.objects.filter(claim=claim).values_list("pk", flat=True))
    audit_rewrite({n: REDACTED for n in needles}, company_id=claim.company_id, scope=scope)
    return sorted(set(changed))


def _answer_closed() -> Q:
    return Q(campaign__closed_at__isnull=False)


def _answer_anonymise(answer) -> list[str]:
    from kesu.surveys.models import Answer, AnswerItem, Invitation

    needles = [answer.respondent] if answer.respondent else []
    if answer.invitation_id and answer.invitation.email:
        needles.append(answer.invitation.email)
    changed = _scrub_rows(Answer, Answer.objects.filter(pk=answer.pk), ["remarks"], needles)
    if answer.respondent:
        Answer.objects.filter(pk=answer.pk).update(respondent="")
        changed.append("respondent")
    if answer.invitation_id:
        Invitation.objects.filter(pk=answer.invitation_id).update(email="", contact=None)
        changed.append("invitation")
    changed += _scrub_rows(AnswerItem, AnswerItem.objects.filter(answer=answer), ["comment"], needles)
    scope = entries_of(Answer, [answer.pk])
    if answer.invitation_id:
        scope |= entries_of(Invitation, [answer.invitation_id])
    audit_rewrite({n: REDACTED for n in needles}, company_id=answer.company_id, scope=scope)
    return sorted(set(changed))


RECORD_TYPES: dict[str, RecordType] = {
    t.key: t for t in [
        RecordType("complaint", gettext_lazy("Complaints"), "complaints.Complaint", "closed_at", _complaint_closed,
                   _complaint_anonymise),
        RecordType("claim", gettext_lazy("Claims"), "claims.Claim", "closed_at", _claim_closed, _claim_anonymise),
        RecordType("survey_answer", gettext_lazy("Survey answers"), "surveys.Answer", "campaign__closed_at",
                   _answer_closed, _answer_anonymise),
    ]
}


def register_record_type(record_type: RecordType) -> None:
    """Add a kind of record kept for a retention period (a module's ``AppConfig.ready`` calls it; the same key
    twice replaces it), so the yearly review, the retention page and the policies list it too."""
    RECORD_TYPES[record_type.key] = record_type


def retention_years(company_id: int) -> dict[str, int]:
    """Record type → years kept after closure for one company (the seed's three years unless set)."""
    years = {key: RetentionPolicy.DEFAULT_YEARS for key in RECORD_TYPES}
    years.update(dict(RetentionPolicy.objects.filter(company_id=company_id, record_type__in=list(RECORD_TYPES))
                      .values_list("record_type", "years")))
    return years


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class DueRecord:
    record_type: str
    pk: int
    label: str
    closed: Any


def retention_due(company, *, today: datetime.date | None = None) -> list[DueRecord]:
    """The records of ``company`` past their retention period and not yet anonymised, oldest first.

    A record closed on 2023-03-15 with three years is due from 2026-03-15 (kept *three years after closure*).
    """
    today = today or timezone.localdate()
    years = retention_years(company.pk)
    due: list[DueRecord] = []
    for key, kind in RECORD_TYPES.items():
        model = kind.model_class
        done = {int(pk) for pk in Anonymisation.objects.filter(
            content_type=ContentType.objects.get_for_model(model), company=company).values_list("object_id", flat=True)}
        limit = _years_before(today, years[key])
        closed_lookup = kind.closed_field
        field = model._meta.get_field(closed_lookup) if "__" not in closed_lookup else None
        if field is None or isinstance(field, models.DateTimeField):
            # An instant closes "on" its day in the company's time zone; a day's margin covers the zone.
            bound = {f"{closed_lookup}__date__lte": limit}
        else:
            bound = {f"{closed_lookup}__lte": limit}
        qs = (model._default_manager.filter(company=company).filter(kind.closed_filter(), **bound)
              .exclude(pk__in=done)
              .order_by(closed_lookup, "pk"))
        for obj in qs.select_related():
            closed = obj
            for part in closed_lookup.split("__"):
                closed = getattr(closed, part)
            due.append(DueRecord(key, obj.pk, f"{model._meta.verbose_name} {obj}", closed))
    return due


def retention_review_prepare(*, today: datetime.date | None = None) -> list[RetentionReview]:
    """The yearly job: one review per active company and year, listing what is due (idempotent)."""
    from kesu.accounts.models import Company

    today = today or timezone.localdate()
    reviews = []
    for company in Company.objects.filter(is_active=True):
        review, created = RetentionReview.objects.get_or_create(
            company=company, year=today.year,
            defaults={"prepared_at": timezone.now(), "due_count": len(retention_due(company, today=today))})
        reviews.append(review)
    return reviews


def may_confirm(user) -> bool:
    """Administrators confirm anonymisations (issue 18 §14)."""
    from kesu.accounts.roles import Role

    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or user.role == Role.ADMIN))


def _require(actor) -> None:
    if not may_confirm(actor):
        raise AnonymisationRefused(_("Only an administrator may anonymise personal data."))


def retention_confirm(*, actor, company, today: datetime.date | None = None) -> int:
    """Anonymise every record of ``company`` now past its retention period; the number anonymised."""
    _require(actor)
    if not actor.is_superuser and company.pk not in actor.visible_company_ids():
        raise AnonymisationRefused(_("You may not act for this company."))
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        for item in retention_due(company, today=today):
            kind = RECORD_TYPES[item.record_type]
            obj = kind.model_class._default_manager.get(pk=item.pk)
            fields = kind.anonymise(obj)
            _record_anonymisation(obj, actor=actor, kind=Anonymisation.Kind.RETENTION, reason="", fields=fields)
            count += 1
        review, _created = RetentionReview.objects.get_or_create(
            company=company, year=today.year, defaults={"prepared_at": timezone.now(), "due_count": count})
        RetentionReview.objects.filter(pk=review.pk).update(confirmed_by=actor, confirmed_at=timezone.now(),
                                                           anonymised_count=review.anonymised_count + count)
    return count


def contact_anonymise(*, actor, contact, reason: str) -> list[str]:
    """Anonymise one contact on request, everywhere: the contact, the records naming them, mail sent to them and
    the audit trail's stored values. The reason is required and kept (without the person's data)."""
    from kesu.complaints.models import Complaint, ComplaintSearchDocument, TimelineEntry
    from kesu.customers.models import Contact
    from kesu.notifications.models import OutboxMail
    from kesu.surveys.models import Answer, Invitation

    _require(actor)
    if not actor.is_superuser and contact.company_id not in actor.visible_company_ids():
        raise AnonymisationRefused(_("You may not act for this company."))
    reason = (reason or "").strip()
    if not reason:
        raise AnonymisationRefused({"reason": _("Say why the contact is anonymised (the request).")})
    if Anonymisation.objects.filter(content_type=ContentType.objects.get_for_model(Contact),
                                    object_id=str(contact.pk)).exists():
        raise AnonymisationRefused(_("This contact is already anonymised."))
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        needles = _contact_needles([contact])
        new_name = anonymised_contact_name(contact.pk)
        # The name is common enough to be someone else's: it is replaced in the contact's own trail and where a
        # record names this contact ("张三 (#5)"); phone numbers and e-mail addresses wherever they are.
        numbers = {n: REDACTED for n in (contact.phone, contact.mobile, contact.email) if n}
        own = entries_of(Contact, [contact.pk])
        reason = scrub(reason, needles)
        complaints = Complaint.objects.filter(Q(contact=contact) | Q(customer_id=contact.customer_id))
        _scrub_rows(Complaint, complaints, ["description", "customer_request", "acceptance_note", "window_reason",
                                            "root_cause", "initial_report", "explanation", "explanation_evidence"],
                    needles)
        _scrub_rows(TimelineEntry, TimelineEntry.objects.filter(complaint__in=complaints), ["summary"], needles)
        _scrub_rows(ComplaintSearchDocument, ComplaintSearchDocument.objects.filter(complaint_id__in=complaints),
                    ["text"], needles)
        Answer.objects.filter(recipient__customer_id=contact.customer_id, respondent=contact.name).update(
            respondent=new_name)
        Invitation.objects.filter(contact=contact).update(email="")
        if contact.email:
            mails = OutboxMail.objects.filter(to=contact.email)
            _scrub_rows(OutboxMail, mails, ["subject", "body"], needles)
            mails.update(to=f"anonymised-{contact.pk}@invalid")
        # The lookups' pinyin initials of the name go with it (kesu.core.lookups).
        Contact.objects.filter(pk=contact.pk).update(name=new_name, phone="", mobile="", email="", notes="",
                                                     title="", department="", search_initials=initials(new_name))
        audit_rewrite({contact.name: new_name, **numbers}, company_id=contact.company_id, scope=own)
        audit_rewrite({f"{contact.name} (#{contact.pk})": f"{new_name} (#{contact.pk})", **numbers},
                      company_id=contact.company_id)
        # The free text of the customer's complaints was scrubbed above: so is its copy in their trail.
        texts = entries_of(Complaint, complaints.values_list("pk", flat=True)) | entries_of(
            TimelineEntry, TimelineEntry.objects.filter(complaint__in=complaints).values_list("pk", flat=True))
        audit_rewrite({contact.name: REDACTED}, company_id=contact.company_id, scope=texts)
        _record_anonymisation(contact, actor=actor, kind=Anonymisation.Kind.REQUEST, reason=reason,
                              fields=["name", "phone", "mobile", "email", "notes", "title", "department"])
    return needles


def anonymisations_for(user) -> models.QuerySet[Anonymisation]:
    qs = Anonymisation.objects.select_related("content_type", "actor")
    return qs if user.is_superuser else qs.filter(company_id__in=user.visible_company_ids())
