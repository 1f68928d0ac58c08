"""The PDFs meant for the customer (issue 23 §1): the customer's copy of the feedback form and, when the company
shares it, of the 8D report — the number in, internal names, notes and costs out; another customer's 404."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.capa.choices import SourceKind
from kesu.capa.models import ActionItem, ContainmentRow
from kesu.capa.tests.factories import plan, raise_action
from kesu.complaints import services as complaint_services
from kesu.complaints.choices import Status
from kesu.complaints.tests.factories import People, bring_to
from kesu.portal import services as portal_services
from kesu.portal.models import PortalSettings
from kesu.portal.selectors import plain_status

pytestmark = pytest.mark.django_db

SECRET_NOTE = "内部备注供应商批次问题勿告知客户"
SECRET_CONTAINMENT = "库存隔离费用八千元内部核算"
# Staff names that are no part of one another (a name inside another would pass the "not in" check by luck).
NAMES = {Role.SALESPERSON: "钱多多", Role.REGIONAL_MANAGER: "孙立人", Role.SALES_DIRECTOR: "李海川",
         Role.QA: "周岳峰", Role.PRODUCTION: "吴和平", Role.ENGINEERING: "郑北辰"}


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                  else response.content))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


@pytest.fixture
def people(company_a, salesperson):
    people = People(company_a)
    people._users[Role.SALESPERSON] = salesperson
    for role, name in NAMES.items():
        User.objects.filter(pk=people[role].pk).update(display_name=name)
        people[role].display_name = name
    people.other(Role.QA)  # the second approver, renamed below
    User.objects.filter(pk=people.other(Role.QA).pk).update(display_name="陈默然")
    people.other(Role.QA).display_name = "陈默然"
    return people


def _staff_names(people, complaint) -> set[str]:
    return (set(NAMES.values()) | {"陈默然"}) - {str(complaint.owner)}


@pytest.fixture
def complaint(people, customer_a, contact_a):
    complaint = bring_to(Status.REMEDY_DONE, people, customer=customer_a, contact=contact_a, escalated=True)
    complaint_services.note_add(actor=people[Role.QA], complaint=complaint, text=SECRET_NOTE)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def eight_d(people, complaint, customer_a, company_a):
    action = raise_action(people, customer=customer_a, sources=[(SourceKind.COMPLAINT, complaint)])
    plan(action, people)
    ContainmentRow.objects.filter(action=action).update(note=SECRET_CONTAINMENT)
    ActionItem.objects.filter(action=action).update(owner=people[Role.QA])  # an item of someone not the owner
    return action


def test_the_customers_feedback_form_has_the_number_and_plain_status_but_nothing_internal(
        client, portal_login, account_a, complaint, people):
    portal_login(account_a)
    _token, raw = portal_services.portal_token_create(account=account_a, name="ERP")
    page = client.get(f"/portal/complaints/{complaint.pk}/")
    assert f"/portal/complaints/{complaint.pk}/feedback.pdf" in page.content.decode()
    for response in (client.get(f"/portal/complaints/{complaint.pk}/feedback.pdf"),
                     client.get(f"/api/v1/portal/complaints/{complaint.pk}/feedback.pdf",
                                headers={"Authorization": f"Bearer {raw}"})):
        text = _text(response)
        assert complaint.number in text and "质量信息反馈单" in text
        with translation.override("zh-hant"):  # the contact's language, whichever way it was asked for
            assert plain_status(complaint.status).replace(" ", "") in text
        assert str(complaint.owner) in text
        assert SECRET_NOTE not in text
        for name in _staff_names(people, complaint):
            assert name not in text, name
        remedy = complaint.remedies.get()
        assert remedy.text.replace(" ", "")[:10] in text  # the agreed remedy is the customer's to see


def test_the_staff_feedback_form_still_prints_the_approvers(complaint, people):
    # The guard on the test above: the staff copy does print a name the customer's copy leaves out.
    from kesu.complaints.printouts import feedback_form_pdf

    reader = PdfReader(io.BytesIO(feedback_form_pdf(complaint)))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    approver = str(complaint.remedies.get().approved_by)
    assert approver != str(complaint.owner) and approver in text


def test_the_8d_report_is_shared_only_when_the_company_says_so(client, portal_login, account_a, complaint,
                                                                 eight_d, company_a):
    portal_login(account_a)
    url = f"/portal/complaints/{complaint.pk}/8d.pdf"
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/portal/complaints/{complaint.pk}/8d.pdf").status_code == 404
    assert "8d.pdf" not in client.get(f"/portal/complaints/{complaint.pk}/").content.decode()
    PortalSettings.objects.create(company=company_a, share_eight_d=True)
    assert url in client.get(f"/portal/complaints/{complaint.pk}/").content.decode()
    assert client.get(url).status_code == 200


def test_the_customers_8d_names_only_the_owner_and_leaves_notes_out(client, portal_login, account_a, complaint,
                                                                      eight_d, company_a, people):
    PortalSettings.objects.create(company=company_a, share_eight_d=True)
    portal_login(account_a)
    for response in (client.get(f"/portal/complaints/{complaint.pk}/8d.pdf"),
                     client.get(f"/api/v1/portal/complaints/{complaint.pk}/8d.pdf")):
        text = _text(response)
        assert eight_d.number in text and "周转箱加装隔板" in text
        assert str(eight_d.owner) in text
        assert SECRET_CONTAINMENT not in text
        for name in set(NAMES.values()) - {str(eight_d.owner)}:
            assert name not in text, name
    from kesu.capa.printouts import eight_d_pdf  # the staff copy does name the team and keep the note

    staff = "".join(p.extract_text() for p in PdfReader(io.BytesIO(eight_d_pdf(eight_d))).pages).replace(" ", "")
    assert NAMES[Role.QA] in staff and SECRET_CONTAINMENT in staff.replace("\n", "")


def test_the_pdfs_of_another_customers_complaint_are_404(client, portal_login, account_other, complaint, eight_d,
                                                           company_a):
    PortalSettings.objects.create(company=company_a, share_eight_d=True)
    portal_login(account_other)
    for url in (f"/portal/complaints/{complaint.pk}/feedback.pdf", f"/portal/complaints/{complaint.pk}/8d.pdf",
                f"/api/v1/portal/complaints/{complaint.pk}/feedback.pdf",
                f"/api/v1/portal/complaints/{complaint.pk}/8d.pdf"):
        assert client.get(url).status_code == 404, url


def test_an_8d_raised_from_another_complaint_is_not_shared_on_this_one(
        client, portal_login, account_a, complaint, people, customer_a, company_a):
    other = bring_to(Status.ACKNOWLEDGED, people, customer=customer_a)
    raise_action(people, customer=customer_a, sources=[(SourceKind.COMPLAINT, other)])
    PortalSettings.objects.create(company=company_a, share_eight_d=True)
    portal_login(account_a)
    assert client.get(f"/portal/complaints/{complaint.pk}/8d.pdf").status_code == 404
    assert client.get(f"/portal/complaints/{other.pk}/8d.pdf").status_code == 200


def test_the_written_explanation_is_downloaded_by_page_and_api_only_once_sent_in_the_contacts_language(
        client, portal_login, account_a, people, customer_a, contact_a, account_other):
    from kesu.complaints.tests.factories import act

    complaint = bring_to(Status.ASSESSED, people, customer=customer_a, contact=contact_a)
    complaint = act(complaint, "prepare_explanation", people)
    complaint = act(complaint, "approve_explanation", people)
    _token, raw = portal_services.portal_token_create(account=account_a, name="ERP")
    api = {"Authorization": f"Bearer {raw}"}
    api_url = f"/api/v1/portal/complaints/{complaint.pk}/explanation.pdf"
    page_url = f"/portal/complaints/{complaint.pk}/explanation.pdf"
    assert client.get(api_url, headers=api).status_code == 404  # approved, not yet sent
    act(complaint, "send_explanation", people)
    # A token carries no session language: the PDF is in the contact's (zh-Hant) whichever way it is asked for.
    text = _text(client.get(api_url, headers=api))
    assert complaint.number in text
    with translation.override("zh-hant"):
        title = translation.gettext("Written explanation").replace(" ", "")
    assert title in text
    portal_login(account_a)
    assert complaint.number in _text(client.get(page_url))
    client.post("/portal/logout/")
    portal_login(account_other)
    assert client.get(page_url).status_code == 404
