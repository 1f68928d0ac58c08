"""Messages to the customer's contact (issue 23 §3): acknowledgement, progress, decision and closure by e-mail.

ISO 10002 §7.3 asks that a complaint be acknowledged at once, §8.4 that the complainant be told its status,
§7.8 that they be told the decision; seed 002 promises a reply within 24 hours, so the acknowledgement quotes the
complaint's reply deadline. The messages go out from receivers of the complaint signals (after commit: a rolled
back change tells the customer nothing), through the notifications outbox, each logged on the complaint's
timeline as a communication by e-mail. Each event is sent at most once: :class:`CustomerMessage` is unique per
complaint and event key, so a signal delivered twice, or two workers, cannot send a message twice.

Templates are per company, kind and language; a company without its own wording gets the shipped one
(:data:`DEFAULTS`, written for zh-Hans, zh-Hant and en — the contact's language picks one). The company
administrator and the QA head edit them on a page with a preview rendered from a sample complaint.
"""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.core.audit import audit_batch
from kesu.core.context import acting_as
from kesu.core.memo import remembered
from kesu.core.models import holds_related

from . import signals
from .choices import Channel, DeadlineKind, Direction, Status, TimelineKind
from .models import (
    Complaint,
    CustomerMessage,
    CustomerMessageKind,
    CustomerMessageOutcome,
    CustomerMessageSettings,
    CustomerMessageTemplate,
    Deadline,
    TimelineEntry,
)

logger = logging.getLogger("kesu.complaints.customer_messages")

Kind = CustomerMessageKind
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
PLACEHOLDERS = ("number", "customer", "contact", "received", "deadline", "closure_deadline", "status", "remedy",
                "company")
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_]+)\}")

# The shipped wording, per kind and language: (subject, body). Data, like a seed: a company replaces it on the
# templates page; the placeholders are the same in every language.
DEFAULTS: dict[str, dict[str, tuple[str, str]]] = {
    Kind.ACKNOWLEDGEMENT: {
        "zh-hans": ("已收到您的投诉 {number}",
                    "{contact} 您好：\n\n我们已收到贵司的投诉，编号 {number}（收到时间 {received}）。"
                    "我们将在 {deadline} 前答复您。\n\n{company}"),
        "zh-hant": ("已收到您的投訴 {number}",
                    "{contact} 您好：\n\n我們已收到貴司的投訴，編號 {number}（收到時間 {received}）。"
                    "我們將在 {deadline} 前答覆您。\n\n{company}"),
        "en": ("We received your complaint {number}",
               "Dear {contact},\n\nWe have received your complaint, number {number} (received {received}). "
               "We will reply by {deadline}.\n\n{company}"),
    },
    Kind.PROGRESS: {
        "zh-hans": ("投诉 {number} 的处理进展",
                    "{contact} 您好：\n\n投诉 {number} 的当前状态：{status}。计划在 {closure_deadline} 前完成处理。"
                    "\n\n{company}"),
        "zh-hant": ("投訴 {number} 的處理進展",
                    "{contact} 您好：\n\n投訴 {number} 的目前狀態：{status}。計劃在 {closure_deadline} 前完成處理。"
                    "\n\n{company}"),
        "en": ("Progress of complaint {number}",
               "Dear {contact},\n\nYour complaint {number} is now: {status}. We plan to complete it by "
               "{closure_deadline}.\n\n{company}"),
    },
    Kind.DECISION: {
        "zh-hans": ("投诉 {number} 的处理方案",
                    "{contact} 您好：\n\n针对投诉 {number}，我们的处理方案如下：\n\n{remedy}\n\n"
                    "请告知您是否接受此方案。\n\n{company}"),
        "zh-hant": ("投訴 {number} 的處理方案",
                    "{contact} 您好：\n\n針對投訴 {number}，我們的處理方案如下：\n\n{remedy}\n\n"
                    "請告知您是否接受此方案。\n\n{company}"),
        "en": ("Our proposed remedy for complaint {number}",
               "Dear {contact},\n\nFor your complaint {number} we propose the following remedy:\n\n{remedy}\n\n"
               "Please let us know whether you accept it.\n\n{company}"),
    },
    Kind.CLOSURE: {
        "zh-hans": ("投诉 {number} 已结案",
                    "{contact} 您好：\n\n投诉 {number} 已处理完毕并结案。感谢您的反馈。\n\n{company}"),
        "zh-hant": ("投訴 {number} 已結案",
                    "{contact} 您好：\n\n投訴 {number} 已處理完畢並結案。感謝您的回饋。\n\n{company}"),
        "en": ("Complaint {number} is closed",
               "Dear {contact},\n\nYour complaint {number} has been dealt with and is now closed. Thank you for "
               "telling us.\n\n{company}"),
    },
}


