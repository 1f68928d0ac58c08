"""The complaint table says what the procedure says (issue 25 §2): compared with the procedure written out again
in ``procedure.py`` from seed 004 and the design, so a wrong target, a lost required field or a role added to a
step fails here even when the runner follows the table faithfully."""

from __future__ import annotations

import pytest

from kesu.complaints.tests.procedure import PROCEDURE
from kesu.complaints.workflow import TRANSITIONS


def test_the_table_has_exactly_the_steps_of_the_procedure_from_the_states_the_procedure_allows():
    expected = {(source, action) for action, (_t, sources, _f, _r) in PROCEDURE.items() for source in sources}
    assert set(TRANSITIONS) - expected == set(), "steps the procedure does not have"
    assert expected - set(TRANSITIONS) == set(), "steps of the procedure the table lacks"


@pytest.mark.parametrize("key", sorted(TRANSITIONS), ids=[f"{s}-{a}" for s, a in sorted(TRANSITIONS)])
def test_each_step_leads_where_the_procedure_says_asks_for_what_it_needs_and_is_taken_by_its_people(key):
    source, action = key
    target, _sources, fields, roles = PROCEDURE[action]
    row = TRANSITIONS[key]
    assert (row.target or source) == (target or source)
    assert set(row.required) == fields
    assert {str(r) for r in row.roles} == {str(r) for r in roles}
