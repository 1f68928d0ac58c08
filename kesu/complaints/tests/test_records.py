"""Communications, notes, files, assignment, meetings and disposition lines by page and API (issue 3 §1, §3, §5).

Pages answer in the default language, Simplified Chinese, so their messages are read in Chinese here.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.complaints.models import ComplaintAttachment, TimelineEntry
from kesu.complaints.tests.factories import People, create_complaint

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def complaint(salesperson):
    return create_complaint(salesperson)


def _post(client, complaint, kind: str, data: dict, files: dict | None = None):
    prefixed = {f"{kind if kind != 'mis_order_approval' else 'line'}-{k}": v for k, v in data.items()}
    if files:
        prefixed.update({f"{kind}-{k}": v for k, v in files.items()})
    return client.post(reverse("complaints:record", args=[complaint.pk, kind]), prefixed, follow=True)


def test_a_photo_and_a_word_file_are_attached_with_their_content_hash(login, salesperson, complaint):
    client = login(salesperson)
    files = [SimpleUploadedFile("划伤照片.png", PNG), SimpleUploadedFile("报告.docx", _docx())]
    response = _post(client, complaint, "attachment", {"note": "现场照片", "internal": ""}, {"files": files})
    assert response.status_code == 200
    rows = list(complaint.attachments.order_by("id"))
    assert [r.name for r in rows] == ["划伤照片.png", "报告.docx"]
    import hashlib
    assert rows[0].sha256 == hashlib.sha256(PNG).hexdigest()
    assert rows[0].internal is False and "划伤照片.png" in rows[0].entry.summary
    download = client.get(reverse("complaints:attachment", args=[complaint.pk, rows[0].pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["X-Content-Type-Options"] == "nosniff"
    page = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert "划伤照片.png" in page.content.decode()


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("page.html", b"<html><script>alert(1)</script>", "不接受此类型的文件"),
    ("logo.svg", b"<svg onload=alert(1)>", "不接受此类型的文件"),
    ("photo.jpg", b"MZ\x90\x00 this is an exe", "并不是真正的 .jpg 文件"),
    ("report.pdf", b"<html>", "并不是真正的 .pdf 文件"),
    ("fake.docx", b"PK\x03\x04garbage", "并不是真正的 .docx 文件"),
    ("empty.png", b"", "所提交的是空文件"),  # Django's own check, in the page's language
])
def test_a_dangerous_or_disguised_file_is_refused_naming_it_and_nothing_is_saved(
        login, salesperson, complaint, name, content, reason):
    client = login(salesperson)
    good = SimpleUploadedFile("ok.png", PNG)
    response = _post(client, complaint, "attachment", {"note": "x"},
                     {"files": [good, SimpleUploadedFile(name, content)]})
    text = response.content.decode()
    assert reason in text and (name in text or name == "empty.png")
    assert not ComplaintAttachment.objects.exists()
    assert not complaint.timeline.filter(summary__startswith="Attached").exists()


def test_a_file_over_the_size_limit_is_refused(login, salesperson, complaint, settings):
    settings.KESU_ATTACHMENT_MAX_BYTES = 1024 * 1024
    client = login(salesperson)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024))
    response = _post(client, complaint, "attachment", {}, {"files": [big]})
    assert "超过 1 MB" in response.content.decode()
    assert not ComplaintAttachment.objects.exists()


def test_a_file_changed_on_disk_is_not_served(login, salesperson, complaint):
    [row] = services.attachment_add(actor=salesperson, complaint=complaint,
                                    files=[SimpleUploadedFile("a.png", PNG)])
    with open(row.file.path, "ab") as handle:
        handle.write(b"tampered")
    client = login(salesperson)
    response = client.get(reverse("complaints:attachment", args=[complaint.pk, row.pk]), follow=True)
    assert "与登记的内容哈希不一致" in response.content.decode()
    api_response = client.get(f"/api/v1/complaints/{complaint.pk}/attachments/{row.pk}/content")  # session auth
    assert api_response.status_code == 409


def test_another_companys_user_cannot_download_a_file(login, api, salesperson, outsider, complaint):
    [row] = services.attachment_add(actor=salesperson, complaint=complaint,
                                    files=[SimpleUploadedFile("a.png", PNG)])
    response = login(outsider).get(reverse("complaints:attachment", args=[complaint.pk, row.pk]))
    assert response.status_code == 404
    assert api(outsider).get(f"/api/v1/complaints/{complaint.pk}/attachments/{row.pk}/content").status_code == 404


def test_a_communication_with_a_file_and_an_internal_note_go_on_the_timeline(login, salesperson, complaint):
    client = login(salesperson)
    _post(client, complaint, "communication", {"direction": "out", "channel": "email",
                                               "summary": "已发送 8D 初步报告"},
          {"files": [SimpleUploadedFile("8d.pdf", b"%PDF-1.4 test")]})
    _post(client, complaint, "note", {"text": "内部：怀疑来料问题"})
    entries = list(complaint.timeline.order_by("at", "id"))
    communication = next(e for e in entries if e.summary == "已发送 8D 初步报告")
    note = next(e for e in entries if e.summary == "内部：怀疑来料问题")
    assert communication.internal is False and communication.attachments.get().name == "8d.pdf"
    assert note.internal is True


def test_a_communication_without_summary_is_refused_naming_the_field(login, salesperson, complaint):
    response = _post(login(salesperson), complaint, "communication",
                     {"direction": "in", "channel": "phone", "summary": ""})
    with translation.override("zh-hans"):
        expected = f"{translation.gettext('summary')}: 这个字段是必填项。"
    assert expected in response.content.decode()
    assert complaint.timeline.count() == 1


def test_assignment_and_meeting_by_page(login, company_a, complaint):
    people = People(company_a)
    qa = people[Role.QA]
    production = people[Role.PRODUCTION]
    client = login(qa)
    _post(client, complaint, "assign", {"owner": qa.pk})
    complaint.refresh_from_db()
    assert complaint.owner == qa
    response = _post(client, complaint, "meeting", {
        "held_at": "2026-01-05T10:00", "attendees": [qa.pk, production.pk],
        "departments": [production.department_id], "conclusions": "确认为装配工序问题", "actions": "增加全检"})
    assert "会议已登记。" in response.content.decode()
    meeting = complaint.meetings.get()
    assert set(meeting.attendees.all()) == {qa, production}


def test_a_role_that_may_not_record_a_meeting_is_refused(login, salesperson, complaint):
    response = _post(login(salesperson), complaint, "meeting", {"conclusions": "x"})
    assert response.status_code == 403


def test_a_mis_order_return_is_restocked_only_after_approval_and_inspection_by_api(api, company_a, complaint):
    people = People(company_a)
    sales = api(people[Role.SALESPERSON])
    url = f"/api/v1/complaints/{complaint.pk}/dispositions"
    response = sales.post(url, {"kind": "return", "quantity": 2, "mis_order": True, "note": "客户订错型号"})
    assert response.status_code == 201, response.content
    line_id = response.json()["id"]
    qa = api(people[Role.QA])
    refused = qa.post(f"{url}/{line_id}/restock")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "regional_manager_approved_by"]
    assert sales.post(f"{url}/{line_id}/mis-order-approval").status_code == 403
    assert api(people[Role.REGIONAL_MANAGER]).post(f"{url}/{line_id}/mis-order-approval").status_code == 200
    assert qa.post(f"{url}/{line_id}/inspection", {"result": "pass"}).status_code == 200
    done = qa.post(f"{url}/{line_id}/restock")
    assert done.status_code == 200 and done.json()["restocked_at"]


def test_api_records_communications_notes_files_and_assignment(api, salesperson, qa_engineer, complaint):
    client = api(salesperson)
    base = f"/api/v1/complaints/{complaint.pk}"
    response = client.post(f"{base}/communications", {"direction": "in", "channel": "phone",
                                                            "summary": "客户来电催促"})
    assert response.status_code == 201 and response.json()["internal"] is False
    assert client.post(f"{base}/notes", {"text": "内部备注"}).json()["internal"] is True
    bad = client.post(f"{base}/communications", {"direction": "sideways", "channel": "phone",
                                                       "summary": "x"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "direction"]
    unknown = client.post(f"{base}/notes", {"text": "x", "secret": 1})
    assert unknown.status_code == 422
    upload = client.upload(f"{base}/attachments", {"note": "照片", "files": [SimpleUploadedFile("a.png", PNG)]})
    assert upload.status_code == 201, upload.content
    assert upload.json()[0]["sha256"]
    listed = client.get(f"{base}/attachments").json()
    assert [a["name"] for a in listed] == ["a.png"]
    assigned = api(qa_engineer).post(f"{base}/assignment", {"owner_id": qa_engineer.pk})
    assert assigned.status_code == 200 and assigned.json()["owner_id"] == qa_engineer.pk
    assert TimelineEntry.objects.filter(complaint=complaint, kind="assignment").exists()
