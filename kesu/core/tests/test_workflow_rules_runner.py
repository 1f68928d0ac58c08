"""The rules of the one workflow runner (design §12: all workflows run on one runner with one status-change record;
conventions habit 3: a step is one transaction, and a refused step changes nothing), stated on small tables made
here and applied to a service plan (any record with a company, a status and a version would do).

In the order the runner judges them: the step exists; the actor sees the company; nobody changed the record
meanwhile; the step leaves the record's status; the actor's role may take it; no input the step does not take;
every required input given; the step's own checks, first refusal wins. Then the status moves, the version goes
up by one, one status-change row is written, and the audit trail names the actor and the channel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError, dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.core import workflow
from kesu.core.models import AuditEntry
from kesu.core.services import TransitionRefused
from kesu.core.workflow import Table, Transition, run_transition
from kesu.service.models import PlanChange, ServicePlan

SALES = frozenset({Role.SALESPERSON})
GM = frozenset({Role.GM})
LABELS = {"reason": "reason for returning", "note": "note", "ranking_note": "how the top customers were found"}


@dataclass(frozen=True)
class GmOnceRanked(Transition):
    """A row whose roles depend on the record (as a complaint escalated to QA is QA's)."""

    def allowed_roles(self, obj) -> frozenset[str]:
        return GM if obj.ranking_note == "ranked by the GM" else self.roles


def _ok(obj, inputs, actor):
    return None


ROWS = (
    Transition("submit", ("draft",), "submitted", SALES, "Submit the plan", optional=("note",)),
    Transition("approve", ("submitted",), "approved", GM, "Approve the plan", optional=("note", "reason")),
    Transition("return", ("submitted", "approved"), "draft", GM, "Return the plan", required=("reason",),
               optional=("note",)),
    Transition("comment", ("submitted",), None, SALES | GM, "Comment on the plan", required=("note",)),
    GmOnceRanked("rank", ("draft",), None, SALES, "Rank the customers", optional=("note",)),
)
TABLE = Table(ROWS, {"ok": _ok})


@pytest.fixture
def people(company_a, english):
    return People(company_a)


@pytest.fixture
def plan(company_a):
    return ServicePlan.objects.create(company=company_a, year=2027)


def run(plan, name, actor, table=TABLE, inputs=None, **kwargs):
    kwargs.setdefault("effects", lambda *args: None)
    return run_transition(table=table, obj=plan, name=name, actor=actor, inputs=inputs or {}, noun="plan",
                          label_of=lambda key: LABELS.get(key, key), changes=PlanChange, **kwargs)


def in_db(plan) -> tuple[str, int]:
    fresh = ServicePlan.objects.get(pk=plan.pk)
    return fresh.status, fresh.version


def moves(plan) -> list[tuple]:
    return list(PlanChange.objects.filter(plan=plan).values_list("name", "old_status", "new_status", "actor_id",
                                                                 "note"))


def refused(plan, name, actor, **kwargs) -> TransitionRefused:
    before = in_db(plan), moves(plan)
    with pytest.raises(TransitionRefused) as caught:
        run(plan, name, actor, **kwargs)
    assert (in_db(plan), moves(plan)) == before  # a refused step changes nothing
    return caught.value


# -- a step taken ----------------------------------------------------------------------------------------------


def test_a_step_moves_the_status_raises_the_version_by_one_and_writes_one_status_change_row(people, plan):
    seller = people[Role.SALESPERSON]
    before = timezone.now()
    saved = run(plan, "submit", seller, inputs={"note": "齐全"})
    after = timezone.now()

    assert in_db(plan) == ("submitted", 1)
    assert (saved.status, saved.version) == ("submitted", 1)
    assert (plan.status, plan.version) == ("submitted", 1)  # the caller's record shows the step too
    assert moves(plan) == [("submit", "draft", "submitted", seller.pk, "齐全")]
    change = PlanChange.objects.get(plan=plan)
    assert change.company_id == plan.company_id and before <= change.at <= after


def test_a_step_without_a_target_keeps_the_status_and_is_still_recorded(people, plan):
    run(plan, "submit", people[Role.SALESPERSON])
    run(plan, "comment", people[Role.GM], inputs={"note": "月份再排"})

    assert in_db(plan) == ("submitted", 2)
    assert moves(plan)[1] == ("comment", "submitted", "submitted", people[Role.GM].pk, "月份再排")


def test_each_step_raises_the_version_by_exactly_one(people, plan):
    run(plan, "submit", people[Role.SALESPERSON])
    run(plan, "return", people[Role.GM], inputs={"reason": "缺少顾客"})
    run(plan, "submit", people[Role.SALESPERSON])
    assert in_db(plan) == ("submitted", 3)
    assert [m[:3] for m in moves(plan)] == [("submit", "draft", "submitted"), ("return", "submitted", "draft"),
                                            ("submit", "draft", "submitted")]


def test_the_system_takes_any_step_and_is_recorded_as_nobody(people, plan):
    run(plan, "rank", None, inputs={"note": "夜间作业"})
    run(plan, "submit", None)
    assert in_db(plan) == ("submitted", 2)
    assert [m[3] for m in moves(plan)] == [None, None]


def test_the_step_is_audited_as_the_actors_through_the_channel_it_came_by(people, plan):
    seller = people[Role.SALESPERSON]
    run(plan, "submit", seller, source="api")
    entry = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(ServicePlan),
                                      object_id=str(plan.pk), action="update").latest("id")
    assert (entry.actor_id, entry.source) == (seller.pk, "api")
    assert entry.changes["status"] == ["draft", "submitted"]


