"""A Kesu serving writes, for the backup round trip: run as its own process against a real database.

``python -m kesu.core.tests.backup_writer FOLDER`` makes a company, a salesperson
and a complaint with an attachment through the services, writes FOLDER/ready,
waits for FOLDER/go, then records complaints through the service, one
transaction each, writing the count to FOLDER/written after each commit, until
FOLDER/stop appears.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def main(folder: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kesu.accounts.roles import Role
    from kesu.accounts.tests.factories import CompanyFactory, UserFactory
    from kesu.complaints import services
    from kesu.complaints.tests.factories import create_complaint
    from kesu.core.context import acting_as

    with acting_as(None, "command"):
        company = CompanyFactory(code="A", name="苏州甲机械有限公司", short_name="甲机械")
        sales = UserFactory(role=Role.SALESPERSON, company=company, username="sales1")
        first = create_complaint(sales)
        services.attachment_add(actor=sales, complaint=first, files=[SimpleUploadedFile("photo.png", PNG)])
        services.attachment_add(actor=sales, complaint=first,
                                files=[SimpleUploadedFile("photo2.png", PNG + b"a second photo")])
    (folder / "ready").write_text("1")
    while not (folder / "go").exists():
        time.sleep(0.05)
    written = 0
    while not (folder / "stop").exists():
        create_complaint(sales, customer=first.customer)
        written += 1
        (folder / "written").write_text(str(written))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
