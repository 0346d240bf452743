"""Exports show amounts and dates in the portal's one format (core.formatting), as numbers and
dates a spreadsheet can still sum and sort."""

import datetime
from decimal import Decimal

from openpyxl import load_workbook

from spreadsheets.exporter import xlsx_file


def test_amounts_and_dates_keep_their_type_and_get_the_portals_format():
    rows = [["项目名称", "资助金额", "开始日期"], ["关爱老妇女主任", Decimal("877000.00"), datetime.date(2026, 11, 30)]]
    with xlsx_file(iter(rows)) as handle:
        sheet = load_workbook(handle).active
        amount, start = sheet["B2"], sheet["C2"]
        assert amount.value == 877000 and amount.number_format == "#,##0.00"  # shown 877,000.00
        assert start.value.date() == datetime.date(2026, 11, 30) and start.number_format == "yyyy-mm-dd"
        assert sheet["A2"].value == "关爱老妇女主任"
