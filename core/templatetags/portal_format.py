"""``{% load portal_format %}``: the portal's number and date formats in templates (the rules
are in ``core.formatting``).  ``{{ amount|yuan }}``, ``{{ n|count }}``, ``{{ rate|percent }}``,
``{{ value|figure:kind }}``, ``{{ change|signed:kind }}``, ``{{ date|day }}``, ``{{ date|month }}``, ``{{ when|moment }}``, ``{{ month|month_title }}``."""

import datetime
from decimal import Decimal

from django import template

from core import formatting

register = template.Library()

Number = int | float | Decimal


@register.filter
def count(value: Number | None) -> str:
    return formatting.count(value)


@register.filter
def yuan(value: Number | str | None) -> str:
    return formatting.yuan(value)


@register.filter
def percent(value: Number | None) -> str:
    return formatting.percent(value)


@register.filter
def figure(value: Number | None, kind: str = "count") -> str:
    """``{{ value|figure:row.kind }}``: a count, an amount or a rate by its kind."""
    return formatting.figure(value, kind)


@register.filter
def signed(value: Number | None, kind: str = "count") -> str:
    """``{{ row.change|signed:row.kind }}``: ``+5``, ``+4,000.50``, ``-16.7个百分点``."""
    return formatting.signed(value, kind)


@register.filter
def day(value: datetime.date | None) -> str:
    return formatting.day(value)


@register.filter
def month(value: datetime.date | None) -> str:
    return formatting.month(value)


@register.filter
def moment(value: datetime.datetime | None) -> str:
    return formatting.moment(value)


@register.filter
def month_title(value: datetime.date) -> str:
    return formatting.month_title(value)
