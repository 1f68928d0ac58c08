"""Server-side SVG charts for the report pages: no JavaScript, no CDN, every bar and point a link.

Issue 7 §2 asks for charts "clickable down to the complaints behind them": each bar or point takes an
``href`` (the complaint list filtered to exactly its complaints, built from the analysis row's ``query``) and
is drawn inside an ``<a>``. Everything written into the SVG — labels, titles, numbers, links — is escaped
here, so callers may pass user data (customer names, defect texts) as it is.

Public helpers (the KPI dashboard imports the first two):

- :func:`bar_chart_svg` — horizontal (or vertical) bars of ``(label, value, href_or_None)`` rows;
- :func:`line_chart_svg` — one or more series over the same labels, with optional links per point;
- :func:`pareto_chart_svg` — bars largest first with the cumulative percent line and the vital few marked.

Readable at a glance (issue 17 §9): every chart fills its column (``width="100%"``, height following), no
text is smaller than :data:`FONT_MIN` pixels of the drawing, numbers carry thousands separators, a line
chart's periods are drawn in order, and the period still running (:func:`partial_index`) is drawn dashed
and labelled "up to today" instead of plotting as a drop.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BAR = "#0d6efd"
VITAL = "#dc3545"
MUTED = "#6c757d"
GRID = "#e9ecef"
PALETTE = ("#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997", "#6c757d")

Number = int | float | Decimal
FONT_MIN = 12  # no axis, label or value text below this (issue 17 §9: "tiny axis text")


def _num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _short(value: Any, length: int) -> str:
    value = str(value)
    return value if len(value) <= length else value[: length - 1] + "…"


def _format(value: Any) -> str:
    """A figure as people read it: thousands separated, at most one decimal (12345.67 → "12,345.7")."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        number = float(value)
        if number == int(number):
            return f"{int(number):,}"
        return f"{number:,.1f}"
    return str(value)


def partial_index(periods: Sequence[datetime.date], today: datetime.date | None = None) -> int | None:
    """The index of the month in ``periods`` (first days of months) that is still running today, if any."""
    from django.utils import timezone

    today = today or timezone.localdate()
    current = today.replace(day=1)
    for index, period in enumerate(periods):
        if period is not None and period.year == current.year and period.month == current.month:
            return index
    return None


def _text(x: float, y: float, value: Any, *, anchor: str = "middle", size: int = FONT_MIN, fill: str = "#212529",
          weight: str = "normal") -> str:
    size = max(size, FONT_MIN)
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
            f'font-weight="{weight}">{escape(str(value))}</text>')


def _link(href: str | None, inner: str, tooltip: str) -> str:
    """``inner`` wrapped in a link when there is somewhere to go; the tooltip shows on hover."""
    title = f"<title>{escape(tooltip)}</title>"
    if not href:
        return f"<g>{title}{inner}</g>"
    return f'<a href="{escape(href)}" class="kesu-chart-link">{title}{inner}</a>'


def _svg(width: float, height: float, title: str, body: list[str]) -> SafeString:
    return mark_safe(  # safe: every text and attribute in body went through escape() above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="kesu-chart"><title>{escape(title)}</title>'
        + "".join(body) + "</svg>")


def _nice_max(peak: float) -> float:
    """A round axis maximum at or above ``peak`` whose quarters are round too (0, 1, 2, 3, 4; 0, 25 … 100)."""
    if peak <= 0:
        return 4.0
    raw = peak / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)
    step = next(m * magnitude for m in steps if m * magnitude >= raw)
    if peak == int(peak) and step < 1:  # counts: whole-number ticks
        step = 1
    return float(step * 4)


def _fit(value: Any, width: float, size: int = 11) -> str:
    """``value`` shortened to about ``width`` pixels at ``size`` (CJK characters are twice as wide)."""
    value, used, kept = str(value), 0.0, []
    for char in value:
        used += size if ord(char) > 0x2E80 else size * 0.6
        if used > width:
            return "".join(kept[:-1]) + "…"
        kept.append(char)
    return value