# -- the status-change row's note ------------------------------------------------------------------------------


def test_the_reason_is_the_note_of_the_move_before_any_other_note(people, plan):
    run(plan, "submit", people[Role.SALESPERSON])
    run(plan, "return", people[Role.GM], inputs={"reason": "缺少顾客", "note": "另附"})
    assert moves(plan)[-1][4] == "缺少顾客"


def test_without_a_reason_the_note_is_the_note_of_the_move(people, plan):
    run(plan, "submit", people[Role.SALESPERSON])
    run(plan, "approve", people[Role.GM], inputs={"reason": "", "note": "同意"})
    assert moves(plan)[-1][4] == "同意"


def test_a_move_given_no_note_has_an_empty_one(people, plan):
    run(plan, "submit", people[Role.SALESPERSON], inputs={"note": ""})
    assert moves(plan)[-1][4] == ""


def test_a_table_may_name_other_inputs_as_the_note(people, plan):
    table = Table(ROWS, {}, note_inputs=("note",))
    run(plan, "submit", people[Role.SALESPERSON], table=table)
    run(plan, "return", people[Role.GM], table=table, inputs={"reason": "缺少顾客", "note": "见附件"})
    assert moves(plan)[-1][4] == "见附件"


# -- refusals, in the order they are judged --------------------------------------------------------------------


def test_a_step_the_table_does_not_have_is_refused_as_unknown(people, plan):
    error = refused(plan, "fly", people[Role.SALESPERSON])
    assert (error.code, error.message) == (TransitionRefused.UNKNOWN_ACTION, "Unknown step “fly”.")


def test_a_user_of_another_company_is_refused_before_anything_is_said_about_the_record(people, plan, company_b):
    stranger = People(company_b)[Role.GM]
    with pytest.raises(PermissionDenied):
        run(plan, "approve", stranger)  # a draft: the wrong state would say more than the stranger may know
    assert in_db(plan) == ("draft", 0)


def test_a_superuser_of_another_company_may_take_the_step(people, plan, company_b, make_user):
    root = make_user(Role.ADMIN, company=company_b, username="root", is_superuser=True)
    run(plan, "submit", root)
    assert in_db(plan) == ("submitted", 1)


