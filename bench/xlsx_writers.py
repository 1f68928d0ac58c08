"""Kesu's own xlsx writer against XlsxWriter and openpyxl on the 100,000-row export (issue 17 §12).

    .venv/bin/pip install -e '.[bench]'      # XlsxWriter, only for this comparison
    .venv/bin/python bench/xlsx_writers.py [--rows 100000] [--repeat 3]

Each writer produces the same sheet: a bold, frozen, filtered header, fitted column widths, dates and times
as dates, amounts with thousands separators; the rows are those of a complaint list (number, customer, part,
quantity, amount, received at, date, status, text, flag). Printed: the median seconds of each, the file size,
and the ratio to Kesu's writer. The issue's rule: use XlsxWriter unless it is more than 1.5× slower.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from kesu.core.importexport import WIDTH_SAMPLE, _display_width, write_xlsx  # noqa: E402

HEADER = ["编号", "客户", "零件", "数量", "金额", "受理时间", "日期", "状态", "说明", "严重"]


def _rows(count: int):
    now = timezone.now()
    for i in range(count):
        yield [f"FY-KS-2026-{i:06d}", "泰越动力科技有限公司", "密封圈 O 形 φ32", i % 500, Decimal("1234.50") + i,
               now, datetime.date(2026, 3, 2), "已关闭", "外壳划伤，已换货并完成验证。", i % 2 == 0]


def _widths(sample):
    widths = [_display_width(label) for label in HEADER]
    for row in sample:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _display_width(value))
    return [min(max(w + 2, 6), 62) for w in widths]


def with_xlsxwriter(title, header, rows):
    import xlsxwriter

    handle = tempfile.TemporaryFile(suffix=".xlsx")
    book = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(title)
    bold = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    stamp, day = book.add_format({"num_format": "yyyy-mm-dd hh:mm"}), book.add_format({"num_format": "yyyy-mm-dd"})
    amount = book.add_format({"num_format": "#,##0.00"})
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    for index, width in enumerate(_widths(sample)):
        sheet.set_column(index, index, width)
    for col, label in enumerate(header):
        sheet.write_string(0, col, label, bold)
    sheet.freeze_panes(1, 0)
    zone, last = timezone.get_current_timezone(), 0
    for r, row in enumerate(itertools.chain(sample, rows), start=1):
        last = r
        for c, value in enumerate(row):
            kind = type(value)
            if kind is str:
                sheet.write_string(r, c, value)
            elif kind is Decimal:
                sheet.write_number(r, c, float(value), amount)
            elif kind is datetime.datetime:
                sheet.write_datetime(r, c, value.astimezone(zone).replace(tzinfo=None), stamp)
            elif kind is datetime.date:
                sheet.write_datetime(r, c, value, day)
            elif kind is bool:
                sheet.write_boolean(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)
    sheet.autofilter(0, 0, last, len(header) - 1)
    book.close()
    handle.seek(0)
    return handle


def with_openpyxl(title, header, rows):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    handle = tempfile.TemporaryFile(suffix=".xlsx")
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    for index, width in enumerate(_widths(sample)):
        sheet.column_dimensions[chr(65 + index)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    zone, last = timezone.get_current_timezone(), 1
    for row in itertools.chain(sample, rows):
        sheet.append([v.astimezone(zone).replace(tzinfo=None) if isinstance(v, datetime.datetime) else v
                      for v in row])
        last += 1
    sheet.auto_filter.ref = f"A1:J{last}"
    book.save(handle)
    handle.seek(0)
    return handle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for label, writer in (("Kesu (XML by hand)", write_xlsx), ("XlsxWriter, constant_memory", with_xlsxwriter),
                          ("openpyxl, write_only", with_openpyxl)):
        times, size = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            handle = writer("客诉", HEADER, _rows(args.rows))
            times.append(time.perf_counter() - started)
            size = handle.seek(0, 2)
        results[label] = (statistics.median(times), size)
    base = results["Kesu (XML by hand)"][0]
    print(f"| writer ({args.rows:,} rows) | median | file | × Kesu |\n|---|---|---|---|")
    for label, (seconds, size) in results.items():
        print(f"| {label} | {seconds:.1f} s | {size / 1e6:.1f} MB | {seconds / base:.1f} |")


if __name__ == "__main__":
    main()
