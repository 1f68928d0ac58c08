"""Bulk actions of the complaint list (issue 17 §7): assign the ticked complaints to a person of the department
through the assign service (one audit entry each, refusals reported per row), print their feedback forms as one
PDF (bounded), export them; only among the complaints the user may see."""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kesu.accounts.roles import Role
from kesu.complaints import bulk
from kesu.complaints.choices import Status
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import create_complaint
from kesu.core.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "complaints:bulk"


@pytest.fixture
def colleague(make_user):
    """A second QA engineer: the same department as ``qa_engineer``."""
    return make_user(Role.QA, username="qa2", display_name="周品保")


def _assign_entries(complaint: Complaint) -> list[AuditEntry]:
    return [e for e in AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Complaint),
                                                 object_id=str(complaint.pk))
            if "owner" in (e.changes or {})]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_bulk_assign_goes_through_the_service_once_per_complaint_and_reports_each_refusal(
        login, salesperson, qa_engineer, colleague, outsider):
    first, second, closed = (create_complaint(salesperson) for _ in range(3))
    Complaint.objects.filter(pk=closed.pk).update(status=Status.CLOSED)  # set-up only: a closed complaint
    foreign = create_complaint(outsider)
    before = {c.pk: len(_assign_entries(c)) for c in (first, second, closed)}
    client = login(qa_engineer)
    with translation.override("en"):
        response = client.post(reverse(URL), {"action": "assign", "owner": colleague.pk, "next": "/complaints/?sort=number",
                                              "ids": [first.pk, second.pk, closed.pk, foreign.pk]})
    assert response.status_code == 302 and response["Location"] == "/complaints/?sort=number"
    for complaint in (first, second):
        complaint.refresh_from_db()
        assert complaint.owner == colleague and complaint.department_id == colleague.department_id
        assert len(_assign_entries(complaint)) == before[complaint.pk] + 1  # exactly one audit entry each
    closed.refresh_from_db()
    assert closed.owner != colleague and len(_assign_entries(closed)) == before[closed.pk]
    foreign.refresh_from_db()
    assert foreign.owner != colleague  # another company's id is not there at all
    shown = _messages(response)
    assert len(shown) == 2
    with translation.override("zh-hans"):
        done = gettext("%(n)s complaints assigned to %(owner)s: %(numbers)s.") % {
            "n": 2, "owner": colleague, "numbers": f"{first.number}, {second.number}"}
        not_assigned = gettext("%(number)s not assigned: %(reason)s") % {"number": closed.number, "reason": ""}
    assert shown[0] == done
    assert shown[1].startswith(not_assigned) and closed.number not in shown[0]


def test_bulk_assign_offers_only_people_of_the_department_and_needs_the_assign_role(
        login, salesperson, qa_engineer, colleague, gm):
    complaint = create_complaint(salesperson)
    assert set(bulk.assignable_people(qa_engineer)) == {qa_engineer, colleague}
    client = login(qa_engineer)
    page = client.get(reverse("complaints:list")).content.decode()
    assert 'id="assign-selected"' in page
    select = page[page.index('id="bulk-owner"'):]
    select = select[:select.index("</select>")]
    assert f'value="{colleague.pk}"' in select and f'value="{gm.pk}"' not in select
    # A person outside the department is refused by the form, nothing changes.
    response = client.post(reverse(URL), {"action": "assign", "owner": gm.pk, "ids": [complaint.pk]})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.owner != gm
    # No person chosen: the field is named.
    with translation.override("en"):
        response = client.post(reverse(URL), {"action": "assign", "ids": [complaint.pk]})
        expected = gettext("Choose the person to assign the ticked complaints to.")
    assert any(expected in m for m in _messages(response))


def test_bulk_print_is_one_pdf_with_a_page_per_ticked_complaint_and_bounded(login, salesperson, outsider):
    from pypdf import PdfReader

    one, two = create_complaint(salesperson), create_complaint(salesperson)
    foreign = create_complaint(outsider)
    client = login(salesperson)
    single = len(PdfReader(io.BytesIO(bulk.printouts.feedback_form_pdf(one))).pages)
    response = client.post(reverse(URL), {"action": "print", "ids": [one.pk, two.pk, foreign.pk]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2 * single
    text = "".join(page.extract_text() for page in reader.pages)
    assert one.number in text and two.number in text and foreign.company.name not in text


def test_bulk_print_refuses_more_than_the_limit(login, salesperson, monkeypatch):
    monkeypatch.setattr(bulk, "PRINT_LIMIT", 1)
    one, two = create_complaint(salesperson), create_complaint(salesperson)
    response = login(salesperson).post(reverse(URL), {"action": "print", "ids": [one.pk, two.pk]})
    assert response.status_code == 302


def test_nothing_ticked_is_refused_and_get_is_not_allowed(login, salesperson):
    client = login(salesperson)
    assert client.get(reverse(URL)).status_code == 405
    response = client.post(reverse(URL), {"action": "export"})
    assert response.status_code == 302 and response["Location"] == reverse("complaints:list")


def test_bulk_export_post_gives_the_ticked_rows(login, salesperson, outsider):
    from kesu.complaints.tests.test_work_views import _xlsx_rows

    one, _two = create_complaint(salesperson), create_complaint(salesperson)
    foreign = create_complaint(outsider)
    rows = _xlsx_rows(login(salesperson).post(reverse(URL), {"action": "export", "ids": [one.pk, foreign.pk]}))
    assert [r[0] for r in rows[1:]] == [one.number]
