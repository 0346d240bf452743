"""The edit history of a record, as "who changed what, when", from its django-simple-history
rows compared with simple-history's own ``diff_against``.

    history_entries(case)                                   # every tracked field
    history_entries(person, fields=[...], hidden={"phone"})  # these fields; phone masked

Fields in ``hidden`` (personal data) are named but their values are never shown: a history
page must not become a way around masking.  The cost is fixed whatever the number of changes:
one query for the history rows, one per foreign key shown (the names of the rows they point to).
Many-to-many fields are left out (comparing them costs queries per version)."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django.db import models
from django.db.models.options import Options
from django.utils import timezone
from django.utils.translation import gettext as _

EMPTY = "—"
# Fields every version changes or nobody edits: never listed as a change.
_BOOKKEEPING = {"version", "created_at", "updated_at", "created_by"}


@dataclass(frozen=True)
class Change:
    field: str  # the field's label
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    when: datetime.datetime
    who: object  # the user who saved, or "系统" (a command, a task, an import without a user)
    kind: str  # 创建 / 修改 / 删除
    changes: list[Change]


class Tracked(Protocol):
    """A model instance whose class declares ``history = HistoricalRecords()``."""

    _meta: ClassVar[Options[Any]]

    @property
    def history(self) -> Any: ...


def field_label(model: type[models.Model], name: str) -> str:
    """The verbose name of ``model``'s field ``name`` (FieldDoesNotExist for an unknown one)."""
    field = model._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _blank(value: object) -> bool:
    return value is None or value == ""


class _Display:
    """Turns stored values into what a person reads: choice labels, related rows' names,
    是/否 for booleans, "—" for nothing."""

    def __init__(self, meta: Options[Any], names: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
        self.fields = {name: meta.get_field(name) for name in names}
        rows = list(rows)
        self.related: dict[str, dict[Any, models.Model]] = {}
        for name, field in self.fields.items():
            if field.many_to_one and field.related_model is not None and not isinstance(field.related_model, str):
                pks = {row[name] for row in rows if row.get(name) is not None}
                self.related[name] = field.related_model._default_manager.in_bulk(pks) if pks else {}

    def label(self, name: str) -> str:
        return str(getattr(self.fields[name], "verbose_name", name))

    def value(self, name: str, value: object) -> str:
        if _blank(value):
            return EMPTY
        if name in self.related:
            return str(self.related[name].get(value, value))
        choices = getattr(self.fields[name], "flatchoices", None)
        if choices:
            return str(dict(choices).get(value, value))
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)


def history_entries(
    instance: Tracked, *, fields: Sequence[str] | None = None, hidden: Collection[str] = ()
) -> list[Entry]:
    """Newest first: one ``Entry`` per saved version of ``instance`` with its ``changes``
    against the version before (the first version lists the values it was created with).
    ``fields``: the field names to show (default: every editable field the history tracks);
    values of the fields in ``hidden`` show as "（已隐藏）"."""
    records = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))
    if not records:
        return []
    if fields is None:
        fields = [
            f.name
            for f in records[0].tracked_fields
            if not f.many_to_many and not f.primary_key and f.name not in _BOOKKEEPING
        ]
    names = list(fields)
    attnames = {name: instance._meta.get_field(name).attname for name in names}  # type: ignore[union-attr]
    values = [{name: getattr(record, attnames[name]) for name in names} for record in records]
    display = _Display(instance._meta, names, values)

    def change(name: str, old: object, new: object) -> Change:
        if name in hidden:
            return Change(display.label(name), EMPTY if _blank(old) else _("（已隐藏）"), _("（已隐藏）"))
        return Change(display.label(name), display.value(name, old), display.value(name, new))

    kinds = {"+": _("创建"), "~": _("修改"), "-": _("删除")}
    entries = []
    for index, record in enumerate(records):
        if index == 0:
            initial = values[0]
            changes = [change(n, None, initial[n]) for n in names if not _blank(initial[n]) and initial[n] is not False]
        else:
            delta = record.diff_against(records[index - 1], included_fields=names)
            changed = {c.field: c for c in delta.changes}
            changes = [change(n, changed[n].old, changed[n].new) for n in names if n in changed]
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user or _("系统"),
                kind=kinds[record.history_type],
                changes=changes,
            )
        )
    entries.reverse()
    return entries