def test_a_record_changed_by_someone_else_meanwhile_is_refused_as_stale(people, plan):
    seen_by_the_user = ServicePlan.objects.get(pk=plan.pk)
    run(plan, "submit", people[Role.SALESPERSON])

    with pytest.raises(TransitionRefused) as caught:
        run(seen_by_the_user, "submit", people[Role.SALESPERSON])
    assert caught.value.code == TransitionRefused.STALE
    assert caught.value.message == ("Someone else changed this plan meanwhile (it is now “Submitted for "
                                    "approval”); reload it and try again.")
    assert in_db(plan) == ("submitted", 1) and len(moves(plan)) == 1


def test_a_step_given_the_version_the_user_saw_is_refused_when_the_record_has_moved_on(people, plan):
    run(plan, "rank", people[Role.SALESPERSON])  # same status, version 1
    with pytest.raises(TransitionRefused) as caught:
        run(plan, "submit", people[Role.SALESPERSON], expected_version=0)
    assert caught.value.code == TransitionRefused.STALE
    assert in_db(plan) == ("draft", 1)

    run(plan, "submit", people[Role.SALESPERSON], expected_version=1)  # the version the user saw: taken
    assert in_db(plan) == ("submitted", 2)


def test_a_step_given_a_version_the_record_never_had_is_refused(people, plan):
    with pytest.raises(TransitionRefused) as caught:
        run(plan, "submit", people[Role.SALESPERSON], expected_version=5)
    assert caught.value.code == TransitionRefused.STALE
    assert in_db(plan) == ("draft", 0)


def test_the_version_the_user_saw_is_compared_by_its_value(people, plan):
    ServicePlan.objects.filter(pk=plan.pk).update(version=1234567)
    plan.refresh_from_db()
    run(plan, "submit", people[Role.SALESPERSON], expected_version=int("1234567"))  # as read from a form
    assert in_db(plan) == ("submitted", 1234568)


def test_a_record_sent_back_meanwhile_is_refused_as_stale_not_as_a_wrong_state(people, plan):
    run(plan, "submit", people[Role.SALESPERSON])
    seen_by_the_gm = ServicePlan.objects.get(pk=plan.pk)  # submitted
    run(plan, "return", people.other(Role.GM), inputs={"reason": "缺少顾客"})  # now a draft again
    with pytest.raises(TransitionRefused) as caught:
        run(seen_by_the_gm, "approve", people[Role.GM])
    assert caught.value.code == TransitionRefused.STALE
    assert in_db(plan) == ("draft", 2)


def test_a_step_from_a_status_it_does_not_leave_is_refused_with_its_label(people, plan):
    error = refused(plan, "approve", people[Role.GM])
    assert error.code == TransitionRefused.WRONG_STATE
    assert error.message == "“Approve the plan” is not possible while the plan is “Draft”."


def test_a_role_the_row_does_not_name_is_refused(people, plan):
    error = refused(plan, "submit", people[Role.GM])
    assert (error.code, error.message) == (TransitionRefused.WRONG_ROLE, "Your role may not “Submit the plan”.")


def test_a_refusal_for_the_role_can_name_the_roles_that_may(people, plan):
    table = Table(ROWS, {}, texts={"wrong_role": "Only %(roles)s may “%(action)s”."})
    run(plan, "submit", people[Role.SALESPERSON], table=table)
    error = refused(plan, "comment", people[Role.QA], table=table)
    assert error.message == "Only General manager、Salesperson may “Comment on the plan”."


def test_the_roles_that_may_take_a_step_are_read_on_the_record(people, plan):
    ServicePlan.objects.filter(pk=plan.pk).update(ranking_note="ranked by the GM")
    assert refused(plan, "rank", people[Role.SALESPERSON]).code == TransitionRefused.WRONG_ROLE
    run(plan, "rank", people[Role.GM])
    assert in_db(plan) == ("draft", 1)


