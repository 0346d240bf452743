"""The import engine, shared by the web import, its Celery task and ``manage.py import_xlsx``.

All rows or none: every row is cleaned and validated; rows are written chunk by chunk inside
one transaction only while no row has been rejected, and the transaction is rolled back at the
end if any was.  A dry run (the preview) validates without writing.  Memory stays bounded as
sheets grow: rows are streamed from the file and handled a chunk at a time; across chunks only
a hash per match key is kept (to find a key repeated in the sheet).  Foreign keys are resolved
from dictionaries loaded once per import (towns, organizations, categories) or once per chunk
(the existing records matched by key), never with a query per row.

Each row goes through the same steps, whoever imports it and by whichever door (the web
import, its task, ``manage.py import_xlsx``):

1. its cells are read by the columns' widgets and turned into model values (``prepare``);
2. the record it matches is fetched (``fetch_existing``, once per chunk);
3. ``resource.permission(attrs, ctx, instance)``: may this user create this record, or make
   these changes to that one;
4. ``resource.check(attrs, ctx, instance)``: the rules of the record type (the same rules
   the pages apply); then ``resource.complete`` fills what the rules derive (a date);
5. it is new, changed (the fields that differ), unchanged, or rejected with its reasons.

A blank cell in a column whose field has a default (a mode, a status, an amount) means "not
given": the default for a new record, the current value kept for an existing one, so that
re-importing a sheet never reverts what the pages changed since."""

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import AnyUser
from organizations.access import Actor
from organizations.models import Organization
from organizations.options import forget_organization_options

from .files import FileRejected, open_sheet
from .resources.base import NOT_FOUND, SheetResource, text_of

CHUNK_SIZE = 1000
MAX_STORED_ERRORS = 2000
PREVIEW_ROWS = 50
IGNORED_HEADERS = {"错误原因", "error", "errors", "行号"}

# Receives a rejected row: its number, its cells as uploaded, [(header, reason)].
RowSink: TypeAlias = Callable[[int, Sequence[Any], Iterable[tuple[str, str]]], object]


@dataclass
class ImportResult:
    resource: str
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)  # [row, header, reason], the first MAX_STORED_ERRORS
    saved: bool = False
    dry_run: bool = True
    # The first rows as the preview shows them: {"row", "status" (new | changed | unchanged |
    # rejected), "label", "changes" [[header, old, new]], "errors" [[header, reason]], "notes"}.
    rows: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # {note: rows it applies to}, e.g. how a date was set

    def summary(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "saved": self.saved,
            "errors_shown": len(self.errors),
            "notes": self.notes,
        }


class _Rollback(Exception):
    pass


class KeySet:
    """The match keys seen so far in a sheet, as 64-bit hashes with the row number of each, in
    an open-addressing table of two arrays: 12-24 bytes a row instead of ~150 for a dict, so that
    memory stays nearly flat as sheets grow (a repeated key is what it finds)."""

    def __init__(self, capacity=1024):
        self._digests = array("q", bytes(8 * capacity))
        self._rows = array("i", bytes(4 * capacity))
        self._size = 0

    def _slot(self, digest):
        mask = len(self._digests) - 1
        index = digest & mask
        while True:
            found = self._digests[index]
            if found == 0 or found == digest:
                return index
            index = (index + 1) & mask

    def get(self, key):
        digest = hash(key) or 1
        index = self._slot(digest)
        return self._rows[index] if self._digests[index] == digest else None

    def add(self, key, row):
        if 2 * (self._size + 1) > len(self._digests):
            self._grow()
        digest = hash(key) or 1
        index = self._slot(digest)
        if self._digests[index] == 0:
            self._digests[index] = digest
            self._rows[index] = row
            self._size += 1

    def _grow(self):
        digests, rows = self._digests, self._rows
        KeySet.__init__(self, 2 * len(digests))
        for digest, row in zip(digests, rows):
            if digest:
                index = self._slot(digest)
                self._digests[index] = digest
                self._rows[index] = row
                self._size += 1


