"""The portal's one way of writing numbers, amounts, rates and dates, for pages, exports and
PDFs alike (the template filters of ``core.templatetags.portal_format`` call these).

* counts: thousands separators, ``12,345``;
* amounts in yuan: thousands separators and two decimals, ``62,000.50``;
* rates (0-1): a percentage with one decimal, ``33.3%``; a missing rate is ``—``;
* changes: signed, ``+5`` / ``-4,000.50`` / ``+16.7个百分点`` (rates change by points);
* dates ``2026-03-01``, months ``2026-03``, moments ``2026-03-01 14:05`` (local time).

Computations return numbers and dates; only these functions turn them into text."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

DASH = "—"
# The same rules as spreadsheet number formats (exports keep numbers and dates as such, shown so).
XLSX_YUAN = "#,##0.00"
XLSX_COUNT = "#,##0"
XLSX_DATE = "yyyy-mm-dd"
XLSX_MOMENT = "yyyy-mm-dd hh:mm"
Number = int | float | Decimal


def count(value: Number | None) -> str:
    """``12345`` -> ``"12,345"``; None -> ``—``."""
    if value is None or value == "":
        return DASH
    return f"{value:,}" if isinstance(value, int) else f"{Decimal(value):,.0f}"


def yuan(value: Number | str | None) -> str:
    """An amount in yuan: ``Decimal("62000.5")`` -> ``"62,000.50"``; None -> ``—``."""
    if value is None or value == "":
        return DASH
    return f"{Decimal(value):,.2f}"


def percent(value: Number | None) -> str:
    """A rate of 0-1: ``0.3333`` -> ``"33.3%"``; None -> ``—``."""
    if value is None:
        return DASH
    return f"{Decimal(str(value)) * 100:.1f}%"


def days(value: Number | None) -> str:
    """A number of days that may be a median: ``3`` -> ``"3"``, ``2.5`` -> ``"2.5"``; None -> ``—``."""
    if value is None:
        return DASH
    number = Decimal(str(value))
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.1f}"


def figure(value: Number | None, kind: str = "count") -> str:
    """A figure of ``kind``: ``count``, ``yuan``, ``rate`` or ``days``."""
    if kind == "rate":
        return percent(value)
    if kind == "yuan":
        return yuan(value)
    if kind == "days":
        return days(value)
    return count(value)


def difference(current: Number | None, previous: Number | None) -> Decimal | None:
    """``current - previous`` (None when either is missing), exact for floats' decimals."""
    if current is None or previous is None:
        return None
    return Decimal(str(current)) - Decimal(str(previous))


def signed(value: Number | None, kind: str = "count") -> str:
    """A change of a figure of ``kind``: ``+5``, ``-4,000.50``, ``+16.7个百分点`` (a rate's
    change is in percentage points); None -> ``—``."""
    if value is None:
        return DASH
    number = Decimal(str(value))
    if kind == "rate":
        return f"{number * 100:+.1f}" + _("个百分点")
    if kind == "yuan":
        return f"{number:+,.2f}"
    if kind == "days" and number != number.to_integral_value():
        return f"{number:+,.1f}"
    return f"{number:+,.0f}"


def day(value: datetime.date | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value:%Y-%m-%d}"


def month(value: datetime.date | None) -> str:
    return DASH if value is None else f"{value:%Y-%m}"


def moment(value: datetime.datetime | None) -> str:
    if value is None:
        return DASH
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value:%Y-%m-%d %H:%M}"


def month_title(value: datetime.date) -> str:
    """A month in a sentence or a file name: ``2026年11月``."""
    return _("%(year)d年%(month)d月") % {"year": value.year, "month": value.month}
