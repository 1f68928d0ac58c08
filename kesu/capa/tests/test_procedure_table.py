"""The corrective-action and nonconformance tables say what the procedure says (issue 25 §2).

Written out here again from seed 001 / design §3 (8D and CAPA: the department plans, QA approves — never its own
plan —, the department implements, QA verifies and judges effectiveness, closure needs prevention recorded) and
the nonconformance report rules, independently of ``capa/workflow.py``."""

from __future__ import annotations

import pytest

from kesu.accounts.roles import Role
from kesu.capa.workflow import NCR_TABLE, TABLE

ANY_DEPARTMENT = {Role.AFTER_SALES, Role.ENGINEERING, Role.PRODUCTION, Role.PURCHASING, Role.QA, Role.SALESPERSON,
                  Role.SALES_ASSISTANT, Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR}
QA = {Role.QA}

# name: (target, sources, required fields, roles, rule checks)
ACTION = {
    "submit_plan": ("plan_submitted", {"planning"}, set(), ANY_DEPARTMENT, {"in_department", "plan_complete"}),
    "approve_plan": ("implementing", {"plan_submitted"}, set(), QA, {"not_own_plan"}),
    "return_plan": ("planning", {"plan_submitted"}, {"reason"}, QA, set()),
    "report_implemented": ("implemented", {"implementing"}, set(), ANY_DEPARTMENT,
                           {"in_department", "items_implemented"}),
    "verify": ("effectiveness", {"implemented"}, set(), QA, {"items_validated"}),
    "reject_implementation": ("implementing", {"implemented"}, {"reason"}, QA, set()),
    "close": ("closed", {"effectiveness"}, set(), QA, {"prevention_recorded", "effective"}),
    "not_effective": ("planning", {"effectiveness"}, {"reason"}, QA, set()),
    "cancel": ("cancelled", {"planning", "plan_submitted", "implementing", "implemented", "effectiveness"},
               {"reason"}, {Role.QA, Role.GM}, set()),
}

NCR = {
    # The responsible department answers; QA verifies or returns the answer (not its own), or cancels with a reason.
    "answer": ("answered", {"issued"}, set(), ANY_DEPARTMENT, {"in_responsible_department", "answer_complete"}),
    "verify": ("verified", {"answered"}, set(), QA, {"not_own_answer"}),
    "return": ("issued", {"answered"}, set(), QA, {"not_own_answer", "return_reason_given"}),
    "cancel": ("cancelled", {"issued", "answered"}, set(), QA, {"cancel_reason_given"}),
}


def _rows(table):
    return {row.name: row for row in table.rows}


@pytest.mark.parametrize(("table", "procedure"), [(TABLE, ACTION), (NCR_TABLE, NCR)], ids=["action", "ncr"])
def test_the_table_has_exactly_the_steps_of_the_procedure(table, procedure):
    assert set(_rows(table)) == set(procedure)


CASES = [("action", name) for name in ACTION] + [("ncr", name) for name in NCR]


@pytest.mark.parametrize(("which", "name"), CASES, ids=[f"{w}-{n}" for w, n in CASES])
def test_each_step_is_as_the_procedure_says(which, name):
    table, procedure = {"action": (TABLE, ACTION), "ncr": (NCR_TABLE, NCR)}[which]
    row = _rows(table)[name]
    target, sources, fields, roles, checks = procedure[name]
    assert str(row.target) == target
    assert {str(s) for s in row.sources} == sources
    assert set(row.required) == fields
    assert {str(r) for r in row.roles} == {str(r) for r in roles}
    assert set(row.checks) == checks
