"""The rules of a workflow table itself, on small tables made here (design §12: every workflow runs on one
runner; issue 16 §5: a page offers only the steps the runner would take): how a table is checked when it is
declared, how it names and labels its steps, its refusal wording, the dry run (who may be offered what now)
and segregation of duties (design §11 "Approvals": nobody approves a proposal they made)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass

import pytest

from kesu.accounts.roles import Role
from kesu.core.tests.test_workflow_runner import Person
from kesu.core.workflow import DEFAULT_TEXTS, OWN_PROPOSAL, Table, Transition, refuse_own_proposal

SALES = frozenset({Role.SALESPERSON})
GM = frozenset({Role.GM})


@dataclass
class Record:
    status: str
    company_id: int = 1
    filled: bool = True
    mine: bool = False


def row(name, sources, target="done", roles=SALES, **kwargs) -> Transition:
    return Transition(name, tuple(sources), target, roles, f"label of {name}", **kwargs)


def names(rows) -> list[str]:
    return [r.name for r in rows]


# -- declaring a table -----------------------------------------------------------------------------------------


def test_a_table_with_two_rows_for_the_same_step_from_the_same_status_is_refused():
    with pytest.raises(RuntimeError, match="duplicate transition"):
        Table((row("submit", ["draft"]), row("submit", ["returned", "draft"])), {})


def test_the_same_step_may_leave_from_several_statuses_in_several_rows():
    table = Table((row("submit", ["draft"], target="a"), row("submit", ["returned"], target="b")), {})
    assert table.get("draft", "submit").target == "a"
    assert table.get("returned", "submit").target == "b"
    assert table.get("done", "submit") is None
    assert table.get("draft", "approve") is None


def test_a_row_naming_a_check_the_table_does_not_have_is_refused():
    with pytest.raises(RuntimeError, match="unknown check filled in submit"):
        Table((row("submit", ["draft"], checks=("filled",)),), {"other": lambda *a: None})


def test_a_dry_check_the_table_does_not_have_is_refused():
    with pytest.raises(RuntimeError, match="unknown dry checks"):
        Table((), {"filled": lambda *a: None}, dry_checks=frozenset({"filed"}))


def test_a_table_may_replace_each_known_refusal_text_but_no_other():
    Table((), {}, texts=dict.fromkeys(DEFAULT_TEXTS, "x"))
    with pytest.raises(RuntimeError, match="unknown refusal texts"):
        Table((), {}, texts={"wrong_rol": "typo"})


def typed(text: str) -> str:
    """The same text as a new string object, as a name or status read from a request or the database is."""
    return "".join(list(text))


def test_a_table_knows_its_steps_by_name_and_labels_them_by_their_first_row():
    table = Table((Transition("submit", ("draft",), "s", SALES, "First label"),
                   Transition("submit", ("returned",), "s", SALES, "Second label"),
                   Transition("approve", ("s",), "a", GM, "Approve")), {})
    assert table.names == frozenset({"submit", "approve"})
    assert table.label(typed("submit")) == "First label"
    assert table.label("approve") == "Approve"
    assert table.label("fly") == "fly"  # no such step: its name


def test_a_table_says_its_own_refusal_words_and_the_default_ones_for_the_rest():
    table = Table((), {}, texts={"stale": "Reload, please.", "wrong_role": ""})
    assert table.text("stale") == "Reload, please."
    assert table.text("wrong_role") == DEFAULT_TEXTS["wrong_role"]  # an empty wording is no wording
    assert table.text("unknown") == DEFAULT_TEXTS["unknown"]


def test_a_row_cannot_be_changed_once_declared():
    step = row("submit", ["draft"])
    with pytest.raises(FrozenInstanceError):
        step.target = "approved"


def test_a_step_offers_the_roles_of_its_row_unless_the_row_says_otherwise():
    step = row("submit", ["draft"], roles=GM)
    assert step.allowed_roles(Record("draft")) == GM
    assert step.action == "submit"


# -- the dry run: what a page offers ----------------------------------------------------------------------------


def filled(obj, inputs, actor):
    return None if obj.filled else ("analysis", "Write the analysis first.")


def not_mine(obj, inputs, actor):
    return ("", "Someone else approves it.") if obj.mine else None


def never(obj, inputs, actor):
    return ("", "never on a dry run")


TABLE = Table((
    row("submit", ["draft"], target="submitted", checks=("filled",)),
    row("withdraw", ["draft", "submitted"], target="withdrawn", checks=("not_mine", "filled")),
    row("approve", ["submitted"], target="approved", roles=GM, checks=("never", "not_mine")),
), {"filled": filled, "not_mine": not_mine, "never": never}, dry_checks=frozenset({"filled", "not_mine"}))


def test_the_dry_run_lists_the_steps_in_the_order_of_the_table():
    assert names(TABLE.allowed(Record(typed("draft")), Person(Role.SALESPERSON))) == ["submit", "withdraw"]
    assert names(TABLE.available(Record("submitted"), Person(Role.SALESPERSON))) == ["withdraw"]


def test_the_dry_run_offers_a_superuser_every_step_of_any_company():
    boss = Person(Role.FINANCE, company_ids=set(), is_superuser=True)
    assert names(TABLE.allowed(Record("submitted", company_id=9), boss)) == ["withdraw", "approve"]


def test_the_dry_run_offers_nothing_outside_the_users_companies_and_nothing_to_a_visitor():
    assert TABLE.allowed(Record("draft", company_id=2), Person(Role.SALESPERSON)) == []
    assert TABLE.allowed(Record("draft", company_id=2), Person(Role.SALESPERSON, company_ids={1, 2})) != []
    assert TABLE.allowed(Record("draft"), Person(Role.SALESPERSON, is_authenticated=False)) == []
    assert TABLE.allowed(Record("draft"), None) == []
    assert TABLE.offer(Record("draft"), None) == ([], [])


@dataclass
class Contact:
    """Someone who is no signed-in user at all (a customer's contact answering by link)."""

    role: str = Role.SALESPERSON

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def visible_company_ids(self) -> set[int]:
        return {1}


def test_the_dry_run_offers_nothing_to_someone_who_is_not_a_signed_in_user():
    assert TABLE.allowed(Record("draft"), Contact()) == []


def test_a_page_offers_a_step_whose_dry_checks_pass_and_says_why_the_others_are_not_offered():
    offered, refused = TABLE.offer(Record("draft", filled=False), Person(Role.SALESPERSON))
    assert names(offered) == []
    assert [(r.name, message) for r, message in refused] == [
        ("submit", "Write the analysis first."), ("withdraw", "Write the analysis first.")]

    offered, refused = TABLE.offer(Record("draft"), Person(Role.SALESPERSON))
    assert names(offered) == ["submit", "withdraw"] and refused == []


def test_a_page_says_the_first_dry_check_that_refuses_and_judges_no_further():
    offered, refused = TABLE.offer(Record("submitted", mine=True), Person(Role.SALESPERSON))
    assert offered == []
    assert [(r.name, message) for r, message in refused] == [("withdraw", "Someone else approves it.")]


def test_a_check_that_needs_the_steps_inputs_is_judged_only_on_submit():
    offered, refused = TABLE.offer(Record("submitted"), Person(Role.GM))
    assert names(offered) == ["approve"] and refused == []
    offered, refused = TABLE.offer(Record("submitted", mine=True), Person(Role.GM))
    assert offered == [] and [(r.name, m) for r, m in refused] == [("approve", "Someone else approves it.")]


def test_a_table_with_a_dry_context_gives_its_checks_that_context_on_the_dry_run():
    seen = []

    def check(obj, context):
        seen.append(context)
        return ("", "over the limit") if context["amount"] > 100 else None

    def context_of(obj, user):
        return {"amount": 150 if user.role == Role.SALESPERSON else 100}

    table = Table((row("approve", ["draft"], roles=frozenset({Role.SALESPERSON, Role.GM}), checks=("limit",)),),
                  {"limit": check}, dry_checks=frozenset({"limit"}), dry_context=context_of)
    offered, refused = table.offer(Record("draft"), Person(Role.SALESPERSON))
    assert offered == [] and [m for _r, m in refused] == ["over the limit"]
    offered, refused = table.offer(Record("draft"), Person(Role.GM))  # exactly the limit: allowed
    assert names(offered) == ["approve"] and refused == []
    assert seen == [{"amount": 150}, {"amount": 100}]


def test_without_a_dry_context_a_dry_check_gets_no_inputs_and_the_user():
    seen = []

    def check(obj, inputs, actor):
        seen.append((obj.status, inputs, actor.role))
        return None

    table = Table((row("submit", ["draft"], checks=("who",)),), {"who": check}, dry_checks=frozenset({"who"}))
    table.offer(Record("draft"), Person(Role.SALESPERSON))
    assert seen == [("draft", {}, Role.SALESPERSON)]


# -- segregation of duties -------------------------------------------------------------------------------------


def test_nobody_approves_a_proposal_they_made():
    assert refuse_own_proposal(Person(Role.GM, pk=7), 7) == ("", OWN_PROPOSAL)


def test_someone_else_approves_a_proposal():
    assert refuse_own_proposal(Person(Role.GM, pk=8), 7) is None
    assert refuse_own_proposal(Person(Role.GM, pk=6), 7) is None


def test_the_proposer_is_told_by_their_id_whatever_object_holds_it():
    proposer_id = int("1234567")  # read from the database: an equal number, not the same object
    assert refuse_own_proposal(Person(Role.GM, pk=int("1234567")), proposer_id) == ("", OWN_PROPOSAL)


def test_a_proposal_nobody_is_recorded_as_having_made_can_be_approved_by_anyone():
    assert refuse_own_proposal(Person(Role.GM, pk=7), None) is None


def test_the_system_is_never_refused_as_the_proposer():
    assert refuse_own_proposal(None, 7) is None
    assert refuse_own_proposal(None, None) is None
