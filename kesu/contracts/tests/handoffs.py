"""Who each row of the contract tables hands the record to (seed 002 §3–§4; merged by
kesu/notifications/tests/test_every_table.py). Written out from the seed, not read from the tables."""

from __future__ import annotations

from kesu.accounts.roles import Role as R

OWNER = "owner"
NOBODY = None
OPEN = ("draft", "reviewing", "gm_decision", "approval")

# 002 §3.2: the six departments answer in parallel (sales's own answer by the review's salesperson); §3.1.4 sales
# concludes; §3.3 the GM decides what sales cannot resolve; §4.3 the GM approves (here a formal contract).
REVIEWS: dict[tuple[str, str], object] = {
    ("submit", "draft"): [("sign_off_engineering", (R.ENGINEERING,)), ("sign_off_purchasing", (R.PURCHASING,)),
                          ("sign_off_production", (R.PRODUCTION,)), ("sign_off_qa", (R.QA,)),
                          ("sign_off_finance", (R.FINANCE,)), ("sign_off_sales", OWNER)],
    ("self_review", "draft"): NOBODY,
    # The last department answered: sales concludes.
    ("sign_off", "reviewing"): ("conclude", OWNER),
    # A "cannot meet" settled with the customer (§3.1.3): engineering, which could not meet it, answers again.
    ("agree_change", "reviewing"): ("sign_off_engineering", (R.ENGINEERING,)),
    ("accept", "reviewing"): ("approve", (R.GM,)),
    ("accept_with_changes", "reviewing"): ("approve", (R.GM,)),
    ("decline", "reviewing"): NOBODY,
    ("refer_to_gm", "reviewing"): ("decide", (R.GM,)),
    ("gm_accept", "gm_decision"): NOBODY,
    ("gm_decline", "gm_decision"): NOBODY,
    ("approve", "approval"): NOBODY,
    ("return", "approval"): ("conclude", OWNER),
    **{("cancel", s): NOBODY for s in OPEN},
}
# 合同变更通知单: re-reviewed by the affected departments (here production and purchasing), sent by sales to the
# departments concerned (production, QA and sales), each confirming receipt; the last confirmation closes it.
CHANGES: dict[tuple[str, str], object] = {
    ("submit", "draft"): [("review_change_production", (R.PRODUCTION,)),
                          ("review_change_purchasing", (R.PURCHASING,))],
    ("sign_off", "reviewing"): ("issue", OWNER),
    ("issue", "reviewing"): [("confirm_production", (R.PRODUCTION,)), ("confirm_qa", (R.QA,)),
                             ("confirm_sales", OWNER)],
    ("confirm", "notified"): ("confirm_qa", (R.QA,)),
    ("close", "notified"): NOBODY,
    ("withdraw", "draft"): NOBODY,
    ("withdraw", "reviewing"): NOBODY,
}

# 顾客需求管理程序 §3, §5: the production notice goes to engineering (capability), the warehouse (here purchasing:
# materials) and production (capacity); the planner (the OWNER) draws up the plan, the vice GM approves it, the
# planner gets the customer's confirmation and distributes it; four departments sign for it.
CHECKS = [("check_engineering", (R.ENGINEERING,)), ("check_purchasing", (R.PURCHASING,)),
          ("check_production", (R.PRODUCTION,))]
PLANS: dict[tuple[str, str], object] = {
    ("issue_notice", "draft"): CHECKS,
    ("check", "checking"): ("propose", OWNER),
    ("propose", "checking"): ("approve_plan", (R.VICE_GM,)),
    ("approve", "approval"): ("customer_confirms", OWNER),
    ("return", "approval"): CHECKS,
    ("customer_confirms", "customer"): [("sign_for_engineering", (R.ENGINEERING,)),
                                        ("sign_for_purchasing", (R.PURCHASING,)),
                                        ("sign_for_production", (R.PRODUCTION,)), ("sign_for_qa", (R.QA,))],
    ("sign_for", "distributed"): ("sign_for_qa", (R.QA,)),
    ("close", "distributed"): NOBODY,
    **{("cancel", s): NOBODY for s in ("draft", "checking", "approval", "customer")},
}

EXPECTED = {"contracts.review": REVIEWS, "contracts.change": CHANGES, "contracts.plan": PLANS}
