"""Intake by name, initials and codes, with photos (issue 17 §1): the page and the API."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kesu.complaints.models import Complaint
from kesu.customers.tests.factories import ContactFactory, CustomerFactory, PartFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BASE = "/api/v1/complaints"
FORM = {"channel": "phone", "description": "电话反馈：密封圈渗油，共 2 件。", "defect_location": "密封圈",
        "defect_nature": "渗油", "quantity_shipped": "10", "quantity_defective": "2",
        "operated_as_instructed": "unknown", "exclusion": "none"}


@pytest.fixture
def tydl(company_a):
    return CustomerFactory(company=company_a, code="K-TY01", name="泰越动力机械有限公司", short_name="泰越动力")


def test_the_intake_form_offers_lookups_narrowed_by_the_customer(login, salesperson, tydl):
    page = login(salesperson).get(reverse("complaints:create")).content.decode()
    lookup = reverse("lookup", args=["customer"])
    assert f'hx-get="{lookup}"' in page
    assert 'data-lookup-narrow="customer"' in page
    for name in ("contact", "part", "contract", "shipment", "user", "department"):
        assert f'hx-get="{reverse("lookup", args=[name])}"' in page
    assert '<select name="owner"' not in page  # people are looked up too, not listed
    assert page.count("data-lookup-narrowed-by=\"customer\"") == 4
    assert 'enctype="multipart/form-data"' in page and 'type="file" name="files"' in page and "multiple" in page


def test_a_complaint_is_recorded_with_the_chosen_records_and_two_photos(login, salesperson, qa_engineer, tydl,
                                                                         company_a):
    contact = ContactFactory(customer=tydl, name="张伟")
    part = PartFactory(company=company_a, part_no="P-MFQ", name="密封圈", customer=tydl)
    shipment = ShipmentFactory(company=company_a, customer=tydl, part=part, quantity=500)
    client = login(salesperson)
    photos = [SimpleUploadedFile("渗油1.png", PNG), SimpleUploadedFile("渗油2.png", PNG + b"2")]
    # What the lookups put into the hidden inputs: codes where records have them, ids otherwise.
    response = client.post(reverse("complaints:create"), {
        **FORM, "customer": "K-TY01", "contact": str(contact.pk), "part": "P-MFQ", "shipment": str(shipment.pk),
        "owner": str(salesperson.pk), "responsible_person": str(qa_engineer.pk), "files": photos,
    })
    assert response.status_code == 302, response.context["form"].errors
    made = Complaint.objects.get(customer=tydl)
    assert (made.contact, made.part, made.shipment) == (contact, part, shipment)
    assert (made.owner, made.responsible_person) == (salesperson, qa_engineer)
    rows = list(made.attachments.order_by("name"))
    assert [r.name for r in rows] == ["渗油1.png", "渗油2.png"]
    assert rows[1].sha256 == hashlib.sha256(PNG + b"2").hexdigest()
    assert rows[0].entry_id == rows[1].entry_id and "渗油1.png、渗油2.png" in rows[0].entry.summary
    # The refused form shows the chosen customer by name, not only its code.
    refused = client.post(reverse("complaints:create"), {"channel": "phone", "customer": "K-TY01"})
    body = refused.content.decode()
    assert refused.status_code == 200 and 'name="customer" class="form-control" value="K-TY01"' in body
    assert 'name="customer__chosen" value="K-TY01"' in body and "data-lookup-hint>K-TY01 泰越动力<" in body
    # A contact has no code: its box shows the name, the chosen id goes beside it.
    again = client.post(reverse("complaints:create"), {"channel": "phone", "customer": "K-TY01",
                                                       "contact__chosen": str(contact.pk), "contact": "张"})
    assert f'name="contact__chosen" value="{contact.pk}"' in again.content.decode()
    assert 'name="contact" class="form-control" value="张伟"' in again.content.decode()


def test_a_bad_file_refuses_the_whole_intake(login, salesperson, tydl):
    response = login(salesperson).post(reverse("complaints:create"), {
        **FORM, "customer": "K-TY01",
        "files": [SimpleUploadedFile("ok.png", PNG), SimpleUploadedFile("virus.exe", b"MZ\x90\x00")],
    })
    assert response.status_code == 200
    assert "files" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_the_api_takes_customer_and_part_codes(api, salesperson, tydl, company_a):
    part = PartFactory(company=company_a, part_no="P-MFQ", name="密封圈")
    response = api(salesperson).post(BASE, {"channel": "email", "customer_code": "K-TY01", "part_code": "P-MFQ",
                                            "description": "邮件反馈：密封圈渗油。"})
    assert response.status_code == 201, response.json()
    made = Complaint.objects.get(pk=response.json()["id"])
    assert (made.customer, made.part) == (tydl, part)


def test_the_api_refuses_both_an_id_and_a_code_or_no_customer(api, salesperson, tydl, company_a, company_b):
    caller = api(salesperson)
    both = caller.post(BASE, {"customer_id": tydl.pk, "customer_code": "K-TY01", "description": "渗油。"})
    assert both.status_code == 422
    assert [e["loc"][-1] for e in both.json()["detail"]] == ["customer_code"]
    neither = caller.post(BASE, {"description": "渗油。"})
    assert neither.status_code == 422
    assert [e["loc"][-1] for e in neither.json()["detail"]] == ["customer_id"]
    PartFactory(company=company_a, part_no="P-MFQ")
    two_parts = caller.post(BASE, {"customer_code": "K-TY01", "part_id": "P-MFQ", "part_code": "P-MFQ",
                                   "description": "渗油。"})
    assert [e["loc"][-1] for e in two_parts.json()["detail"]] == ["part_code"]
    CustomerFactory(company=company_b, code="K-B1")
    hidden = caller.post(BASE, {"customer_code": "K-B1", "description": "渗油。"})
    assert hidden.status_code == 422 and [e["loc"][-1] for e in hidden.json()["detail"]] == ["customer_code"]
    assert not Complaint.objects.exists()


def test_the_edit_form_narrows_contacts_and_parts_to_the_complaints_customer(login, salesperson, tydl):
    from kesu.complaints.tests.factories import create_complaint

    complaint = create_complaint(salesperson, customer=tydl)
    page = login(salesperson).get(reverse("complaints:edit", args=[complaint.pk])).content.decode()
    assert f'hx-vals="{{&quot;lookup_field&quot;: &quot;contact&quot;, &quot;customer_id&quot;: {tydl.pk}}}"' in page
    assert 'data-lookup-narrow="customer"' not in page  # the customer is not changed here


def test_the_claim_form_finds_customer_and_part_by_lookup(login, salesperson, tydl):
    page = login(salesperson).get(reverse("claims:create")).content.decode()
    assert f'hx-get="{reverse("lookup", args=["customer"])}"' in page
    assert 'data-lookup-narrowed-by="customer"' in page  # parts narrowed by the chosen customer


def test_a_customer_typed_by_its_exact_name_is_taken_when_no_choice_was_made(login, salesperson, tydl, company_a,
                                                                             company_b):
    CustomerFactory(company=company_b, code="K-B1", short_name="泰越动力")  # not visible: no ambiguity
    client = login(salesperson)
    response = client.post(reverse("complaints:create"), {**FORM, "customer": "泰越动力"})
    assert response.status_code == 302, response.context["form"].errors
    assert Complaint.objects.get().customer == tydl
    CustomerFactory(company=company_a, code="K-TY02", short_name="泰越动力")  # two of that name: none is guessed
    refused = client.post(reverse("complaints:create"), {**FORM, "customer": "泰越动力"})
    assert refused.status_code == 200 and "customer" in refused.context["form"].errors
