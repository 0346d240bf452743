"""The building blocks of the sheet resources: columns (a Chinese header, English aliases,
whether the column is required, the drop-down list of a template, an example value) and
widgets that read what staff type into Excel.  Plain classes: the portal's import engine is
its own (``spreadsheets.importer``; docs/ARCHITECTURE.md says why django-import-export is not
used, with the measured figures).

A widget's ``clean`` raises ``ValueError`` with a Chinese reason; the importer turns it into
a row error naming the row and the column.  ``render`` gives the value written to a sheet
(dates and numbers stay native so that xlsx cells are real dates and numbers)."""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from organizations.validators import normalize_id_number

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MULTI_SEPARATORS = re.compile(r"[、，,;；\n]+")
YES = {"是", "y", "yes", "true", "1", "√", "有"}
NO = {"否", "n", "no", "false", "0", "×", "无", ""}
# A cell beginning with one of these is taken as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def text_of(value):
    """A cell as stripped text.  Whole numbers typed into number cells (phones, ID numbers
    without the X) come back from Excel as int or float: give their digits, not '1.38e10'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    # Undo the apostrophe that exports put before formula-like text.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


class Widget:
    """Reads a cell (``clean``: raises ValueError with a Chinese reason) and writes a value
    to a sheet (``render``)."""

    def clean(self, value, row=None, **kwargs):
        return value

    def render(self, value, obj=None, **kwargs):
        return value


class TextWidget(Widget):
    def __init__(self, max_length=None):
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"内容过长：最多{self.max_length}个字，当前{len(text)}个字。")
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IdNumberWidget(TextWidget):
    def __init__(self):
        super().__init__(max_length=18)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
            # Excel keeps 15 significant digits: an ID number typed into a number cell has lost its end.
            raise ValueError(_("身份证号被 Excel 存成了数字，末尾几位已丢失；请把该列设为“文本”格式后重新填写。"))
        return normalize_id_number(super().clean(value))


class IntegerWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if text == "":
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{text}”不是整数。") from None
        if number != number.to_integral_value():
            raise ValueError(f"“{text}”不是整数。")
        if number < 0:
            raise ValueError(_("不能为负数。"))
        if number > 2_000_000_000:
            raise ValueError(_("数值过大。"))
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class AmountWidget(Widget):
    """Non-negative amounts (yuan, hours): '1,200.50', '¥500' and '500元' are accepted."""

    def __init__(self, places=2, max_digits=12):
        super().__init__()
        self.places = places
        self.quantum = Decimal(1).scaleb(-places)
        self.limit = Decimal(10) ** (max_digits - places)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float):
            value = repr(value)
        text = text_of(value).replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").rstrip("元")
        if text == "":
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{text}”不是数字。") from None
        if not number.is_finite():
            raise ValueError(f"“{text}”不是数字。")
        if number < 0:
            raise ValueError(_("不能为负数。"))
        if number >= self.limit:
            raise ValueError(_("数值过大。"))
        rounded = number.quantize(self.quantum)
        if rounded != number:
            raise ValueError(f"最多{self.places}位小数。")
        return rounded

    def render(self, value, obj=None, **kwargs):
        return value


class DateWidget(Widget):
    """2021-08-12, 2021/8/12, 2021.8.12, 2021年8月12日, an Excel date cell or its serial number."""

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if 1 <= value < 2958466:
                return EXCEL_EPOCH + datetime.timedelta(days=int(value))
            raise ValueError(f"“{value}”不是有效日期。")
        text = text_of(value)
        if text == "":
            return None
        text = text.split(" ")[0].split("T")[0] if re.match(r"^\d{4}-\d{1,2}-\d{1,2}[ T]", text) else text
        match = _DATE_TEXT.match(text)
        if not match:
            raise ValueError(f"“{text}”不是有效日期，请写作 2021-08-12 或 2021/8/12。")
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(f"“{text}”不是有效日期。") from None

    def render(self, value, obj=None, **kwargs):
        return value


class BooleanWidget(Widget):
    """是/否 (and yes/no, 1/0, √/×); a blank cell is None: "not given"."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = text_of(value).lower()
        if text == "":
            return None
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(f"“{text}”无法识别，请填写“是”或“否”。")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class ChoiceWidget(Widget):
    """A fixed choice by its Chinese label (or its stored value, e.g. 'home')."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices
        self.by_text = {}
        for value, label in choices.choices:
            self.by_text[str(label)] = value
            self.by_text[value.lower()] = value
            self.by_text[str(value).lower()] = value

    @property
    def labels(self):
        return [str(label) for _, label in self.choices.choices]

    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if text == "":
            return None
        try:
            return self.by_text.get(text) or self.by_text[text.lower()]
        except KeyError:
            raise ValueError(f"“{text}”不是可选值（可选：{'、'.join(self.labels)}）。") from None

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return str(self.choices(value).label)


class MultiChoiceWidget(ChoiceWidget):
    """Several fixed choices in one cell, separated by 、 or ，(also , and ;).  Cleans to a
    sorted tuple of codes; renders the labels of a prefetched many-to-many manager."""

    def clean(self, value, row=None, **kwargs):
        codes = set()
        for part in MULTI_SEPARATORS.split(text_of(value)):
            part = part.strip()
            if part:
                codes.add(super().clean(part))
        return tuple(sorted(codes))

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if hasattr(value, "all"):
            value = [item.code for item in value.all()]
        order = {code: i for i, (code, _) in enumerate(self.choices.choices)}
        return "、".join(str(self.choices(code).label) for code in sorted(value, key=order.__getitem__))


class NameListWidget(TextWidget):
    """Several names in one cell (case parties), separated like multi-choice cells."""

    def clean(self, value, row=None, **kwargs):
        # Each name is checked by the parties' rules (``cases.rules.check_party``).
        return tuple(part.strip() for part in MULTI_SEPARATORS.split(text_of(value)) if part.strip())

    def render(self, value, obj=None, **kwargs):
        return "、".join(value or ())


class NameWidget(TextWidget):
    """A town or an organization named by its name; resources resolve the name with a
    dictionary loaded once per import, never with a query per row."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, "name", str(value))


