"""Where uploads are kept (issue 24 §2): the storage is chosen by setting, and the content hash is checked on read."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.files import FieldFile

from kesu.core.uploads import StoredFileDamaged, open_checked

REPO = Path(__file__).resolve().parents[3]
CONTENT = b"%PDF-1.4\n8D report of KS-2026-0001\n"


def _stored(name: str = "tests/serve/report.pdf") -> tuple[FieldFile, str]:
    saved = default_storage.save(name, ContentFile(CONTENT))
    return FieldFile(None, models.FileField(storage=default_storage), saved), hashlib.sha256(CONTENT).hexdigest()


def test_a_file_with_its_recorded_hash_is_read_back_from_its_start():
    field_file, sha256 = _stored()
    handle = open_checked(field_file, sha256)
    try:
        assert handle.read() == CONTENT
    finally:
        handle.close()


def test_a_file_changed_on_the_share_after_upload_is_refused_not_served():
    field_file, sha256 = _stored()
    with open(default_storage.path(field_file.name), "r+b") as disk:  # someone edits the file behind Kesu
        disk.seek(10)
        disk.write(b"X")
    with pytest.raises(StoredFileDamaged):
        open_checked(field_file, sha256)


def test_a_missing_file_is_refused_the_same_way():
    field_file, sha256 = _stored()
    default_storage.delete(field_file.name)
    with pytest.raises(StoredFileDamaged):
        open_checked(field_file, sha256)
    assert issubclass(StoredFileDamaged, OSError)  # readers treating unreadable files as missing keep doing so


@pytest.mark.django_db
def test_a_complaint_attachment_tampered_with_on_disk_is_not_downloaded(salesperson, login):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from kesu.complaints import services
    from kesu.complaints.tests.factories import create_complaint

    complaint = create_complaint(salesperson)
    [row] = services.attachment_add(actor=salesperson, complaint=complaint,
                                    files=[SimpleUploadedFile("report.pdf", CONTENT)])
    client = login(salesperson)
    assert client.get(f"/api/v1/complaints/{complaint.pk}/attachments/{row.pk}/content").status_code == 200
    with open(row.file.path, "ab") as disk:
        disk.write(b"tampered")
    response = client.get(f"/api/v1/complaints/{complaint.pk}/attachments/{row.pk}/content")
    assert response.status_code == 409
    page = client.get(reverse("complaints:attachment", args=[complaint.pk, row.pk]), follow=True)
    assert page.status_code == 200 and CONTENT not in page.content  # back on the complaint, with a message


def _settings_in_a_fresh_process(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("KESU_S3", "KESU_STORAGE"))}
    environment.update(PYTHONPATH=str(REPO), KESU_SECRET_KEY="x" * 50, **env)
    code = ("import json, kesu.settings as s; d = s.STORAGES['default']; "
            "print(json.dumps({'backend': d['BACKEND'], 'options': d.get('OPTIONS', {})}))")
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60)


def test_local_storage_is_the_default():
    result = _settings_in_a_fresh_process()
    assert result.returncode == 0, result.stderr
    assert '"backend": "django.core.files.storage.FileSystemStorage"' in result.stdout


def test_kesu_storage_s3_keeps_uploads_private_in_the_named_bucket():
    result = _settings_in_a_fresh_process(
        KESU_STORAGE="s3", KESU_S3_BUCKET="kesu-files", KESU_S3_ENDPOINT_URL="http://minio.local:9000",
        KESU_S3_ACCESS_KEY_ID="id", KESU_S3_SECRET_ACCESS_KEY="secret")
    assert result.returncode == 0, result.stderr
    import json

    storage = json.loads(result.stdout)
    assert storage["backend"] == "storages.backends.s3.S3Storage"
    assert storage["options"]["bucket_name"] == "kesu-files"
    assert storage["options"]["endpoint_url"] == "http://minio.local:9000"
    assert storage["options"]["default_acl"] == "private" and storage["options"]["file_overwrite"] is False


def test_s3_without_a_bucket_or_an_unknown_storage_is_refused_at_start():
    assert "KESU_S3_BUCKET" in _settings_in_a_fresh_process(KESU_STORAGE="s3").stderr
    assert "use 'local' or 's3'" in _settings_in_a_fresh_process(KESU_STORAGE="ftp").stderr


@pytest.mark.django_db
def test_a_property_photo_tampered_with_on_disk_is_not_served(company_a, client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from PIL import Image

    from kesu.accounts.roles import Role
    from kesu.complaints.tests.factories import People
    from kesu.property.tests.factories import new_item

    people = People(company_a)
    item = new_item(people)
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(picture, "PNG")
    client.force_login(people[Role.PRODUCTION])
    client.post(reverse("property:photos_add", args=[item.pk]),
                {"photos": [SimpleUploadedFile("mould.png", picture.getvalue())]})
    photo = item.photos.get()
    url = reverse("property:photo", args=[item.pk, photo.pk])
    assert b"".join(client.get(url).streaming_content) == picture.getvalue()
    with open(photo.file.path, "ab") as disk:
        disk.write(b"<script>")
    response = client.get(url)
    assert response.status_code == 404 and b"<script>" not in response.content
