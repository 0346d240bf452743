"""Chart text stays readable on a 360-px phone: every label at least 11 px once the SVG is
scaled to the chart box (about 310 px wide there)."""

import re

from reports import charts

PHONE_CHART_BOX = 310  # 360 px less the page's and the chart box's padding


def smallest_text_px(svg, box=PHONE_CHART_BOX):
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    scale = min(1.0, box / width)
    default = float(re.search(r'<svg[^>]* font-size="([\d.]+)"', svg).group(1))
    sizes = []
    for text in re.findall(r"<text([^>]*)>", svg):
        own = re.search(r'font-size="([\d.]+)"', text)
        sizes.append(float(own.group(1)) if own else default)
    return min(sizes) * scale


def test_line_chart_labels_are_at_least_11px_on_a_phone():
    svg = str(charts.line_chart("走访次数", [f"{m:02d}" for m in range(1, 13)], [("走访", list(range(12)))]))
    assert smallest_text_px(svg) >= 11


def test_ranked_bars_are_ranked_readable_and_grow_with_the_towns():
    towns = ["锦屏街道", "岳林街道", "溪口镇", "萧王庙街道"]
    svg = str(charts.ranked_bars("各镇街走访", towns, [50876, 3000, 120, 0]))
    assert smallest_text_px(svg) >= 11
    assert "50,876" in svg  # the portal's number format
    names = re.findall(r'text-anchor="end" fill="#333">([^<]+)<', svg)
    assert names == towns
    taller = str(charts.ranked_bars("各镇街走访", towns * 3, [1] * 12))
    height = lambda s: float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', s).group(1))  # noqa: E731
    assert height(taller) > height(svg)


def test_the_check_catches_small_labels():
    """The measure itself: a 640-wide chart with 12-unit labels (the old charts) fails it."""
    old = '<svg viewBox="0 0 640 240" font-size="12"><text x="1">03</text></svg>'
    assert smallest_text_px(old) < 11