# -- templates and rendering ---------------------------------------------------------------------


def message_language(contact) -> str:
    """The contact's language when one of the shipped ones, else the site's."""
    language = (getattr(contact, "language", "") or "").lower()
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


@remembered
def template_for(company, kind: str, language: str) -> tuple[str, str, bool]:
    """(subject, body, customised) of ``kind`` in ``language``: the company's own wording, else the default."""
    row = CustomerMessageTemplate.objects.filter(company=company, kind=kind, language=language).first()
    if row is not None:
        return row.subject, row.body, True
    defaults = DEFAULTS[kind]
    subject, body = defaults.get(language) or defaults[settings.LANGUAGE_CODE]
    return subject, body, False


def render_text(text: str, values: dict[str, str]) -> str:
    """Fill ``{name}`` placeholders; anything else in braces stays as written (no format-string tricks)."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER_RE.findall(text or "") if name not in PLACEHOLDERS})


def _when(company, at) -> str:
    return timezone.localtime(at, company.tz).strftime("%Y-%m-%d %H:%M") if at else "—"


def reply_deadline(complaint: Complaint):
    """When the customer was promised a reply (seed 002: 24 hours): the reply deadline, else the closure target."""
    deadline = (Deadline.objects.filter(complaint=complaint, kind=DeadlineKind.REPLY, cancelled_at__isnull=True)
                .order_by("-due_at").first())
    return deadline.due_at if deadline is not None else complaint.closure_due_at


def placeholder_values(complaint: Complaint, language: str) -> dict[str, str]:
    """The values of the placeholders for ``complaint``, labels in ``language``."""
    from django.utils import translation

    company = complaint.company
    remedy = complaint.remedies.order_by("-round").first() if complaint.pk else None
    with translation.override(language):
        status = str(Status(complaint.status).label)
    contact = complaint.contact
    return {
        "number": complaint.number,
        "customer": complaint.customer.name if complaint.customer_id else "",
        "contact": contact.name if contact is not None else (complaint.customer.name if complaint.customer_id else ""),
        "received": _when(company, complaint.received_at),
        "deadline": _when(company, reply_deadline(complaint) if complaint.pk else complaint.closure_due_at),
        "closure_deadline": _when(company, complaint.closure_due_at),
        "status": status,
        "remedy": remedy.text if remedy is not None else "",
        "company": company.name,
    }


def sample_values(company, language: str) -> dict[str, str]:
    """What the preview fills in: the company's latest complaint, else a made-up one (the page must not be empty)."""
    latest = (Complaint.objects.filter(company=company).select_related("company", "customer", "contact")
              .order_by("-received_at", "-id").first())
    if latest is not None:
        return placeholder_values(latest, language)
    now = timezone.now()
    return {"number": "KS-0000-0001", "customer": _("Sample customer"), "contact": _("Sample contact"),
            "received": _when(company, now), "deadline": _when(company, now + datetime.timedelta(hours=24)),
            "closure_deadline": _when(company, now + datetime.timedelta(days=30)),
            "status": str(Status.QA_INVESTIGATION.label), "remedy": _("Sample remedy: replace the defective parts."),
            "company": company.name}


# -- settings -------------------------------------------------------------------------------------


@remembered
def message_settings(company) -> CustomerMessageSettings:
    """The company's settings (defaults when it never changed them; not written until it does)."""
    return (CustomerMessageSettings.objects.filter(company=company).first()
            or CustomerMessageSettings(company=company))


