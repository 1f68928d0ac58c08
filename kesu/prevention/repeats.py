"""Repeat complaints (ISO 10002 §8.5; design §11; issue 22 §4).

A complaint is a repeat when, within the company's window (180 days by default), an earlier complaint had the same
category and defect (the defect type when the complaint names one) and either the same customer or the same part at
any customer — each rule can be switched off per company. Days are counted on the company's calendar dates (its
time zone): an earlier complaint received on day D is within N days of one received on day D + N, not D + N + 1.
"""

from __future__ import annotations

import collections
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


def _window_start(company, received_at: datetime.datetime, cfg: RepeatSettings) -> datetime.datetime:
    """The first instant of the window of a complaint received at ``received_at``: the start of the company's
    calendar day ``window_days`` before the day it was received."""
    received = received_at.astimezone(company.tz).date()
    return _local_day_start(company, received - datetime.timedelta(days=cfg.window_days))


def _pick(complaint, earlier: list, cfg: RepeatSettings) -> tuple[str, list]:
    """The rule and the complaints that make ``complaint`` a repeat, from ``earlier``: its company's complaints of
    its category (and of its defect type, when it names one) received within its window before it, in order."""
    if cfg.same_customer:
        found = [c for c in earlier if c.customer_id == complaint.customer_id]
        if found:
            return RepeatRule.SAME_CUSTOMER, found
    if cfg.same_part and complaint.part_id:
        found = [c for c in earlier if c.part_id == complaint.part_id]
        if found:
            return RepeatRule.SAME_PART, found
    return "", []


def earlier_complaints(complaint, cfg: RepeatSettings | None = None) -> tuple[str, list]:
    """(rule, earlier complaints) that make ``complaint`` a repeat, or ("", []) when it is none (``cfg``: the
    company's settings, when the caller has read them)."""
    from kesu.complaints.models import Complaint

    if not complaint.category_id:
        return "", []
    company = complaint.company
    cfg = cfg or settings_for(company)
    same = Q()
    if cfg.same_customer:
        same |= Q(customer_id=complaint.customer_id)
    if cfg.same_part and complaint.part_id:
        same |= Q(part_id=complaint.part_id)
    if not same:
        return "", []
    base = Complaint.objects.filter(same, company_id=complaint.company_id, category_id=complaint.category_id,
                                    received_at__gte=_window_start(company, complaint.received_at, cfg),
                                    received_at__lte=complaint.received_at
                                    ).exclude(pk=complaint.pk).order_by("received_at", "id")
    if complaint.defect_type_id:
        base = base.filter(defect_type_id=complaint.defect_type_id)
    # A complaint received at the same instant but recorded later is not "earlier".
    base = base.filter(Q(received_at__lt=complaint.received_at) | Q(pk__lt=complaint.pk))
    return _pick(complaint, list(base), cfg)


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
            _announce(flag, complaint, earlier)
    return flag


def _announce(flag: RepeatFlag, complaint, earlier: list) -> None:
    """Tell, after commit, the complaint's owner of a new flag, and the owners of effective actions it questions."""
    owners = _effective_action_owners(earlier)
    transaction.on_commit(lambda: signals.repeat_flagged.send(
        RepeatFlag, flag=flag, complaint=complaint, action_owners=owners))


def flag_history(company, since: datetime.datetime, *, announce_from: datetime.datetime | None = None) -> int:
    """Flag the repeats among ``company``'s complaints received since ``since`` that have no flag yet (history
    loaded after the fact, such as the demo's past year); those received from ``announce_from`` on are announced as
    :func:`flag_repeat` announces, the older ones not. The rule is :func:`flag_repeat`'s, applied to the
    complaints read once in the order they were received instead of with a query per complaint (a test compares
    the two). Returns the number of flags written."""
    from kesu.complaints.models import Complaint
    from kesu.core.audit import audit_batch
    from kesu.core.models import insert_all

    cfg = settings_for(company)
    flagged = set(RepeatFlag.objects.filter(company=company, complaint__received_at__gte=since)
                  .values_list("complaint_id", flat=True))
    rows = (Complaint.objects.filter(company=company, category__isnull=False,
                                     received_at__gte=_window_start(company, since, cfg))
            .only("number", "company_id", "received_at", "category_id", "defect_type_id", "customer_id", "part_id")
            .order_by("received_at", "id"))
    # The complaints of each (category, customer) and (category, part) received within the window of the one at
    # hand, in order: the only ones the rule can pick.
    window: dict[tuple, collections.deque] = collections.defaultdict(collections.deque)
    found: list[tuple] = []
    now = timezone.now()
    for complaint in rows.iterator(chunk_size=2000):
        keys = [("customer", complaint.category_id, complaint.customer_id)]
        if complaint.part_id:
            keys.append(("part", complaint.category_id, complaint.part_id))
        if complaint.received_at >= since and complaint.pk not in flagged:
            start, near = _window_start(company, complaint.received_at, cfg), {}
            for key in keys:
                seen = window[key]
                while seen and seen[0].received_at < start:
                    seen.popleft()
                near.update((c.pk, c) for c in seen)
            defect = complaint.defect_type_id
            rule, earlier = _pick(complaint, [c for c in near.values() if not defect or c.defect_type_id == defect],
                                  cfg)
            if rule:
                found.append((RepeatFlag(company=company, complaint=complaint, rule=rule,
                                         window_days=cfg.window_days, flagged_at=now), earlier))
        for key in keys:
            window[key].append(complaint)
    told = Complaint.objects.select_related("company", "owner", "created_by").in_bulk([
        flag.complaint_id for flag, _earlier in found
        if announce_from is not None and flag.complaint.received_at >= announce_from])
    through = RepeatFlag.earlier.through
    with transaction.atomic(), audit_batch():
        insert_all([flag for flag, _earlier in found])
        through.objects.bulk_create([through(repeatflag_id=flag.pk, complaint_id=c.pk)
                                     for flag, earlier in found for c in earlier], batch_size=2000)
        for flag, earlier in found:
            if flag.complaint_id in told:
                _announce(flag, told[flag.complaint_id], earlier)
    return len(found)