def test_an_input_the_step_does_not_take_is_refused_and_named(people, plan):
    error = refused(plan, "submit", people[Role.SALESPERSON], inputs={"reason": "x", "amount": 5, "note": "y"})
    assert (error.code, error.field) == (TransitionRefused.UNEXPECTED_FIELD, "amount")
    assert error.message == "“amount” cannot be given when you “Submit the plan”."


def test_an_input_a_row_names_both_required_and_optional_is_taken(people, plan):
    table = Table((Transition("comment", ("draft",), None, SALES, "Comment", required=("note",), optional=("note",)),),
                  {})
    run(plan, "comment", people[Role.SALESPERSON], table=table, inputs={"note": "月份再排"})
    assert moves(plan) == [("comment", "draft", "draft", people[Role.SALESPERSON].pk, "月份再排")]


def test_required_and_optional_inputs_are_both_taken(people, plan):
    run(plan, "submit", people[Role.SALESPERSON])
    run(plan, "return", people[Role.GM], inputs={"reason": "缺少顾客", "note": "另附"})
    assert in_db(plan) == ("draft", 2)


@pytest.mark.parametrize("blank", [None, "", "   \n", [], (), set()])
def test_a_required_input_left_blank_is_refused_and_named(people, plan, blank):
    run(plan, "submit", people[Role.SALESPERSON])
    before = in_db(plan)
    with pytest.raises(TransitionRefused) as caught:
        run(plan, "return", people[Role.GM], inputs={"reason": blank})
    assert (caught.value.code, caught.value.field) == (TransitionRefused.MISSING_FIELD, "reason")
    assert caught.value.message == "Reason for returning is required to “Return the plan”."
    assert in_db(plan) == before


def test_a_required_input_not_given_at_all_is_refused(people, plan):
    run(plan, "submit", people[Role.SALESPERSON])
    with pytest.raises(TransitionRefused) as caught:
        run(plan, "return", people[Role.GM])
    assert (caught.value.code, caught.value.field) == (TransitionRefused.MISSING_FIELD, "reason")


@pytest.mark.parametrize("given", ["x", 0, False, [""], ("a",), {"b"}])
def test_a_required_input_with_something_in_it_is_given(people, plan, given):
    run(plan, "submit", people[Role.SALESPERSON])
    run(plan, "return", people[Role.GM], inputs={"reason": given})
    assert in_db(plan) == ("draft", 2)


# -- the step's own checks -------------------------------------------------------------------------------------


def test_the_steps_checks_are_judged_in_order_and_the_first_refusal_is_said(people, plan):
    calls = []

    def first(obj, inputs, actor):
        calls.append(("first", obj.status, dict(inputs), actor.pk))
        return None

    def second(obj, inputs, actor):
        calls.append(("second",))
        return ("ranking_note", "Rank the customers first.")

    def third(obj, inputs, actor):
        calls.append(("third",))
        return ("", "never reached")

    rows = (Transition("submit", ("draft",), "submitted", SALES, "Submit", optional=("note",),
                       checks=("first", "second", "third")),)
    table = Table(rows, {"first": first, "second": second, "third": third})
    seller = people[Role.SALESPERSON]
    error = refused(plan, "submit", seller, table=table, inputs={"note": "n"})
    assert (error.code, error.field, error.message) == (TransitionRefused.PRECONDITION, "ranking_note",
                                                        "Rank the customers first.")
    assert calls == [("first", "draft", {"note": "n"}, seller.pk), ("second",)]


def test_a_step_whose_checks_all_pass_is_taken(people, plan):
    rows = (Transition("submit", ("draft",), "submitted", SALES, "Submit", checks=("ok", "ok")),)
    run(plan, "submit", people[Role.SALESPERSON], table=Table(rows, {"ok": _ok}))
    assert in_db(plan) == ("submitted", 1)


