"""Changes that move a complaint rollup's figures are noted in the writer's transaction (issue 24 §5), so a month
with a change waiting is counted live until the worker has rebuilt it (:mod:`.services.rollups`)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from kesu.accounts.models import Company
from kesu.complaints.models import Complaint, DispositionLine
from kesu.core.audit import loaded_snapshot
from kesu.customers.models import Shipment
from kesu.prevention.models import RepeatFlag

from .services.rollups import forget_time_zone, rollup_changed, rollup_months_changed

# The complaint's columns a rollup row is keyed by or adds up (the closure and first-response rollups included).
COUNTED_FIELDS = ("company_id", "received_at", "status", "customer_id", "part_id", "category_id", "responsibility",
                  "quantity_defective", "reopen_count", "closed_at", "first_response_at")
_NAMES = frozenset(COUNTED_FIELDS) | {name.removesuffix("_id") for name in COUNTED_FIELDS}


@receiver(pre_save, sender=Complaint, dispatch_uid="reports_rollup_complaint_before")
def _complaint_before(sender, instance: Complaint, raw=False, update_fields=None, **kwargs) -> None:
    instance._rollup_old = None
    if raw or (update_fields is not None and not _NAMES & set(update_fields)):
        instance._rollup_changed = False
        return
    loaded = None if instance._state.adding else loaded_snapshot(instance)
    if loaded is not None and all(name in loaded and loaded[name] == getattr(instance, name)
                                  for name in COUNTED_FIELDS):
        instance._rollup_changed = False
        return
    instance._rollup_changed = True
    if loaded is not None:
        instance._rollup_old = (loaded.get("company_id"), loaded.get("received_at"))


@receiver(post_save, sender=Complaint, dispatch_uid="reports_rollup_complaint_saved")
def _complaint_saved(sender, instance: Complaint, raw=False, **kwargs) -> None:
    if raw or not getattr(instance, "_rollup_changed", True):
        return
    old = getattr(instance, "_rollup_old", None)
    if old and old[0] and old[0] != instance.company_id:
        rollup_changed(old[0], old[1])
        old = None
    rollup_changed(instance.company_id, instance.received_at, old[1] if old else None)


@receiver(post_delete, sender=Complaint, dispatch_uid="reports_rollup_complaint_deleted")
def _complaint_deleted(sender, instance: Complaint, **kwargs) -> None:
    rollup_changed(instance.company_id, instance.received_at)


def _child_changed(instance) -> None:
    complaint = instance._state.fields_cache.get("complaint")
    if complaint is not None:
        rollup_changed(complaint.company_id, complaint.received_at)
        return
    found = Complaint.objects.filter(pk=instance.complaint_id).values_list("company_id", "received_at").first()
    if found:
        rollup_changed(*found)


@receiver(post_save, sender=DispositionLine, dispatch_uid="reports_rollup_disposition_saved")
@receiver(post_delete, sender=DispositionLine, dispatch_uid="reports_rollup_disposition_deleted")
@receiver(post_save, sender=RepeatFlag, dispatch_uid="reports_rollup_repeat_saved")
@receiver(post_delete, sender=RepeatFlag, dispatch_uid="reports_rollup_repeat_deleted")
def _child_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _child_changed(instance)


# The shipment line's columns the shipment rollup is keyed by or adds up.
SHIPMENT_FIELDS = ("company_id", "customer_id", "currency", "quantity", "ship_date", "due_date", "receipt_date",
                   "extra_freight_cost")


@receiver(pre_save, sender=Shipment, dispatch_uid="reports_rollup_shipment_before")
def _shipment_before(sender, instance: Shipment, raw=False, **kwargs) -> None:
    instance._rollup_old = None
    if raw or instance._state.adding:
        return
    loaded = loaded_snapshot(instance)
    if loaded is None:  # loaded in part, or made by hand: the months it was in are read
        instance._rollup_old = Shipment.objects.filter(pk=instance.pk).values_list(
            "company_id", "ship_date", "due_date").first()
    elif all(loaded.get(name) == getattr(instance, name) for name in SHIPMENT_FIELDS):
        instance._rollup_old = ()  # nothing counted moved
    else:
        instance._rollup_old = (loaded.get("company_id"), loaded.get("ship_date"), loaded.get("due_date"))


@receiver(post_save, sender=Shipment, dispatch_uid="reports_rollup_shipment_saved")
def _shipment_saved(sender, instance: Shipment, raw=False, **kwargs) -> None:
    old = getattr(instance, "_rollup_old", None)
    if raw or old == ():
        return
    if old and old[0] is not None:
        rollup_months_changed(old[0], old[1], old[2])
    rollup_months_changed(instance.company_id, instance.ship_date, instance.due_date)


@receiver(post_delete, sender=Shipment, dispatch_uid="reports_rollup_shipment_deleted")
def _shipment_deleted(sender, instance: Shipment, **kwargs) -> None:
    rollup_months_changed(instance.company_id, instance.ship_date, instance.due_date)


@receiver(post_save, sender=Company, dispatch_uid="reports_rollup_company_saved")
def _company_saved(sender, instance: Company, **kwargs) -> None:
    forget_time_zone(instance.pk)
