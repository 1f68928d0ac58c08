"""The complaint admin: configuration editable, cases read-only, company scope kept."""

import pytest
from django.urls import reverse

from kesu.complaints.models import ComplaintCategory
from kesu.complaints.tests.factories import category, create_complaint

pytestmark = pytest.mark.django_db


def test_the_administrator_sees_a_case_with_its_records_but_cannot_change_it(login, admin_user, salesperson):
    complaint = create_complaint(salesperson)
    client = login(admin_user)
    assert client.get(reverse("admin:complaints_complaint_changelist")).status_code == 200
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert page.status_code == 200 and complaint.number in page.content.decode()
    response = client.post(reverse("admin:complaints_complaint_change", args=[complaint.pk]), {"status": "closed"})
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == "received"
    assert client.get(reverse("admin:complaints_complaint_add")).status_code == 403


def test_categories_are_configured_in_the_admin(login, admin_user, company_a):
    item = category(company_a)
    client = login(admin_user)
    response = client.post(reverse("admin:complaints_complaintcategory_change", args=[item.pk]), {
        "company": company_a.pk, "code": item.code, "name": "外观缺陷", "window_kind": "working_days",
        "window_value": 5, "is_active": "on"})
    assert response.status_code == 302
    assert ComplaintCategory.objects.get(pk=item.pk).window_value == 5