def bar_chart_svg(rows: Sequence[tuple[Any, Number | None, str | None]], *, title: str, horizontal: bool = True,
                  unit: str = "", marked: Sequence[int] = (), label_width: int = 200, empty: str = "—"
                  ) -> SafeString:
    """Bars of ``(label, value, href_or_None)``, in the order given; a bar with an href is a link.

    ``horizontal`` draws one bar per line with its label on the left (long names, many rows); otherwise
    vertical bars with the labels below (histograms, months). ``marked`` holds the indexes of rows drawn
    in the warning colour. ``unit`` follows each value ("%" is written by the caller as it likes). Values
    of None draw no bar and show "—". Returns a SafeString: all text is escaped here.
    """
    rows = list(rows)
    if not rows:
        return _svg(420, 40, title, [_text(10, 24, empty, anchor="start", fill=MUTED)])
    peak = _nice_max(max(_num(value) for _label, value, _href in rows))
    marked = set(marked)
    body: list[str] = []
    if horizontal:
        line, top, bar_width = 26, 8, 520
        width = label_width + bar_width + 70
        height = top + line * len(rows) + 22
        for index, (label, value, href) in enumerate(rows):
            y = top + index * line
            length = bar_width * _num(value) / peak
            color = VITAL if index in marked else BAR
            shown = f"{_format(value)}{unit}" if value is not None else "—"
            inner = (_text(label_width - 6, y + 15, _fit(label, label_width - 10), anchor="end")
                     + f'<rect x="{label_width}" y="{y + 3}" width="{max(length, 0.5):.1f}" height="{line - 7}" '
                       f'fill="{color}" data-value="{escape(_format(value))}"/>'
                     + _text(label_width + length + 4, y + 15, shown, anchor="start"))
            body.append(_link(href, inner, f"{label}: {shown}"))
        base = top + line * len(rows)
        body.append(f'<line x1="{label_width}" y1="{base}" x2="{label_width + bar_width}" y2="{base}" '
                    f'stroke="{MUTED}"/>')
        for tick in range(5):
            value = peak * tick / 4
            body.append(_text(label_width + bar_width * tick / 4, base + 14, _format(value), size=9, fill=MUTED))
        return _svg(width, height, title, body)
    left, right, top, bottom = 52, 10, 22, 44
    slot = max(24.0, (800 - left - right) / len(rows))  # full width: bars share 800 units, none thinner than 24
    width = left + right + slot * len(rows)
    height = 260
    plot = height - top - bottom
    for tick in range(5):
        y = top + plot * (1 - tick / 4)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 4, y + 3, _format(peak * tick / 4), anchor="end", size=9, fill=MUTED))
    for index, (label, value, href) in enumerate(rows):
        bar = plot * _num(value) / peak
        x = left + index * slot + slot * 0.15
        color = VITAL if index in marked else BAR
        shown = f"{_format(value)}{unit}" if value is not None else "—"
        inner = (f'<rect x="{x:.1f}" y="{top + plot - bar:.1f}" width="{slot * 0.7:.1f}" height="{max(bar, 0.5):.1f}" '
                 f'fill="{color}" data-value="{escape(_format(value))}"/>'
                 + _text(x + slot * 0.35, top + plot - bar - 3, shown)
                 + _text(x + slot * 0.35, height - bottom + 14, _fit(label, slot)))
        body.append(_link(href, inner, f"{label}: {shown}"))
    return _svg(width, height, title, body)


