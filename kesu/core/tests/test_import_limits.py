"""Spreadsheet bombs and large files (issue 15 §2): every import reads within limits, big files run in the worker.

The bomb workbooks are built here with zipfile, as an attacker would: a cell of many megabytes that packs to a
few kilobytes, a sheet declaring A1:XFD1048576, a huge shared-strings part.
"""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from kesu.core import importexport
from kesu.core.importexport import ImportError_, import_jobs_run, import_progress, import_xlsx
from kesu.core.models import ImportJob
from kesu.customers import resources
from kesu.customers.models import Customer

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MEGABYTE = 1024 * 1024


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows: list[list[str]], *, dimension: str | None = None) -> bytes:
    """A worksheet of inline-string cells; ``dimension`` is what the sheet claims its size is, and its last
    cell is then written too, empty (so a reader trusting either pads every row to it)."""
    body = "".join(
        f'<row r="{n}">' + "".join(_cell(f"{chr(65 + i)}{n}", text) for i, text in enumerate(row)) + "</row>"
        for n, row in enumerate(rows, start=1))
    if dimension:
        last = dimension.split(":")[-1]
        body += f'<row r="{last.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{last}" t="inlineStr"><is><t></t></is></c></row>'
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN}">{declared}<sheetData>{body}</sheetData></worksheet>'.encode()


def workbook(sheet: bytes | None = None, *, shared: bytes | None = None, big_cell_mb: int = 0,
             name: str = "bomb.xlsx") -> SimpleUploadedFile:
    """A minimal .xlsx built part by part. ``big_cell_mb`` appends a row with one cell of that many megabytes
    (one letter repeated, so it packs to almost nothing); ``shared`` is a sharedStrings part."""
    overrides = ('<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    relations = (f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>')
    if shared is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.sharedStrings+xml"/>')
        relations += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'))
        archive.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relations}'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>'))
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
        sheet = sheet or sheet_xml([["code", "name"], ["KH-1", "某公司"]])
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            if big_cell_mb:
                head, tail = sheet.split(b"</sheetData>")
                part.write(head + b'<row r="99"><c r="B99" t="inlineStr"><is><t>')
                for _ in range(big_cell_mb):
                    part.write(b"A" * MEGABYTE)
                part.write(b"</t></is></c></row></sheetData>" + tail)
            else:
                part.write(sheet)
    return SimpleUploadedFile(name, data.getvalue())


def xlsx_rows(rows: list[list], name: str = "data.xlsx") -> SimpleUploadedFile:
    return workbook(sheet_xml([[str(v) for v in row] for row in rows]), name=name)


# -- the reproducers ---------------------------------------------------------------------------------------


def test_it_refuses_a_small_workbook_whose_one_cell_unpacks_to_fifty_megabytes(salesperson):
    bomb = workbook(big_cell_mb=50)
    assert bomb.size < 300 * 1024  # the attack: a small upload, far under the 20 MB limit
    with pytest.raises(ImportError_, match="100"):
        import_xlsx(resources.customer, actor=salesperson, upload=bomb)
    assert not ImportJob.objects.exists() and not Customer.objects.exists()


def test_the_import_page_refuses_the_bomb_next_to_the_file_field(salesperson, login):
    response = login(salesperson).post(reverse("customers:customer_import"), {"file": workbook(big_cell_mb=50)})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="import-error"' in body and 'aria-describedby="import-error"' in body
    assert not ImportJob.objects.exists()


def test_it_ignores_a_sheet_declaring_a1_to_xfd1048576_and_reads_only_its_cells(salesperson):
    declared = workbook(sheet_xml([["code", "name"], ["KH-1", "某公司"]], dimension="A1:XFD1048576"))
    started = time.process_time()
    job = import_xlsx(resources.customer, actor=salesperson, upload=declared)
    # Padding every row to the declared size took minutes of CPU a request; the two real rows take milliseconds.
    assert time.process_time() - started < 5
    assert (job.status, job.rows_total, job.rows_created) == ("done", 1, 1)


@override_settings(KESU_IMPORT_MAX_PART_BYTES=MEGABYTE)
def test_it_refuses_a_shared_strings_part_larger_than_the_limit_before_openpyxl_loads_it(salesperson):
    # Random text packs badly, so only the part limit (not the ratio) stands between it and memory.
    strings = "".join(f"<si><t>{os.urandom(24).hex()}</t></si>" for _ in range(30_000))
    shared = f'<sst xmlns="{MAIN}">{strings}</sst>'.encode()
    with pytest.raises(ImportError_, match="sharedStrings"):
        import_xlsx(resources.customer, actor=salesperson, upload=workbook(shared=shared))


def test_it_refuses_a_tightly_packed_shared_strings_part_by_its_ratio(salesperson):
    shared = f'<sst xmlns="{MAIN}">' + "<si><t>重复的文字</t></si>" * 400_000 + "</sst>"
    with pytest.raises(ImportError_, match="100"):
        import_xlsx(resources.customer, actor=salesperson, upload=workbook(shared=shared.encode()))


