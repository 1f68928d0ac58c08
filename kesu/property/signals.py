"""Signals of customer property, always sent after commit (the receivers tell people)."""

from django.dispatch import Signal

# item, actor
item_created = Signal()
# item, name, old_status, new_status, actor, note
item_transitioned = Signal()
# loan, name, old_status, new_status, actor, note
loan_transitioned = Signal()
# report, name, old_status, new_status, actor, note
damage_transitioned = Signal()
# copy, name, old_status, new_status, actor, note
copy_transitioned = Signal()
# record (a loan or an item), kind ("reminded", "escalated", "calibration")
property_due = Signal()
# check (an InventoryCheck just started), actor
inventory_started = Signal()
# check, name, old_status, new_status, actor, note (an inventory check moved by its table)
inventory_transitioned = Signal()
