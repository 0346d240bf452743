"""``core.lists.html_row`` escapes exactly as ``format_html`` does (it only skips Django's
lazy-string checks): the same HTML for text, markup-looking names, numbers, dates, lazy
translations and HTML already made safe."""

import datetime
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.lists import html_row

TEMPLATE = '<tr><td data-label="{}">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>'


def test_the_same_html_as_format_html():
    values = (
        gettext_lazy("走访日期"),
        "王\"秀英\" <script>alert(1)</script> & '李'",
        mark_safe('<span class="tag">重点关爱</span>'),
        format_html("<b>{}</b>", "<i>"),
        Decimal("827000.00"),
        datetime.date(2026, 11, 30),
        7,
    )
    assert html_row(TEMPLATE, *values) == str(format_html(TEMPLATE, *values))
    assert "&lt;script&gt;" in html_row(TEMPLATE, *values) and "<script>" not in html_row(TEMPLATE, *values)
