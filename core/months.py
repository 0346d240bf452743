"""Month arithmetic, in one place (python-dateutil's relativedelta does the calendar).

A month is named by its first day: ``month_start(d)`` is the month of ``d``, ``add_months(d, -1)``
the month before it, ``month_end(d)`` its last day.  Reports, project deadlines, demo data and
benchmarks all count months with these."""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def month_start(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of ``day``'s month (28 February, 29 in a leap year, 31 December...)."""
    return month_start(day) + relativedelta(months=1, days=-1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after (negative: before) ``day``'s month."""
    return month_start(day) + relativedelta(months=months)


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of ``day``'s month."""
    return month_start(day), month_end(day)


def last_month(today: datetime.date | None = None) -> datetime.date:
    """The first day of the month before ``today`` (default: today in Asia/Shanghai)."""
    return add_months(today or timezone.localdate(), -1)


def parse_month(text: object) -> datetime.date:
    """'2021-07' -> date(2021, 7, 1); ValueError with a Chinese message otherwise."""
    try:
        year, month = str(text).strip().split("-")
        return datetime.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValueError(_("月份格式应为 YYYY-MM，例如 2021-07，收到“%(text)s”。") % {"text": text}) from None
