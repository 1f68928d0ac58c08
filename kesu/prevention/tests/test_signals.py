"""Early-warning signals (seed 001 投诉预警; issue 22 §1–2): recording, who is told, the steps, the complaint."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kesu.accounts.roles import Role
from kesu.core.services import TransitionRefused
from kesu.core.tests.panels import said
from kesu.notifications.models import Notification
from kesu.prevention import services
from kesu.prevention.choices import Outcome, SignalStatus
from kesu.prevention.models import WarningSignal

pytestmark = pytest.mark.django_db
R = Role


def record(people, customer, cls="b", actor_role=R.AFTER_SALES, **extra) -> WarningSignal:
    data = {"source": "call_centre", "customer": customer, "warning_class": cls,
            "observed": "客户来电：收割机连续三次液压泵漏油，扬言向省农机局投诉。", **extra}
    return services.signal_create(actor=people[actor_role], company=people.company, data=data)


def told(event=None) -> set[str]:
    return set(Notification.objects.values_list("recipient__username", flat=True))


def test_a_b_signal_tells_the_leadership_group_at_once(groups, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signal = record(groups, customer, "b")
    assert signal.number.startswith("YJ-")
    # Followed by the working group's leader; decided by the leadership group's leader (seed 001 §六–七).
    assert signal.owner == groups[R.REGIONAL_MANAGER]
    assert signal.decider == groups[R.GM]
    assert told() == {"A-gm", "A-vice_gm", "A-regional_manager"}  # leadership + the follower (next actor)


def test_a_c_signal_tells_the_working_group(groups, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signal = record(groups, customer, "c", actor_role=R.SALESPERSON)
    assert signal.decider is None
    assert told() == {"A-regional_manager", "A-after_sales"}


def _to_preventing(people, signal):
    rm = people[R.REGIONAL_MANAGER]
    services.signal_transition(actor=rm, signal=signal, name="identify", identification="电话核实，属实。")
    services.signal_transition(actor=rm, signal=signal, name="diagnose", causes="密封件批次问题",
                               development="若不处理一周内将向省局投诉")
    return signal


def test_the_working_group_diagnoses_and_acts_and_the_leadership_closes(groups, customer):
    signal = _to_preventing(groups, record(groups, customer, "b"))
    assert signal.status == SignalStatus.PREVENTING
    rm = groups[R.REGIONAL_MANAGER]
    with pytest.raises(TransitionRefused) as refused:
        services.signal_transition(actor=groups[R.GM], signal=signal, name="close_resolved", closing_note="好")
    assert refused.value.code == TransitionRefused.PRECONDITION  # no action yet
    action = services.action_add(actor=rm, signal=signal, description="上门更换密封件", owner=groups[R.AFTER_SALES],
                                 working_days=2)
    assert action.due_at > signal.raised_at
    services.action_done(actor=groups[R.AFTER_SALES], action=action, result="已更换，客户满意")
    # An A or B signal is closed by the leadership group, not by the working group (seed 001 §七 1).
    with pytest.raises(TransitionRefused):
        services.signal_transition(actor=rm, signal=signal, name="close_resolved", closing_note="已解决")
    services.signal_transition(actor=groups[R.VICE_GM], signal=signal, name="close_resolved", closing_note="已解决")
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (SignalStatus.CLOSED, Outcome.RESOLVED)
    assert signal.closed_at is not None


def test_someone_outside_the_groups_may_not_handle_a_signal(groups, customer):
    signal = record(groups, customer, "c")
    with pytest.raises(TransitionRefused) as refused:
        services.signal_transition(actor=groups[R.SALESPERSON], signal=signal, name="identify",
                                   identification="属实")
    assert refused.value.code == TransitionRefused.PRECONDITION


def test_becoming_a_complaint_creates_it_through_the_complaints_service_linked_both_ways(groups, customer, part):
    signal = record(groups, customer, "b", part=part)
    services.signal_transition(actor=groups[R.AFTER_SALES], signal=signal, name="to_complaint",
                               closing_note="客户正式投诉")
    signal.refresh_from_db()
    complaint = signal.complaint
    assert (signal.status, signal.outcome) == (SignalStatus.CLOSED, Outcome.COMPLAINT)
    assert complaint.customer == customer and complaint.part == part
    assert complaint.number and complaint.status == "received"
    assert complaint.warning_signal == signal
    assert "液压泵漏油" in complaint.description


def test_a_refused_result_comes_back_on_the_actions_row_as_typed(groups, customer, client):
    signal = _to_preventing(groups, record(groups, customer, "b"))
    action = services.action_add(actor=groups[R.REGIONAL_MANAGER], signal=signal, description="上门更换密封件",
                                 owner=groups[R.AFTER_SALES], working_days=2)
    url = reverse("prevention:action_done", args=[signal.pk, action.pk])
    client.force_login(groups[R.AFTER_SALES])
    blank = client.post(url, {"result": " "})
    assert blank.status_code == 422 and said(blank) == ["这个字段是必填项。"]  # in the reader's language
    assert f'id="action-done-{action.pk}-why"' in blank.content.decode()
    client.force_login(groups[R.SALESPERSON])  # neither the owner nor in the groups
    refused = client.post(url, {"result": "已更换 <i>"})
    page = refused.content.decode()
    with translation.override("zh-hans"):
        why = gettext("Only the action's owner or the prevention groups record it done.")
    assert refused.status_code == 422 and said(refused) == [why]  # on the row, not a message at the top
    assert 'value="已更换 &lt;i&gt;"' in page and why in page
    action.refresh_from_db()
    assert action.done_at is None


def test_outsiders_get_404_from_page_and_api(groups, customer, client):
    signal = record(groups, customer, "c")
    client.force_login(groups.others[R.QA])
    assert client.get(reverse("prevention:detail", args=[signal.pk])).status_code == 404
    assert client.get(f"/api/v1/prevention/signals/{signal.pk}").status_code == 404
    response = client.post(f"/api/v1/prevention/signals/{signal.pk}/transitions", {"action": "identify"},
                           content_type="application/json")
    assert response.status_code == 404
    assert not client.get("/api/v1/prevention/signals").json()


def test_a_refused_step_says_the_same_on_the_page_and_in_the_api(groups, customer, client):
    signal = record(groups, customer, "b")
    _to_preventing(groups, signal)
    with translation.override("zh-hans"):
        expected = translation.gettext("Record at least one preventive action with its owner first.")
    client.force_login(groups[R.GM])
    page = client.post(reverse("prevention:transition", args=[signal.pk, "close_resolved"]),
                       {"close_resolved-closing_note": "完成"}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert expected in page.content.decode()
    api = client.post(f"/api/v1/prevention/signals/{signal.pk}/transitions",
                      {"action": "close_resolved", "inputs": {"closing_note": "完成"}},
                      content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert api.status_code == 422
    assert api.json()["detail"][0]["msg"] == expected


def test_a_role_without_the_step_gets_403_in_the_api(groups, customer, client):
    signal = record(groups, customer, "b")
    client.force_login(groups[R.FINANCE])
    assert client.get(f"/api/v1/prevention/signals/{signal.pk}").status_code == 403


def test_finance_may_not_record_a_signal(groups, customer):
    with pytest.raises(PermissionDenied):
        record(groups, customer, "c", actor_role=R.FINANCE)


def test_pages_render(groups, customer, client):
    signal = record(groups, customer, "a")
    client.force_login(groups[R.REGIONAL_MANAGER])
    for url in (reverse("prevention:index"), reverse("prevention:board"), reverse("prevention:create"),
                reverse("prevention:detail", args=[signal.pk]), reverse("prevention:groups")):
        response = client.get(url)
        assert response.status_code == 200, url
    assert signal.number in client.get(reverse("prevention:board")).content.decode()
    xlsx = client.get(reverse("prevention:index") + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_the_create_form_keeps_typed_values_when_refused(groups, client):
    client.force_login(groups[R.AFTER_SALES])
    response = client.post(reverse("prevention:create"), {"source": "call_centre", "customer": "NOPE",
                                                          "warning_class": "b", "observed": "客户抱怨交货慢"})
    assert response.status_code == 200
    assert "客户抱怨交货慢" in response.content.decode()
    assert not WarningSignal.objects.exists()


def test_a_meeting_is_recorded_with_topic_attendees_and_decisions(groups):
    group = services.group_get(groups.company, "leadership")
    import datetime

    from django.utils import timezone

    meeting = services.meeting_record(actor=groups[R.GM], group=group, held_at=timezone.now() - datetime.timedelta(
        hours=1), topic="收割机漏油专题会", attendees=[groups[R.GM], groups[R.VICE_GM]], decisions="三日内全部更换")
    assert list(meeting.attendees.order_by("username").values_list("username", flat=True)) == ["A-gm", "A-vice_gm"]
    with pytest.raises(ValidationError) as refused:
        services.meeting_record(actor=groups[R.GM], group=group, held_at=timezone.now(), topic="",
                                attendees=[groups[R.GM]], decisions="")
    assert set(refused.value.message_dict) == {"topic", "attendees", "decisions"}


def test_groups_meetings_and_repeat_rules_through_the_api(groups, client):
    group = services.group_get(groups.company, "working")
    client.force_login(groups[R.GM])
    response = client.post(f"/api/v1/prevention/groups/{group.pk}/members",
                           {"user_id": groups[R.SALESPERSON].pk, "position": "member"},
                           content_type="application/json")
    assert response.status_code == 201
    response = client.post(f"/api/v1/prevention/groups/{group.pk}/meetings", {
        "held_at": "2026-11-02T09:00:00+08:00", "topic": "交期专题会", "decisions": "增加备货",
        "attendee_ids": [groups[R.GM].pk, groups[R.REGIONAL_MANAGER].pk]}, content_type="application/json")
    assert response.status_code == 201
    kinds = {g["kind"]: g for g in client.get("/api/v1/prevention/groups").json()}
    assert len(kinds["working"]["members"]) == 3 and kinds["working"]["meetings"][0]["topic"] == "交期专题会"
    assert client.put("/api/v1/prevention/repeat-settings", {"window_days": 90, "same_customer": True,
                                                             "same_part": False},
                      content_type="application/json").json() == {
        "window_days": 90, "same_customer": True, "same_part": False}
    client.force_login(groups[R.SALESPERSON])
    assert client.put("/api/v1/prevention/repeat-settings", {"window_days": 30},
                      content_type="application/json").status_code == 403
    client.force_login(groups.others[R.GM])
    assert client.post(f"/api/v1/prevention/groups/{group.pk}/members", {"user_id": groups.others[R.QA].pk},
                       content_type="application/json").status_code == 404