def test_a_table_that_prepares_its_checks_gives_them_what_it_prepared(people, plan):
    calls = []

    def prepare(obj, row, inputs, actor, now):
        calls.append(("prepare", obj.pk, row.name, dict(inputs), actor.pk, type(now)))
        return {"lines": 0}

    def has_lines(obj, context):
        calls.append(("check", obj.pk, context))
        return ("", "The plan has no customers.") if not context["lines"] else None

    rows = (Transition("submit", ("draft",), "submitted", SALES, "Submit", optional=("note",),
                       checks=("has_lines",)),)
    seller = people[Role.SALESPERSON]
    error = refused(plan, "submit", seller, table=Table(rows, {"has_lines": has_lines}), inputs={"note": "n"},
                    prepare=prepare)
    assert error.message == "The plan has no customers."
    assert calls == [("prepare", plan.pk, "submit", {"note": "n"}, seller.pk, dt.datetime),
                     ("check", plan.pk, {"lines": 0})]


def test_a_refused_check_leaves_the_record_as_it_was_even_when_fields_were_set(people, plan):
    def ranked(obj, inputs, actor):
        return None if obj.ranking_note == "top 5 by sales" else ("ranking_note", "Say how they were ranked.")

    table = Table((Transition("rank", ("draft",), None, SALES, "Rank", optional=("ranking_note",),
                              checks=("ranked",)),), {"ranked": ranked}, plain_inputs=frozenset({"note"}))
    error = refused(plan, "rank", people[Role.SALESPERSON], table=table, inputs={"ranking_note": "by hand"})
    assert error.field == "ranking_note"
    assert ServicePlan.objects.get(pk=plan.pk).ranking_note == ""

    run(plan, "rank", people[Role.SALESPERSON], table=table, inputs={"ranking_note": "top 5 by sales"})
    assert ServicePlan.objects.get(pk=plan.pk).ranking_note == "top 5 by sales"


# -- record fields as inputs (Table.plain_inputs) --------------------------------------------------------------

FIELDS = Table((
    Transition("rank", ("draft",), None, SALES, "Rank the customers", required=("ranking_note",),
               optional=("note",)),
    Transition("explain", ("draft",), None, SALES, "Explain", required=("note",), optional=("ranking_note",)),
), {}, plain_inputs=frozenset({"note"}))


def test_an_input_that_is_a_field_of_the_record_is_set_on_it_and_the_others_are_not(people, plan):
    run(plan, "rank", people[Role.SALESPERSON], table=FIELDS, inputs={"ranking_note": "上年销售额前五", "note": "n"})
    fresh = ServicePlan.objects.get(pk=plan.pk)
    assert fresh.ranking_note == "上年销售额前五" and not hasattr(fresh, "note")
    assert moves(plan) == [("rank", "draft", "draft", people[Role.SALESPERSON].pk, "n")]


def test_a_required_field_already_filled_in_on_the_record_need_not_be_given_again(people, plan):
    ServicePlan.objects.filter(pk=plan.pk).update(ranking_note="上年销售额前五")
    run(plan, "rank", people[Role.SALESPERSON], table=FIELDS)
    assert in_db(plan) == ("draft", 1)


def test_a_required_field_blank_on_the_record_and_not_given_is_refused(people, plan):
    error = refused(plan, "rank", people[Role.SALESPERSON], table=FIELDS, inputs={"note": "n"})
    assert (error.code, error.field) == (TransitionRefused.MISSING_FIELD, "ranking_note")
    assert error.message == "How the top customers were found is required to “Rank the customers”."


def test_a_required_field_given_blank_is_refused_though_the_record_had_it(people, plan):
    ServicePlan.objects.filter(pk=plan.pk).update(ranking_note="上年销售额前五")
    error = refused(plan, "rank", people[Role.SALESPERSON], table=FIELDS, inputs={"ranking_note": " "})
    assert error.field == "ranking_note"
    assert ServicePlan.objects.get(pk=plan.pk).ranking_note == "上年销售额前五"