class Column:
    """One column of a sheet: the header is ``column_name``.

    ``example`` is a value or a callable(sample) of the user's sample values (their
    organization, a town, today: ``spreadsheets.template_sheet``); ``mask`` hides a personal
    value wherever the import shows it (the preview's old -> new); ``text`` columns (ID
    numbers, phones, codes) are formatted as text in templates so Excel keeps every digit."""

    def __init__(
        self,
        header,
        attribute=None,
        widget=None,
        *,
        aliases=(),
        required=False,
        example="",
        dropdown=None,
        getter=None,
        help_text="",
        mask=None,
        text=False,
        width=None,
    ):
        self.attribute = attribute
        self.column_name = header
        self.widget = widget or TextWidget()
        self.header = header
        self.aliases = tuple(aliases)
        self.required = required
        self.example = example
        # A list of labels for the template's drop-down, or a callable(user) giving one.
        self.dropdown = dropdown if dropdown is not None else getattr(self.widget, "labels", None)
        self.getter = getter
        self.help_text = help_text
        self.multi = isinstance(self.widget, (MultiChoiceWidget, NameListWidget))
        self.mask = mask
        self.text = text
        self.width = width

    def example_for(self, sample):
        return self.example(sample) if callable(self.example) else self.example

    def get_value(self, obj):
        """The value at ``attribute`` (``a__b`` follows relations; None stops the walk)."""
        value = obj
        for name in self.attribute.split("__"):
            if value is None:
                return None
            value = getattr(value, name)
        return value

    def export_value(self, obj):
        value = self.getter(obj) if self.getter else self.get_value(obj)
        return self.widget.render(value)