def line_chart_svg(labels: Sequence[Any], series: Sequence[tuple[str, Sequence[Number | None]]], *, title: str,
                   hrefs: Sequence[str | None] | None = None, unit: str = "", y_max: Number | None = None,
                   targets: Sequence[Number | None] | None = None, partial: int | None = None,
                   sort: bool = False, compact: bool = False,
                   partial_series: Sequence[int] | None = None) -> SafeString:
    """Lines of ``series`` — ``[(name, values)]``, each value per label, None for a gap — over ``labels``.

    ``hrefs`` (one per label, or None) turns the points of the first series into links. ``targets`` draws a
    dashed target line (one value per label). A legend names each series. ``partial`` is the index of the
    period still running (see :func:`partial_index`): the line into it is dashed, its points hollow and it is
    labelled "up to today", so an unfinished month does not read as a fall. ``sort`` puts the periods in order of
    their labels first (labels such as "2026-03" sort as time does). ``compact`` draws for a card a third
    of the page wide (fewer units, so the same text stays readable when scaled down). ``partial_series``
    limits the running period to those series (by index; all when None): in a chart of years by calendar
    month only this year's month is still running. Returns a SafeString.
    """
    labels = [str(label) for label in labels]
    series = [(name, list(data)) for name, data in series]
    hrefs = list(hrefs) if hrefs is not None else None
    targets = list(targets) if targets is not None else None
    if sort and labels:
        order = sorted(range(len(labels)), key=lambda i: labels[i])
        if partial is not None:
            partial = order.index(partial) if partial in order else None

        def pick(values):
            return [values[i] if i < len(values) else None for i in order]

        labels = [labels[i] for i in order]
        series = [(name, pick(data)) for name, data in series]
        hrefs = pick(hrefs) if hrefs is not None else None
        targets = pick(targets) if targets is not None else None
    width, height, left, right, top, bottom = (480, 240, 56, 12, 34, 44) if compact else (960, 300, 64, 20, 34, 44)
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [_num(v) for _name, data in series for v in data if v is not None]
    values += [_num(v) for v in (targets or []) if v is not None]
    peak = float(y_max) if y_max is not None else _nice_max(max(values, default=0))
    count = max(len(labels), 1)

    def x_of(i: int) -> float:
        return left + plot_w * (i + 0.5) / count

    def y_of(value: Any) -> float:
        return top + plot_h * (1 - _num(value) / peak)

    body: list[str] = []
    for tick in range(5):
        y = top + plot_h * (1 - tick / 4)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, _format(peak * tick / 4), anchor="end", fill=MUTED))
    step = max(1, math.ceil(len(labels) / 12))
    for i, label in enumerate(labels):
        if i % step == 0 or i == partial:
            body.append(_text(x_of(i), height - bottom + 18, _short(label, 10)))
    if partial is not None and 0 <= partial < len(labels):
        x = x_of(partial)
        body.append(f'<rect x="{x - plot_w / count / 2:.1f}" y="{top}" width="{plot_w / count:.1f}" '
                    f'height="{plot_h}" fill="{GRID}" fill-opacity="0.5" class="kesu-chart-partial"/>')
        body.append(_text(x, height - bottom + 34, _("up to today"), fill=MUTED))
    if targets:
        points = [(x_of(i), y_of(v)) for i, v in enumerate(targets) if v is not None]
        if points:
            body.append('<polyline fill="none" stroke="{}" stroke-dasharray="4 3" points="{}"/>'.format(
                VITAL, " ".join(f"{x:.1f},{y:.1f}" for x, y in points)))
    all_series_partial = partial
    for number, (name, data) in enumerate(series):
        color = PALETTE[number % len(PALETTE)]
        partial = all_series_partial if partial_series is None or number in partial_series else None
        points = [(x_of(i), y_of(v), v, i) for i, v in enumerate(data) if v is not None and i < count]
        # The finished periods as one solid line; the step into the running period dashed.
        solid = [p for p in points if p[3] != partial]
        if len(solid) > 1:
            body.append('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
                color, " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _i in solid)))
        running = [p for p in points if p[3] == partial]
        if running:
            before = [p for p in points if p[3] < partial]
            segment = ([before[-1]] if before else []) + running
            if len(segment) > 1:
                body.append('<polyline fill="none" stroke="{}" stroke-width="2" stroke-dasharray="6 4" '
                            'class="kesu-chart-partial-line" points="{}"/>'.format(
                                color, " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _i in segment)))
        for x, y, value, i in points:
            href = hrefs[i] if hrefs is not None and number == 0 and i < len(hrefs) else None
            shown = f"{_format(value)}{unit}"
            label = labels[i] if i < len(labels) else ""
            if i == partial:
                label = f"{label} ({_('up to today')})"
                dot = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#fff" stroke="{color}" stroke-width="2" '
                       f'data-partial="1" data-value="{escape(_format(value))}"/>')
            else:
                dot = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}" data-value="{escape(_format(value))}"/>'
            body.append(_link(href, dot, f"{name} {label}: {shown}"))
        legend_x = left + number * 200
        body.append(f'<rect x="{legend_x}" y="10" width="14" height="4" fill="{color}"/>')
        body.append(_text(legend_x + 18, 16, _short(name, 20), anchor="start"))
    return _svg(width, height, title, body)


def pareto_chart_svg(rows: Sequence[tuple[Any, Number, Number | None, str | None, bool]], *, title: str,
                     cumulative_name: str = "", empty: str = "—") -> SafeString:
    """A Pareto chart of ``(label, count, cumulative percent, href_or_None, vital_few)`` rows, largest first.

    Bars (the vital few in the warning colour) on the left axis, the cumulative percent as a line on the
    right axis (0–100) with a dashed line at 80 percent. Each bar links to its complaints.
    """
    rows = list(rows)
    if not rows:
        return _svg(420, 40, title, [_text(10, 24, empty, anchor="start", fill=MUTED)])
    left, right, top, bottom = 52, 48, 22, 80
    slot = max(24.0, (800 - left - right) / len(rows))
    width = left + right + slot * len(rows)
    height = 300
    plot = height - top - bottom
    peak = _nice_max(max(_num(count) for _l, count, _c, _h, _v in rows))
    body: list[str] = []
    for tick in range(5):
        y = top + plot * (1 - tick / 4)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 4, y + 3, _format(peak * tick / 4), anchor="end", size=9, fill=MUTED))
        body.append(_text(width - right + 4, y + 3, f"{25 * tick}%", anchor="start", size=9, fill=MUTED))
    y80 = top + plot * 0.2
    body.append(f'<line x1="{left}" y1="{y80:.1f}" x2="{width - right:.1f}" y2="{y80:.1f}" stroke="{VITAL}" '
                'stroke-dasharray="4 3"/>')
    points = []
    for index, (label, count, cumulative, href, vital) in enumerate(rows):
        bar = plot * _num(count) / peak
        x = left + index * slot + slot * 0.15
        inner = (f'<rect x="{x:.1f}" y="{top + plot - bar:.1f}" width="{slot * 0.7:.1f}" height="{max(bar, 0.5):.1f}" '
                 f'fill="{VITAL if vital else BAR}" data-value="{escape(_format(count))}"/>'
                 + _text(x + slot * 0.35, top + plot - bar - 3, _format(count))
                 + f'<text transform="translate({x + slot * 0.35:.1f},{height - bottom + 10}) rotate(35)" '
                   f'font-size="{FONT_MIN}" fill="#212529">{escape(_fit(label, 90, FONT_MIN))}</text>')
        body.append(_link(href, inner, f"{label}: {_format(count)} ({_format(cumulative)}%)"))
        if cumulative is not None:
            points.append((x + slot * 0.35, top + plot * (1 - _num(cumulative) / 100), cumulative))
    if points:
        body.append('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            "#fd7e14", " ".join(f"{x:.1f},{y:.1f}" for x, y, _c in points)))
        for x, y, cumulative in points:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#fd7e14"><title>'
                        f'{escape(cumulative_name)} {escape(_format(cumulative))}%</title></circle>')
    return _svg(width, height, title, body)


__all__ = ["bar_chart_svg", "line_chart_svg", "pareto_chart_svg", "partial_index"]
