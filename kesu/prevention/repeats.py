"""Repeat complaints (ISO 10002 §8.5; design §11; issue 22 §4).

A complaint is a repeat when, within the company's window (180 days by default), an earlier complaint had the same
category and defect (the defect type when the complaint names one) and either the same customer or the same part at
any customer — each rule can be switched off per company. Days are counted on the company's calendar dates (its
time zone): an earlier complaint received on day D is within N days of one received on day D + N, not D + N + 1.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import signals
from .choices import RepeatRule
from .models import RepeatFlag, RepeatSettings


def settings_for(company) -> RepeatSettings:
    found = RepeatSettings.objects.filter(company=company).first()
    return found or RepeatSettings(company=company)


def _local_day_start(company, day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=company.tz)


def earlier_complaints(complaint, cfg: RepeatSettings | None = None) -> tuple[str, list]:
    """(rule, earlier complaints) that make ``complaint`` a repeat, or ("", []) when it is none (``cfg``: the
    company's settings, when the caller has read them)."""
    from kesu.complaints.models import Complaint

    if not complaint.category_id:
        return "", []
    company = complaint.company
    cfg = cfg or settings_for(company)
    received = complaint.received_at.astimezone(company.tz).date()
    start = _local_day_start(company, received - datetime.timedelta(days=cfg.window_days))
    base = Complaint.objects.filter(company_id=complaint.company_id, category_id=complaint.category_id,
                                    received_at__gte=start, received_at__lte=complaint.received_at
                                    ).exclude(pk=complaint.pk).order_by("received_at", "id")
    if complaint.defect_type_id:
        base = base.filter(defect_type_id=complaint.defect_type_id)
    # A complaint received at the same instant but recorded later is not "earlier".
    base = base.filter(Q(received_at__lt=complaint.received_at) | Q(pk__lt=complaint.pk))
    if cfg.same_customer:
        found = list(base.filter(customer_id=complaint.customer_id))
        if found:
            return RepeatRule.SAME_CUSTOMER, found
    if cfg.same_part and complaint.part_id:
        found = list(base.filter(part_id=complaint.part_id))
        if found:
            return RepeatRule.SAME_PART, found
    return "", []


def _effective_action_owners(earlier) -> list:
    """Owners of corrective actions of the earlier complaints that were verified effective and closed: the repeat
    reopens their effectiveness question (issue 22 §4)."""
    from django.contrib.contenttypes.models import ContentType

    from kesu.capa.choices import ActionStatus
    from kesu.capa.models import CorrectiveAction
    from kesu.complaints.models import Complaint

    ct = ContentType.objects.get_for_model(Complaint)
    actions = CorrectiveAction.objects.filter(
        links__content_type=ct, links__object_id__in=[c.pk for c in earlier], status=ActionStatus.CLOSED,
        verified_at__isnull=False).select_related("owner").distinct()
    owners, seen = [], set()
    for action in actions:
        if action.owner_id not in seen:
            seen.add(action.owner_id)
            owners.append(action.owner)
    return owners


def flag_repeat(complaint, *, announce: bool = True) -> RepeatFlag | None:
    """Flag ``complaint`` when it is a repeat (idempotent: a flag is written once, and removed when the facts
    changed so that it no longer is one). Announces a new flag after commit, unless told not to: history loaded
    after the fact (the demo's past year) is flagged without telling anyone of complaints long dealt with."""
    cfg = settings_for(complaint.company) if complaint.category_id else None  # no category, no repeat
    rule, earlier = earlier_complaints(complaint, cfg)
    existing = RepeatFlag.objects.filter(complaint=complaint).first()
    if not rule:
        if existing is not None:
            existing.delete()
        return None
    with transaction.atomic():
        if existing is None:
            flag = RepeatFlag.objects.create(company_id=complaint.company_id, complaint=complaint, rule=rule,
                                             window_days=cfg.window_days, flagged_at=timezone.now())
        else:
            flag = existing
            flag.rule, flag.window_days = rule, cfg.window_days
            flag.save()
        flag.earlier.set(earlier)
        if existing is None and announce:
            owners = _effective_action_owners(earlier)
            transaction.on_commit(lambda: signals.repeat_flagged.send(
                RepeatFlag, flag=flag, complaint=complaint, action_owners=owners))
    return flag
