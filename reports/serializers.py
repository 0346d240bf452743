"""The statistics as JSON for other systems (``monthly_report --json``, DESIGN.md): the one
place besides the template filters where figures become text.  Amounts are strings with two
decimals (``"62000.50"``, no separators: a machine reads them), the month ``"2021-07"``, other
dates ISO ``"2021-07-31"``; ints, rates (0-1) and null stay JSON numbers and null."""

import datetime
import json
from decimal import Decimal
from typing import Any


def _plain(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m}" if key == "month" else value.isoformat()
    return value


def statistics_data(stats: dict[str, Any]) -> dict[str, Any]:
    """``compute()``'s typed result as JSON-ready values."""
    return _plain(stats)


def statistics_json(stats: dict[str, Any]) -> str:
    return json.dumps(statistics_data(stats), ensure_ascii=False, indent=2)
