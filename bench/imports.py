"""Spreadsheet imports at size and under attack (issue 15 §2): wall time and peak memory, one process per case.

    .venv/bin/python bench/imports.py                      # every case on a fresh SQLite database
    .venv/bin/python bench/imports.py --database-url postgres://postgres@127.0.0.1:5432/kesu_bench_imports
    .venv/bin/python bench/imports.py --case customers     # one case

Cases (each in its own process, so its peak RSS is its own; ``resource.getrusage`` ru_maxrss):

- ``customers``: a 20,000-row customer workbook, imported as a salesperson through the worker path
  (``import_xlsx`` queues it, ``import_jobs_run`` runs it with progress);
- ``shipments``: a 100,000-row shipment workbook (300 customers, 1,000 parts) the same way;
- the worst workbooks under the 20 MB upload limit, each checked and read through ``XlsxSheet`` to the end or
  refused: ``cell-bomb`` (205 KB, one 200 MB cell), ``declared`` (1.6 KB declaring A1:XFD1048576, with a cell
  there), ``dense`` (numeric cells up to KESU_IMPORT_MAX_CELLS), ``shared`` (a shared-strings part of distinct
  strings just under KESU_IMPORT_MAX_PART_MB), ``wide-text`` (incompressible text cells filling the 20 MB).

The workbooks are generated into the data folder (a temporary one unless ``--data-dir``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMPORT_CASES = ["customers", "shipments"]
READ_CASES = ["cell-bomb", "declared", "dense", "shared", "wide-text"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# -- workbooks ------------------------------------------------------------------------------------------------

def _package(path: Path, write_sheet, shared: bytes | None = None) -> None:
    """A minimal .xlsx; ``write_sheet(part)`` writes the sheet XML into the open zip member."""
    overrides = ('<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                 '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    relations = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                      'officedocument.spreadsheetml.sharedStrings+xml"/>')
        relations += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            f'ContentType="application/xml"/>{overrides}</Types>'))
        archive.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relations}'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
            '</workbook>'))
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            write_sheet(part)


def _header(part, cells: list[str], dimension: str = "") -> None:
    part.write(f'<worksheet xmlns="{MAIN}">{dimension}<sheetData><row r="1">'.encode())
    part.write("".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells).encode() + b"</row>")


def make_workbook(case: str, path: Path) -> None:
    from kesu.core.importexport import write_xlsx

    if case == "customers":
        rows = ([f"KH-{n:06d}", f"上海汽车零部件有限公司{n}", f"上汽件{n}", "oem", "existing", "abc"[n % 3]]
                for n in range(20_000))
        handle = write_xlsx("customers", ["code", "name", "short_name", "customer_type", "status", "importance"],
                            rows)
        path.write_bytes(handle.read())
    elif case == "shipments":
        rows = ([f"FH-{n // 4:06d}", n % 4 + 1, f"BK-{n % 300:03d}", f"BP-{n % 1000:04d}", 10 + n % 90,
                 "2026-05-01", "否"] for n in range(100_000))
        handle = write_xlsx("shipments", ["delivery_no", "line_no", "customer", "part", "quantity", "ship_date",
                                          "is_split"], rows)
        path.write_bytes(handle.read())
    elif case == "cell-bomb":
        def sheet(part):
            _header(part, ["code", "name"])
            part.write(b'<row r="2"><c t="inlineStr"><is><t>KH-1</t></is></c><c t="inlineStr"><is><t>')
            for _ in range(200):
                part.write(b"A" * 1024 * 1024)
            part.write(b"</t></is></c></row></sheetData></worksheet>")
        _package(path, sheet)
    elif case == "declared":
        def sheet(part):
            _header(part, ["code", "name"], '<dimension ref="A1:XFD1048576"/>')
            part.write(b'<row r="2"><c t="inlineStr"><is><t>KH-1</t></is></c><c t="inlineStr"><is><t>x</t></is>'
                       b'</c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
        _package(path, sheet)
    elif case == "dense":
        from django.conf import settings

        per_row = 25
        rows = settings.KESU_IMPORT_MAX_CELLS // per_row - 2
        rng = random.Random(1)

        def sheet(part):
            _header(part, [f"c{n}" for n in range(per_row)])
            for _ in range(rows):
                part.write(b"<row>" + b"".join(b"<c><v>%d</v></c>" % rng.randrange(10) for _ in range(per_row))
                           + b"</row>")
            part.write(b"</sheetData></worksheet>")
        _package(path, sheet)
    elif case == "shared":
        from django.conf import settings

        rng = random.Random(2)
        budget, strings, size = settings.KESU_IMPORT_MAX_PART_BYTES - 4096, [], 0
        while size < budget:
            item = f"<si><t>{rng.getrandbits(64):016x}</t></si>"
            strings.append(item)
            size += len(item)
        strings.pop()
        shared = f'<sst xmlns="{MAIN}">{"".join(strings)}</sst>'.encode()
        count = len(strings)

        def sheet(part):
            _header(part, ["code", "name"])
            for n in range(0, min(count - 1, 180_000), 2):  # under the row limit; every string is loaded anyway
                part.write(b'<row><c t="s"><v>%d</v></c><c t="s"><v>%d</v></c></row>' % (n, n + 1))
            part.write(b"</sheetData></worksheet>")
        _package(path, sheet, shared=shared)
    elif case == "wide-text":
        def sheet(part):
            _header(part, ["code", "name"])
            written = 0
            while written < 19 * 1024 * 1024:  # random text packs to about its size: the upload limit bounds it
                text = os.urandom(12_000).hex()
                part.write(f'<row><c t="inlineStr"><is><t>K</t></is></c><c t="inlineStr"><is><t>{text}</t>'
                           '</is></c></row>'.encode())
                written += len(text)
            part.write(b"</sheetData></worksheet>")
        _package(path, sheet)


# -- one case, in this process --------------------------------------------------------------------------------

def _actor():
    from kesu.accounts.models import Company
    from kesu.accounts.roles import Role
    from kesu.accounts.tests.factories import CompanyFactory, UserFactory

    company = Company.objects.filter(code="BENCH").first() or CompanyFactory(code="BENCH", name="基准测试公司")
    from kesu.accounts.models import User

    user = User.objects.filter(username="bench-sales").first() or UserFactory(
        username="bench-sales", company=company, role=Role.SALESPERSON)
    return user


def _prepare_shipments(actor) -> None:
    from kesu.customers.models import Customer, Part

    company_id = actor.company_id
    if Customer.objects.filter(company_id=company_id, code__startswith="BK-").exists():
        return
    Customer.objects.bulk_create([Customer(company_id=company_id, code=f"BK-{n:03d}", name=f"基准客户{n}")
                                  for n in range(300)])
    Part.objects.bulk_create([Part(company_id=company_id, part_no=f"BP-{n:04d}", name=f"基准零件{n}")
                              for n in range(1000)])


def run_case(case: str, data_dir: Path) -> dict:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = data_dir / f"{case}.xlsx"
    upload_mb = path.stat().st_size / 1024 / 1024
    base_rss = _peak_mb()
    result: dict = {"case": case, "file_mb": round(upload_mb, 2)}
    if case in IMPORT_CASES:
        from kesu.core.importexport import import_jobs_run, import_xlsx
        from kesu.core.models import ImportJob
        from kesu.customers import resources

        actor = _actor()
        if case == "shipments":
            _prepare_shipments(actor)
        base_rss = _peak_mb()
        started = time.perf_counter()
        with path.open("rb") as handle:
            upload = SimpleUploadedFile(path.name, handle.read())
        job = import_xlsx(getattr(resources, case[:-1]), actor=actor, upload=upload)
        del upload
        queued = time.perf_counter() - started
        assert job.status == ImportJob.Status.QUEUED, job.status
        import_jobs_run()
        job.refresh_from_db()
        result.update(status=job.status, rows=job.rows_total, created=job.rows_created,
                      unchanged=job.rows_unchanged, queued_s=round(queued, 1),
                      seconds=round(time.perf_counter() - started, 1), message=job.message,
                      errors=(job.errors or {}).get("rows", [])[:3] if job.status != "done" else [])
    else:
        from kesu.core.importexport import ImportError_, XlsxSheet, check_xlsx_upload

        started = time.perf_counter()
        rows = 0
        try:
            with path.open("rb") as handle:
                upload = SimpleUploadedFile(path.name, b"")
                upload.file, upload.size = handle, path.stat().st_size
                check_xlsx_upload(upload)
                with XlsxSheet(upload) as sheet:
                    header = sheet.header()
                    for _row in sheet.rows(width=len(header)):
                        rows += 1
            result["outcome"] = f"read {rows} rows"
        except ImportError_ as error:
            result["outcome"] = f"refused: {error}"
        result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_rss_mb"] = round(_peak_mb(), 1)
    result["rss_before_mb"] = round(base_rss, 1)
    return result


# -- the driver -----------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=IMPORT_CASES + READ_CASES, action="append")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--make", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="kesu-bench-imports-"))
    if args.make:  # in a process of its own, so building a workbook does not count in the case's memory
        import django

        django.setup()
        make_workbook(args.case[0], data_dir / f"{args.case[0]}.xlsx")
        return
    if args.child:
        print(json.dumps(run_case(args.case[0], data_dir), ensure_ascii=False))
        return
    env = {**os.environ, "KESU_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT),
           "DJANGO_SETTINGS_MODULE": "kesu.settings"}
    if args.database_url:
        env["KESU_DATABASE_URL"] = args.database_url
    subprocess.run([sys.executable, "-m", "kesu.cli", "manage", "migrate", "--no-input", "-v0"], env=env,
                   cwd=ROOT, check=True)
    print(f"data folder: {data_dir}; database: {args.database_url or 'SQLite in the data folder'}", flush=True)
    for case in args.case or IMPORT_CASES + READ_CASES:
        if not (data_dir / f"{case}.xlsx").exists():
            subprocess.run([sys.executable, __file__, "--make", "--case", case, "--data-dir", str(data_dir)],
                           env=env, cwd=ROOT, check=True)
        done = subprocess.run([sys.executable, __file__, "--child", "--case", case, "--data-dir", str(data_dir)],
                              env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{case}: failed\n{done.stderr[-3000:]}", flush=True)
            continue
        print(done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
