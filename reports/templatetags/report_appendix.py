"""``{% appendix_pages rows %}``: the by-organization appendix of the PDF as pages of
fixed-width text, one ``<pre>`` per page, in the portal's number formats (core.formatting).

A WeasyPrint table lays out every cell (600 organizations x 8 columns took 8 of a report's 10
seconds and most of its memory); a page of monospaced lines is one text box per line, about a
tenth of that.  Columns line up because the font (Noto Sans Mono CJK SC) draws a Chinese
character exactly two Latin characters wide.  A name wider than its column keeps its whole
text and continues on its own line, with the figures on the next one: nothing is cut."""

import unicodedata

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core import formatting

register = template.Library()

ROWS_PER_PAGE = 60
NAME_WIDTH = 34  # display columns (a Chinese character is two)
COLUMNS = [  # (key, header, width, format)
    ("beneficiaries_served", "服务对象", 9, formatting.count),
    ("visits", "走访", 9, formatting.count),
    ("key_care_coverage", "重点关爱覆盖", 13, formatting.percent),
    ("training_person_times", "培训人次", 9, formatting.count),
    ("cases_received", "受理案件", 9, formatting.count),
    ("cases_resolved", "调解成功", 9, formatting.count),
    ("project_funds", "项目资金（元）", 16, formatting.yuan),
]


def width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _left(text, size):
    return text + " " * max(0, size - width(text))


def _right(text, size):
    return " " * max(0, size - width(text)) + text


def _lines(row):
    name = row["name"]
    figures = "".join(_right(fmt(row["figures"][key]), size) for key, _header, size, fmt in COLUMNS)
    if width(name) <= NAME_WIDTH:
        return [_left(name, NAME_WIDTH) + figures]
    return [name, _left("", NAME_WIDTH) + figures]


def _header():
    return _left(_("组织"), NAME_WIDTH) + "".join(_right(_(header), size) for _key, header, size, _fmt in COLUMNS)


@register.simple_tag
def appendix_pages(rows):
    """The appendix's pages as HTML (escaped text in ``<pre>`` blocks)."""
    header = _header()
    rule = "-" * width(header)
    pages: list[list[str]] = []
    page: list[str] = []
    for row in rows:
        lines = _lines(row)
        if len(page) + len(lines) > ROWS_PER_PAGE:
            pages.append(page)
            page = []
        page.extend(lines)
    if page:
        pages.append(page)
    blocks = ['<pre class="appendix">' + escape("\n".join([header, rule, *lines])) + "</pre>" for lines in pages]
    return mark_safe("".join(blocks))  # every text above was escaped