def test_a_required_input_that_is_no_field_is_judged_as_given(people, plan):
    error = refused(plan, "explain", people[Role.SALESPERSON], table=FIELDS, inputs={"ranking_note": "x"})
    assert (error.code, error.field) == (TransitionRefused.MISSING_FIELD, "note")
    run(plan, "explain", people[Role.SALESPERSON], table=FIELDS, inputs={"note": "说明"})
    assert moves(plan)[-1][4] == "说明"


# -- what the step changes and tells ---------------------------------------------------------------------------


def test_the_steps_effects_and_announcement_see_the_step_and_are_saved_with_it(people, plan):
    gm = people[Role.GM]
    seen = []

    def effects(obj, row, inputs, now):
        seen.append(("effects", obj.status, row.name, dict(inputs)))
        obj.approved_by = gm
        obj.approved_at = now

    def announce(obj, row, old, note, now):
        seen.append(("announce", obj.status, obj.version, row.name, old, note,
                     PlanChange.objects.filter(plan=obj, name="approve").exists(), now == obj.approved_at))

    run(plan, "submit", people[Role.SALESPERSON])
    run(plan, "approve", gm, inputs={"note": "同意"}, effects=effects, announce=announce)

    fresh = ServicePlan.objects.get(pk=plan.pk)
    assert fresh.approved_by == gm and fresh.approved_at == PlanChange.objects.get(name="approve").at
    assert seen == [("effects", "submitted", "approve", {"note": "同意"}),
                    ("announce", "approved", 2, "approve", "submitted", "同意", True, True)]


def test_a_step_whose_effects_fail_leaves_nothing_behind(people, plan):
    def effects(obj, row, inputs, now):
        obj.ranking_note = "half done"
        raise IntegrityError("disk full")

    with pytest.raises(IntegrityError):
        run(plan, "submit", people[Role.SALESPERSON], effects=effects)
    assert in_db(plan) == ("draft", 0) and moves(plan) == []


# -- compare and set -------------------------------------------------------------------------------------------

CAS = Table(ROWS, {}, compare_and_set=True)


def test_compare_and_set_moves_the_status_and_the_version_once(people, plan):
    ServicePlan.objects.filter(pk=plan.pk).update(version=3)
    plan.refresh_from_db()
    seen = []

    def effects(obj, row, inputs, now):
        seen.append(in_db(obj))  # the status has already moved in the database, from what was read

    run(plan, "submit", people[Role.SALESPERSON], table=CAS, effects=effects)
    assert seen == [("submitted", 4)]
    assert in_db(plan) == ("submitted", 4)


def test_compare_and_set_refuses_a_record_another_writer_moved_past_the_lock(people, plan):
    def prepare(obj, row, inputs, actor, now):
        # A writer that did not wait for the row lock (SQLite takes none) moves the record first.
        ServicePlan.objects.filter(pk=obj.pk).update(status="approved", version=7)

    with pytest.raises(TransitionRefused) as caught:
        run(plan, "submit", people[Role.SALESPERSON], table=CAS, prepare=prepare)
    assert caught.value.code == TransitionRefused.STALE
    assert moves(plan) == []


def test_compare_and_set_refuses_a_record_whose_version_another_writer_raised(people, plan):
    def prepare(obj, row, inputs, actor, now):
        ServicePlan.objects.filter(pk=obj.pk).update(version=obj.version + 1)

    with pytest.raises(TransitionRefused) as caught:
        run(plan, "submit", people[Role.SALESPERSON], table=CAS, prepare=prepare)
    assert caught.value.code == TransitionRefused.STALE


