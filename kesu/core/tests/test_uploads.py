"""Checking uploaded files (kesu.core.uploads): the name a file is kept under."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.core.uploads import check_upload

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def test_it_accepts_a_name_over_two_hundred_characters_keeping_its_extension():
    long_name = "质量反馈" * 60 + ".pdf"  # 244 characters
    info = check_upload(SimpleUploadedFile(long_name, PDF))
    assert info.content_type == "application/pdf"
    assert len(info.name) <= 200 and info.name.endswith(".pdf") and info.name.startswith("质量反馈")


def test_a_short_name_is_kept_as_it_is():
    assert check_upload(SimpleUploadedFile("8D报告.pdf", PDF)).name == "8D报告.pdf"
