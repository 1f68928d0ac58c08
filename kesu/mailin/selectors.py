"""Reads of the mail intake (conventions habits 6, 7): what a user may see, decided here for pages and API."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from . import permissions
from .choices import Outcome
from .models import InboundMail, Mailbox


def mailboxes_visible_to(user) -> QuerySet[Mailbox]:
    if not permissions.may_manage_mailboxes(user):
        return Mailbox.objects.none()
    return Mailbox.objects.visible_to(user).select_related("company").order_by("company__code", "name")


def mailbox_get_for_user(user, pk: int) -> Mailbox:
    found = mailboxes_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def mails_visible_to(user) -> QuerySet[InboundMail]:
    """Received mails the user may see (QA and management of the companies they see)."""
    if not permissions.may_read_triage(user):
        return InboundMail.objects.none()
    return (InboundMail.objects.visible_to(user)
            .select_related("mailbox", "customer", "contact", "complaint", "handled_by", "company"))


def mails_filtered(user, *, outcome: str = "", query: str = "") -> QuerySet[InboundMail]:
    """The triage list: waiting mails by default, else those of ``outcome`` ("all" for every one)."""
    qs = mails_visible_to(user)
    if outcome != "all":
        qs = qs.filter(outcome=outcome if outcome in Outcome.values else Outcome.TRIAGE)
    query = (query or "").replace("\x00", "").strip()[:100]
    if query:
        qs = qs.filter(Q(subject__icontains=query) | Q(sender__icontains=query) | Q(sender_name__icontains=query))
    return qs.order_by("-fetched_at", "-id")


def mail_get_for_user(user, pk: int) -> InboundMail:
    """One received mail; 404 for another company's or for someone who may not read triage (ids leak nothing)."""
    found = mails_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
