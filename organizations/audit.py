"""The audit log of personal-data access: the one function that records an access
(``record_access``), the person's log (``events_about``) and the labels of the people in it.

Everyone who shows, exports or probes personal data calls ``record_access``: the beneficiary
page's reveal, the case page's party reveal, the spreadsheet exports (masked and full) and the
new-person form's duplicate check.  ``organizations`` knows no domain model, so each app
registers its kind of person in its AppConfig.ready() (``register_subject_type``), the way the
organization page's panels are registered."""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import transaction

from accounts.models import User

from .models import DataAccessEvent, DataAccessSubject, Organization

Action = DataAccessEvent.Action
SUBJECT_BATCH = 1000


@dataclass(frozen=True)
class Subject:
    """A person an access concerned: ``record_type`` as registered ("beneficiary",
    "case_party"), the record's id and its organization at the time."""

    record_type: str
    record_id: int
    organization_id: int | None = None


@dataclass(frozen=True)
class SubjectType:
    label: str
    # labels(ids) -> {id: (text, url or None)}, for the audit page (staff only).
    labels: object
    # find(text) -> ids of the people whose name or ID number matches the audit page's filter.
    find: object


_types: dict[str, Any] = {}
_resource_labels: dict[str, Any] = {}
_field_labels: dict[str, Any] = {}


def register_subject_type(record_type, *, label, labels, find, fields=None):
    """``fields``: {field name: label} of the fields of this type that can be revealed."""
    _types[record_type] = SubjectType(label=label, labels=labels, find=find)
    _field_labels.update(fields or {})


def subject_types():
    return dict(_types)


def register_resource_labels(labels):
    """{resource name: label} of the exports (spreadsheets registers its sheets)."""
    _resource_labels.update(labels)


def resource_label(name: str) -> str:
    return str(_resource_labels.get(name, name))


def field_label(name: str) -> str:
    """The label of a revealed field (the same field name has the same label in every type)."""
    return str(_field_labels.get(name, name))


@transaction.atomic
def record_access(
    *,
    actor: User,
    action: str,
    subjects: Iterable[Subject | tuple[Any, ...]] = (),
    organization: Organization | int | None = None,
    field: str = "",
    resource: str = "",
    filters: dict[str, Any] | None = None,
    row_count: int | None = None,
    purpose: str | None = "",
) -> DataAccessEvent:
    """Writes one entry of the audit log and returns it.

    ``action`` is a ``DataAccessEvent.Action``; ``subjects`` an iterable of ``Subject`` (or of
    (record_type, record_id, organization_id) tuples): the person of a reveal or of a duplicate
    attempt, every person of a full export, none for a masked export (its row count is kept).
    ``organization`` (an Organization or its id) is whose data it was: the record's
    organization, or the organization an export was limited to.  Subjects are written in
    batches, so a full export of the whole district costs a few inserts per thousand people."""
    event = DataAccessEvent.objects.create(
        user=actor,
        action=action,
        organization_id=getattr(organization, "pk", organization),
        field=field,
        resource=resource,
        filters=filters or {},
        row_count=row_count,
        purpose=(purpose or "").strip(),
    )
    rows = (
        DataAccessSubject(event=event, record_type=subject[0], record_id=subject[1], organization_id=subject[2])
        for subject in (_as_tuple(s) for s in subjects)
    )
    while batch := list(islice(rows, SUBJECT_BATCH)):
        DataAccessSubject.objects.bulk_create(batch)
    return event


def _as_tuple(subject: Subject | tuple[Any, ...]) -> tuple[Any, Any, Any]:
    if isinstance(subject, Subject):
        return (subject.record_type, subject.record_id, subject.organization_id)
    record_type, record_id, *rest = subject
    return (record_type, record_id, rest[0] if rest else None)


def events_about(record_type, record_id):
    """The person's access log: every event that concerned this record, newest first."""
    return (
        DataAccessEvent.objects.filter(subjects__record_type=record_type, subjects__record_id=record_id)
        .select_related("user", "organization")
        .distinct()
        .order_by("-at", "-id")
    )


def subject_labels(events):
    """{event id: [(text, url)]}: the person each event of a page concerned, in one query for
    the subjects and one per kind of person.  A full export is shown by its row count (each
    exported person's own log lists it), so its subjects are not listed here."""
    ids = [event.pk for event in events if event.action != Action.EXPORT_FULL]
    subjects = DataAccessSubject.objects.filter(event_id__in=ids).values_list("event_id", "record_type", "record_id")
    per_event: dict[int, list[tuple[str, int]]] = {}
    wanted: dict[str, set[int]] = {}
    for event_id, record_type, record_id in subjects:
        per_event.setdefault(event_id, []).append((record_type, record_id))
        wanted.setdefault(record_type, set()).add(record_id)
    resolved = {}
    for record_type, record_ids in wanted.items():
        kind = _types.get(record_type)
        labels = kind.labels(record_ids) if kind else {}
        for record_id in record_ids:
            fallback = (f"{kind.label if kind else record_type} #{record_id}", None)
            resolved[(record_type, record_id)] = labels.get(record_id, fallback)
    return {pk: [resolved[key] for key in keys] for pk, keys in per_event.items()}
