"""Attachments as people look at them (issue 17 §8): thumbnails made once on upload, a lightbox, the hash
behind a toggle, a decompression bomb that harms nothing, and a command for files stored before."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from kesu.accounts.roles import Role
from kesu.claims import services as claim_services
from kesu.claims.models import ClaimDocument
from kesu.claims.tests.factories import new_claim
from kesu.complaints import services
from kesu.complaints.models import ComplaintAttachment
from kesu.complaints.tests.factories import People, create_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def complaint(salesperson):
    return create_complaint(salesperson)


def _photo(width: int = 1600, height: int = 1200, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def _bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A valid PNG of 1 × 1 pixels whose header claims 50,000 × 50,000 (2.5 billion pixels)."""
    data = bytearray(_photo(1, 1))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4:ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr:ihdr + 17])) & 0xFFFFFFFF
    data[ihdr + 17:ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def _thumbnail_size(row) -> tuple[int, int]:
    with row.thumbnail.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG"
        return image.size


def test_a_photo_gets_a_thumbnail_once_on_upload_beside_the_file(salesperson, complaint):
    [row] = services.attachment_add(actor=salesperson, complaint=complaint,
                                    files=[SimpleUploadedFile("划伤.png", _photo(1600, 1200))])
    # 1600 × 1200 fitted into 320 × 320 keeps the 4:3 shape: 320 × 240.
    assert _thumbnail_size(row) == (320, 240)
    assert row.thumbnail.name == f"{row.file.name}.thumb.jpg"


def test_an_unreadable_pdf_or_an_office_file_gets_no_thumbnail(salesperson, complaint):
    rows = services.attachment_add(actor=salesperson, complaint=complaint, files=[
        SimpleUploadedFile("8d.pdf", b"%PDF-1.4 test"), SimpleUploadedFile("a.txt", b"plain words")])
    assert [r.thumbnail.name for r in rows] == ["", ""]


def _pdf_page(width: float, height: float) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(width, height))
    canvas.rect(20, 20, width - 40, height - 40, fill=1)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def test_a_pdf_shows_its_first_page_which_opens_the_pdf_not_a_lightbox(login, salesperson, complaint):
    # A4 portrait (595 × 842 points) fitted into 320 × 320: 226 × 320.
    [row] = services.attachment_add(actor=salesperson, complaint=complaint,
                                    files=[SimpleUploadedFile("检验报告.pdf", _pdf_page(595, 842))])
    assert _thumbnail_size(row) == (226, 320)
    with row.thumbnail.open("rb") as handle, Image.open(handle) as image:
        assert image.convert("L").getpixel((113, 160)) < 60  # the page's black rectangle is drawn
    page = login(salesperson).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    file_url = reverse("complaints:attachment", args=[complaint.pk, row.pk])
    assert f'<img src="{reverse("complaints:attachment_thumbnail", args=[complaint.pk, row.pk])}"' in page
    assert f'<a href="{file_url}" class="kesu-thumb d-inline-block me-2 align-top" data-caption' in page
    assert f'<a href="{file_url}" class="kesu-thumb d-inline-block me-2 align-top" data-kesu-lightbox' not in page


def test_a_decompression_bomb_is_kept_as_a_file_but_never_decoded(salesperson, complaint):
    [row] = services.attachment_add(actor=salesperson, complaint=complaint,
                                    files=[SimpleUploadedFile("bomb.png", _bomb())])
    assert row.thumbnail.name == ""
    assert ComplaintAttachment.objects.get(pk=row.pk).name == "bomb.png"


def test_the_page_shows_the_thumbnail_in_a_lightbox_link_and_the_hash_in_a_details_toggle(
        login, salesperson, complaint):
    [row] = services.attachment_add(actor=salesperson, complaint=complaint,
                                    files=[SimpleUploadedFile("划伤.jpg", _photo(640, 480, "JPEG"))])
    client = login(salesperson)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    thumb_url = reverse("complaints:attachment_thumbnail", args=[complaint.pk, row.pk])
    file_url = reverse("complaints:attachment", args=[complaint.pk, row.pk])
    assert f'<img src="{thumb_url}"' in page
    assert f'<a href="{file_url}" class="kesu-thumb d-inline-block me-2 align-top" data-kesu-lightbox' in page
    # The full hash is behind the toggle, not printed as the attachment's face.
    assert "<details class=\"d-inline-block kesu-hash\"><summary class=\"text-secondary small\">" in page
    assert f"SHA-256 {row.sha256}</span></details>" in page
    served = client.get(thumb_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"


def test_another_companys_user_gets_no_thumbnail(login, salesperson, outsider, complaint):
    [row] = services.attachment_add(actor=salesperson, complaint=complaint,
                                    files=[SimpleUploadedFile("a.png", _photo(100, 100))])
    response = login(outsider).get(reverse("complaints:attachment_thumbnail", args=[complaint.pk, row.pk]))
    assert response.status_code == 404


def test_a_file_without_thumbnail_answers_404_on_the_thumbnail_address(login, salesperson, complaint):
    [row] = services.attachment_add(actor=salesperson, complaint=complaint,
                                    files=[SimpleUploadedFile("8d.pdf", b"%PDF-1.4 test")])
    response = login(salesperson).get(reverse("complaints:attachment_thumbnail", args=[complaint.pk, row.pk]))
    assert response.status_code == 404


def test_the_command_makes_missing_thumbnails_and_is_safe_to_run_twice(salesperson, complaint, company_a):
    [photo, pdf] = services.attachment_add(actor=salesperson, complaint=complaint, files=[
        SimpleUploadedFile("a.png", _photo(900, 300)), SimpleUploadedFile("b.pdf", b"%PDF-1.4 x")])
    ComplaintAttachment.objects.filter(pk=photo.pk).update(thumbnail="")  # as stored before thumbnails
    people = People(company_a)
    claim = new_claim(people, documents=False)
    doc = claim_services.claim_document_add(actor=people[Role.SALESPERSON], claim=claim, kind="photos",
                                            file=SimpleUploadedFile("现场.png", _photo(300, 900)))
    ClaimDocument.objects.filter(pk=doc.pk).update(thumbnail="")
    out = io.StringIO()
    call_command("make_thumbnails", stdout=out)
    assert "2" in out.getvalue()
    photo.refresh_from_db()
    doc.refresh_from_db()
    pdf.refresh_from_db()
    assert _thumbnail_size(photo) == (320, 107)  # 900 × 300 → 320 × 106.7, rounded
    assert _thumbnail_size(doc) == (107, 320)
    assert pdf.thumbnail.name == ""
    again = io.StringIO()
    call_command("make_thumbnails", stdout=again)
    assert again.getvalue().strip().startswith("0")


def test_a_claim_photo_shows_its_thumbnail_on_the_claim_page(login, company_a):
    people = People(company_a)
    claim = new_claim(people, documents=False)
    doc = claim_services.claim_document_add(actor=people[Role.SALESPERSON], claim=claim, kind="photos",
                                            file=SimpleUploadedFile("现场.png", _photo(640, 640)))
    assert _thumbnail_size(doc) == (320, 320)
    client = login(people[Role.SALESPERSON])
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    thumb_url = reverse("claims:document_thumbnail", args=[claim.pk, doc.pk])
    assert f'<img src="{thumb_url}"' in page and "data-kesu-lightbox" in page
    assert client.get(thumb_url).status_code == 200
