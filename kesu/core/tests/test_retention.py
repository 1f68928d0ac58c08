"""Retention and anonymisation (issue 18 §14, seed 002 "保存期3年"): kept three years after closure, then the
personal data goes and the quality facts stay; a contact anonymised on request everywhere, the audit trail too."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.choices import Status
from kesu.complaints.models import Complaint
from kesu.complaints.tests.factories import People, bring_to
from kesu.core import retention
from kesu.core.models import Anonymisation, AuditEntry, RetentionPolicy, RetentionReview
from kesu.customers.models import Contact
from kesu.customers.tests.factories import ContactFactory, CustomerFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MOBILE, EMAIL = "13912345678", "zhou.unique@buyer-example.cn"


@pytest.fixture
def people(company_a):
    return People(company_a)


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, username="kesu-admin")


@pytest.fixture
def closed(people):
    """A complaint closed on 15 March 2023 whose description names the customer's contact and their mobile."""
    customer = CustomerFactory(company=people.company)
    person = ContactFactory(customer=customer, name="周采购", mobile=MOBILE, email=EMAIL)
    complaint = bring_to(Status.CLOSED, people, customer=customer, contact=person,
                         description=f"周采购来电（{MOBILE}）反映外壳划伤 3 台", quantity_defective=3)
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=datetime.datetime(2023, 3, 15, 10, 0, tzinfo=SHANGHAI))
    return Complaint.objects.get(pk=complaint.pk), person


def _due(company, day):
    return [(d.record_type, d.pk) for d in retention.retention_due(company, today=day)]


def test_a_complaint_is_due_three_years_after_it_closed_and_not_a_day_before(closed, company_a):
    complaint, _person = closed
    assert ("complaint", complaint.pk) not in _due(company_a, datetime.date(2026, 3, 14))
    assert ("complaint", complaint.pk) in _due(company_a, datetime.date(2026, 3, 15))


def test_a_company_keeps_complaints_longer_when_it_sets_so(closed, company_a):
    complaint, _person = closed
    RetentionPolicy.objects.create(company=company_a, record_type="complaint", years=5)
    years = retention.retention_years(company_a.pk)
    # Modules register their own record types (contract reviews, …): each keeps the seed's three years unless set.
    assert years == {"complaint": 5, **{key: 3 for key in retention.RECORD_TYPES if key != "complaint"}}
    assert {"claim", "survey_answer"} <= set(years)
    assert ("complaint", complaint.pk) not in _due(company_a, datetime.date(2027, 3, 15))
    assert ("complaint", complaint.pk) in _due(company_a, datetime.date(2028, 3, 15))


def test_confirming_anonymises_the_people_and_keeps_the_quality_facts(closed, company_a, admin):
    complaint, person = closed
    before = Complaint.objects.get(pk=complaint.pk)
    count = retention.retention_confirm(actor=admin, company=company_a, today=datetime.date(2026, 6, 1))
    assert count == 1
    after = Complaint.objects.get(pk=complaint.pk)
    assert "周采购" not in after.description and MOBILE not in after.description
    assert after.description == "***来电（***）反映外壳划伤 3 台"
    assert after.contact_id is None
    facts = ["quantity_defective", "part_id", "category_id", "severity", "responsibility", "status", "closed_at",
             "received_at", "customer_id", "responsible_department_id"]
    assert [getattr(after, f) for f in facts] == [getattr(before, f) for f in facts]
    assert after.quantity_defective == 3
    # The complaint's own trail forgets the person; the contact, still a customer's contact, keeps their data.
    for entry in AuditEntry.objects.filter(content_type__model="complaint", object_id=str(complaint.pk)):
        assert "周采购" not in str(entry.changes) and MOBILE not in str(entry.changes)
    assert Contact.objects.get(pk=person.pk).mobile == MOBILE
    mark = Anonymisation.objects.get(object_id=str(complaint.pk), content_type__model="complaint")
    assert (mark.kind, mark.actor) == ("retention", admin)
    # Done once: the next review does not list it again.
    assert ("complaint", complaint.pk) not in _due(company_a, datetime.date(2027, 6, 1))


