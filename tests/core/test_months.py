"""Month arithmetic (core.months): month ends, year boundaries, leap years."""

import datetime

import pytest
from freezegun import freeze_time

from core.months import add_months, last_month, month_bounds, month_end, month_start, parse_month

D = datetime.date


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (D(2026, 1, 31), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 28)),
        (D(2024, 2, 10), D(2024, 2, 29)),  # leap year
        (D(2026, 4, 15), D(2026, 4, 30)),
        (D(2026, 12, 31), D(2026, 12, 31)),
    ],
)
def test_month_start_and_end(day, end):
    assert month_start(day) == D(day.year, day.month, 1)
    assert month_end(day) == end
    assert month_bounds(day) == (D(day.year, day.month, 1), end)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 1)),  # never 3 March: months are named by their first day
        (D(2026, 3, 31), -1, D(2026, 2, 1)),
        (D(2026, 1, 15), -1, D(2025, 12, 1)),
        (D(2026, 12, 5), 1, D(2027, 1, 1)),
        (D(2026, 7, 1), -18, D(2025, 1, 1)),
        (D(2026, 7, 9), 0, D(2026, 7, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_last_month_defaults_to_today_in_shanghai():
    assert last_month(D(2026, 3, 1)) == D(2026, 2, 1)
    assert last_month(D(2026, 1, 31)) == D(2025, 12, 1)
    # 31 January 17:00 UTC is already 1 February in Shanghai: last month is January.
    with freeze_time("2026-01-31 17:00:00+00:00"):
        assert last_month() == D(2026, 1, 1)


def test_parse_month():
    assert parse_month(" 2021-07 ") == D(2021, 7, 1)
    for bad in ["2021", "2021-13", "July", None]:
        with pytest.raises(ValueError, match="YYYY-MM"):
            parse_month(bad)