@override_settings(KESU_IMPORT_MAX_UNCOMPRESSED_BYTES=MEGABYTE)
def test_it_refuses_a_workbook_that_unpacks_to_more_than_the_limit(salesperson):
    rows = [["code", "name"], *[[f"KH-{n}", os.urandom(16).hex()] for n in range(20_000)]]
    with pytest.raises(ImportError_, match="1 MB"):
        import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(rows))


@override_settings(KESU_IMPORT_MAX_CELLS=10)
def test_it_refuses_a_sheet_with_more_cells_than_the_limit_before_reading_it(salesperson):
    rows = [["code", "name"], *[[f"KH-{n}", "某公司"] for n in range(6)]]
    with pytest.raises(ImportError_, match="10"):
        import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(rows))


@override_settings(KESU_IMPORT_MAX_CELL_CHARS=50)
def test_a_cell_longer_than_the_limit_rejects_its_row_with_a_message_not_a_crash(salesperson):
    job = import_xlsx(resources.customer, actor=salesperson,
                      upload=xlsx_rows([["code", "name"], ["KH-1", "某" * 60], ["KH-2", "好公司"]]))
    assert job.status == "rejected"
    assert [(e["row"], e["field"]) for e in job.errors["rows"]] == [
        (2, str(Customer._meta.get_field("name").verbose_name))]
    assert "50" in job.errors["rows"][0]["message"]
    assert not Customer.objects.exists()


def test_the_kpi_targets_import_reads_a_declared_a1_to_xfd1048576_sheet_streamed(gm, company_a):
    from kesu.reports.services.targets import kpi_targets_import

    sheet = sheet_xml([["company", "year", "kpi", "target"], [company_a.code, "2026", "ppm", "150"]],
                      dimension="A1:XFD1048576")
    started = time.process_time()
    outcome = kpi_targets_import(actor=gm, upload=workbook(sheet, name="targets.xlsx"))
    assert time.process_time() - started < 5  # full mode built 530 MB of empty cells from this 1.6 KB file
    assert (outcome["rows"], outcome["saved"], outcome["rejected"]) == (1, 1, [])


def test_the_kpi_targets_import_refuses_a_cell_bomb(gm):
    from kesu.reports.services.targets import kpi_targets_import

    with pytest.raises(ImportError_):
        kpi_targets_import(actor=gm, upload=workbook(big_cell_mb=30, name="targets.xlsx"))


def test_the_survey_answers_import_refuses_a_cell_bomb_next_to_the_file_field(company_a):
    from kesu.accounts.roles import Role
    from kesu.complaints.tests.factories import People
    from kesu.surveys.services.imports import answers_import
    from kesu.surveys.tests.factories import campaign

    people = People(company_a)
    with pytest.raises(ValidationError) as refused:
        answers_import(actor=people[Role.SALES_ASSISTANT], campaign=campaign(people, customers=1),
                       upload=workbook(big_cell_mb=30, name="answers.xlsx"))
    assert "file" in refused.value.message_dict


@override_settings(KESU_IMPORT_MAX_CELL_CHARS=50)
def test_the_survey_answers_import_rejects_a_row_with_a_too_long_cell(company_a):
    from kesu.accounts.roles import Role
    from kesu.complaints.tests.factories import People
    from kesu.surveys.services.imports import answers_import
    from kesu.surveys.tests.factories import campaign

    people = People(company_a)
    survey = campaign(people, customers=1)
    from kesu.surveys import services

    services.campaign_open(actor=people[Role.GENERAL_OFFICE], campaign=survey)
    code = survey.recipients.get().customer.code
    report = answers_import(actor=people[Role.SALES_ASSISTANT], campaign=survey, upload=xlsx_rows(
        [["customer code", "answered by", "remarks"], [code, "王经理", "备" * 60]], name="answers.xlsx"))
    assert (report.imported, [n for n, _m in report.errors]) == (0, [2])
    assert "50" in report.errors[0][1]


# -- the worker path ---------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


CUSTOMERS = [["code", "name"], ["KH-1", "无锡华东"], ["KH-2", "杭州西湖"], ["KH-3", "宁波港机"]]


@override_settings(KESU_IMPORT_BACKGROUND_ROWS=2)
def test_a_file_over_the_background_threshold_is_queued_then_the_worker_imports_it_with_progress(
        salesperson, media, monkeypatch):
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(CUSTOMERS))
    assert (job.status, job.rows_total) == ("queued", 3)
    assert job.upload and not Customer.objects.exists()

    seen: list[int] = []
    write = importexport._write_progress
    monkeypatch.setattr(importexport, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(importexport, "_write_progress", lambda pk, done: (seen.append(done), write(pk, done)))
    assert import_jobs_run() == 1

    job.refresh_from_db()
    assert (job.status, job.rows_created) == ("done", 3)
    assert seen == [0, 1, 2, 3]
    assert not job.upload and not list((media / "imports" / "queued").iterdir())  # the file is gone
    assert Customer.objects.count() == 3
    assert import_jobs_run() == 0  # nothing left to run


@override_settings(KESU_IMPORT_BACKGROUND_ROWS=2)
def test_the_progress_a_running_import_reports_is_what_the_worker_last_wrote(salesperson, media):
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(CUSTOMERS))
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    job.refresh_from_db()
    importexport._write_progress(job.pk, 2)
    assert import_progress(job) == 2


