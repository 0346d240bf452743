"""The rule sets: one per record type, the one place that says what a valid record is and who
may write which of its fields.  Every door calls them: the page form (so every error shows in
the first round), the service (again, inside its transaction) and each import row.

A domain app writes its rules as pure functions in its ``rules.py`` and registers them here
with ``register(RuleSet(...))`` when the module is imported (each app's ``ready()`` imports
it), so that ``spreadsheets`` (above every domain app) finds them by resource name without
``core`` importing any app:

    from core.rules import rules_for
    errors = rules_for("beneficiaries").check(values, actor=actor, instance=None, today=today)

The interface of every rule set (see docs/ARCHITECTURE.md, "Rules"):

* ``values``: {model attribute name: Python value}: foreign keys by id (``town_id``),
  many-to-many as a set of ids (``categories``), dates, Decimals, booleans, text.  For an
  update only the values being set need be given; the stored ones fill in the rest.
* ``check(values, *, actor, instance=None, today=None) -> {field name: message}``: everything
  wrong with the record for this actor (validation and permission), keyed by field name
  (``town``, not ``town_id``); ``NON_FIELD`` for the record as a whole.  Empty when valid.
* ``write_errors(values, *, actor, instance=None) -> {field: message}``: the permission part
  alone (may this actor create this record, change it, set these fields).
* ``fields_editable_by(actor, instance=None) -> frozenset``: the fields the actor may set.

``actor`` is a user or an ``organizations.access.Actor`` (built once per import with
``Actor.of(user)``; ``Actor.system()`` for the shell command).
"""

import datetime
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models

from .roles import AnyUser

if TYPE_CHECKING:
    from .versioning import Versioned

NON_FIELD = NON_FIELD_ERRORS

# {model attribute name: Python value}: ids for foreign keys, sets of ids for many-to-many.
Values: TypeAlias = dict[str, Any]
# {field name (or NON_FIELD): message}.
Errors: TypeAlias = dict[str, str]

_M = TypeVar("_M", bound=models.Model)
_V = TypeVar("_V", bound="Versioned")


@dataclass(frozen=True)
class RuleSet:
    name: str
    model: type[models.Model]
    # check(values, *, actor, instance=None, today=None, ...) -> Errors
    check: Callable[..., Errors]
    # write_errors(values, *, actor, instance=None, ...) -> Errors
    write_errors: Callable[..., Errors]
    # fields_editable_by(actor, instance=None) -> the attribute names the actor may set
    fields_editable_by: Callable[..., frozenset[str]]
    fields: tuple[str, ...] = ()
    doc: str = ""


_REGISTRY: dict[str, RuleSet] = {}


def register(ruleset: RuleSet) -> RuleSet:
    _REGISTRY[ruleset.name] = ruleset
    return ruleset


def rules_for(name: str) -> RuleSet:
    """The rule set of a resource ("beneficiaries", "visits", ...); KeyError if none."""
    return _REGISTRY[name]


def all_rules() -> dict[str, RuleSet]:
    return dict(_REGISTRY)


def as_values(model: type[models.Model], data: Mapping[str, Any]) -> Values:
    """Form or service data (related objects, querysets) as rule values (ids, sets of ids).
    Keys that are not fields of ``model`` are left out."""
    values: Values = {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        except Exception:
            continue
        if field.many_to_many:
            values[field.name] = frozenset(getattr(item, "pk", item) for item in (value or ()))
        elif field.is_relation and field.many_to_one and isinstance(field, models.Field):
            values[field.attname] = getattr(value, "pk", value)
        elif not field.is_relation:
            values[field.name] = value
    return values


def merged(instance: models.Model | None, values: Mapping[str, Any], fields: Iterable[str]) -> Values:
    """The record as it would be: the stored values of ``fields`` (attribute names) overlaid
    with ``values``.  Many-to-many fields are read only when not given."""
    out: Values = {}
    if instance is not None:
        for name in fields:
            if name in values:
                continue
            field = instance._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
            if field.many_to_many:
                out[name] = (
                    frozenset(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else frozenset()
                )
            elif isinstance(field, models.Field):
                out[name] = getattr(instance, field.attname)
            else:  # a reverse relation is no value of the record
                raise TypeError(f"{name!r} is not a field of {type(instance).__name__}")
    out.update(values)
    return out


def changed(instance: models.Model | None, values: Mapping[str, Any]) -> set[str]:
    """The names in ``values`` whose value differs from the stored one (all of them for a new
    record)."""
    if instance is None:
        return set(values)
    current = merged(instance, {}, list(values))
    return {name for name, value in values.items() if current.get(name) != value}


def error_key(name: str) -> str:
    """The field name an error is reported under: ``town`` for ``town_id``."""
    return name.removesuffix("_id") if name.endswith("_id") else name


def require_permission(write_errors: Mapping[str, str]) -> None:
    """Raises PermissionDenied when the actor may not write the record at all (the error under
    ``NON_FIELD``); pages answer 403 as they did before the rules were shared."""
    from django.core.exceptions import PermissionDenied

    if NON_FIELD in write_errors:
        raise PermissionDenied(write_errors[NON_FIELD])


def raise_errors(errors: Mapping[str, str]) -> None:
    """Raises ValidationError({field: message}) when there are errors."""
    from django.core.exceptions import ValidationError

    if errors:
        raise ValidationError(dict(errors))


# The earliest date a record of the portal's work may carry (visits, sessions, cases, reports):
# earlier ones are typing errors such as 0021 for 2021 or Excel's day zero.
EARLIEST_RECORD_DATE = datetime.date(2000, 1, 1)


def checked_update(
    instance: _V,
    version: int | str | None,
    values: Values,
    *,
    ruleset: RuleSet,
    actor: object,
    noun: str,
    hidden: Collection[str] = (),
    queryset: models.QuerySet[_V] | None = None,
    **context: Any,
) -> _V:
    """The start of every update service, in its transaction: may the actor write this record
    (``PermissionDenied``), was the form loaded at the current version (``StaleEdit``, see
    core.versioning), are the values valid against the row as it is now (``ValidationError``).
    Returns that row, read afresh, for the service to apply the values to.  ``context``: what
    the rule function takes besides (``today``, ``project``...)."""
    from .versioning import claim_version

    require_permission(ruleset.write_errors(values, actor=actor, instance=instance))
    claim_version(instance, version, noun=noun, hidden=hidden)
    fresh = (queryset if queryset is not None else type(instance)._base_manager).get(pk=instance.pk)
    raise_errors(ruleset.check(values, actor=actor, instance=fresh, **context))
    return fresh


def save_values(instance: _M, values: Mapping[str, Any], *, actor: AnyUser) -> _M:
    """Sets ``values`` on ``instance`` and saves it, recording ``actor`` in its history; the
    many-to-many values (sets of ids) are written after the row."""
    related: dict[str, Any] = {}
    for name, value in values.items():
        field = instance._meta.get_field(error_key(name))
        if field.many_to_many:
            related[field.name] = value
        else:
            setattr(instance, name, value)
    # simple-history records this attribute's user; the model does not declare it.
    setattr(instance, "_history_user", actor)  # noqa: B010
    instance.save()
    for name, ids in related.items():
        getattr(instance, name).set(ids)
    return instance