class SheetResource:
    """A record type's sheet.  Subclasses declare ``columns`` (in the contract's order) and
    implement the row hooks used by ``spreadsheets.importer`` (in the order it calls them):

    * ``prepare(values, ctx, errors)``: cleaned cell values (by column attribute) -> model
      attribute values (names resolved from the context's dictionaries); appends
      (header, reason) to ``errors``;
    * ``key(attrs)``: the match key of a row; ``fetch_existing(keys, ctx)``: {key: instance}
      for one chunk, in one or two queries;
    * ``permission(attrs, ctx, instance)``: [(header, reason)] if this user may not create
      this record (``instance`` None) or make these changes to ``instance``;
    * ``check(attrs, ctx, instance)``: [(header, reason)] breaking the record type's rules;
    * ``build(attrs, ctx)`` a new instance; ``save_chunk(new, changed, related, ctx)``.
    """

    name: str = ""
    label: "StrOrPromise" = ""
    model: Any = None  # the model class (each subclass sets it)
    columns: tuple[Column, ...] = ()
    export_related: tuple[str, ...] = ()
    export_prefetch: tuple[str, ...] = ()
    label_headers: tuple[str, ...] = ()  # the columns naming a row in the preview (masked where personal)

    def get_export_headers(self, selected_fields=None):
        return [column.header for column in self.columns]

    def export_queryset(self, user):
        return (
            self.model.objects.visible_to(user)
            .select_related(*self.export_related)
            .prefetch_related(*self.export_prefetch)
            .order_by("pk")
        )

    def example_row(self, sample):
        return [column.example_for(sample) for column in self.columns]

    def column_of(self, attr):
        """The column a model attribute comes from ("town_id" from the 所属镇街 column)."""
        for column in self.columns:
            if column.attribute in (attr, attr.removesuffix("_id")):
                return column
        return None


# A record the user may not see, or one that does not exist: the same words for both.
NOT_FOUND = _l("未找到该记录或无权修改。")


class RowError(Exception):
    def __init__(self, header, reason):
        super().__init__(reason)
        self.header = header
        self.reason = str(reason)


BATCH_SIZE = 500


