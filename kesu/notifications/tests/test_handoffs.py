"""Hand-offs tell the next actor (issue 16 §3): the people the record now waits for, once, with what and by when."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import translation
from django.utils.translation import gettext

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People, act, at, bring_to, create_complaint
from kesu.notifications.models import Notification, NotificationRule, OutboxMail
from kesu.notifications.services import notification_rules_ensure_defaults

pytestmark = pytest.mark.django_db


def _told(complaint) -> dict[str, int]:
    """Who got an inbox row about ``complaint``, and how many."""
    told: dict[str, int] = {}
    for row in Notification.objects.filter(title__contains=complaint.number).select_related("recipient"):
        told[row.recipient.username] = told.get(row.recipient.username, 0) + 1
    return told


def test_passing_a_complaint_to_qa_tells_qa_what_is_expected_and_by_when(company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    qa = people[Role.QA]
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        complaint = bring_to("assessed", people)
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            act(complaint, "escalate_to_qa", people)
    row = Notification.objects.get(recipient=qa, event="complaint_transitioned")
    with translation.override("zh-hans"):  # the default language: the action in the words QA reads
        action = str(gettext("Investigate and give QA's opinion"))
    first = row.body.splitlines()[0]
    assert action in first and "2026-03-" in first
    assert OutboxMail.objects.filter(recipient=qa, to=qa.email).count() == 1


def test_the_actor_is_never_told_and_no_one_outside_the_hand_off_is(company_a, company_b,
                                                                     django_capture_on_commit_callbacks):
    people, others = People(company_a), People(company_b)
    sales, qa = people[Role.SALESPERSON], people[Role.QA]
    bystanders = [people[Role.PRODUCTION], people[Role.FINANCE], others[Role.QA]]
    complaint = bring_to("assessed", people)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "escalate_to_qa", people, actor=sales)
    assert _told(complaint) == {qa.username: 1}
    assert not Notification.objects.filter(recipient__in=bystanders).exists()


def test_each_person_is_told_once_even_when_several_audiences_name_them(company_a,
                                                                         django_capture_on_commit_callbacks):
    people = People(company_a)
    sales, assistant = people[Role.SALESPERSON], people[Role.SALES_ASSISTANT]
    complaint = create_complaint(sales)
    Notification.objects.all().delete()
    # The assistant acknowledges the salesperson's complaint: the owner is both owner, creator and next actor.
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "acknowledge", people, actor=assistant)
    assert _told(complaint) == {sales.username: 1}


def test_the_initial_report_reaches_the_gm_and_the_instruction_the_responsible_department(
        company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    qa, gm, production = people[Role.QA], people[Role.GM], people[Role.PRODUCTION]
    complaint = bring_to("qa_investigation", people, escalated=True,
                         assess={"severity": "severe", "warning_class": "c"})
    act(complaint, "record_qa_opinion", people, cause_hard_to_find=True)
    complaint.refresh_from_db()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "submit_initial_report", people, actor=qa)
    assert Notification.objects.filter(recipient=gm).count() == 1
    with translation.override("zh-hans"):
        action = str(gettext("Approve the initial analysis report"))
    assert action in Notification.objects.get(recipient=gm).body.splitlines()[0]
    complaint.refresh_from_db()
    act(complaint, "approve_initial_report", people, actor=gm)
    complaint.refresh_from_db()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "instruct_department", people, actor=qa)
    told = _told(complaint)
    assert told.pop(production.username) == 1
    assert set(told) <= {people[Role.SALESPERSON].username}  # the owner hears of the change to their record
    assert gm.username not in told and qa.username not in told


def test_the_next_actor_reads_the_message_in_their_own_language(company_a, django_capture_on_commit_callbacks):
    people = People(company_a)
    qa = people[Role.QA]
    qa.language = "en"
    qa.save()
    complaint = bring_to("assessed", people)
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "escalate_to_qa", people)
    body = Notification.objects.get(recipient=qa, event="complaint_transitioned").body
    assert body.startswith("Expected of you: Investigate and give QA's opinion — due ")
    assert "working day" in body.splitlines()[0] or "hour" in body.splitlines()[0]


def test_a_company_can_stop_telling_the_next_actor_on_the_rules_page(company_a, login,
                                                                      django_capture_on_commit_callbacks):
    from django.urls import reverse

    people = People(company_a)
    complaint = bring_to("assessed", people)
    client = login(people[Role.QA])
    rule = next(r for r in notification_rules_ensure_defaults(company_a) if r.event == "complaint_transitioned")
    assert "next_actor" in rule.audience
    prefix = f"r{rule.pk}"
    response = client.post(reverse("notifications:rules"), {"rule": rule.pk, f"{prefix}-audience": ["owner"],
                                                            f"{prefix}-send_inbox": "on", f"{prefix}-is_active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.audience == ["owner"]
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "escalate_to_qa", people)
    assert not Notification.objects.filter(recipient=people[Role.QA], event="complaint_transitioned").exists()


def test_rules_of_companies_made_before_issue_16_gain_the_next_actor(company_a):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("kesu.notifications.migrations.0009_rules_tell_the_next_actor")
    untouched = NotificationRule.objects.create(company=company_a, event="complaint_transitioned",
                                                audience=["owner", "creator"], send_email=False)
    changed = NotificationRule.objects.create(company=company_a, event="claim_transitioned",
                                              audience=["owner"], send_email=False)
    migration.forwards(apps, None)
    untouched.refresh_from_db()
    changed.refresh_from_db()
    assert (untouched.audience, untouched.send_email) == (["next_actor", "owner", "creator"], True)
    assert (changed.audience, changed.send_email) == (["owner", "next_actor"], False)


def test_each_actor_is_told_once_of_their_work_and_again_only_when_it_comes_back(company_a,
                                                                                  django_capture_on_commit_callbacks):
    people = People(company_a)
    sales, qa, gm, production = (people[r] for r in (Role.SALESPERSON, Role.QA, Role.GM, Role.PRODUCTION))
    director = people[Role.SALES_DIRECTOR]
    others = [people[Role.FINANCE], people[Role.ENGINEERING]]
    with django_capture_on_commit_callbacks(execute=True):
        complaint = bring_to("qa_investigation", people, escalated=True,
                             assess={"severity": "severe", "warning_class": "c"})
    # Passing on (the assessment, seed 004 §6.1) told the salesperson's superior — here the sales director, the
    # department having no head and the company no regional manager — once; QA was handed the investigation.
    assert _told(complaint) == {qa.username: 1, director.username: 1}
    steps = [("record_qa_opinion", qa, {"cause_hard_to_find": True}), ("instruct_department", qa, {}),
             ("submit_initial_report", qa, {}), ("approve_initial_report", gm, {})]
    for action, actor, inputs in steps:
        complaint.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            act(complaint, action, people, actor=actor, **inputs)
    # The department was told when instructed, the GM when the report came; the department's answer, still due
    # while the GM approved, was not announced twice, and the owner hears of no step inside QA's investigation.
    assert _told(complaint) == {qa.username: 1, director.username: 1, production.username: 1, gm.username: 1}
    assert sales.username not in _told(complaint)
    complaint.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "record_department_answer", people, actor=production)
    # The answer is in: the investigation is QA's again, and QA hears of it.
    assert _told(complaint) == {qa.username: 2, director.username: 1, production.username: 1, gm.username: 1}
    assert not Notification.objects.filter(recipient__in=others).exists()


def test_a_nonconforming_report_goes_to_the_responsible_department_then_back_to_its_issuer(
        company_a, django_capture_on_commit_callbacks):
    from kesu.capa import services as capa_services

    people = People(company_a)
    qa, production, engineering = people[Role.QA], people[Role.PRODUCTION], people[Role.ENGINEERING]
    with django_capture_on_commit_callbacks(execute=True):
        ncr = capa_services.ncr_issue(actor=qa, company=company_a, data={
            "quantity": 12, "description": "外壳划伤", "disposition": "rework",
            "responsible_department": production.department})
    told = Notification.objects.filter(event="ncr_changed")
    assert [n.recipient for n in told] == [production]
    assert ncr.number in told.get().title
    with django_capture_on_commit_callbacks(execute=True):
        capa_services.ncr_answer(actor=production, ncr=ncr, cause="周转碰撞", measures="加隔板")
    assert sorted(n.recipient.username for n in told.all()) == sorted([production.username, qa.username])
    assert not Notification.objects.filter(recipient=engineering).exists()


def test_what_was_announced_is_forgotten_once_the_record_waits_for_no_one(company_a,
                                                                          django_capture_on_commit_callbacks):
    from kesu.notifications.models import AnnouncedWork

    people = People(company_a)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = create_complaint(people[Role.SALESPERSON])
    announced = AnnouncedWork.objects.filter(record=f"complaints.complaint:{complaint.pk}")
    assert announced.get().waiting == [f"{people[Role.SALESPERSON].pk}:acknowledge"]
    with django_capture_on_commit_callbacks(execute=True):
        act(complaint, "cancel", people)
    assert not announced.exists()


def test_the_migration_gives_existing_companies_the_defaults_new_companies_get():
    from importlib import import_module

    from kesu.notifications.services import DEFAULT_RULES, HAND_OFF_EVENTS

    migration = import_module("kesu.notifications.migrations.0009_rules_tell_the_next_actor")
    # Events added since (the surveys' hand-offs, the safety flag) get their rules from the defaults the first
    # time a company needs them (notification_rules_ensure_defaults); 0012 gave the complaint rule the pass-on
    # audience. The rest is as 0009 wrote it.
    added_since = {"pass_on"}
    assert set(migration.NEW) < {str(event) for event in HAND_OFF_EVENTS}
    for event, (audience, email) in migration.NEW.items():
        default_audience, default_email = DEFAULT_RULES[event]
        assert (audience, email) == ([str(a) for a in default_audience if str(a) not in added_since],
                                     default_email), event
    pass_on = import_module("kesu.notifications.migrations.0012_pass_on_audience")
    assert pass_on.forwards is not None
    assert "pass_on" in [str(a) for a in DEFAULT_RULES["complaint_transitioned"][0]]
