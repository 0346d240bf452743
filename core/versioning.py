"""Versions on everything people edit: a stale save is refused, and the person is shown what
the other one changed.

Every model that people edit derives from ``Versioned`` (a ``version`` column, recorded in its
django-simple-history rows).  An edit form carries the version it was loaded at; the service
calls ``claim_version(instance, version, noun=...)`` first thing inside its transaction.  That is
one conditional ``UPDATE ... SET version = version + 1 WHERE pk = ? AND version = ?``:

* it matched: the row is ours until commit (on PostgreSQL the UPDATE holds the row lock, so a
  second editor's UPDATE waits, then matches nothing); the service applies its changes and
  saves, its history row carrying the new version;
* it matched nothing: someone saved in between.  ``StaleEdit`` (a ValidationError) is raised
  listing what changed since the loaded version (field labels, old → new; the fields in
  ``hidden`` named with their values withheld), read from the history rows, and nothing is
  written.

Every other write to a versioned row (a status change, an import's update) bumps the version
too (``bump``), so an edit form opened before it is refused rather than silently reverting it.

``UNCHANGED`` is the default of the keyword arguments of the update services: an argument left
out keeps the stored value (an import names only the columns of its sheet)."""

from collections.abc import Collection
from typing import Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .history import HistoryRow, record_changes

# What a person changed, as shown: {"field": label, "old": text, "new": text}.
ChangeText: TypeAlias = dict[str, str]


class Unchanged:
    """The type of ``UNCHANGED``: an update service's argument that was left out."""

    def __repr__(self) -> str:
        return "UNCHANGED"

    def __bool__(self) -> bool:
        return False


UNCHANGED = Unchanged()


def given(**arguments: Any) -> dict[str, Any]:
    """The arguments that were given (not ``UNCHANGED``), as a dict."""
    return {name: value for name, value in arguments.items() if value is not UNCHANGED}


class Versioned(models.Model):
    """Optimistic locking: a save that does not carry the current version is refused."""

    version = models.PositiveIntegerField(gettext_lazy("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class StaleEdit(ValidationError):
    """A save from a form loaded at an older version.  ``changes``: [{"field", "old", "new"}]
    (display strings) made since; ``current_version``: the version to carry on a second try."""

    def __init__(self, messages: list[str], *, current_version: int, changes: list[ChangeText]) -> None:
        super().__init__(messages, code="stale")
        self.current_version = current_version
        self.changes = changes


def bump(instance: Versioned) -> None:
    """Raises the version of a row about to be saved by a write other than its edit form."""
    instance.version = (instance.version or 0) + 1


def claim_version(instance: Versioned, version: int | str | None, *, noun: str, hidden: Collection[str] = ()) -> None:
    """Takes the row of ``instance`` for an edit loaded at ``version`` (see the module
    docstring), or raises StaleEdit.  Call inside the service's transaction, before anything
    else is written.  ``noun``: what the record is called ("服务对象"); ``hidden``: personal
    fields whose values the message must not show."""
    model = type(instance)
    try:
        loaded = -1 if version is None else int(version)
    except ValueError:
        loaded = -1
    updated = model._base_manager.filter(pk=instance.pk, version=loaded).update(version=F("version") + 1)
    if updated:
        return  # the caller reads the row afresh (now at version + 1) and saves it
    current = model._base_manager.get(pk=instance.pk)
    changes, who = changes_since(current, loaded, hidden=hidden)
    raise StaleEdit(stale_messages(noun, changes, who), current_version=current.version, changes=changes)


def stale_messages(noun: str, changes: list[ChangeText], who: list[str]) -> list[str]:
    """The lines shown above the form: what happened, each change, what to do."""
    names = "、".join(who) or _("他人")
    lines = [
        _("未保存：您打开编辑页面后，该%(noun)s已被%(who)s修改。为避免覆盖对方的修改，本次内容没有保存。")
        % {"noun": noun, "who": names}
    ]
    if changes:
        lines.append(_("对方修改了："))
        for change in changes:
            lines.append(_("%(field)s：%(old)s → %(new)s") % change)
    else:
        lines.append(_("（无法列出对方修改的具体内容，请打开记录查看。）"))
    lines.append(_("您填写的内容仍在下方。请核对上面列出的修改，确认后再次保存。"))
    return lines


def _history(instance: Versioned) -> Any:
    manager = getattr(instance, "history", None)
    return manager.order_by("-history_date", "-history_id") if manager is not None else None


def changes_since(
    current: Versioned, version: int, *, hidden: Collection[str] = ()
) -> tuple[list[ChangeText], list[str]]:
    """([{"field", "old", "new"}], [names of who saved]) between the history row of ``version``
    (the state an editor loaded) and the latest one, by simple-history's ``diff_against``."""
    history = _history(current)
    if history is None:
        return [], []
    loaded = history.filter(version=version).first()
    latest = history.first()
    if loaded is None or latest is None or latest.pk == loaded.pk:
        return [], []
    who: list[str] = []
    for record in history.filter(history_date__gt=loaded.history_date).select_related("history_user"):
        user = record.history_user
        name = (getattr(user, "full_name", "") or getattr(user, "email", "")) if user is not None else ""
        if name and name not in who:
            who.append(name)
    return describe_delta(latest, loaded, hidden=hidden), who


def describe_delta(new_record: HistoryRow, old_record: HistoryRow, *, hidden: Collection[str] = ()) -> list[ChangeText]:
    """The changes from ``old_record`` to ``new_record`` (two history rows of one record) as
    [{"field": label, "old": text, "new": text}], in the model's field order, built by
    ``core.history.record_changes``.  Fields in ``hidden`` are named with their values withheld."""
    masks = (_("（不显示）"), _("（已修改，不显示）"))
    return [
        {"field": change.field, "old": change.old, "new": change.new}
        for change in record_changes(new_record, old_record, hidden=hidden, masks=masks)
    ]
