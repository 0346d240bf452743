"""What the dashboard and the PDF show: rows of typed figures (the templates format them with
``core.templatetags.portal_format``), the sections, the breakdown tables and the charts."""

from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from core.formatting import difference
from core.months import month_start
from organizations.models import Organization, Town
from referrals.figures import between_service_areas

from . import charts
from .statistics import FIGURE_KEYS, FIGURE_LABELS, PERSON_MONTH_KEYS, Periods, Scope, kind_of

PDF_TOP_ORGANIZATIONS = 10


def figure_rows(stats):
    """Rows of the headline table: label, the figure's kind (``count``, ``yuan``, ``rate``),
    the month, the previous month, the change and the year to date (values as computed), and
    ``person_months`` for figures whose year to date counts each person once per month."""
    month, prev, ytd = stats["month_figures"], stats["previous_month_figures"], stats["ytd_figures"]
    return [
        {
            "key": key,
            "label": FIGURE_LABELS[key],
            "kind": kind_of(key),
            "month": month[key],
            "prev": prev[key],
            "change": difference(month[key], prev[key]),
            "ytd": ytd[key],
            "person_months": key in PERSON_MONTH_KEYS,
        }
        for key in FIGURE_KEYS
    ]


SECTIONS = {
    "key_care": ["key_care_total", "key_care_on_cadence", "key_care_coverage"],
    "cases": ["cases_received", "cases_closed", "cases_resolved", "cases_open", "mediation_success_rate"],
    "training": ["training_sessions", "training_person_times", "trainees_distinct", "certificates"],
    "projects": ["projects_in_progress", "project_funds"],
    "referrals": FIGURE_KEYS[FIGURE_KEYS.index("referrals_made") :],
}


def sections_of(rows):
    by_key = {row["key"]: row for row in rows}
    return {name: [by_key[key] for key in keys] for name, keys in SECTIONS.items()}


def table_rows(rows, name_key):
    """By-town or by-organization rows: the name, the month's figures and (by town) the year's."""
    return [{"name": row[name_key], "figures": row, "ytd": row.get("ytd")} for row in rows]


def trend_charts(series):
    labels = [m[5:] for m in series["months"]]
    return [
        charts.line_chart(_("走访次数"), labels, [(_("走访（次）"), series["visits"])]),
        charts.line_chart(_("重点关爱覆盖率"), labels, [(_("覆盖率"), series["key_care_coverage"])], percent=True),
        charts.line_chart(_("培训人次"), labels, [(_("培训人次"), series["training_person_times"])]),
        charts.line_chart(
            _("调解案件"), labels, [(_("受理"), series["cases_received"]), (_("结案"), series["cases_closed"])]
        ),
    ]


def town_chart(by_town):
    """Towns ranked by the month's visits, as horizontal bars (readable on a phone)."""
    if len(by_town) <= 1:
        return None
    ranked = sorted(by_town, key=lambda r: -r["visits"])
    return charts.ranked_bars(_("本月各镇街走访次数"), [r["town"] for r in ranked], [r["visits"] for r in ranked])


def key_care_overdue_count(scope, today):
    """Key-care beneficiaries of the scope behind their visit cadence on ``today`` (the rule of
    ``BeneficiaryQuerySet.overdue``)."""
    return Beneficiary.objects.filter(scope.q("organization", "town")).overdue(today).count()


def report_context(month, scope, *, figures, with_overdue_on=None):
    """Everything the dashboard and the PDF show for a month and scope: aggregates and the names
    of organizations and towns only, never personal data.  ``figures``: ``(stats, series,
    computed_at)`` from ``reports.figures``."""
    stats, series, computed_at = figures
    rows = figure_rows(stats)
    context = {
        "stats": stats,
        "scope": scope,
        "month": month_start(month),
        "rows": rows,
        "sections": sections_of(rows),
        "by_town": table_rows(stats["by_town"], "town"),
        "by_organization": table_rows(stats["by_organization"], "organization"),
        # The PDF's body lists the organizations with most visits; its appendix lists them all.
        "top_organizations": table_rows(stats["by_organization"][:PDF_TOP_ORGANIZATIONS], "organization"),
        "charts": trend_charts(series),
        "town_chart": town_chart(stats["by_town"]),
        "generated_at": computed_at or timezone.localtime(),
        "referral_areas": referral_areas(month, scope),
    }
    if with_overdue_on is not None:
        context["overdue"] = key_care_overdue_count(scope, with_overdue_on)
    return context


def referral_areas(month, scope):
    """Referrals between service areas (sender's → receiver's), month and year to date."""
    periods = Periods.for_month(month)
    return between_service_areas(periods.month, periods.ytd, scope)


def all_scopes():
    """The district, each town and each active organization (what beat builds monthly)."""
    return (
        [Scope.district()]
        + [Scope.for_town(t) for t in Town.objects.all()]
        + [Scope.for_organization(o) for o in Organization.objects.active().select_related("town")]
    )


def scope_from_key(key):
    """The scope of a ``Scope.key`` (``district``, ``town:<id>``, ``org:<id>``), or None when its
    town or organization is gone."""
    if key == "district":
        return Scope.district()
    kind, _sep, pk = key.partition(":")
    if kind == "town":
        town = Town.objects.filter(pk=pk).first()
        return Scope.for_town(town) if town else None
    if kind == "org":
        organization = Organization.objects.select_related("town").filter(pk=pk).first()
        return Scope.for_organization(organization) if organization else None
    return None