class ImportContext:
    """What every row of one import looks up: loaded once, by one query per table."""

    def __init__(self, user):
        from organizations.models import Organization, Town

        self.user = user
        self.today = timezone.localdate()
        self.now = timezone.now()
        # Who writes, loaded once for every row's rule calls: the user's role and organizations,
        # or the shell's staff rights (``Actor.system()``) when there is no user.
        self.actor = Actor.of(user) if user is not None else Actor.system()
        # Audit entries of rows that named a record the user may not see; written after the
        # import's transaction (which a rejected row rolls back): see ``write_audit``.
        self.audit = []
        self.towns = dict(Town.objects.values_list("name", "id"))
        self.orgs_by_name = {}
        self.orgs_by_code = {}
        for pk, name, code in Organization.objects.values_list("id", "name", "credit_code"):
            self.orgs_by_name[name] = pk
            if code:
                self.orgs_by_code[code] = pk
        self._codes = {}
        self._names = None

    def name_of(self, kind, pk):
        """The name of a town or an organization by id (for the preview's old -> new)."""
        if self._names is None:
            self._names = {
                "town": {pk: name for name, pk in self.towns.items()},
                "organization": {pk: name for name, pk in self.orgs_by_name.items()},
            }
        return self._names[kind].get(pk, "")

    def code_ids(self, model):
        """{code: id} of a fixed-choice table (service areas, categories, visit services)."""
        if model not in self._codes:
            self._codes[model] = dict(model.objects.values_list("code", "id"))
        return self._codes[model]

    def town_id(self, name, header):
        from .resources.base import RowError

        if not name:
            return None
        try:
            return self.towns[name]
        except KeyError:
            raise RowError(header, _("未找到镇街“%(name)s”。") % {"name": name}) from None

    def organization_id(self, name, header):
        """The id of the organization named (by name or credit code).  Whether the user may
        write for it is the rules' answer (``permission``), not this lookup's."""
        from .resources.base import RowError

        if not name:
            return None
        pk = self.orgs_by_name.get(name) or self.orgs_by_code.get(name.upper())
        if pk is None:
            raise RowError(header, _("未找到组织“%(name)s”。") % {"name": name})
        return pk

    def hidden(self, organization_id):
        """Whether a record of this organization is out of the user's sight (a row naming it
        gets the message of a record that does not exist, and the attempt is recorded)."""
        return not self.actor.acts_for(organization_id)

    def write_audit(self):
        """The recorded attempts (see ``resources.base.ModelSheetResource.hidden_errors``)."""
        from organizations.audit import record_access

        if self.actor.user is None:
            self.audit = []
            return
        for entry in self.audit:
            record_access(actor=self.actor.user, **entry)
        self.audit = []


def match_headers(resource, headers):
    """[(cell index, column)] for the sheet's header row; raises FileRejected naming the
    missing and the unknown columns."""
    by_name = {}
    for column in resource.columns:
        by_name[column.header] = column
        for alias in column.aliases:
            by_name[alias.lower()] = column
    mapping, unknown, seen = [], [], set()
    for index, header in enumerate(headers):
        if not header:
            continue
        key = header.replace(" ", "").replace("\u3000", "")
        column = by_name.get(key) or by_name.get(header.strip().lower())
        if column is None:
            if key not in IGNORED_HEADERS and key.lower() not in IGNORED_HEADERS:
                unknown.append(header)
            continue
        if column.header in seen:
            raise FileRejected(_("表头中“%(h)s”列出现了两次。") % {"h": column.header})
        seen.add(column.header)
        mapping.append((index, column))
    missing = [column.header for column in resource.columns if column.required and column.header not in seen]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("缺少必需的列：%(cols)s") % {"cols": "、".join(missing)})
        if unknown:
            parts.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)})
        expected = "、".join(column.header for column in resource.columns)
        raise FileRejected(
            _("表头与模板不符。%(parts)s。应为：%(expected)s。") % {"parts": "；".join(parts), "expected": expected}
        )
    return mapping


def import_sheet(
    resource: SheetResource,
    path: Path | str,
    *,
    user: AnyUser,
    dry_run: bool,
    progress: Callable[[int], object] | None = None,
    rejected_sink: Callable[[Sequence[str]], RowSink] | None = None,
    chunk_size: int = CHUNK_SIZE,
    preview_rows: int = 0,
    max_rows: int | None = None,
) -> ImportResult:
    """Imports the file at ``path`` as ``resource`` for ``user`` (None: the shell, with staff
    rights).  Returns an ImportResult; raises FileRejected for a file refused as a whole
    (its type, its header, more rows than ``max_rows``, default ``settings.IMPORT_MAX_ROWS``).

    ``rejected_sink(headers)`` may return a callable(row number, row values, [(header,
    reason)]) that receives every rejected row (to write the rejected-rows sheet);
    ``preview_rows``: how many of the first rows to describe in ``result.rows``."""
    sheet = open_sheet(path, max_rows=max_rows)
    try:
        options = {"progress": progress, "sink": rejected_sink, "chunk_size": chunk_size, "preview": preview_rows}
        return _import(resource, sheet, user, dry_run, options)
    finally:
        sheet.close()


