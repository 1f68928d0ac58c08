"""One runner, one status-change shape and one registry for every workflow table of the project (issue 16 §0)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import models
from django.utils import translation

from kesu.accounts.roles import Role
from kesu.core.models import StatusChangeBase
from kesu.core.services import TransitionRefused
from kesu.core.workflow import Table, Transition, tables

EVERY_TABLE = (
    "complaints.complaint", "capa.action", "claims.claim", "claims.supplier_claim",
    "reports.department_report.marketing", "reports.department_report.after_sales", "capa.ncr",
)


def test_every_workflow_of_the_project_is_in_the_one_registry():
    assert set(EVERY_TABLE) <= set(tables())


@pytest.mark.parametrize("key", EVERY_TABLE)
def test_every_table_is_read_the_same_way_whatever_app_it_belongs_to(key):
    entry = tables()[key]
    statuses = {value for value, _label in entry.model._meta.get_field("status").choices}
    assert entry.model._meta.get_field("version")
    for row in entry.table.rows:
        assert isinstance(row, Transition)
        assert row.action == row.name and str(row.label)
        assert set(row.sources) <= statuses and (row.target is None or row.target in statuses), row.name
        assert row.roles and set(row.roles) <= set(Role.values), row.name
        assert isinstance(row.required, tuple) and isinstance(row.optional, tuple)
        assert set(row.checks) <= set(entry.table.checks), row.name
    for name, value in entry.where.items():
        assert entry.model.objects.filter(**{name: value}).query  # a real field of the model


@pytest.mark.parametrize("key", EVERY_TABLE)
def test_every_table_records_its_moves_in_a_status_change_row_of_the_one_shape(key):
    entry = tables()[key]
    changes = entry.changes
    assert issubclass(changes, StatusChangeBase)
    link = changes._meta.get_field(changes.RECORD_FIELD)
    assert isinstance(link, models.ForeignKey) and link.related_model is entry.model
    for name in ("company", "name", "old_status", "new_status", "actor", "note", "at"):
        assert changes._meta.get_field(name)
    assert changes._meta.get_field("old_status").blank


# -- the dry run: what a page may offer -----------------------------------------------------------------------


@dataclass
class Person:
    """A user as the dry run sees one (test_workflow_rules_table.py uses it too)."""

    role: str
    company_ids: set[int] = field(default_factory=lambda: {1})
    is_authenticated: bool = True
    is_superuser: bool = False
    pk: int = 7

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or self.role in roles

    def visible_company_ids(self) -> set[int]:
        return self.company_ids


@dataclass
class Record:
    status: str
    company_id: int = 1
    escalated: bool = False


@dataclass(frozen=True)
class QaOnceEscalated(Transition):
    def allowed_roles(self, obj) -> frozenset[str]:
        return frozenset({Role.QA}) if obj.escalated else self.roles


TABLE = Table((
    Transition("submit", ("draft",), "submitted", frozenset({Role.SALESPERSON}), "submit"),
    QaOnceEscalated("propose", ("draft", "submitted"), "proposed", frozenset({Role.SALESPERSON}), "propose"),
    Transition("approve", ("submitted",), "approved", frozenset({Role.GM}), "approve", checks=("never",)),
), {"never": lambda obj, inputs, actor: ("", "never")})


def names(rows) -> list[str]:
    return [row.name for row in rows]


def test_the_dry_run_offers_the_rows_of_the_records_state_that_the_users_role_may_take():
    assert names(TABLE.allowed(Record("draft"), Person(Role.SALESPERSON))) == ["submit", "propose"]
    assert names(TABLE.allowed(Record("submitted"), Person(Role.GM))) == ["approve"]  # checks wait for the submit
    assert names(TABLE.allowed(Record("submitted"), Person(Role.SALESPERSON))) == ["propose"]


def test_the_dry_run_asks_the_row_for_roles_that_depend_on_the_record():
    assert names(TABLE.allowed(Record("draft", escalated=True), Person(Role.SALESPERSON))) == ["submit"]
    assert names(TABLE.allowed(Record("draft", escalated=True), Person(Role.QA))) == ["propose"]


def test_the_dry_run_offers_nothing_to_another_company_or_to_nobody():
    assert TABLE.allowed(Record("draft", company_id=2), Person(Role.SALESPERSON)) == []
    assert TABLE.allowed(Record("draft"), Person(Role.SALESPERSON, is_authenticated=False)) == []
    assert TABLE.allowed(Record("draft"), None) == []


def test_a_table_refuses_refusal_wording_it_does_not_know():
    with pytest.raises(RuntimeError):
        Table((), {}, texts={"wrong_rol": "typo"})


# -- the runner's hooks, on real tables -----------------------------------------------------------------------


@pytest.fixture
def people(company_a):
    from kesu.complaints.tests.factories import People

    return People(company_a)


def test_a_claims_status_change_row_now_belongs_to_the_claims_company(people, english):
    from kesu.claims.models import ClaimChange
    from kesu.claims.tests.factories import act, new_claim

    claim = act(new_claim(people), "submit", people, Role.SALESPERSON, note="齐全")

    rows = list(ClaimChange.objects.filter(claim=claim).values_list("company_id", "name", "old_status", "note"))
    assert rows == [(people.company.pk, "create", "", ""), (people.company.pk, "submit", "collecting", "齐全")]
    assert ClaimChange.objects.visible_to(people[Role.SALESPERSON]).filter(claim=claim).count() == 2


def test_a_complaint_refused_on_the_core_runner_keeps_its_own_words_in_chinese(people):
    from kesu.complaints.services import complaint_transition
    from kesu.complaints.tests.factories import create_complaint

    complaint = create_complaint(people[Role.SALESPERSON], people.company)
    with translation.override("zh-hans"), pytest.raises(TransitionRefused) as refused:
        complaint_transition(actor=people[Role.QA], complaint=complaint, action="acknowledge", channel="phone")
    assert refused.value.code == TransitionRefused.WRONG_ROLE
    assert refused.value.message.startswith("只有这些角色可以执行“向顾客确认收到”：")


def test_a_status_change_row_names_its_record_whatever_its_foreign_key_is_called(people, english):
    from kesu.capa.models import ActionChange
    from kesu.capa.tests.factories import raise_action

    action = raise_action(people)

    change = ActionChange.objects.get(action=action)
    assert (change.record, change.name, change.old_status, change.new_status) == (action, "raise", "", "planning")
