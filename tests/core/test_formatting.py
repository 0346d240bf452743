"""One way of writing numbers and dates (core.formatting), and the template filters that use it."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import timezone

from core import formatting


def test_counts_amounts_rates_and_changes():
    assert formatting.count(827000) == "827,000"
    assert formatting.count(None) == "—"
    assert formatting.yuan(Decimal("827000")) == "827,000.00"
    assert formatting.yuan(Decimal("62000.5")) == "62,000.50"
    assert formatting.percent(0.3333) == "33.3%"
    assert formatting.percent(None) == "—"
    assert formatting.signed(Decimal("4000.50"), "yuan") == "+4,000.50"
    assert formatting.signed(-1234, "count") == "-1,234"
    assert formatting.signed(formatting.difference(0.3333, 0.5), "rate") == "-16.7个百分点"
    assert formatting.signed(None, "rate") == "—"


def test_dates_months_and_moments():
    assert formatting.day(datetime.date(2026, 11, 30)) == "2026-11-30"
    assert formatting.month(datetime.date(2026, 11, 1)) == "2026-11"
    assert formatting.month_title(datetime.date(2026, 11, 1)) == "2026年11月"
    utc = datetime.datetime(2026, 11, 30, 16, 5, tzinfo=datetime.UTC)
    assert formatting.moment(utc) == "2026-12-01 00:05"  # shown in Asia/Shanghai
    assert formatting.day(timezone.make_aware(datetime.datetime(2026, 11, 30, 23, 0))) == "2026-11-30"


def test_template_filters_write_the_same():
    template = Template(
        "{% load portal_format %}{{ a|yuan }} {{ n|count }} {{ r|percent }} {{ r|figure:'rate' }} "
        "{{ a|figure:'yuan' }} {{ d|day }} {{ d|month }} {{ c|signed:'yuan' }}"
    )
    text = template.render(
        Context({"a": Decimal("877000"), "n": 11481, "r": 0.5, "d": datetime.date(2026, 11, 30), "c": Decimal("-5")})
    )
    assert text == "877,000.00 11,481 50.0% 50.0% 877,000.00 2026-11-30 2026-11 -5.00"


def test_a_date_shown_without_a_format_uses_the_same_one():
    text = Template("{{ d }} {{ d|date }} {{ when|date:'DATETIME_FORMAT' }}").render(
        Context({"d": datetime.date(2026, 11, 30), "when": datetime.datetime(2026, 11, 30, 9, 5)})
    )
    assert text == "2026-11-30 2026-11-30 2026-11-30 09:05"