def may_edit_messages(user) -> bool:
    """The company administrator and the QA head word the messages (issue 23 §3)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not user.company_id or not user.is_active:
        return False
    return user.has_role("admin") or user.headed_departments.filter(kind="qa", company_id=user.company_id).exists()


def _require_editor(actor, company) -> None:
    if not may_edit_messages(actor) or (not actor.is_superuser and actor.company_id != company.pk):
        raise PermissionDenied


def customer_message_settings_update(*, actor, company, is_active: bool, progress_statuses: list[str],
                                     source: str = "web") -> CustomerMessageSettings:
    """Choose whether messages go out and at which statuses progress is sent; audited."""
    _require_editor(actor, company)
    unknown = [s for s in progress_statuses if s not in Status.values]
    if unknown:
        raise ValidationError({"progress_statuses": _("Unknown status: %(names)s.") % {"names": ", ".join(unknown)}})
    with acting_as(actor, source), transaction.atomic():
        row, _created = CustomerMessageSettings.objects.select_for_update().get_or_create(company=company)
        row.is_active, row.progress_statuses = is_active, [s for s in Status.values if s in progress_statuses]
        row.save()
    return row


def customer_message_template_save(*, actor, company, kind: str, language: str, subject: str, body: str,
                                   source: str = "web") -> CustomerMessageTemplate:
    """The company's wording of one message in one language; unknown placeholders are refused by name."""
    _require_editor(actor, company)
    if kind not in Kind.values or language not in LANGUAGES:
        raise ValidationError({"kind": _("Unknown message or language.")})
    errors = {}
    for field, text in (("subject", subject), ("body", body)):
        if not (text or "").strip():
            errors[field] = _("This field is required.")
        elif unknown_placeholders(text):
            errors[field] = _("Unknown placeholder: %(names)s. Use: %(known)s.") % {
                "names": ", ".join("{" + n + "}" for n in unknown_placeholders(text)),
                "known": ", ".join("{" + n + "}" for n in PLACEHOLDERS)}
    if errors:
        raise ValidationError(errors)
    with acting_as(actor, source), transaction.atomic():
        row = CustomerMessageTemplate.objects.select_for_update().filter(
            company=company, kind=kind, language=language).first()
        row = row or CustomerMessageTemplate(company=company, kind=kind, language=language)
        row.subject, row.body = subject.strip()[:200], body.strip()
        row.full_clean()
        row.save()
    return row


def customer_message_template_reset(*, actor, company, kind: str, language: str, source: str = "web") -> None:
    """Go back to the shipped wording of one message in one language."""
    _require_editor(actor, company)
    with acting_as(actor, source), transaction.atomic():
        for row in CustomerMessageTemplate.objects.filter(company=company, kind=kind, language=language):
            row.delete()


# -- sending ------------------------------------------------------------------------------------


def customer_message_send(*, complaint: Complaint, kind: str, key: str, status: str = "") -> CustomerMessage | None:
    """Send message ``kind`` for the event ``key`` of ``complaint`` to its contact, once.

    The message row, the outbox mail and the timeline entry are written in one transaction; a second call with
    the same key (the signal twice, two workers) meets the message's unique key and writes and sends nothing. A
    contact without an e-mail address gets no mail; the timeline says so (an internal note), so staff know to call instead. ``status`` is
    the status the event reached (the complaint may have moved on by the time the message is written).
    """
    from kesu.notifications.services import mail_queue

    now = timezone.now()
    if not holds_related(complaint, ("company", "customer", "contact")):
        complaint = Complaint.objects.select_related("company", "customer", "contact").get(pk=complaint.pk)
    company = complaint.company
    if not message_settings(company).is_active:
        return None
    contact = complaint.contact
    language = message_language(contact)
    subject_t, body_t, _custom = template_for(company, kind, language)
    values = placeholder_values(complaint, language)
    if status in Status.values:
        from django.utils import translation

        with translation.override(language):
            values["status"] = str(Status(status).label)
    subject, body = render_text(subject_t, values)[:300], render_text(body_t, values)
    to = (contact.email or "").strip() if contact is not None else ""
    try:
        # The mail and the timeline entry first, then the message naming them: three inserts and their audit
        # entries in one more, nothing updated. A second send of the same key fails on the message's unique key
        # and the whole block is rolled back.
        with acting_as(None, "system"), transaction.atomic(), audit_batch():
            mail = mail_queue(company=company, to=to, subject=subject, body=body) if to else None
            if to:
                # Automatic, not a person's response: the reply clock keeps running (design §11).
                entry = TimelineEntry.objects.create(
                    company=company, complaint=complaint, kind=TimelineKind.COMMUNICATION, direction=Direction.OUT,
                    channel=Channel.EMAIL, internal=False, summary=f"{subject}\n\n{body}"[:20000], actor=None, at=now)
            else:
                from django.utils import translation

                with translation.override(settings.LANGUAGE_CODE):
                    note = (_("“%(subject)s” was not e-mailed to the customer: the contact has no e-mail address.")
                            if contact is not None else
                            _("“%(subject)s” was not e-mailed to the customer: the complaint names no contact."))
                entry = TimelineEntry.objects.create(
                    company=company, complaint=complaint, kind=TimelineKind.NOTE, internal=True,
                    summary=note % {"subject": subject}, actor=None, at=now)
            message = CustomerMessage.objects.create(
                company=company, complaint=complaint, key=key, kind=kind, language=language, to=to,
                subject=subject, at=now, mail=mail, entry=entry,
                outcome=CustomerMessageOutcome.QUEUED if to else CustomerMessageOutcome.NO_EMAIL)
    except IntegrityError:
        return None  # the other of two simultaneous sends
    return message


