"""Charts as SVG text, drawn on the server so the dashboard and the PDF use the same code.

No JavaScript library, no inline ``style=`` (the CSP forbids it): presentation attributes only.
Every text is escaped here, so the result may be marked safe in a template.
"""

from html import escape

from django.utils.safestring import mark_safe

from core.formatting import count

PALETTE = ["#b03a6a", "#2a6fb0", "#2e8b57", "#d08a16", "#6b4fa0"]
FONT = "Noto Sans CJK SC, Noto Sans CJK, sans-serif"
# Charts are drawn 360 units wide and scale down to the screen: on a 360-px phone the chart
# box is about 310 px wide, so 14-unit labels show at about 12 px (at least 11 px, WCAG's
# readable minimum for chart text; tests/reports/test_charts.py checks every text).
WIDTH = 360
LABEL_SIZE = 14
TITLE_SIZE = 15


def _nice_max(value):
    """A round upper bound for the axis, divisible by its 4 grid steps (4, 8, 12, 16, 20, 40...)."""
    magnitude = 1
    while True:
        for step in (4, 8, 12, 16, 20):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def _fmt(value, percent):
    if percent:
        return f"{value * 100:.0f}%"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return count(value) if isinstance(value, int) else f"{value:g}"


def _frame(title, width, height, body):
    title = escape(str(title))
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{title}" font-family="{FONT}" font-size="{LABEL_SIZE}">'
        f"<title>{title}</title>"
        f'<text x="8" y="18" font-size="{TITLE_SIZE}" fill="#8e2a55">{title}</text>'
        f"{body}</svg>"
    )


def _axes(top, percent, left, right, bottom):
    """Horizontal grid lines with their values, and the category labels below."""
    parts = []
    for i in range(5):
        value = top * i / 4
        y = bottom - (bottom - 28) * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{_fmt(value, percent)}</text>'
        )
    return parts


def line_chart(title, labels, series, *, percent=False, width=WIDTH, height=230):
    """``series``: ``[(name, values), ...]``, values may be ``None`` (a gap).  ``percent``
    draws values of 0..1 as percentages."""
    left, right, bottom = 58, width - 12, height - 46
    values = [v for _name, vals in series for v in vals if v is not None]
    top = 1 if percent else _nice_max(max(values, default=0))
    n = max(len(labels), 1)
    step = (right - left) / max(n - 1, 1)

    def point(i, v):
        return left + step * i, bottom - (bottom - 28) * (v / top if top else 0)

    parts = _axes(top, percent, left, right, bottom)
    for i, label in enumerate(labels):
        x = left + step * i
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" fill="#666">{escape(str(label))}</text>'
        )
    for k, (name, vals) in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        segments: list[list[tuple[float, float]]] = []
        current: list[tuple[float, float]] = []
        for i, v in enumerate(vals):
            if v is None:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append(point(i, v))
        if current:
            segments.append(current)
        for seg in segments:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>')
            for x, y in seg:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>')
        lx = left + k * 110
        parts.append(f'<rect x="{lx}" y="{height - 15}" width="11" height="11" fill="{color}"/>')
        parts.append(f'<text x="{lx + 15}" y="{height - 4}" fill="#333">{escape(str(name))}</text>')
    return _frame(title, width, height, "".join(parts))


def ranked_bars(title, labels, values, *, width=WIDTH, row=24):
    """One horizontal bar per label, in the order given (rank them first): the name on the
    left, the value at the bar's end.  As tall as the labels need, as readable on a phone as on
    paper (a vertical bar per town squeezed twelve names into 5-px text)."""
    left, right, top = 92, width - 60, 30
    height = top + row * max(len(labels), 1) + 6
    peak = max(values, default=0) or 1
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + row * i
        length = (right - left) * value / peak
        parts.append(
            f'<text x="{left - 6}" y="{y + row * 0.68:.1f}" text-anchor="end" fill="#333">{escape(str(label))}</text>'
        )
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{left + length + 4:.1f}" y="{y + row * 0.68:.1f}" fill="#333">{count(value)}</text>')
    return _frame(title, width, height, "".join(parts))
