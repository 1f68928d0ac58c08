"""Who each row of the customer property tables hands the record to (merged into
kesu.notifications.tests.test_every_table). Written from seed 000 §4.4 and issue 19, not read from the code.

(step, from status) → (the action the record then waits for, OWNER or the roles whose people take it in the record's
department), or None when the record waits for no one.
"""

from kesu.accounts.roles import Role as R

OWNER = "owner"
NOBODY = None

# A ledger item waits for no one after its own steps: loans and damage reports carry the work (a gauge waits for its
# calibration only once the reminder job flags it, which no step here does).
ITEMS = {
    ("put_in_use", "received"): NOBODY,
    **{("lend", s): NOBODY for s in ("received", "in_use")},
    ("take_back", "on_loan"): NOBODY,
    **{("mark_damaged", s): NOBODY for s in ("received", "in_use", "on_loan")},
    **{("mark_lost", s): NOBODY for s in ("received", "in_use", "on_loan", "damaged")},
    ("repaired", "damaged"): NOBODY,
    ("found", "lost"): NOBODY,
    **{("return_to_customer", s): NOBODY for s in ("received", "in_use", "damaged")},
    **{("scrap", s): NOBODY for s in ("received", "in_use", "damaged")},
}
# Seed 000 §4.4.2: sales approves → the keeping department (here production, which keeps moulds) issues → the
# borrower (OWNER) brings it back.
LOANS = {
    ("approve", "requested"): ("issue", (R.PRODUCTION,)),
    ("reject", "requested"): NOBODY,
    ("issue", "approved"): ("return", OWNER),
    ("return", "issued"): NOBODY,
    ("cancel", "requested"): NOBODY,
    ("cancel", "approved"): NOBODY,
}
# Seed 000 §4.4.3: the keeper remedies → the customer's salesperson (OWNER) notifies the customer and records the
# answer → finance books the cost.
DAMAGE = {
    ("record_remedy", "reported"): ("notify_customer", OWNER),
    ("notify_customer", "remedied"): ("record_answer", OWNER),
    ("record_answer", "notified"): ("book_cost", (R.FINANCE,)),
    ("book_cost", "answered"): NOBODY,
    ("close_without_cost", "answered"): NOBODY,
}
# Issue 19 §2: a recalled copy waits for its holding department (here production) to confirm.
COPIES = {
    ("recall", "issued"): ("confirm_recall", (R.PRODUCTION,)),
    ("confirm_returned", "recalling"): NOBODY,
    ("confirm_destroyed", "recalling"): NOBODY,
}

# Issue 19 §5: closing the check leaves nothing waiting (its differences are damage reports, which carry the work).
INVENTORY = {
    ("close", "open"): NOBODY,
}

EXPECTED = {
    "property.item": ITEMS,
    "property.loan": LOANS,
    "property.damage": DAMAGE,
    "property.copy": COPIES,
    "property.inventory": INVENTORY,
}
