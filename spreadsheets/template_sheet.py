"""The import templates a newcomer can fill.

* The first sheet (the one imported) holds the header only: nothing in a template is ever
  imported by mistake.  Its ID-number, phone and code columns are formatted as text and wide
  enough for 18 digits (Excel turns a long number typed into a General cell into 3.30283E+17
  and loses its last digits).
* A 填写说明 sheet holds an example row that is valid for the user who downloads it (their
  organization, its town, today's date), ready to copy into the first sheet, then one line per
  column: required or not, what to write, what a blank cell means.
* A hidden 选项 sheet holds the drop-down lists (towns, the user's organizations, fixed choices).

Every value written (headers, examples, options, notes) is formula-escaped: an organization
named ``=HYPERLINK(...)`` is text in every cell, never a live formula."""

import datetime
import tempfile
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .exporter import escape_cell
from .resources.base import (
    AmountWidget,
    BooleanWidget,
    ChoiceWidget,
    DateWidget,
    IdNumberWidget,
    IntegerWidget,
    MultiChoiceWidget,
    NameListWidget,
    organization_names,
)

NOTES_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
VALIDATED_ROWS = 5000
TEXT_FORMAT = "@"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F4E3EA")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF6E5")


def sample_for(user):
    """Example values valid for ``user``: the first organization they may import for, its
    town, today."""
    from organizations.models import Organization, Town

    names = organization_names(user)
    organization = Organization.objects.filter(name=names[0]).select_related("town").first() if names else None
    town = organization.town if organization else Town.objects.order_by("order", "pk").first()
    return SimpleNamespace(
        organization=organization.name if organization else "",
        town=town.name if town else "",
        date=timezone.localdate(),
    )


def _put(sheet, row, column, value, **style):
    cell = sheet.cell(row=row, column=column, value=escape_cell(value if value != "" else None))
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def column_help(resource, column):
    """What to write in a column, in a sentence or two."""
    widget = column.widget
    parts = [_("必填") if column.required else _("选填")]
    if isinstance(widget, MultiChoiceWidget):
        parts.append(_("可填多个，用“、”分隔；可选：%(c)s") % {"c": "、".join(widget.labels)})
    elif isinstance(widget, ChoiceWidget):
        parts.append(_("可选：%(c)s") % {"c": "、".join(widget.labels)})
    elif isinstance(widget, BooleanWidget):
        parts.append(_("填“是”或“否”"))
    elif isinstance(widget, DateWidget):
        parts.append(_("日期，如 2026-08-12 或 2026/8/12"))
    elif isinstance(widget, IdNumberWidget):
        parts.append(_("18位身份证号（本列为文本格式，请勿改成数字）"))
    elif isinstance(widget, IntegerWidget):
        parts.append(_("整数"))
    elif isinstance(widget, AmountWidget):
        parts.append(_("数字"))
    elif isinstance(widget, NameListWidget):
        parts.append(_("多人用“、”分隔"))
    elif column.dropdown:
        parts.append(_("从下拉列表选择"))
    if column.text and not isinstance(widget, IdNumberWidget):
        parts.append(_("本列为文本格式，数字不会丢位"))
    if column.attribute in getattr(resource, "defaults", {}):
        parts.append(_("空着：新记录用默认值，已有记录保持原值"))
    if column.help_text:
        parts.append(str(column.help_text))
    return "；".join(parts) + "。"


def template_workbook(resource, user):
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook starts with one plain worksheet
    sheet.title = str(resource.label)
    notes = workbook.create_sheet(NOTES_SHEET)
    options = workbook.create_sheet(OPTIONS_SHEET)
    sample = sample_for(user)
    columns = resource.columns
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        _put(sheet, 1, index, column.header, font=BOLD, fill=HEADER_FILL)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width or max(12, len(column.header) * 2 + 4)
        if column.text:
            dimension.number_format = TEXT_FORMAT
        choices = column.dropdown(user) if callable(column.dropdown) else column.dropdown
        if choices:
            _add_dropdown(sheet, options, index, column, choices)
    sheet.freeze_panes = "A2"

    wrap = Alignment(wrap_text=True, vertical="top")
    _put(notes, 1, 1, _("填写说明"), font=Font(bold=True, size=14))
    _put(
        notes,
        2,
        1,
        _(
            "请在“%(sheet)s”工作表第2行起填写，一行一条记录；本页不会被导入。下面第5行是按您的组织和今天的日期填好的示例，可复制到数据表。"
        )
        % {"sheet": resource.label},
    )
    example = resource.example_row(sample)
    for index, column in enumerate(columns, start=1):
        _put(notes, 4, index, column.header, font=BOLD, fill=HEADER_FILL)
        cell = _put(notes, 5, index, _example_value(example[index - 1]), fill=EXAMPLE_FILL)
        if column.text:
            cell.number_format = TEXT_FORMAT
        notes.column_dimensions[get_column_letter(index)].width = column.width or max(12, len(column.header) * 2 + 4)
    _put(notes, 7, 1, _("列名"), font=BOLD, fill=HEADER_FILL)
    _put(notes, 7, 2, _("怎么填"), font=BOLD, fill=HEADER_FILL)
    for offset, column in enumerate(columns):
        _put(notes, 8 + offset, 1, column.header, font=BOLD)
        _put(notes, 8 + offset, 2, column_help(resource, column), alignment=wrap)
    notes.column_dimensions["B"].width = max(notes.column_dimensions["B"].width or 0, 60)
    options.sheet_state = "hidden"
    return workbook


def _example_value(value):
    # Dates as text in the contract's form (a date cell would show as a serial in some viewers).
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _add_dropdown(sheet, options, index, column, choices):
    letter = get_column_letter(index)
    _put(options, 1, index, column.header)
    for row, label in enumerate(choices, start=2):
        _put(options, row, index, label)
    validation = DataValidation(
        type="list", formula1=f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(choices) + 1}", allow_blank=True
    )
    if column.multi:
        # Several values separated by 、 are allowed: the list only helps.
        validation.showErrorMessage = False
        validation.prompt = _("可填写多个，用“、”分隔")
        validation.showInputMessage = True
    else:
        validation.error = _("请从下拉列表中选择")
        validation.errorTitle = column.header
        validation.showErrorMessage = True
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")


def template_file(resource, user):
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    template_workbook(resource, user).save(handle)
    handle.seek(0)
    return handle