def _kind_for(action: str, old: str, new: str, progress: list[str]) -> str | None:
    """Which message a step sends, if any: the decision when the remedy is approved for the customer (ISO 10002
    §7.8), the closure on closing, progress on reaching a status the company chose."""
    if old == new:
        return None
    if new == Status.REMEDY_APPROVED:
        return Kind.DECISION
    if new == Status.CLOSED:
        return Kind.CLOSURE
    if new in progress:
        return Kind.PROGRESS
    return None


def _safely(send, **kwargs) -> None:
    # After commit, inside the request of whoever acted: a failing message must not turn their step into an error.
    try:
        send(**kwargs)
    except Exception:  # noqa: BLE001
        logger.exception("message to the customer failed: %s", kwargs.get("key"))


@receiver(signals.complaint_created, dispatch_uid="customer_message_acknowledgement")
def on_created(sender, complaint, **kwargs):
    _safely(customer_message_send, complaint=complaint, kind=Kind.ACKNOWLEDGEMENT, key="acknowledgement")


@receiver(signals.complaint_transitioned, dispatch_uid="customer_message_transition")
def on_transitioned(sender, complaint, action="", old_status="", new_status="", version=None, **kwargs):
    kind = _kind_for(action, old_status, new_status, message_settings(complaint.company).progress_statuses or [])
    if kind is not None:
        # The version the step left is unique to that step: a status reached again later is a new event.
        _safely(customer_message_send, complaint=complaint, kind=kind,
                key=f"{kind}:{new_status}:v{version or complaint.version}", status=new_status)


# -- pages ----------------------------------------------------------------------------------------


class SettingsForm(forms.Form):
    is_active = forms.BooleanField(label=gettext_lazy("send messages to the customer"), required=False)
    progress_statuses = forms.MultipleChoiceField(
        label=gettext_lazy("progress is sent when the complaint reaches"), required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(s.value, s.label) for s in Status if s not in (Status.RECEIVED, Status.REMEDY_APPROVED,
                                                                 Status.CLOSED)])


class TemplateForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("subject"), max_length=200)
    body = forms.CharField(label=gettext_lazy("text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 10}))


def _company(request):
    if not may_edit_messages(request.user) or request.user.company is None:
        raise PermissionDenied
    return request.user.company


@login_required
def templates_page(request):
    """Every message in every language (own wording or the default) and the progress milestones."""
    company = _company(request)
    current = message_settings(company)
    form = SettingsForm(request.POST or None, initial={"is_active": current.is_active,
                                                      "progress_statuses": current.progress_statuses})
    if request.method == "POST" and form.is_valid():
        try:
            customer_message_settings_update(actor=request.user, company=company, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Settings saved."))
            return redirect("complaints:customer_messages")
    rows = []
    for kind in Kind:
        for language, name in settings.LANGUAGES:
            subject, _body, custom = template_for(company, kind, language)
            rows.append({"kind": kind, "language": language, "language_name": name, "subject": subject,
                         "custom": custom})
    return render(request, "complaints/customer_messages/list.html", {"form": form, "rows": rows})


@login_required
def template_edit(request, kind: str, language: str):
    """Edit one message in one language; "preview" shows it filled from a sample complaint without saving."""
    company = _company(request)
    if kind not in Kind.values or language not in LANGUAGES:
        raise Http404
    subject, body, custom = template_for(company, kind, language)
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    if request.method == "POST" and request.POST.get("do") == "reset":
        customer_message_template_reset(actor=request.user, company=company, kind=kind, language=language)
        messages.success(request, _("The default wording is used again."))
        return redirect("complaints:customer_message_edit", kind=kind, language=language)
    if form.is_bound and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
        if request.POST.get("do") != "preview":
            try:
                customer_message_template_save(actor=request.user, company=company, kind=kind, language=language,
                                               subject=subject, body=body)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Message saved."))
                return redirect("complaints:customer_messages")
    values = sample_values(company, language)
    preview = {"subject": render_text(subject, values), "body": render_text(body, values),
               "unknown": unknown_placeholders(f"{subject} {body}")}
    return render(request, "complaints/customer_messages/edit.html", {
        "form": form, "kind": Kind(kind), "language": language, "language_name": dict(settings.LANGUAGES)[language],
        "custom": custom, "preview": preview, "placeholders": ["{" + p + "}" for p in PLACEHOLDERS]})


def timeline_messages(complaint: Complaint) -> list[dict[str, Any]]:
    """The messages sent (or not) to the customer of one complaint, for whoever shows them."""
    return list(CustomerMessage.objects.filter(complaint=complaint).values("kind", "outcome", "to", "subject", "at"))
