"""Visits and return visits: records, findings turned into a complaint or a corrective action (linked both
ways), the follow-up after a complaint's closure, pages, API, and outsiders."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.capa.models import ActionLink
from kesu.complaints.choices import Channel, Status
from kesu.complaints.tests.factories import bring_to
from kesu.core.tests.panels import later_part
from kesu.customers.tests.factories import ContactFactory, CustomerFactory
from kesu.service import services
from kesu.service.choices import Confirmation, VisitKind, VisitPurpose
from kesu.service.models import Visit

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 20)


def phone_visit(people, customer=None, **data) -> Visit:
    customer = customer or CustomerFactory(company=people.company)
    values = {"kind": VisitKind.PHONE, "customer": customer, "visited_on": DAY,
              "view_quality": "外壳偶有划伤", "findings": "最近一批泵体外壳 5 台划伤"}
    values.update(data)
    return services.visit_create(actor=people[Role.SALESPERSON], company=people.company, data=values)


def test_a_phone_return_visit_records_who_went_and_the_contacts(people):
    customer = CustomerFactory(company=people.company)
    contact = ContactFactory(customer=customer)
    visit = services.visit_create(actor=people[Role.SALESPERSON], company=people.company, data={
        "kind": VisitKind.PHONE, "customer": customer, "visited_on": DAY, "view_delivery": "交期满意"},
        contacts=[contact])
    assert visit.visited_by == people[Role.SALESPERSON] and visit.recorded_by == people[Role.SALESPERSON]
    assert list(visit.contacts.all()) == [contact]
    assert visit.purpose == VisitPurpose.ROUTINE


def test_contacts_of_another_customer_are_refused(people):
    other = ContactFactory(customer=CustomerFactory(company=people.company))
    with pytest.raises(ValidationError) as refused:
        services.visit_create(actor=people[Role.SALESPERSON], company=people.company, data={
            "customer": CustomerFactory(company=people.company), "visited_on": DAY}, contacts=[other])
    assert "contacts" in refused.value.message_dict


def test_finance_may_not_record_a_visit(people):
    with pytest.raises(PermissionDenied):
        services.visit_create(actor=people[Role.FINANCE], company=people.company, data={
            "customer": CustomerFactory(company=people.company), "visited_on": DAY})


def test_a_finding_becomes_a_complaint_once_and_both_point_at_each_other(people):
    visit = phone_visit(people)
    complaint = services.visit_raise_complaint(actor=people[Role.SALESPERSON], visit=visit)
    visit.refresh_from_db()
    assert visit.finding_complaint == complaint
    assert complaint.customer == visit.customer and complaint.channel == Channel.PHONE
    assert complaint.description == "最近一批泵体外壳 5 台划伤"
    assert list(complaint.service_findings.all()) == [visit]
    with pytest.raises(ValidationError) as twice:
        services.visit_raise_complaint(actor=people[Role.SALESPERSON], visit=visit)
    assert "findings" in twice.value.message_dict


def test_a_visit_without_a_finding_raises_nothing(people):
    visit = phone_visit(people, findings="")
    with pytest.raises(ValidationError) as refused:
        services.visit_raise_complaint(actor=people[Role.SALESPERSON], visit=visit)
    assert refused.value.message_dict["findings"] == ["Write the finding first."]


def test_a_finding_becomes_a_corrective_action_linked_to_the_visit(people):
    qa = people[Role.QA]
    visit = phone_visit(people)
    action = services.visit_raise_action(actor=people[Role.SALESPERSON], visit=visit)
    visit.refresh_from_db()
    assert visit.finding_action == action and action.owner == qa and action.customer == visit.customer
    link = ActionLink.objects.get(action=action)
    assert link.object_id == visit.pk and link.content_type.model == "visit"


def test_a_visit_after_closure_needs_a_closed_complaint_of_the_customer(people):
    open_complaint = bring_to(Status.ACKNOWLEDGED, people)
    with pytest.raises(ValidationError) as refused:
        phone_visit(people, customer=open_complaint.customer, kind=VisitKind.ONSITE,
                    purpose=VisitPurpose.AFTER_CLOSURE, complaint=open_complaint)
    assert refused.value.message_dict == {"complaint": ["The complaint is not closed yet."]}
    with pytest.raises(ValidationError) as missing:
        phone_visit(people, purpose=VisitPurpose.AFTER_CLOSURE)
    assert "complaint" in missing.value.message_dict


def test_the_customer_confirms_the_improvement_after_closure(people):
    closed = bring_to(Status.CLOSED, people)
    visit = phone_visit(people, customer=closed.customer, kind=VisitKind.ONSITE, purpose=VisitPurpose.AFTER_CLOSURE,
                        complaint=closed, findings="", confirmation=Confirmation.CONFIRMED,
                        confirmation_note="改进后未再出现划伤")
    assert list(closed.service_follow_ups.all()) == [visit]
    with pytest.raises(ValidationError) as refused:
        phone_visit(people, confirmation=Confirmation.CONFIRMED)
    assert "confirmation" in refused.value.message_dict


def test_pages_list_create_detail_and_raise(people, client):
    customer = CustomerFactory(company=people.company, code="C-77")
    client.force_login(people[Role.SALESPERSON])
    refused = client.post(reverse("service:visit_create"), {
        "kind": "phone", "customer": "C-77", "visited_on": "", "purpose": "after_closure", "findings": "噪音偏大"})
    assert refused.status_code == 200
    assert "噪音偏大" in refused.content.decode()  # typed values stay
    created = client.post(reverse("service:visit_create"), {
        "kind": "phone", "customer": "C-77", "visited_on": "2026-11-20", "purpose": "routine", "findings": "噪音偏大"})
    visit = Visit.objects.get(customer=customer)
    assert created.status_code == 302 and created["Location"] == reverse("service:visit_detail", args=[visit.pk])
    listing = client.get(reverse("service:index"))
    assert listing.status_code == 200 and reverse("service:visit_detail", args=[visit.pk]) in listing.content.decode()
    assert client.get(reverse("service:index") + "?format=xlsx").status_code == 200
    client.post(reverse("service:visit_raise_complaint", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.finding_complaint is not None
    page = client.get(reverse("service:visit_detail", args=[visit.pk])).content.decode()
    assert 'id="finding-complaint"' in page
    complaint_page = later_part(client, reverse("complaints:detail", args=[visit.finding_complaint.pk])).content.decode()
    assert 'id="complaint-visits"' in complaint_page
    customer_page = client.get(reverse("customers:customer_detail", args=[customer.pk])).content.decode()
    assert 'id="customer-visits"' in customer_page


def test_outsiders_get_404_on_pages_and_api(people, people_b, client, api):
    visit = phone_visit(people)
    outsider = people_b[Role.SALESPERSON]
    client.force_login(outsider)
    assert client.get(reverse("service:visit_detail", args=[visit.pk])).status_code == 404
    assert client.post(reverse("service:visit_raise_complaint", args=[visit.pk])).status_code == 404
    assert visit.pk not in [v["id"] for v in api(outsider).get("/api/v1/service/visits").json()]
    assert api(outsider).get(f"/api/v1/service/visits/{visit.pk}").status_code == 404
    assert api(outsider).post(f"/api/v1/service/visits/{visit.pk}/complaint").status_code == 404
    assert api(people[Role.FINANCE]).post("/api/v1/service/visits", {
        "customer_id": visit.customer_id, "visited_on": "2026-11-20"}).status_code == 403


def test_api_creates_and_turns_the_finding_into_a_complaint(people, api):
    customer = CustomerFactory(company=people.company)
    sales = api(people[Role.SALESPERSON])
    refused = sales.post("/api/v1/service/visits", {"customer_id": customer.pk, "visited_on": "2026-11-20",
                                                      "purpose": "after_closure"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "complaint"]
    created = sales.post("/api/v1/service/visits", {"customer_id": customer.pk, "visited_on": "2026-11-20",
                                                      "kind": "phone", "findings": "包装破损"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["visited_by_id"] == people[Role.SALESPERSON].pk and body["kind"] == "phone"
    raised = sales.post(f"/api/v1/service/visits/{body['id']}/complaint")
    assert raised.status_code == 201
    assert sales.get(f"/api/v1/service/visits/{body['id']}").json()["finding_complaint_id"] == raised.json()["id"]


def test_a_negative_view_is_marked_on_the_form_the_api_and_the_list_filter(people, client, api):
    customer = CustomerFactory(company=people.company, code="C-88")
    calm = phone_visit(people, customer=customer)
    client.force_login(people[Role.SALESPERSON])
    client.post(reverse("service:visit_create"), {
        "kind": "phone", "customer": "C-88", "visited_on": "2026-11-21", "purpose": "routine",
        "findings": "对交期很不满意", "negative": "on"})
    angry = Visit.objects.get(customer=customer, visited_on=datetime.date(2026, 11, 21))
    assert angry.negative is True and calm.negative is False
    assert list(Visit.objects.filter(negative=True)) == [angry]
    only_negative = client.get(reverse("service:index") + "?negative=1").content.decode()
    assert reverse("service:visit_detail", args=[angry.pk]) in only_negative
    assert reverse("service:visit_detail", args=[calm.pk]) not in only_negative
    not_negative = client.get(reverse("service:index") + "?negative=0").content.decode()
    assert reverse("service:visit_detail", args=[angry.pk]) not in not_negative
    sales = api(people[Role.SALESPERSON])
    created = sales.post("/api/v1/service/visits", {"customer_id": customer.pk, "visited_on": "2026-11-22",
                                                      "negative": True})
    assert created.status_code == 201 and created.json()["negative"] is True
    ids = [v["id"] for v in sales.get("/api/v1/service/visits?negative=true").json()]
    assert sorted(ids) == sorted([angry.pk, created.json()["id"]])


def test_a_finding_becomes_an_early_warning_signal_and_a_need_an_informal_order_linked_both_ways(people, client,
                                                                                                api):
    from kesu.contracts.models import ContractReview
    from kesu.prevention.models import WarningSignal

    visit = phone_visit(people, view_needs="希望开发 DN80 不锈钢泵体\n年需求约 500 台")
    client.force_login(people[Role.SALESPERSON])
    client.post(reverse("service:visit_raise_signal", args=[visit.pk]), {"warning_class": "b"})
    visit.refresh_from_db()
    signal = visit.finding_signal
    assert signal is not None and signal.source == "visit" and signal.warning_class == "b"
    assert signal.customer_id == visit.customer_id and signal.observed.startswith("最近一批泵体外壳 5 台划伤")
    assert list(signal.service_findings.all()) == [visit]
    again = client.post(reverse("service:visit_raise_signal", args=[visit.pk]), follow=True)
    assert WarningSignal.objects.filter(customer=visit.customer).count() == 1 and again.status_code == 200
    client.post(reverse("service:visit_raise_enquiry", args=[visit.pk]))
    visit.refresh_from_db()
    review = visit.finding_review
    assert review is not None and review.review_type == "informal" and review.product_name == "希望开发 DN80 不锈钢泵体"
    assert review.received_on == DAY and review.customer_id == visit.customer_id
    assert list(review.service_findings.all()) == [visit]
    page = client.get(reverse("service:visit_detail", args=[visit.pk])).content.decode()
    assert 'id="finding-signal"' in page and 'id="finding-review"' in page
    # API: the same services; an outsider gets 404; a second enquiry from the same visit is refused.
    other = phone_visit(people)
    sales = api(people[Role.SALESPERSON])
    raised = sales.post(f"/api/v1/service/visits/{other.pk}/signal", {"warning_class": "c"})
    assert raised.status_code == 201 and raised.json()["number"] == WarningSignal.objects.get(pk=raised.json()["id"]).number
    assert sales.get(f"/api/v1/service/visits/{other.pk}").json()["finding_signal_id"] == raised.json()["id"]
    refused = sales.post(f"/api/v1/service/visits/{visit.pk}/enquiry")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "view_needs"]
    assert ContractReview.objects.filter(customer=visit.customer).count() == 1