def test_the_yearly_job_prepares_one_review_per_company_and_year(closed, company_a):
    retention.retention_review_prepare(today=datetime.date(2026, 6, 1))
    retention.retention_review_prepare(today=datetime.date(2026, 6, 2))
    review = RetentionReview.objects.get(company=company_a)
    assert (review.year, review.due_count, review.confirmed_at) == (2026, 1, None)


def test_only_an_administrator_confirms_by_page_and_api(closed, login, api, people, admin):
    qa = people[Role.QA]
    assert login(qa).get(reverse("records:retention")).status_code == 403
    assert login(qa).post(reverse("records:retention")).status_code == 403
    assert api(qa).post("/api/v1/retention/confirm", {}).status_code == 403
    assert api(qa).get("/api/v1/retention/due").status_code == 403
    assert not Anonymisation.objects.exists()
    page = login(admin).get(reverse("records:retention")).content.decode()
    assert closed[0].number in page and 'id="retention-confirm"' in page
    assert api(admin).get("/api/v1/retention/due").json()[0]["id"] == closed[0].pk
    assert api(admin).post("/api/v1/retention/confirm", {}).json() == {"anonymised": 1}


def test_a_contact_is_anonymised_on_request_everywhere_including_the_audit_trail(closed, admin, company_a):
    complaint, person = closed
    assert AuditEntry.objects.filter(object_id=str(person.pk), content_type__model="contact").exists()
    retention.contact_anonymise(actor=admin, contact=person, reason="本人来函要求删除个人信息（2026-05-01）")
    person.refresh_from_db()
    assert (person.name, person.mobile, person.email) == (f"已匿名 #{person.pk}", "", "")
    assert Complaint.objects.get(pk=complaint.pk).contact_id == person.pk  # the link stays, the person goes
    for entry in AuditEntry.objects.filter(company_id=company_a.pk):
        text = f"{entry.object_repr} {entry.changes}"
        assert "周采购" not in text and MOBILE not in text and EMAIL not in text, entry
    named = AuditEntry.objects.filter(content_type__model="complaint", object_id=str(complaint.pk),
                                      action="create").get()
    assert named.changes["contact"][1] == f"已匿名 #{person.pk} (#{person.pk})"
    assert Complaint.objects.get(pk=complaint.pk).description == "***来电（***）反映外壳划伤 3 台"
    mark = Anonymisation.objects.get(content_type__model="contact", object_id=str(person.pk))
    assert (mark.kind, mark.reason) == ("request", "本人来函要求删除个人信息（2026-05-01）")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ANONYMISE, object_id=str(person.pk)).exists()


def test_anonymising_a_contact_needs_the_reason_and_an_administrator(closed, login, api, people, admin, english):
    _complaint, person = closed
    url = reverse("records:contact_anonymise", args=[person.pk])
    assert login(people[Role.SALES_DIRECTOR]).post(url, {"reason": "x"}).status_code == 403
    assert api(people[Role.SALES_DIRECTOR]).post(f"/api/v1/contacts/{person.pk}/anonymise",
                                                 {"reason": "x"}).status_code == 403
    response = api(admin).post(f"/api/v1/contacts/{person.pk}/anonymise", {"reason": "  "})
    from django.utils import translation

    with translation.override("zh-hans"):
        expected = translation.gettext("Say why the contact is anonymised (the request).")
    assert response.status_code == 422 and response.json()["detail"][0]["msg"] == expected
    assert login(admin).post(url, {"reason": ""}).status_code == 200  # the form again, with its error
    assert Contact.objects.get(pk=person.pk).mobile == MOBILE
    response = login(admin).post(url, {"reason": "客户书面申请"})
    assert response.status_code == 302 and Contact.objects.get(pk=person.pk).mobile == ""
