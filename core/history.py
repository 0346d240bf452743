"""The edit history of a record, as "who changed what, when", from its django-simple-history
rows compared with simple-history's own ``diff_against``: the one place that turns two versions
into ``Change(field label, old text, new text)``.

    history_entries(case)                                   # every tracked field
    history_entries(person, fields=[...], hidden={"phone"})  # these fields; phone masked
    record_changes(latest_row, loaded_row, hidden=...)       # two versions (a stale edit's message)

Fields in ``hidden`` (personal data) are named but their values are never shown: a history
page must not become a way around masking.  The cost of a history page is fixed whatever the
number of changes: one query for the history rows, one per foreign key shown (the names of the
rows they point to); many-to-many fields are left out there (comparing them costs queries per
version), and compared by ``record_changes``, which looks at two versions only."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeAlias

from django.db import models
from django.db.models.options import Options
from django.utils import timezone
from django.utils.translation import gettext as _

EMPTY = "—"
# Fields every version changes or nobody edits: never listed as a change.
_BOOKKEEPING = {"version", "created_at", "updated_at", "created_by"}
# A simple-history row: its class is built at run time from the model (and the package has no
# type information), so it is typed by what is done with it.
HistoryRow: TypeAlias = Any
# What a hidden field's old and new values show as (``record_changes``' ``masks``).
Masks: TypeAlias = tuple[str, str]


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
    """Turns stored values into what a person reads: choice labels, related rows' names (one
    query per foreign key or many-to-many field for all ``rows``), 是/否 for booleans, "—" for
    nothing.  ``rows``: {field name: stored value}; a many-to-many field's value is its list of
    through rows as ``diff_against`` gives them."""

    def __init__(self, meta: Options[Any], names: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
        self.fields = {name: meta.get_field(name) for name in names}
        rows = list(rows)
        self.related: dict[str, dict[Any, models.Model]] = {}
        # Many-to-many field -> the through rows' key holding the related row's id.
        self.m2m_keys: dict[str, str] = {}
        for name, field in self.fields.items():
            if field.related_model is None or isinstance(field.related_model, str):
                continue
            if field.many_to_many:
                from simple_history.utils import get_m2m_reverse_field_name

                key: str = get_m2m_reverse_field_name(field)
                self.m2m_keys[name] = key
                pks = {item.get(key) for row in rows for item in row.get(name) or ()} - {None}
            elif field.many_to_one:
                pks = {row[name] for row in rows if row.get(name) is not None}
            else:
                continue
            self.related[name] = field.related_model._default_manager.in_bulk(pks) if pks else {}

    def label(self, name: str) -> str:
        return str(getattr(self.fields[name], "verbose_name", name))

    def value(self, name: str, value: Any) -> str:
        if name in self.m2m_keys:
            key, related = self.m2m_keys[name], self.related[name]
            return "、".join(str(related.get(item.get(key), item.get(key, ""))) for item in value or ()) or EMPTY
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
            return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)


def _change(
    display: _Display, name: str, old: object, new: object, *, hidden: Collection[str], masks: Masks | None
) -> Change:
    """One field's change as shown; a hidden field's values as ``masks`` (default: "（已隐藏）",
    and "—" for an empty old value)."""
    if name in hidden:
        if masks is not None:
            return Change(display.label(name), *masks)
        return Change(display.label(name), EMPTY if _blank(old) else _("（已隐藏）"), _("（已隐藏）"))
    return Change(display.label(name), display.value(name, old), display.value(name, new))


def record_changes(
    new_record: HistoryRow, old_record: HistoryRow, *, hidden: Collection[str] = (), masks: Masks | None = None
) -> list[Change]:
    """The changes from ``old_record`` to ``new_record``, two history rows of one record any
    number of versions apart, by ``diff_against``: the fields simple-history compares by default
    (the editable ones, many-to-many included), in the model's field order."""
    meta = new_record.instance_type._meta
    order = {field.name: index for index, field in enumerate(meta.get_fields())}
    delta = new_record.diff_against(old_record)
    changes = sorted(delta.changes, key=lambda c: order.get(c.field, len(order)))
    display = _Display(
        meta, [c.field for c in changes], [{c.field: c.old for c in changes}, {c.field: c.new for c in changes}]
    )
    return [_change(display, c.field, c.old, c.new, hidden=hidden, masks=masks) for c in changes]


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
        return _change(display, name, old, new, hidden=hidden, masks=None)

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