@override_settings(KESU_IMPORT_BACKGROUND_ROWS=2)
def test_a_job_another_worker_claimed_is_not_run_twice(salesperson, media):
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(CUSTOMERS))
    ImportJob.objects.filter(pk=job.pk).update(status="running")  # the other worker's claim
    assert import_jobs_run() == 0
    assert ImportJob.objects.get(pk=job.pk).status == "running" and not Customer.objects.exists()


@override_settings(KESU_IMPORT_BACKGROUND_ROWS=2, KESU_IMPORT_REPORT_MAX_ERRORS=2)
def test_a_rejected_worker_import_keeps_a_capped_report_file_that_still_downloads(salesperson, media, login):
    bad = [["code", "name"], ["KH-1", ""], ["KH-2", ""], ["KH-3", ""], ["KH-4", "好公司"]]
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(bad))
    import_jobs_run()
    job.refresh_from_db()
    assert (job.status, job.rows_rejected, job.errors["total"]) == ("rejected", 3, 3)
    assert job.report.name.startswith("imports/reports/")
    response = login(salesperson).get(reverse("customers:customer_import_report", args=[job.pk]))
    lines = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [line[0] for line in lines[1:3]] == [2, 3]
    assert "1" in lines[3][2] and len(lines) == 4  # the two kept errors, then how many more there are
    assert not Customer.objects.exists()


@override_settings(KESU_IMPORT_BACKGROUND_ROWS=2, KESU_IMPORT_MAX_ROWS=3)
def test_a_queued_file_over_the_row_limit_fails_as_a_whole_and_saves_nothing(salesperson, media):
    rows = [["code", "name"], *[[f"KH-{n}", "某公司"] for n in range(5)]]
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(rows))
    import_jobs_run()
    job.refresh_from_db()
    assert job.status == "failed" and "3" in job.message
    assert not Customer.objects.exists()


@override_settings(KESU_IMPORT_BACKGROUND_ROWS=2)
def test_the_import_page_polls_the_progress_of_a_queued_file_without_inline_script(salesperson, media, login):
    client = login(salesperson)
    body = client.post(reverse("customers:customer_import"), {"file": xlsx_rows(CUSTOMERS)}).content.decode()
    job = ImportJob.objects.get()
    status_url = reverse("customers:customer_import_status", args=[job.pk])
    assert f'hx-get="{status_url}"' in body and 'hx-trigger="every 2s"' in body
    assert "<progress" in body and "onclick" not in body
    import_jobs_run()
    polled = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-result"' in polled and "hx-trigger" not in polled  # finished: the polling stops


@override_settings(KESU_IMPORT_BACKGROUND_ROWS=2)
def test_only_the_importer_sees_a_jobs_progress(salesperson, media, login, make_user, outsider, qa_engineer):
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(CUSTOMERS))
    url = reverse("customers:customer_import_status", args=[job.pk])
    assert login(salesperson).get(url, HTTP_HX_REQUEST="true").status_code == 200
    assert login(make_user(username="colleague")).get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert login(outsider).get(url, HTTP_HX_REQUEST="true").status_code == 404
    assert login(qa_engineer).get(url, HTTP_HX_REQUEST="true").status_code == 403
    page = reverse("customers:customer_import") + f"?job={job.pk}"
    assert login(outsider).get(page).status_code == 404


@override_settings(KESU_IMPORT_BACKGROUND_ROWS=2)
def test_the_worker_refuses_a_queued_file_whose_user_lost_the_right_to_import(salesperson, media):
    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(CUSTOMERS))
    salesperson.is_active = False
    salesperson.save()
    import_jobs_run()
    job.refresh_from_db()
    assert job.status == "failed" and not Customer.objects.exists()


@override_settings(KESU_IMPORT_BACKGROUND_ROWS=2)
def test_an_import_whose_worker_died_is_queued_again_and_finished(salesperson, media):
    import datetime

    from django.utils import timezone

    job = import_xlsx(resources.customer, actor=salesperson, upload=xlsx_rows(CUSTOMERS))
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(status="running", started_at=long_ago)  # claimed, then killed
    assert import_jobs_run() == 1
    assert ImportJob.objects.get(pk=job.pk).status == "done" and Customer.objects.count() == 3


def test_the_calendar_import_reads_a_declared_a1_to_xfd1048576_sheet_without_padding_its_rows():
    from kesu.core.calendar import read_calendar_file

    sheet = sheet_xml([["date", "type", "name"], ["2027-01-01", "holiday", "元旦"]], dimension="A1:XFD1048576")
    rows = read_calendar_file(workbook(sheet, name="calendar.xlsx"))
    assert max(len(cells) for _number, cells in rows) == 3  # not 16,384 cells a row


def test_the_calendar_import_refuses_a_cell_bomb():
    from kesu.core.calendar import read_calendar_file

    with pytest.raises(ValidationError, match="200 MB|100"):
        read_calendar_file(workbook(big_cell_mb=30, name="calendar.xlsx"))
