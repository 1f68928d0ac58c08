"""Charts people can read (issue 17 §9): the running period marked, not a drop; figures with thousands
separators; periods in order; no text under 12 px of the drawing."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.utils import translation

from kesu.reports.charts import FONT_MIN, bar_chart_svg, line_chart_svg, pareto_chart_svg, partial_index

MONTHS = [datetime.date(2026, m, 1) for m in (9, 10, 11, 12)]


def test_the_month_still_running_is_found_among_the_periods():
    assert partial_index(MONTHS, today=datetime.date(2026, 12, 4)) == 3
    assert partial_index(MONTHS, today=datetime.date(2026, 11, 30)) == 2
    assert partial_index(MONTHS, today=datetime.date(2027, 1, 1)) is None  # every month shown is over


def test_the_current_period_is_dashed_hollow_and_labelled_to_date():
    # December has 4 days of complaints (3) after November's 20: drawn as a dashed step, not a solid drop.
    # ("up to today" is 截至今日 in zh-Hans once the h10 messages are merged into the catalogue.)
    with translation.override("en"):
        svg = line_chart_svg([f"{m:%Y-%m}" for m in MONTHS], [("投诉", [18, 22, 20, 3])], title="趋势",
                             partial=partial_index(MONTHS, today=datetime.date(2026, 12, 4)))
    assert ">up to today<" in svg
    solid = re.search(r'<polyline fill="none" stroke="[^"]+" stroke-width="2" points="([^"]+)"/>', svg)
    assert len(solid.group(1).split()) == 3  # September to November only
    dashed = re.search(r'stroke-dasharray="6 4" class="kesu-chart-partial-line" points="([^"]+)"', svg)
    assert len(dashed.group(1).split()) == 2  # November → December
    assert svg.count('data-partial="1"') == 1
    assert "2026-12 (up to today): 3" in svg


def test_without_a_running_period_nothing_is_dashed_or_labelled():
    svg = line_chart_svg(["2026-09", "2026-10"], [("n", [1, 2])], title="T", partial=None)
    assert "kesu-chart-partial" not in svg and 'data-partial="1"' not in svg


def test_numbers_carry_thousands_separators():
    svg = bar_chart_svg([("泰越动力", 23362, None), ("B", Decimal("1234.5"), None)], title="PPM")
    assert 'data-value="23,362"' in svg and ">23,362<" in svg
    assert 'data-value="1,234.5"' in svg
    # 23,362 / 4 = 5,840.5 rounds up to a 10,000 step: the axis reads 0, 10,000 … 40,000.
    assert ">40,000<" in svg and ">10,000<" in svg
    svg = line_chart_svg(["2026-01"], [("PPM", [12345.67])], title="PPM")
    assert "12,345.7" in svg


def test_periods_are_drawn_in_order_with_their_values_and_links():
    svg = line_chart_svg(["2026-03", "2026-01", "2026-02"], [("n", [30, 10, 20])], title="T",
                         hrefs=["/c?m=3", "/c?m=1", "/c?m=2"], sort=True)
    labels = re.findall(r">(2026-0\d)<", svg)
    assert labels == ["2026-01", "2026-02", "2026-03"]
    assert re.findall(r'data-value="(\d+)"', svg) == ["10", "20", "30"]
    assert re.findall(r'href="/c\?m=(\d)"', svg) == ["1", "2", "3"]


def test_the_running_period_follows_its_month_when_sorting():
    svg = line_chart_svg(["2026-12", "2026-11"], [("n", [3, 20])], title="T", partial=0, sort=True)
    assert re.search(r'<circle cx="[^"]+" cy="[^"]+" r="4" fill="#fff"[^>]+data-value="3"', svg)


def test_no_text_is_smaller_than_twelve_pixels_and_charts_fill_their_column():
    charts = [
        bar_chart_svg([("A", 3, None), ("B", 5, None)], title="h"),
        bar_chart_svg([("A", 3, None), ("B", 5, None)], title="v", horizontal=False),
        line_chart_svg(["2026-01", "2026-02"], [("n", [1, 2])], title="l"),
        pareto_chart_svg([("A", 5, Decimal("62.5"), None, True), ("B", 3, Decimal("100"), None, False)], title="p"),
    ]
    for svg in charts:
        sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
        assert sizes and min(sizes) >= FONT_MIN == 12
        assert 'width="100%"' in svg


def test_figures_in_the_analysis_tables_carry_thousands_separators():
    from kesu.reports.views.analyses import _figure

    assert _figure(23362) == "23,362"
    assert _figure(Decimal("1234567.50")) == "1,234,567.50"
    assert _figure(12345.678) == "12,345.7"
    assert _figure(33.3) == 33.3 and _figure("泰越动力") == "泰越动力" and _figure(None) is None


def test_only_this_years_line_is_dashed_in_a_chart_of_years_by_month():
    svg = line_chart_svg(["1月", "2月", "3月"], [("2026", [5, 6, 1]), ("2025", [4, 7, 8])], title="S",
                         partial=2, partial_series=[0])
    assert svg.count("kesu-chart-partial-line") == 1 and svg.count('data-partial="1"') == 1
    solid = re.findall(r'<polyline fill="none" stroke="([^"]+)" stroke-width="2" points="([^"]+)"/>', svg)
    assert [len(points.split()) for _color, points in solid] == [2, 3]  # 2026 up to February, 2025 whole


def test_the_survey_report_charts_have_no_text_under_twelve_pixels_either():
    from kesu.surveys.report import histogram_svg, sections_svg, trend_svg

    report = {
        "histogram": [{"label": "<60", "count": 1, "high": 60}, {"label": "60–80", "count": 4, "high": 80}],
        "sections": [{"label": "质量", "share": Decimal("82.5")}],
        "overview": {"target": Decimal("85")},
        "trend": [{"year": 2025, "score": Decimal("80"), "target": Decimal("85")},
                  {"year": 2026, "score": Decimal("82.5"), "target": Decimal("85")}],
    }
    for svg in (histogram_svg(report), sections_svg(report), trend_svg(report)):
        sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
        assert sizes and min(sizes) >= 12
