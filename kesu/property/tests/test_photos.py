"""Several photos per item, damage report and loan: checked on upload, thumbnails, lightbox links, API upload."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from kesu.accounts.roles import Role
from kesu.complaints.tests.factories import People
from kesu.property import services
from kesu.property.tests.factories import new_item, new_loan

pytestmark = pytest.mark.django_db
R = Role


def _png(colour="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def people(company_a):
    return People(company_a)


def test_several_photos_at_once_on_the_item_page_get_thumbnails_and_lightbox_links(people, client):
    item = new_item(people)
    client.force_login(people[R.PRODUCTION])
    response = client.post(reverse("property:photos_add", args=[item.pk]), {
        "photos": [SimpleUploadedFile("front.png", _png()), SimpleUploadedFile("side.png", _png("blue"))]})
    assert response.status_code == 302
    photos = list(item.photos.order_by("id"))
    assert [p.name for p in photos] == ["front.png", "side.png"]
    assert all(p.thumbnail.name for p in photos)
    page = client.get(reverse("property:item_detail", args=[item.pk])).content.decode()
    assert page.count("data-kesu-lightbox") == 2
    thumb = client.get(reverse("property:photo_thumbnail", args=[item.pk, photos[0].pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as small:
        assert max(small.size) == 320  # 800×600 fits the 320 box: 320×240


def test_a_file_that_is_not_what_its_name_says_refuses_the_whole_upload(people, client):
    item = new_item(people)
    client.force_login(people[R.PRODUCTION])
    client.post(reverse("property:photos_add", args=[item.pk]), {
        "photos": [SimpleUploadedFile("ok.png", _png()), SimpleUploadedFile("fake.jpg", b"MZ\x90\x00not a jpeg")]})
    assert item.photos.count() == 0


def test_photos_of_a_damage_report_and_of_a_loan_stay_with_them(people, client):
    item = new_item(people)
    loan = new_loan(people, item)
    report = services.damage_report(actor=people[R.PRODUCTION], item=item, data={
        "kind": "damaged", "description": "型腔划伤", "happened_on": item.received_on},
        photos=[SimpleUploadedFile("scratch.png", _png()), SimpleUploadedFile("scratch2.png", _png())])
    assert report.photos.count() == 2
    client.force_login(people[R.PRODUCTION])
    client.post(reverse("property:photos_add", args=[item.pk]), {
        "loan": str(loan.pk), "photos": [SimpleUploadedFile("back.png", _png())]})
    assert [p.name for p in loan.photos.all()] == ["back.png"]
    assert "data-kesu-lightbox" in client.get(reverse("property:loan_detail", args=[loan.pk])).content.decode()
    assert client.get(reverse("property:damage_detail", args=[report.pk])).content.decode().count(
        "data-kesu-lightbox") == 2


def test_the_api_uploads_photos_and_outsiders_get_404(people, api, outsider):
    item = new_item(people)
    response = api(people[R.QA]).upload(f"/api/v1/property/items/{item.pk}/photos", {
        "photos": [SimpleUploadedFile("a.png", _png()), SimpleUploadedFile("b.png", _png())]})
    assert response.status_code == 201, response.content
    assert [p["name"] for p in response.json()] == ["a.png", "b.png"]
    assert all(p["has_thumbnail"] for p in response.json())
    refused = api(people[R.QA]).upload(f"/api/v1/property/items/{item.pk}/photos", {
        "photos": [SimpleUploadedFile("x.exe", b"MZ")]})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "photos"]
    assert api(outsider).upload(f"/api/v1/property/items/{item.pk}/photos", {
        "photos": [SimpleUploadedFile("a.png", _png())]}).status_code == 404
    assert item.photos.count() == 2


def test_taking_a_loan_back_on_its_page_keeps_the_condition_photos_on_the_loan(people, client):
    loan = new_loan(people)
    loan = services.loan_transition(actor=people[R.SALESPERSON], loan=loan, name="approve")
    loan = services.loan_transition(actor=people[R.PRODUCTION], loan=loan, name="issue")
    client.force_login(people[R.PRODUCTION])
    page = client.get(reverse("property:loan_detail", args=[loan.pk])).content.decode()
    # The return's form on the panel sends files.
    assert 'id="transition-return"' in page and 'enctype="multipart/form-data"' in page
    assert 'name="return-photos"' in page
    response = client.post(reverse("property:loan_step", args=[loan.pk, "return"]), {
        "version": str(loan.version), "return-return_condition": "damaged", "return-return_note": "导柱弯曲",
        "return-photos": [SimpleUploadedFile("guide.png", _png()), SimpleUploadedFile("pin.png", _png("blue"))]})
    assert response.status_code == 302, response.content
    loan.refresh_from_db()
    assert loan.status == "returned"
    assert sorted(p.name for p in loan.photos.all()) == ["guide.png", "pin.png"]
    # The damage report the damaged return raised holds them too, and the loan page shows them.
    assert loan.damage_reports.get().photos.count() == 2
    page = client.get(reverse("property:loan_detail", args=[loan.pk])).content.decode()
    assert page.count("data-kesu-lightbox") == 2


def test_a_return_photo_that_is_not_an_image_refuses_the_return(people, client):
    loan = new_loan(people)
    loan = services.loan_transition(actor=people[R.SALESPERSON], loan=loan, name="approve")
    loan = services.loan_transition(actor=people[R.PRODUCTION], loan=loan, name="issue")
    client.force_login(people[R.PRODUCTION])
    response = client.post(reverse("property:loan_step", args=[loan.pk, "return"]), {
        "version": str(loan.version), "return-return_condition": "good",
        "return-photos": [SimpleUploadedFile("fake.jpg", b"MZ\x90\x00not a jpeg")]})
    assert response.status_code == 422
    loan.refresh_from_db()
    assert loan.status == "issued" and loan.photos.count() == 0
