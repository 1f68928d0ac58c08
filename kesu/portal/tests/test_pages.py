"""The contact's complaint pages: file, list, follow, reply, decide — only their customer's, nothing internal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kesu.accounts.roles import Role
from kesu.complaints import services as complaint_services
from kesu.complaints.choices import Channel, Direction, Status, TimelineKind
from kesu.complaints.models import Complaint, ComplaintAttachment, StatusChange
from kesu.complaints.tests.factories import People, act, bring_to
from kesu.complaints.workflow import TRANSITIONS
from kesu.core.models import AuditEntry
from kesu.customers.tests.factories import CustomerFactory
from kesu.portal import services as portal_services
from kesu.portal.selectors import plain_status

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SECRET_NOTE = "内部备注：供应商批次问题，勿告知客户"
SECRET_FILE = "内部成本核算.pdf"


def _t(text: str, language: str = "zh-hant") -> str:
    with translation.override(language):
        return translation.gettext(text)


@pytest.fixture
def people(company_a, salesperson):
    people = People(company_a)
    people._users[Role.SALESPERSON] = salesperson
    return people


def test_a_contact_files_a_complaint_with_a_photo_and_sees_it_listed(client, portal_login, account_a, part_a):
    portal_login(account_a)
    response = client.post("/portal/complaints/new/", {
        "part": part_a.pk, "quantity_defective": 3, "lot_number": "L2026-11-07", "description": "外殼有劃傷",
        "files": [SimpleUploadedFile("劃傷.png", PNG, content_type="image/png")]})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/complaints/{complaint.pk}/"
    assert (complaint.channel, complaint.customer, complaint.contact) == (Channel.PORTAL, account_a.contact.customer,
                                                                          account_a.contact)
    assert (complaint.part, complaint.quantity_defective, complaint.lot_number) == (part_a, 3, "L2026-11-07")
    photo = ComplaintAttachment.objects.get(complaint=complaint)
    assert not photo.internal and photo.name == "劃傷.png"
    page = client.get("/portal/").content.decode()
    assert complaint.number in page
    with translation.override("zh-hant"):
        assert plain_status(Status.RECEIVED) in page
    detail = client.get(response["Location"]).content.decode()
    assert "外殼有劃傷" in detail and f"/portal/complaints/{complaint.pk}/files/{photo.pk}/" in detail
    assert client.get(f"/portal/complaints/{complaint.pk}/files/{photo.pk}/").status_code == 200


def test_a_complaint_needs_a_description_said_in_the_contacts_language(client, portal_login, account_a):
    portal_login(account_a)
    response = client.post("/portal/complaints/new/", {"lot_number": "L1"})
    assert response.status_code == 200
    assert _t("This field is required.") in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_part_of_another_customer_cannot_be_named(client, portal_login, account_a, company_a, customer_other):
    from kesu.customers.tests.factories import PartFactory

    foreign = PartFactory(company=company_a, customer=customer_other)
    portal_login(account_a)
    response = client.post("/portal/complaints/new/", {"part": foreign.pk, "description": "x"})
    assert response.status_code == 200 and not Complaint.objects.exists()


def _portal_urls(complaint, attachment_pk: int) -> list[str]:
    base = f"/portal/complaints/{complaint.pk}/"
    return [base, f"{base}files/{attachment_pk}/", f"{base}files/{attachment_pk}/thumbnail/",
            f"{base}explanation.pdf"]


def test_another_customers_complaints_are_404_on_every_page_and_endpoint(
        client, portal_login, account_a, people, customer_other, company_b, outsider):
    theirs = bring_to(Status.REMEDY_APPROVED, people, customer=customer_other)
    other_company = complaint_services.complaint_create(
        actor=outsider, company=company_b,
        data={"channel": Channel.PHONE, "description": "B", "customer": CustomerFactory(company=company_b)})
    portal_login(account_a)
    for complaint in (theirs, other_company):
        shared = complaint_services.communication_log(
            actor=None, complaint=complaint, direction=Direction.OUT, channel=Channel.EMAIL, summary="s",
            files=[SimpleUploadedFile("a.png", PNG)])
        attachment = shared.attachments.get()
        for url in _portal_urls(complaint, attachment.pk):
            assert client.get(url).status_code == 404, url
        base = f"/portal/complaints/{complaint.pk}/"
        assert client.post(base + "reply/", {"text": "hi"}).status_code == 404
        assert client.post(base + "decision/", {"decision": "accept"}).status_code == 404
        api = f"/api/v1/portal/complaints/{complaint.pk}"
        assert client.get(api).status_code == 404
        assert client.get(f"{api}/files/{attachment.pk}").status_code == 404
        assert client.post(f"{api}/replies", {"text": "hi"}).status_code == 404
        assert client.post(f"{api}/decision", {"accepted": True}, content_type="application/json").status_code == 404
        assert complaint.number not in client.get("/portal/").content.decode()
        assert complaint.number not in client.get("/api/v1/portal/complaints").content.decode()
    theirs.refresh_from_db()
    assert theirs.status == Status.REMEDY_APPROVED


def test_internal_notes_files_and_other_staff_never_reach_the_portal(
        client, portal_login, account_a, people, customer_a, qa_engineer, sales_director):
    complaint = bring_to(Status.REMEDY_APPROVED, people, customer=customer_a, escalated=False)
    complaint_services.note_add(actor=qa_engineer, complaint=complaint, text=SECRET_NOTE,
                                files=[SimpleUploadedFile(SECRET_FILE, b"%PDF-1.4\n%secret\n")])
    secret = ComplaintAttachment.objects.get(name=SECRET_FILE)
    complaint_services.communication_log(actor=people[Role.SALESPERSON], complaint=complaint,
                                         direction=Direction.OUT, channel=Channel.PHONE, summary="已电话告知客户方案")
    staff_names = {str(u) for u in (qa_engineer, sales_director, people.other(Role.REGIONAL_MANAGER),
                                     people[Role.REGIONAL_MANAGER])} - {str(complaint.owner)}
    portal_login(account_a)
    _token, raw = portal_services.portal_token_create(account=account_a, name="ERP")
    pages = [client.get(u) for u in ("/portal/", f"/portal/complaints/{complaint.pk}/", "/portal/account/",
                                     "/portal/complaints/new/")]
    apis = [client.get(u, headers={"Authorization": f"Bearer {raw}"})
            for u in ("/api/v1/portal/complaints", f"/api/v1/portal/complaints/{complaint.pk}")]
    for response in pages + apis:
        assert response.status_code == 200
        text = response.content.decode()
        assert SECRET_NOTE not in text and SECRET_FILE not in text
        for name in staff_names:
            assert name not in text, name
    detail = pages[1].content.decode()
    assert "已电话告知客户方案" in detail and str(complaint.owner) in detail
    assert client.get(f"/portal/complaints/{complaint.pk}/files/{secret.pk}/").status_code == 404
    assert client.get(f"/api/v1/portal/complaints/{complaint.pk}/files/{secret.pk}").status_code == 404


def test_a_reply_with_a_file_is_a_customer_communication_on_the_staff_timeline(
        client, portal_login, account_a, people, customer_a, salesperson):
    complaint = bring_to(Status.ACKNOWLEDGED, people, customer=customer_a)
    portal_login(account_a)
    response = client.post(f"/portal/complaints/{complaint.pk}/reply/", {
        "text": "補充照片", "files": [SimpleUploadedFile("補充.png", PNG)]})
    assert response.status_code == 302
    entry = complaint.timeline.order_by("-id").first()
    assert (entry.summary, entry.direction, entry.channel, entry.internal) == ("補充照片", Direction.IN,
                                                                              Channel.PORTAL, False)
    assert entry.attachments.get().internal is False
    client.post("/portal/logout/")
    client.force_login(salesperson)
    staff_page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "補充照片" in staff_page


def test_the_customer_rejects_the_first_remedy_and_accepts_the_second_through_the_staff_step(
        client, portal_login, account_a, people, customer_a):
    complaint = bring_to(Status.REMEDY_APPROVED, people, customer=customer_a)
    portal_login(account_a)
    url = f"/portal/complaints/{complaint.pk}/decision/"
    refused = client.post(url, {"decision": "reject", "reason": ""})
    assert refused.status_code == 422
    assert _t("Say why you reject the proposed remedy.") in refused.content.decode()
    assert client.post(url, {"decision": "reject", "reason": "要求退貨而非換貨"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CUSTOMER_REJECTED
    change = StatusChange.objects.filter(complaint=complaint).latest("id")
    assert change.name == "customer_rejects" and change.actor is None
    assert AuditEntry.objects.filter(source="portal", object_id=str(complaint.pk)).exists()
    assert complaint.remedies.get(round=1).decision_reason == "要求退貨而非換貨"
    # Staff read the step in the installation's language (zh-Hans), not the contact's zh-Hant, with both the
    # customer's reason and who recorded it, and the step carries the portal channel.
    step = complaint.timeline.filter(kind=TimelineKind.TRANSITION).latest("id")
    recorded = _t("Recorded in the customer portal by %(name)s.", "zh-hans") % {"name": account_a.contact.name}
    with translation.override("zh-hans"):
        label = str(TRANSITIONS[(Status.REMEDY_APPROVED, "customer_rejects")].label)
    assert step.summary.startswith(label)
    assert "要求退貨而非換貨" in step.summary and recorded in step.summary
    assert step.channel == Channel.PORTAL
    complaint = act(complaint, "propose_remedy", people, remedy_text="全數退貨並補發")
    complaint = act(complaint, "approve_remedy", people)
    page = client.get(f"/portal/complaints/{complaint.pk}/").content.decode()
    assert "全數退貨並補發" in page and 'id="portal-decision"' in page
    assert client.post(url, {"decision": "accept"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.REMEDY_ACCEPTED
    timeline = list(complaint.timeline.filter(channel=Channel.PORTAL).values_list("summary", flat=True))
    with translation.override("zh-hant"):
        assert any(s.startswith(_t("We accept the proposed remedy.")) for s in timeline)
    # Deciding twice is refused by the workflow (wrong state), not a server error.
    assert client.post(url, {"decision": "accept"}).status_code == 422


def test_the_written_explanation_is_theirs_once_sent(client, portal_login, account_a, people, customer_a):
    complaint = bring_to(Status.ASSESSED, people, customer=customer_a)
    complaint = act(complaint, "prepare_explanation", people)
    complaint = act(complaint, "approve_explanation", people)
    portal_login(account_a)
    assert client.get(f"/portal/complaints/{complaint.pk}/explanation.pdf").status_code == 404
    act(complaint, "send_explanation", people)
    response = client.get(f"/portal/complaints/{complaint.pk}/explanation.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_sales_see_who_has_portal_access_and_invite_from_the_customer_page(
        client, salesperson, customer_a, contact_a, django_capture_on_commit_callbacks):
    client.force_login(salesperson)
    page = client.get(f"/customers/customers/{customer_a.pk}/").content.decode()
    assert f'id="portal-invite-{contact_a.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/portal/staff/contacts/{contact_a.pk}/invite/")
    assert response.status_code == 302
    assert contact_a.portal_account.invited_by == salesperson


def test_the_customer_disputes_then_acknowledges_the_written_explanation(
        client, portal_login, account_a, people, customer_a):
    complaint = bring_to(Status.EXPLANATION_SENT, people, customer=customer_a)
    portal_login(account_a)
    url = f"/portal/complaints/{complaint.pk}/explanation/"
    assert 'id="portal-explanation-form"' in client.get(f"/portal/complaints/{complaint.pk}/").content.decode()
    refused = client.post(url, {"answer": "dispute", "reason": ""})
    assert refused.status_code == 422 and _t("Say why you dispute the explanation.") in refused.content.decode()
    assert client.post(url, {"answer": "dispute", "reason": "檢測方法不同意"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.QA_INVESTIGATION
    assert StatusChange.objects.filter(complaint=complaint).latest("id").name == "customer_disputes"
    for step in ("prepare_explanation", "approve_explanation", "send_explanation"):
        complaint = act(complaint, step, people)
    assert client.post(url, {"answer": "acknowledge"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    with translation.override("zh-hant"):
        assert complaint.timeline.filter(channel=Channel.PORTAL,
                                         summary=_t("We acknowledge the written explanation.")).exists()


def test_a_refused_file_refuses_the_whole_complaint(client, portal_login, account_a):
    portal_login(account_a)
    response = client.post("/portal/complaints/new/", {
        "description": "附件", "files": [SimpleUploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 64)]})
    assert response.status_code == 200
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()
