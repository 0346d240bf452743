"""The edit history of a beneficiary (django-simple-history rows), as "who changed what, when".

Personal fields are named but their values are not shown: the history page must not become a
way around masking."""

from django.utils.translation import gettext as _

from core.versioning import describe_delta
from organizations.models import Organization, Town

from .models import Beneficiary
from .rules import BENEFICIARY_FIELDS
from .services import REVEALABLE

# The register's fields (rules.BENEFICIARY_FIELDS; categories have their own history rows) and
# whether the person is on it.
TRACKED = [name for name in BENEFICIARY_FIELDS if name != "categories"] + [
    "active",
    "deactivated_on",
    "deactivation_reason",
]


def _label(attname):
    field = Beneficiary._meta.get_field(attname.removesuffix("_id"))
    return str(field.verbose_name)


def _display(attname, value, names):
    if value in (None, ""):
        return "—"
    if attname in names:
        return names[attname].get(value, value)
    if attname == "gender":
        return Beneficiary.Gender(value).label
    if attname == "consent_method":
        return Beneficiary.ConsentMethod(value).label
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def history_entries(beneficiary):
    """Newest first: [{"when", "who", "kind", "changes": [{"field", "old", "new"}]}] from three
    queries (history rows, towns, organizations) whatever the number of changes."""
    records = list(beneficiary.history.select_related("history_user").order_by("history_date", "history_id"))
    town_ids = {r.town_id for r in records}
    org_ids = {r.organization_id for r in records}
    names = {
        "town_id": dict(Town.objects.filter(pk__in=town_ids).values_list("pk", "name")),
        "organization_id": dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name")),
    }
    entries = []
    previous = None
    for record in records:
        changes = []
        for attname in TRACKED:
            new = getattr(record, attname)
            old = getattr(previous, attname) if previous is not None else None
            if previous is not None and new == old:
                continue
            if previous is None and new in (None, "", False):
                continue
            if attname in REVEALABLE:
                change = {"field": _label(attname), "old": _("（已隐藏）") if old else "—", "new": _("（已隐藏）")}
            else:
                change = {
                    "field": _label(attname),
                    "old": _display(attname, old, names),
                    "new": _display(attname, new, names),
                }
            changes.append(change)
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user or _("系统"),
                "kind": {"+": _("创建"), "~": _("修改"), "-": _("删除")}[record.history_type],
                "changes": changes,
            }
        )
        previous = record
    entries.reverse()
    return entries


def visit_history_entries(visit):
    """Newest first: a visit's recording, corrections and withdrawal, with what changed
    (simple-history's diff, as the stale-edit messages show it)."""
    records = list(visit.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = [
        {
            "when": record.history_date,
            "who": record.history_user or _("系统"),
            "kind": {"+": _("登记"), "~": _("修改"), "-": _("删除")}[record.history_type],
            "changes": describe_delta(record, previous) if previous is not None else [],
        }
        for previous, record in zip([None, *records], records)
    ]
    entries.reverse()
    return entries
