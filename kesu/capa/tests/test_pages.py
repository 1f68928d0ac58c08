"""CAPA pages in zh-Hans: raise from a complaint, fill 8D sections with rows, move, print, export; NCR pages."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from kesu.accounts.roles import Role
from kesu.capa import services
from kesu.capa.choices import ActionStatus, NcrStatus
from kesu.capa.models import CorrectiveAction, NonconformingReport
from kesu.capa.tests.factories import plan, raise_action, walk_to
from kesu.complaints.tests.factories import create_complaint
from kesu.core.tests.panels import later_part
from kesu.customers.tests.factories import PartFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese(settings):
    yield  # pages are read in the default language, zh-Hans


def test_qa_raises_an_action_from_the_complaint_page(login, people):
    qa = people[Role.QA]
    production = people[Role.PRODUCTION]
    part = PartFactory(company=people.company)
    complaint = create_complaint(people[Role.SALESPERSON], part=part)
    client = login(qa)
    page = later_part(client, reverse("complaints:detail", args=[complaint.pk])).content.decode()  # its panels
    assert 'id="raise-action"' in page
    form = client.get(reverse("capa:create") + f"?complaint={complaint.pk}").content.decode()
    assert complaint.number in form
    response = client.post(reverse("capa:create") + f"?complaint={complaint.pk}", {
        "complaint": complaint.number, "kind": "corrective", "format": "8d", "part_numbers": part.part_no,
        "responsible_department": production.department.pk, "owner": production.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    action = CorrectiveAction.objects.get()
    assert action.links.get().object_id == complaint.pk and list(action.parts.all()) == [part]
    page = later_part(client, reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert action.number in page and "计划中" in page


def test_a_refused_raise_names_the_field_in_chinese(login, people):
    response = login(people[Role.QA]).post(reverse("capa:create"), {"kind": "corrective", "title": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in body


def test_the_department_fills_d1_with_rows_and_qa_approves_through_the_pages(login, people):
    action = raise_action(people)
    production, qa = people[Role.PRODUCTION], people[Role.QA]
    client = login(production)
    detail = client.get(reverse("capa:detail", args=[action.pk])).content.decode()
    assert "D1" in detail and 'id="section-d1"' in detail
    response = client.post(reverse("capa:section", args=[action.pk, "d1"]), {
        "d1-team-TOTAL_FORMS": "2", "d1-team-INITIAL_FORMS": "0",
        "d1-team-0-user": production.pk, "d1-team-0-department": production.department.pk,
        "d1-team-0-is_leader": "on", "d1-team-0-responsibility": "组长",
        "d1-team-1-user": "", "complete": "on"})
    assert response.status_code == 302
    assert action.team.get().is_leader and action.steps.get(step="d1").done_at is not None
    plan(action, people)
    assert client.post(reverse("capa:transition", args=[action.pk, "submit_plan"]), {}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.PLAN_SUBMITTED
    # A salesperson is shown no button and is refused in Chinese.
    sales = login(people[Role.SALESPERSON])
    sales.post(reverse("capa:transition", args=[action.pk, "approve_plan"]), {}, follow=True)
    action.refresh_from_db()
    assert action.status == ActionStatus.PLAN_SUBMITTED
    page = login(qa).post(reverse("capa:transition", args=[action.pk, "return_plan"]), {}, follow=True)
    assert "理由: 这个字段是必填项" in page.content.decode()
    login(qa).post(reverse("capa:transition", args=[action.pk, "approve_plan"]), {})
    action.refresh_from_db()
    assert action.status == ActionStatus.IMPLEMENTING


def test_a_refused_section_comes_back_as_typed_with_what_to_put_right_next_to_it(login, people):
    action = raise_action(people)
    production = people[Role.PRODUCTION]
    client = login(production)
    url = reverse("capa:section", args=[action.pk, "d2"])
    typed = {"d2-problem": "", "d2-what": "外壳划伤，深约0.2毫米", "d2-how_many": "三批共120件",
             "version": str(action.version), "complete": "on"}
    response = client.post(url, typed)
    body = response.content.decode()
    assert response.status_code == 422
    assert "外壳划伤，深约0.2毫米" in body and "三批共120件" in body  # nothing typed is lost
    section = body[body.index('id="section-d2"'):body.index('id="section-d3"')]
    assert 'name="complete" class="form-check-input" checked' in section  # nor the "step is complete" tick
    assert "未保存" in section and "这个字段是必填项" in section  # the summary and the field's own error
    assert 'class="invalid-feedback d-block">这个字段是必填项' in section and "is-invalid" in section
    action.refresh_from_db()
    assert action.what == "" and action.version == int(typed["version"])  # nothing saved

    # A row's wrong date is named by its row; the rows typed stay.
    response = client.post(reverse("capa:section", args=[action.pk, "d5"]), {
        "d5-items-TOTAL_FORMS": "2", "d5-items-INITIAL_FORMS": "0",
        "d5-items-0-text": "周转箱加装隔板", "d5-items-0-owner": production.pk, "d5-items-0-due_on": "下周五",
        "d5-items-1-text": "", "version": str(action.version)})
    body = response.content.decode()
    assert response.status_code == 422 and "周转箱加装隔板" in body and "下周五" in body
    assert "第 1 行" in body and not action.items.exists()
    rows = body[body.index('id="section-d5"'):body.index('id="section-d6"')]
    assert rows.count("is-invalid") == 1  # the wrong date only, not the empty row's date input beside it
    fresh = client.get(reverse("capa:detail", args=[action.pk])).content.decode()
    assert "is-invalid" not in fresh  # and nothing of it left on the next page the process renders

    # Refused by the service (someone saved meanwhile): said on the section, the text typed kept.
    response = client.post(url, {**typed, "d2-problem": "客户投诉外壳划伤", "version": str(action.version + 1)})
    body = response.content.decode()
    assert response.status_code == 422 and "客户投诉外壳划伤" in body and "其他人刚刚修改了此措施" in body
    # Put right, it saves.
    response = client.post(url, {**typed, "d2-problem": "客户投诉外壳划伤", "version": str(action.version)})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.problem == "客户投诉外壳划伤" and action.how_many == "三批共120件"


def test_a_refused_step_change_or_link_comes_back_on_the_page_with_its_error_beside_it(login, people):
    action = raise_action(people)
    qa = people[Role.QA]
    client = login(qa)
    response = client.post(reverse("capa:step", args=[action.pk, "d4"]), {"owner": "", "due_at": "2026-12-20T17:00"})
    body = response.content.decode()
    assert response.status_code == 422 and "未保存" in body
    step_form = body[body.index('id="step-form"'):body.index("</form>", body.index('id="step-form"'))]
    assert 'value="d4" selected' in step_form and 'value="2026-12-20T17:00"' in step_form  # as it was chosen
    assert "invalid-feedback" in step_form and "这个字段是必填项" in step_form
    assert action.steps.get(step="d4").owner_id == people[Role.PRODUCTION].pk  # unchanged

    response = client.post(reverse("capa:link", args=[action.pk]), {"complaint": "KS-1999-0001"})
    body = response.content.decode()
    assert response.status_code == 422
    link_form = body[body.index('id="link-form"'):body.index("</form>", body.index('id="link-form"'))]
    assert 'value="KS-1999-0001"' in link_form and "未保存" in link_form and "is-invalid" in link_form
    assert action.links.count() == 0


def test_the_8d_report_and_the_list_export(login, people):
    action = walk_to(ActionStatus.CLOSED, people)
    client = login(people[Role.QA])
    pdf = client.get(reverse("capa:printout", args=[action.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for heading in ("D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "5 Why", "周转箱加装隔板", "Root Cause"):
        assert heading in text, heading
    export = client.get(reverse("capa:list") + "?format=xlsx&status=closed")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.values)
    assert rows[1][0] == action.number and len(rows) == 2


def test_the_list_and_detail_run_a_fixed_number_of_queries(login, people):
    client = login(people[Role.QA])

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = walk_to(ActionStatus.IMPLEMENTING, people)
    list_before, detail_before = count(reverse("capa:list")), count(reverse("capa:detail", args=[first.pk]))
    for _n in range(3):
        walk_to(ActionStatus.IMPLEMENTING, people)
    plan_more = raise_action(people)
    plan(plan_more, people)
    assert count(reverse("capa:list")) == list_before
    assert count(reverse("capa:detail", args=[first.pk])) == detail_before


def test_the_8d_page_reads_each_kind_of_row_and_each_list_of_choices_once(login, people):
    # A planning 8D report as the department fills it: nine steps, four sections of rows, two blank rows each.
    action = raise_action(people)
    client = login(people[Role.PRODUCTION])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("capa:detail", args=[action.pk])).status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]

    def reading(table: str) -> int:
        return sum(1 for sql in statements if sql.startswith("SELECT") and f'FROM "{table}"' in sql)

    assert reading("complaints_complaintsettings") == 1  # not once a step
    for table in ("capa_teammember", "capa_containmentrow", "capa_whyrow", "capa_actionitem"):
        assert reading(table) <= 1 + (table == "capa_teammember"), table  # (+ D1's "is there a leader")
    assert reading("accounts_department") == 1 and not any("COUNT(*)" in sql and "accounts_user" in sql
                                                             for sql in statements)


def test_outsiders_see_nothing(login, people, outsider):
    action = raise_action(people)
    client = login(outsider)
    assert client.get(reverse("capa:detail", args=[action.pk])).status_code == 404
    assert action.number not in client.get(reverse("capa:list")).content.decode()
    assert client.get(reverse("capa:printout", args=[action.pk])).status_code == 404


def test_a_nonconforming_report_through_the_pages(login, people):
    qa, production = people[Role.QA], people[Role.PRODUCTION]
    complaint = create_complaint(people[Role.SALESPERSON])
    client = login(qa)
    response = client.post(reverse("capa:ncr_create"), {
        "complaint": complaint.number, "quantity": "12", "description": "外壳划伤", "disposition": "rework",
        "responsible_department": production.department.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    ncr = NonconformingReport.objects.get()
    login(production).post(reverse("capa:ncr_step", args=[ncr.pk, "answer"]), {"cause": "碰撞", "measures": "隔板"})
    ncr.refresh_from_db()
    assert ncr.status == NcrStatus.ANSWERED
    page = login(qa).post(reverse("capa:ncr_step", args=[ncr.pk, "verify"]), {"result": "not_effective"},
                          follow=True).content.decode()
    ncr.refresh_from_db()
    assert ncr.status == NcrStatus.ANSWERED and "请说明措施无效的原因" in page
    login(qa).post(reverse("capa:ncr_step", args=[ncr.pk, "verify"]), {"result": "effective"})
    ncr.refresh_from_db()
    assert ncr.status == NcrStatus.VERIFIED
    pdf = login(qa).get(reverse("capa:ncr_printout", args=[ncr.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "不合格品处理单" in text and ncr.number in text


def _section(page: str, key: str) -> str:
    start = page.index(f'id="section-{key}"')
    return page[start:page.index("</section>", start)]


def test_a_completed_8d_step_is_shown_to_read_with_an_edit_button_not_as_an_open_form(login, people):
    action = raise_action(people)
    production = people[Role.PRODUCTION]
    services.action_section_save(actor=production, action=action, section="d1", complete=True, data={"team": [
        {"user": production, "department": production.department, "is_leader": True, "responsibility": "组长"}]})
    assert action.steps.get(step="d1").done_at is not None
    page = login(production).get(reverse("capa:detail", args=[action.pk])).content.decode()
    d1 = _section(page, "d1")
    # Read: the leader's row as words (是, 组长), no blank rows, the step marked done (完成).
    assert 'class="section-readonly"' in d1 and "完成" in d1
    readonly = d1[d1.index("section-readonly"):d1.index('<details class="section-edit">')]
    assert "组长" in readonly and "<td>是</td>" in readonly and "<input" not in readonly
    # The form is behind the edit button (编辑), without the 'step is complete' box a done step no longer needs.
    assert '<summary class="btn btn-sm btn-outline-secondary" id="edit-d1">编辑</summary>' in d1
    assert 'name="complete"' not in d1 and 'id="save-d1"' in d1
    # A step not done yet is still an open form, with its 'complete' box and no edit button.
    d2 = _section(page, "d2")
    assert "section-readonly" not in d2 and "section-edit" not in d2 and 'name="complete"' in d2
    # The contents at the top lead to every section and tick the done one.
    toc = page[page.index('id="section-toc"'):page.index("</nav>", page.index('id="section-toc"'))]
    assert all(f'href="#section-d{n}"' in toc for n in range(9))
    assert toc.count("✓") == 1
    # The general manager may read every step but change none: D1 to read, no form, no edit button.
    gm_page = login(people[Role.GM]).get(reverse("capa:detail", args=[action.pk])).content.decode()
    gm_d1 = _section(gm_page, "d1")
    assert "组长" in gm_d1 and "<form" not in gm_d1 and "edit-d1" not in gm_d1
    assert "<form" not in _section(gm_page, "d2")


def test_the_8d_page_shows_the_photos_of_its_complaints_as_thumbnails(login, people, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from kesu.capa.choices import SourceKind
    from kesu.complaints import services as complaint_services

    settings.MEDIA_ROOT = tmp_path / "media"
    complaint = create_complaint(people[Role.SALESPERSON])
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 200)).save(photo, "PNG")
    [picture, _pdf] = complaint_services.attachment_add(
        actor=people[Role.SALESPERSON], complaint=complaint,
        files=[SimpleUploadedFile("划伤.png", photo.getvalue()), SimpleUploadedFile("8d.pdf", b"%PDF-1.4 x")])
    action = raise_action(people, sources=[(SourceKind.COMPLAINT, complaint)])
    page = login(people[Role.PRODUCTION]).get(reverse("capa:detail", args=[action.pk])).content.decode()
    photos = page[page.index('id="complaint-photos"'):]
    photos = photos[:photos.index("</div>")]
    thumb = reverse("complaints:attachment_thumbnail", args=[complaint.pk, picture.pk])
    assert photos.count("<img") == 1 and f'<img src="{thumb}"' in photos and "data-kesu-lightbox" in photos
    assert f"{complaint.number} · 划伤.png" in photos