def _import(resource, sheet, user, dry_run, options):
    mapping = match_headers(resource, sheet.headers)
    ctx = ImportContext(user)
    result = ImportResult(resource=resource.name, dry_run=dry_run)
    state = {
        "seen": KeySet(),
        "writing": not dry_run,
        "sink": options["sink"](sheet.headers) if options["sink"] else None,
        "preview": options["preview"],
        "shown": set(),  # row numbers of the first data rows, described in result.rows
        "labels": [(index, column) for index, column in mapping if column.header in resource.label_headers],
        "rejections": [],
    }
    if dry_run:
        try:
            _run(resource, sheet, mapping, ctx, result, state, options)
        finally:
            ctx.write_audit()
        return result
    try:
        with transaction.atomic():
            _run(resource, sheet, mapping, ctx, result, state, options)
            if result.rejected:
                raise _Rollback
    except _Rollback:
        pass
    except DatabaseError as exc:
        # A rule only the database knew (a constraint): nothing was saved.
        result.rejected = max(result.rejected, 1)
        result.errors.append([0, "", _("保存时被数据库拒绝，全部未导入：%(error)s") % {"error": exc}])
    else:
        result.saved = True
        if resource.model is Organization:
            # Written in bulk, without signals: the cached organization options go stale here.
            forget_organization_options()
    finally:
        ctx.write_audit()  # after the rollback: the attempts stay recorded
    return result


def _run(resource, sheet, mapping, ctx, result, state, options):
    chunk = []
    progress = options["progress"]
    for number, row in sheet.rows():
        chunk.append((number, row))
        if len(chunk) >= options["chunk_size"]:
            _process_chunk(resource, chunk, mapping, ctx, result, state)
            chunk = []
            if progress:
                progress(result.total)
    if chunk:
        _process_chunk(resource, chunk, mapping, ctx, result, state)
    if progress:
        progress(result.total)
    if result.total == 0:
        raise FileRejected(_("工作表中只有表头，没有数据行。"))
    result.rows.sort(key=lambda item: item["row"])


def _describe(result, state, number, row, status, **details):
    """Adds the row to the preview if it is one of the first rows."""
    if number not in state["shown"]:
        return
    label = []
    for index, column in state["labels"]:
        text = text_of(row[index]) if index < len(row) else ""
        if text:
            label.append(column.mask(text) if column.mask else text)
    result.rows.append({"row": number, "status": status, "label": " ".join(label), **details})


def _reject(result, state, number, row, errors):
    result.rejected += 1
    state["rejections"].append((number, row, errors))
    _describe(result, state, number, row, "rejected", errors=[[header, str(reason)] for header, reason in errors])


def _flush_rejections(result, state):
    """A chunk's rejected rows, in the sheet's order (they are found in two passes)."""
    for number, row, errors in sorted(state["rejections"], key=lambda item: item[0]):
        for header, reason in errors:
            if len(result.errors) < MAX_STORED_ERRORS:
                result.errors.append([number, header, str(reason)])
        if state["sink"]:
            state["sink"](number, row, errors)
    state["rejections"] = []


def _clean_row(resource, row, mapping, ctx):
    values, errors = {}, []
    for index, column in mapping:
        raw = row[index] if index < len(row) else None
        try:
            value = column.widget.clean(raw)
        except ValueError as exc:
            errors.append((column.header, str(exc)))
            continue
        if column.required and value in (None, "", ()):
            errors.append((column.header, _("必填，不能为空。")))
            continue
        values[column.attribute] = value
    try:
        # Run even after a cell failed, so that every error of the row is listed at once.
        attrs = resource.prepare(values, ctx, errors)
    except KeyError:
        if not errors:
            raise
    if errors:
        return None, errors
    return attrs, errors


def _process_chunk(resource, chunk, mapping, ctx, result, state):
    try:
        _handle_chunk(resource, chunk, mapping, ctx, result, state)
    finally:
        _flush_rejections(result, state)


