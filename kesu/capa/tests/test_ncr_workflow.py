"""The nonconforming product handling form on the core runner (issue 16 §0; seed 003 §5.4.1): one history row per
step, the same refusals by page and API, and the page offering only the steps the table allows."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.capa import services
from kesu.capa.choices import NcrStatus
from kesu.capa.models import NcrChange
from kesu.capa.workflow import NCR_TABLE
from kesu.core.tests.panels import panel_of as _panel
from kesu.core.tests.panels import step_names as _names
from kesu.core.workflow import tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def ncr(people):
    production = people[Role.PRODUCTION]
    with time_machine.travel("2026-03-02 09:00 +08:00", tick=False):
        return services.ncr_issue(actor=people[Role.QA], company=people.company, data={
            "quantity": 30, "description": "外壳划伤 30 件", "disposition": "rework",
            "responsible_department": production.department})


def _history(ncr) -> list[tuple[str, str, str, str, str]]:
    return [(c.name, c.old_status, c.new_status, c.actor.username if c.actor else "", c.note)
            for c in NcrChange.objects.filter(ncr=ncr).order_by("at", "id")]


def test_the_report_table_is_registered_with_its_history_model():
    entry = tables()["capa.ncr"]
    assert entry.table is NCR_TABLE and entry.changes is NcrChange
    assert {(row.name, tuple(str(s) for s in row.sources), str(row.target)) for row in NCR_TABLE.rows} == {
        ("answer", ("issued",), "answered"), ("verify", ("answered",), "verified"),
        ("return", ("answered",), "issued"), ("cancel", ("issued", "answered"), "cancelled")}


def test_every_step_of_a_report_is_one_row_of_its_history_shown_on_the_page_and_in_the_api(login, api, people, ncr):
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    with time_machine.travel("2026-03-02 10:00 +08:00", tick=False):
        ncr = services.ncr_answer(actor=production, ncr=ncr, cause="周转碰撞", measures="加隔板")
    with time_machine.travel("2026-03-03 10:00 +08:00", tick=False):
        ncr = services.ncr_verify(actor=qa, ncr=ncr, result="not_effective", note="仍有划伤")
    with time_machine.travel("2026-03-04 10:00 +08:00", tick=False):
        ncr = services.ncr_answer(actor=production, ncr=ncr, cause="周转碰撞", measures="加隔板并培训")
    with time_machine.travel("2026-03-05 10:00 +08:00", tick=False):
        ncr = services.ncr_verify(actor=qa, ncr=ncr, result="effective", note="连续三批无划伤")
    assert (ncr.status, ncr.version, ncr.result) == (NcrStatus.VERIFIED, 4, "effective")
    assert _history(ncr) == [
        ("issue", "", "issued", "A-qa", ""),
        ("answer", "issued", "answered", "A-production", ""),
        ("return", "answered", "issued", "A-qa", "仍有划伤"),
        ("answer", "issued", "answered", "A-production", ""),
        ("verify", "answered", "verified", "A-qa", "连续三批无划伤"),
    ]
    assert all(c.company_id == ncr.company_id for c in NcrChange.objects.filter(ncr=ncr))

    body = api(qa).get(f"/api/v1/ncrs/{ncr.pk}").json()
    assert [(c["name"], c["old_status"], c["new_status"], c["actor_id"], c["note"]) for c in body["changes"]] == [
        ("issue", "", "issued", qa.pk, ""), ("answer", "issued", "answered", production.pk, ""),
        ("return", "answered", "issued", qa.pk, "仍有划伤"), ("answer", "issued", "answered", production.pk, ""),
        ("verify", "answered", "verified", qa.pk, "连续三批无划伤")]
    assert body["changes"][2]["at"].startswith("2026-03-03T02:00:00") and body["next_steps"] == []

    html = login(qa).get(reverse("capa:ncr_detail", args=[ncr.pk])).content.decode()
    history = html[html.index('id="history"'):]
    assert history.index("仍有划伤") < history.index("连续三批无划伤")


def test_a_cancelled_report_records_why_and_cannot_be_answered_after(api, people, ncr):
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    refused = api(qa).post(f"/api/v1/ncrs/{ncr.pk}/cancel", {"note": "  "})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "verification_note"]
    assert refused.json()["detail"][0]["msg"] == "请说明取消处理单的原因。"  # the API speaks the user's zh-Hans
    assert api(qa).post(f"/api/v1/ncrs/{ncr.pk}/cancel", {"note": "客户撤回"}).json()["status"] == "cancelled"
    late = api(production).post(f"/api/v1/ncrs/{ncr.pk}/answer", {"cause": "x", "measures": "y"})
    assert late.status_code == 422
    assert late.json()["detail"][0] == {"loc": ["body", "status"], "msg": "此处理单现为“已取消”，请刷新。"}
    ncr.refresh_from_db()
    assert _history(ncr)[-1] == ("cancel", "issued", "cancelled", "A-qa", "客户撤回")


def test_only_the_responsible_department_answers_by_page_and_api_alike(login, api, people, ncr):
    engineering = people[Role.ENGINEERING]  # a department role, but not the responsible department
    with pytest.raises(PermissionDenied) as error:
        services.ncr_answer(actor=engineering, ncr=ncr, cause="x", measures="y")
    assert str(error.value) == "Only the responsible department answers this report."
    response = api(engineering).post(f"/api/v1/ncrs/{ncr.pk}/answer", {"cause": "x", "measures": "y"})
    assert response.status_code == 403
    page = login(engineering).post(reverse("capa:ncr_step", args=[ncr.pk, "answer"]), {"cause": "x", "measures": "y"})
    assert page.status_code == 403
    ncr.refresh_from_db()
    assert ncr.status == NcrStatus.ISSUED and _history(ncr) == [("issue", "", "issued", "A-qa", "")]
    # The page does not offer the answer to them, and says why.
    panel, html = _panel(login(engineering), reverse("capa:ncr_detail", args=[ncr.pk]))
    assert "answer" not in _names(panel.first + panel.more) and 'id="next-step-refused"' in html
    assert "只有责任部门可以答复此处理单。" in html


def test_a_stale_version_is_refused_and_changes_nothing(people, ncr):
    with pytest.raises(ValidationError) as error:
        services.ncr_answer(actor=people[Role.PRODUCTION], ncr=ncr, cause="周转碰撞", measures="加隔板",
                            expected_version=ncr.version + 1)
    assert error.value.message_dict == {"status": ["This report is “Issued to the department” now; reload it."]}
    ncr.refresh_from_db()
    assert (ncr.status, ncr.version, ncr.cause) == (NcrStatus.ISSUED, 0, "")


def test_whoever_answered_may_neither_verify_nor_return_it_and_qa_is_offered_the_verification(login, people, ncr):
    qa = people[Role.QA]
    ncr = services.ncr_answer(actor=qa, ncr=ncr, cause="周转碰撞", measures="加隔板")  # QA answered for production
    for result, note in (("effective", ""), ("not_effective", "仍有划伤")):
        with pytest.raises(ValidationError):
            services.ncr_verify(actor=qa, ncr=ncr, result=result, note=note)
    response = login(qa).post(reverse("capa:ncr_step", args=[ncr.pk, "verify"]), {"result": "not_effective",
                                                                                 "note": "仍有划伤"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["这是您本人提出的，须由他人批准（职责分离）。"]
    ncr.refresh_from_db()
    assert ncr.status == NcrStatus.ANSWERED
    panel, _html = _panel(login(people.other(Role.QA)), reverse("capa:ncr_detail", args=[ncr.pk]))
    assert _names(panel.more + panel.first) == ["verify", "cancel"]


def test_the_page_says_the_report_waits_for_the_responsible_department(client, people, ncr):
    client.force_login(people[Role.QA])
    html = client.get(reverse("capa:ncr_detail", args=[ncr.pk])).content.decode()
    waiting = html[html.index('id="next-step-waiting"'):].split("</li>")[0]
    assert f"<strong>{ncr.responsible_department}</strong>" in waiting
    assert str(Role.PURCHASING.label) not in waiting  # not every role that may answer for a department
