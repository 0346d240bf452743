"""How cells typed into Excel are read."""

import datetime
from decimal import Decimal

import pytest

from organizations.models import Organization, ServiceArea
from spreadsheets.exporter import escape_cell
from spreadsheets.resources.base import (
    AmountWidget,
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    IdNumberWidget,
    MultiChoiceWidget,
    TextWidget,
)


@pytest.mark.parametrize(
    "raw",
    [
        "2021-08-12",
        "2021/8/12",
        "2021.8.12",
        "2021年8月12日",
        datetime.datetime(2021, 8, 12),
        44420,
        "2021-08-12 00:00:00",
    ],
)
def test_dates(raw):
    assert DateWidget().clean(raw) == datetime.date(2021, 8, 12)


@pytest.mark.parametrize(
    "raw,value", [("是", True), ("否", False), ("", None), ("Y", True), ("no", False), (True, True)]
)
def test_booleans(raw, value):
    assert BooleanWidget().clean(raw) is value  # blank: not given (a default for a new record)


def test_multi_valued_cells_split_on_chinese_and_ascii_separators():
    widget = MultiChoiceWidget(ServiceArea.Code)
    assert widget.clean("关爱帮扶、技能培训，志愿服务; 创业就业,维权调解") == (
        "care",
        "entrepreneurship",
        "rights",
        "training",
        "volunteering",
    )
    assert widget.render(["training", "care"]) == "关爱帮扶、技能培训"


def test_choices_by_label_or_value():
    widget = ChoiceWidget(Organization.Kind)
    assert widget.clean("妇女微家") == widget.clean("womens_home") == "womens_home"
    with pytest.raises(ValueError, match="可选：社会组织、志愿团队"):
        widget.clean("合作社")


def test_numbers_from_number_cells():
    assert TextWidget().clean(13857420001.0) == "13857420001"
    assert AmountWidget().clean("¥1,200.50") == Decimal("1200.50")
    assert AmountWidget().clean(0.1) == Decimal("0.10")
    with pytest.raises(ValueError, match="末尾几位已丢失"):
        IdNumberWidget().clean(3.30283195806150e17)
    assert IdNumberWidget().clean(" 33028319580615002x ") == "33028319580615002X"


def test_escaped_formulas_read_back_as_typed():
    for text in ("=1+1", "+86 138", "-", "@home"):
        escaped = escape_cell(text)
        assert escaped == "'" + text
        assert TextWidget().clean(escaped) == text
    assert escape_cell("\tx") == "'\tx" and escape_cell("\r=1") == "'\r=1"
    assert escape_cell("王秀英") == "王秀英" and escape_cell(-5) == -5