class ModelSheetResource(SheetResource):
    """Generic row hooks for a model with a direct organization foreign key."""

    key_header = ""
    scope_attr = "organization_id"  # the organization an existing row belongs to
    related_attrs: tuple[str, ...] = ()  # many-to-many attributes (sets of ids), compared and written apart
    related_models: dict[str, Any] = {}  # attribute -> the model of its ids (for the preview's labels)
    # Values a new record takes for a blank cell; for an existing record a blank cell in
    # these columns keeps the current value (re-importing a sheet never reverts a page edit).
    defaults: dict[str, Any] = {}

    def unique_keys(self, attrs, key):
        return [key]

    # --- the rules: the record type's rule set (``core.rules.rules_for(rule_name)``) ---------
    rule_name = ""  # default: ``name``
    owner_header = ""  # the column naming the organization (a new record's NON_FIELD errors go there)
    # Rule fields (error keys) reported on a column that does not carry their name.
    field_headers: dict[str, str] = {}
    # Row values that are not the rule set's (derived, or matching data).
    not_rule_values: frozenset[str] = frozenset()
    hidden_message = NOT_FOUND

    def rules(self):
        from core.rules import rules_for

        return rules_for(self.rule_name or self.name)

    def rule_values(self, attrs, ctx, instance):
        """The row as the rule functions take it: a new record with its defaults, an update
        with only the values the row sets."""
        values = attrs if instance is not None else {**self.defaults, **attrs}
        return {name: value for name, value in values.items() if name[0] != "_" and name not in self.not_rule_values}

    def rule_context(self, attrs, ctx, instance):
        """What the rule functions take besides the values (``beneficiary=``, ``session=``)."""
        return {}

    def header_for(self, field, instance=None):
        """The column a rule's field (error key) is reported on."""
        from core.rules import NON_FIELD

        if field == NON_FIELD:
            return self.owner_header if instance is None and self.owner_header else self.key_header
        if field in self.field_headers:
            return self.field_headers[field]
        column = self.column_of(field)
        return column.header if column is not None else self.key_header

    def row_errors(self, errors, instance=None):
        """{field: message} as [(header, message)], in the sheet's column order."""
        order = {column.header: index for index, column in enumerate(self.columns)}
        rows = [(self.header_for(field, instance), str(message)) for field, message in errors.items()]
        return sorted(rows, key=lambda item: order.get(item[0], -1))

    def validation_errors(self, exc, instance=None):
        if hasattr(exc, "error_dict"):
            return self.row_errors({field: errors[0].messages[0] for field, errors in exc.error_dict.items()}, instance)
        return [(self.key_header, exc.messages[0])]

    def scope_of(self, instance):
        """The organization an existing record belongs to."""
        value = instance
        for name in self.scope_attr.split("__"):
            value = getattr(value, name)
        return value

    def hidden_errors(self, attrs, ctx, instance):
        """A row naming a record the user may not see gets the message of a record that does
        not exist (nothing confirms it exists, nor whose it is), and the attempt is recorded
        for staff (``organizations.audit``, written after the import's transaction)."""
        organization_id = self.scope_of(instance)
        if not ctx.hidden(organization_id):
            return []
        ctx.audit.append(self.audit_entry(instance, organization_id))
        return [(self.key_header, str(self.hidden_message))]

    def audit_entry(self, instance, organization_id):
        from organizations.audit import Action

        return {
            "action": Action.DUPLICATE,
            "organization": organization_id,
            "resource": self.name,
            "field": self.key_attr(),
        }

    def key_attr(self):
        column = next((c for c in self.columns if c.header == self.key_header), None)
        return column.attribute if column is not None else ""

    def permission(self, attrs, ctx, instance):
        """May this user create this record, or make these changes to that one: the rule
        set's ``write_errors``, and every column the user may not set
        (``fields_editable_by``) whose value the row would change."""
        from core.rules import changed, error_key

        rules = self.rules()
        values = self.rule_values(attrs, ctx, instance)
        context = self.rule_context(attrs, ctx, instance)
        errors = dict(rules.write_errors(values, actor=ctx.actor, instance=instance, **context))
        if instance is not None and not errors:
            # The status (and what goes with it) is judged by the workflow rules in ``check``.
            editable = rules.fields_editable_by(ctx.actor, instance, **context) | set(self.workflow_fields)
            for name in sorted(changed(instance, values) - editable if not set(values) <= editable else ()):
                header = self.header_for(error_key(name), instance)
                errors.setdefault(error_key(name), _("您不能修改“%(h)s”列。") % {"h": header})
        return self.row_errors(errors, instance)

    def check(self, attrs, ctx, instance):
        """The rules of the record type for this row (the same function the page and the
        service call): [(header, reason)]."""
        rules = self.rules()
        values = self.rule_values(attrs, ctx, instance)
        context = self.rule_context(attrs, ctx, instance)
        errors = rules.check(values, actor=ctx.actor, instance=instance, today=ctx.today, **context)
        return self.row_errors(errors, instance)

    # --- workflow: a status changes only through the app's transition service -------------
    workflow_fields: tuple[str, ...] = ()

    def workflow_steps(self, attrs, ctx, instance):
        """None, or {"steps": [...], "values": {...}} taken out of ``attrs``: the statuses to
        pass through with the workflow's service (``apply_workflow``) after the row is saved."""
        return None

    def apply_workflow(self, instance, workflow, ctx):
        raise NotImplementedError

    def related_write(self, attr, current, new):
        """The value to write for a related column, or None when it changes nothing."""
        return new if current != new else None

    def complete(self, attrs, ctx, instance):
        """Fills what the rules derive from an accepted row (may add ``attrs["_notes"]``:
        [(kind, text)] that the preview shows and the summary counts by kind)."""

    def build(self, attrs, ctx):
        values = {**self.defaults, **attrs}
        return self.model(**{name: value for name, value in values.items() if name[0] != "_"})

    def change(self, attr, old, new, ctx):
        """[header, old, new] as the preview shows a changed field (personal values masked);
        None for a value derived from other columns (pinyin initials), shown by its column."""
        column = self.column_of(attr)
        if column is None:
            return None
        header = column.header
        old, new = self.display(attr, column, old, ctx), self.display(attr, column, new, ctx)
        if column is not None and column.mask:
            old, new = column.mask(old), column.mask(new)
        return [header, old, new]

    def display(self, attr, column, value, ctx):
        if value is None or value == "":
            return ""
        if attr in ("town_id",):
            return ctx.name_of("town", value)
        if attr.endswith("_id") and attr[:-3] in ("organization", "funder"):
            return ctx.name_of("organization", value)
        if attr in self.related_models:
            by_id = {pk: code for code, pk in ctx.code_ids(self.related_models[attr]).items()}
            value = [by_id[pk] for pk in value if pk in by_id]
        rendered = column.widget.render(value)
        if isinstance(rendered, (datetime.date, datetime.datetime)):
            return rendered.strftime("%Y-%m-%d")
        return "" if rendered is None else str(rendered)

    def related_sets(self, instances):
        """{attribute: {pk: frozenset of ids}} for the many-to-many columns, one query each."""
        out: dict[str, dict[int, frozenset[int]]] = {}
        pks = [instance.pk for instance in instances]
        for attr in self.related_attrs:
            field = self.model._meta.get_field(attr)
            through = field.remote_field.through
            src, dst = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            sets: dict[int, set[int]] = {}
            for pk, target in through.objects.filter(**{f"{src}__in": pks}).values_list(src, dst):
                sets.setdefault(pk, set()).add(target)
            out[attr] = {pk: frozenset(ids) for pk, ids in sets.items()}
        return out

    def write_related(self, attr, items):
        """items: [(instance, ids, replace)]."""
        field = self.model._meta.get_field(attr)
        through = field.remote_field.through
        src, dst = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        replaced = [instance.pk for instance, _, replace in items if replace]
        if replaced:
            through.objects.filter(**{f"{src}__in": replaced}).delete()
        through.objects.bulk_create(
            [through(**{src: instance.pk, dst: target}) for instance, ids, _ in items for target in ids],
            batch_size=BATCH_SIZE,
        )

    def save_chunk(self, new, changed, related_writes, ctx):
        from simple_history.utils import bulk_create_with_history, bulk_update_with_history

        model = self.model
        tracked = hasattr(model, "history")
        if new:
            if tracked:
                bulk_create_with_history(new, model, batch_size=BATCH_SIZE, default_user=ctx.user)
            else:
                model.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            names = sorted({name for _, fields in changed for name in fields})
            instances = [instance for instance, _ in changed]
            names += self.touch(instances, ctx)
            if tracked:
                bulk_update_with_history(instances, model, names, batch_size=BATCH_SIZE, default_user=ctx.user)
            else:
                model.objects.bulk_update(instances, names, batch_size=BATCH_SIZE)
        by_attr: dict[str, list[tuple[Any, Any, bool]]] = {}
        for attr, instance, ids, replace in related_writes:
            by_attr.setdefault(attr, []).append((instance, ids, replace))
        for attr, items in by_attr.items():
            self.write_related(attr, items)

    def touch(self, instances, ctx):
        """Fields to set on every updated row (bulk_update skips auto_now), the version
        raised (``core.versioning.bump``): an edit form opened before is refused."""
        from core.versioning import bump

        names = []
        if any(field.name == "version" for field in self.model._meta.concrete_fields):
            for instance in instances:
                bump(instance)
            names.append("version")
        if any(field.name == "updated_at" for field in self.model._meta.concrete_fields):
            for instance in instances:
                instance.updated_at = ctx.now
            names.append("updated_at")
        return names

    def pick(self, values, attrs, names):
        """Copies the present columns, except a blank cell of a field with a default (see
        ``defaults``: left out, so that it means "not given")."""
        for name in names:
            if name in values:
                value = values[name]
                if value is None and name in self.defaults:
                    continue
                attrs[name] = value
        return attrs