# -- the registry and who proposed ------------------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    """A registry of this test's own: a campaign's and a quality report's tables first, then the plan's."""
    monkeypatch.setattr(workflow, "_REGISTRY", {})
    workflow.register_table("test.campaign", Table(ROWS, {}), "surveys.Campaign", changes="surveys.CampaignChange")
    workflow.register_table("test.quality_report", Table(ROWS, {}), "service.QualityReport",
                            changes="service.QualityReportChange")
    workflow.register_table("test.plan", Table(ROWS, {}), ServicePlan, changes=PlanChange)
    return workflow._REGISTRY


def test_who_last_took_one_of_the_steps_is_read_from_the_records_status_change_rows(people, plan, company_a,
                                                                                    registry):
    other_plan = ServicePlan.objects.create(company=company_a, year=2028)
    a, b, c = people[Role.SALESPERSON], people.other(Role.SALESPERSON), people[Role.GM]
    t = timezone.now()
    PlanChange.write(plan, name="submit", old="draft", new="submitted", actor=a, at=t - dt.timedelta(hours=2))
    PlanChange.write(plan, name="submit", old="draft", new="submitted", actor=b, at=t - dt.timedelta(hours=1))
    PlanChange.write(plan, name="return", old="submitted", new="draft", actor=c, at=t)
    PlanChange.write(other_plan, name="submit", old="draft", new="submitted", actor=c, at=t)

    assert workflow.last_actor_id(plan, ["submit"]) == b.pk
    assert workflow.last_actor_id(plan, ("submit", "return")) == c.pk
    assert workflow.last_actor_id(plan, ["approve"]) is None


def test_of_two_steps_at_the_same_instant_the_later_written_is_the_last(people, plan, registry):
    a, b = people[Role.SALESPERSON], people.other(Role.SALESPERSON)
    t = timezone.now()
    PlanChange.write(plan, name="submit", old="draft", new="submitted", actor=b, at=t)
    PlanChange.write(plan, name="submit", old="draft", new="submitted", actor=a, at=t)
    assert workflow.last_actor_id(plan, ["submit"]) == a.pk


def test_a_record_of_no_registered_table_has_no_last_actor(people, plan, company_a, registry):
    PlanChange.write(plan, name="submit", old="draft", new="submitted", actor=people[Role.GM], at=timezone.now())
    assert workflow.last_actor_id(company_a, ["submit"]) is None
    registry.pop("test.plan")
    assert workflow.last_actor_id(plan, ["submit"]) is None


def test_a_registered_table_names_its_models_and_registering_the_key_again_replaces_it(registry):
    first = Table(ROWS, {})
    assert workflow.register_table("test.plan", first, ServicePlan, changes=PlanChange) is first
    entry = workflow.tables()["test.plan"]
    assert (entry.model, entry.changes, entry.where, entry.table) == (ServicePlan, PlanChange, {}, first)

    second = Table(ROWS, {})
    workflow.register_table("test.plan", second, "service.ServicePlan", changes="service.PlanChange",
                            where={"year": 2027})
    entry = workflow.tables()["test.plan"]
    assert (entry.model, entry.changes, entry.where, entry.table) == (ServicePlan, PlanChange, {"year": 2027},
                                                                      second)
    assert set(workflow.tables()) == {"test.campaign", "test.quality_report", "test.plan"}


def test_a_table_is_registered_with_its_record_model_and_its_status_change_model_named(registry):
    # Both are models: the status-change model is given by name, never by position, so they cannot be swapped.
    with pytest.raises(TypeError):
        workflow.register_table("test.swapped", Table(ROWS, {}), PlanChange, ServicePlan)
    assert "test.swapped" not in workflow.tables()


def test_a_registered_table_stays_as_registered_whatever_a_reader_does_with_the_list(registry):
    entry = workflow.tables()["test.plan"]
    with pytest.raises(FrozenInstanceError):
        entry.table = Table(ROWS, {})  # a registered table stays what was registered
    workflow.tables().clear()  # a copy: the registry keeps its tables
    assert workflow.tables()["test.plan"] is entry