def _handle_chunk(resource, chunk, mapping, ctx, result, state):
    from .resources.base import RowError

    pending = []
    seen = state["seen"]
    for number, row in chunk:
        result.total += 1
        if result.total <= state["preview"]:
            state["shown"].add(number)
        attrs, errors = _clean_row(resource, row, mapping, ctx)
        if errors:
            _reject(result, state, number, row, errors)
            continue
        key = resource.key(attrs)
        keys = resource.unique_keys(attrs, key)
        first = next((seen_row for seen_row in map(seen.get, keys) if seen_row is not None), None)
        if first is not None:
            message = _("与第%(n)d行重复（同一条记录出现两次）。") % {"n": first}
            _reject(result, state, number, row, [(resource.key_header, message)])
            continue
        for unique in keys:
            seen.add(unique, number)
        pending.append((number, row, key, attrs))
    if not pending:
        return
    existing = resource.fetch_existing([item[2] for item in pending], ctx)
    related = resource.related_sets(list(existing.values())) if existing else {}
    new, changed, related_writes, steps = [], [], [], []
    for number, row, key, attrs in pending:
        instance = existing.get(key)
        # A record the user may not see is answered like one that does not exist.
        errors = resource.hidden_errors(attrs, ctx, instance) if instance is not None else []
        if errors:
            _reject(result, state, number, row, errors)
            continue
        if instance is not None and not _differs(resource, attrs, ctx, instance, related):
            # The row says what is stored: nothing to write, so nothing to permit or check
            # (re-uploading an unchanged file shows 0 changes for every role).
            result.unchanged += 1
            _describe(result, state, number, row, "unchanged", notes=[])
            continue
        errors = resource.permission(attrs, ctx, instance) or resource.check(attrs, ctx, instance)
        if errors:
            _reject(result, state, number, row, errors)
            continue
        resource.complete(attrs, ctx, instance)
        notes = attrs.pop("_notes", ())
        for note in notes:
            result.notes[note[0]] = result.notes.get(note[0], 0) + 1
        notes = [text for _kind, text in notes]
        # The status (and what changes with it) moves through the workflow's service, step by
        # step, after the chunk is written: never by writing the column.
        workflow = resource.workflow_steps(attrs, ctx, instance)
        plain = {name: value for name, value in attrs.items() if name not in resource.related_attrs}
        rel = {name: value for name, value in attrs.items() if name in resource.related_attrs}
        if instance is None:
            try:
                instance = resource.build(plain, ctx)
            except RowError as exc:
                _reject(result, state, number, row, [(exc.header, exc.reason)])
                continue
            result.new += 1
            new.append(instance)
            for name, value in rel.items():
                if value:
                    related_writes.append((name, instance, value, False))
            if workflow:
                steps.append((number, row, instance, workflow))
            _describe(result, state, number, row, "new", notes=notes)
            continue
        # Names beginning with "_" are row data that is not a model field (e.g. the ID number
        # naming a visit's beneficiary).
        fields = [name for name, value in plain.items() if name[0] != "_" and getattr(instance, name) != value]
        current = {name: related.get(name, {}).get(instance.pk) or type(value)() for name, value in rel.items()}
        writes = {name: resource.related_write(name, current[name], value) for name, value in rel.items()}
        rel_changed = [name for name, value in writes.items() if value is not None]
        if not fields and not rel_changed and not workflow:
            result.unchanged += 1
            _describe(result, state, number, row, "unchanged", notes=notes)
            continue
        result.updated += 1
        if number in state["shown"]:
            moved = workflow["values"] if workflow else {}
            changes = [resource.change(name, getattr(instance, name), plain[name], ctx) for name in fields]
            changes += [resource.change(name, getattr(instance, name), value, ctx) for name, value in moved.items()]
            changes += [resource.change(name, current[name], rel[name], ctx) for name in rel_changed]
            changes = [change for change in changes if change is not None]
            _describe(result, state, number, row, "changed", changes=changes, notes=notes)
        for name in fields:
            setattr(instance, name, plain[name])
        # Every write to a row raises its version (``core.versioning``), a related one too.
        changed.append((instance, fields))
        for name in rel_changed:
            related_writes.append((name, instance, writes[name], True))
        if workflow:
            steps.append((number, row, instance, workflow))
    if state["writing"] and not result.rejected:
        resource.save_chunk(new, changed, related_writes, ctx)
        for number, row, instance, workflow in steps:
            try:
                resource.apply_workflow(instance, workflow, ctx)
            except ValidationError as exc:
                _reject(result, state, number, row, resource.validation_errors(exc, instance))
            except PermissionDenied as exc:
                _reject(result, state, number, row, [(resource.key_header, str(exc) or NOT_FOUND)])


def _differs(resource, attrs, ctx, instance, related):
    """Whether the row would change the stored record (with what the rules derive from it)."""
    trial = dict(attrs)
    resource.complete(trial, ctx, instance)
    trial.pop("_notes", None)
    for name, value in trial.items():
        if name[0] == "_":
            continue
        if name in resource.related_attrs:
            current = related.get(name, {}).get(instance.pk) or type(value)()
            if resource.related_write(name, current, value) is not None:
                return True
        elif getattr(instance, name) != value:
            return True
    return False


def import_file(resource_name, path, *, user, dry_run, **kwargs):
    from .resources import get_resource

    return import_sheet(get_resource(resource_name), path, user=user, dry_run=dry_run, **kwargs)


__all__ = ["ImportContext", "ImportResult", "import_file", "import_sheet", "match_headers"]