def id_number_column(example, **kwargs):
    """The 身份证号 column as every sheet has it: checked, masked, text-formatted and wide."""
    from organizations.privacy import mask_id_number

    aliases = kwargs.pop("aliases", ("id_number", "id number"))
    return Column(
        "身份证号",
        kwargs.pop("attribute", "id_number"),
        IdNumberWidget(),
        aliases=aliases,
        example=example,
        mask=mask_id_number,
        text=True,
        width=22,
        **kwargs,
    )


def phone_column(example):
    from organizations.privacy import mask_phone

    return Column(
        "联系电话", "phone", TextWidget(20), aliases=("phone",), example=example, mask=mask_phone, text=True, width=16
    )


def town_names(user):
    from organizations.models import Town

    return list(Town.objects.values_list("name", flat=True))


def organization_names(user):
    """The organizations a user may name in a template: theirs, or all for staff."""
    from organizations.access import admin_org_ids, role_of
    from organizations.models import Organization

    organizations = Organization.objects.filter(active=True)
    if role_of(user) != "staff":
        organizations = organizations.filter(pk__in=admin_org_ids(user))
    return list(organizations.order_by("name").values_list("name", flat=True)[:500])


def sample_organization(sample):
    return sample.organization


def sample_town(sample):
    return sample.town


def sample_date(sample):
    return sample.date


def mask_names(value):
    """Each name of a list of names (case parties) masked: 王奶奶、王大 -> 王**、王*."""
    from organizations.privacy import mask_name

    return "、".join(mask_name(name) for name in MULTI_SEPARATORS.split(value or "") if name)


def mask_narrative(value):
    """A narrative (a case's outcome) is never shown in the preview, only its length."""
    return _("（%(n)d字）") % {"n": len(value)} if value else ""
