"""The monthly figures of DESIGN.md ("Monthly statistics"), computed by the database.

``compute(month, scope)`` is the one function behind the dashboard, the PDF and
``monthly_report --json``.  Each domain costs one aggregate query for the scope, one grouped by
town and one grouped by organization; every period (the month, the previous month and the year
to date) is a ``Count(..., filter=Q(...))`` column of the same query, so the number of queries
is fixed whatever the amount of data (about 25).  Visits, the biggest table, are counted in one
SQL statement per grouping that first sums per beneficiary (see ``_visits``).

Definitions beyond DESIGN.md: an organization is active at the end of a month when it was
founded by then (or has no founding date) and is active, or was stopped only after that day
(stopped without a date: not active).  Key-care beneficiaries of a month are those flagged
key-care, listed (``key_care_since``) by the end of the month and on the register then (active,
or taken off only after the month).  A certificate without its
own date counts on its session's date.  A withdrawn case without a closing date counts as
ended.  A withdrawn visit (``Visit.withdrawn_at``) counts in no figure.

Scope rules: an organization scope counts the records of that organization (visits it made,
beneficiaries it is responsible for, sessions it held, cases it handles, projects it
undertakes).  A town scope counts organizations, projects and cases whose organization is in
the town, beneficiaries (their visits and key care) by the beneficiary's own town, and training
sessions by the session's town.  The by-town and by-organization breakdowns follow the same
rules.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Self, TypeAlias

from django.db import connection
from django.db.models import Aggregate, Count, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary, Visit
from cases.models import MediationCase
from core.months import add_months, month_end, month_start
from organizations.models import Organization, Town
from projects.models import CharityProject
from referrals import figures as referral_figures
from referrals.figures import ByGroup, Figures, GroupId, Period
from training.models import Attendance, TrainingSession

# The JSON shape of DESIGN.md that ``compute()`` gives: mixed values (the month's date, the scope's
# kind and name, figures, rows by town and organization), read by key.
Statistics: TypeAlias = dict[str, Any]
# A row of ``by_town`` / ``by_organization``: a name and figures (``by_town`` adds ``"ytd"``).
Row: TypeAlias = dict[str, Any]
# ``trend()``: the months' names and one list of values per figure.
Series: TypeAlias = dict[str, list[Any]]

FIGURE_KEYS = [
    "organizations_active",
    "projects_in_progress",
    "project_funds",
    "beneficiaries_served",
    "visits",
    "key_care_total",
    "key_care_on_cadence",
    "key_care_coverage",
    "training_sessions",
    "training_person_times",
    "trainees_distinct",
    "certificates",
    "cases_received",
    "cases_closed",
    "cases_resolved",
    "cases_open",
    "mediation_success_rate",
    *referral_figures.FIGURE_KEYS,
]

# Chinese labels of the figures, in the order pages and the PDF show them.
FIGURE_LABELS = {
    "organizations_active": _("在运行组织"),
    "projects_in_progress": _("实施中项目"),
    "project_funds": _("项目资金（元）"),
    "beneficiaries_served": _("服务对象（人）"),
    "visits": _("走访（次）"),
    "key_care_total": _("重点关爱对象"),
    "key_care_on_cadence": _("按期走访到位"),
    "key_care_coverage": _("重点关爱覆盖率"),
    "training_sessions": _("培训场次"),
    "training_person_times": _("培训人次"),
    "trainees_distinct": _("培训人数"),
    "certificates": _("获证人数"),
    "cases_received": _("受理案件"),
    "cases_closed": _("结案"),
    "cases_resolved": _("调解成功"),
    "cases_open": _("月末未结"),
    "mediation_success_rate": _("调解成功率"),
    **referral_figures.FIGURE_LABELS,
}
RATE_KEYS = {"key_care_coverage", "mediation_success_rate"}
AMOUNT_KEYS = {"project_funds"}
DAYS_KEYS = {"referral_acceptance_days_median"}
# Year-to-date figures counted per beneficiary and month (each month's key-care people summed).
PERSON_MONTH_KEYS = {"key_care_total", "key_care_on_cadence"}


def kind_of(key: str) -> str:
    """How a figure is written (``core.formatting``): ``rate``, ``yuan`` or ``count``."""
    if key in RATE_KEYS:
        return "rate"
    if key in AMOUNT_KEYS:
        return "yuan"
    if key in DAYS_KEYS:
        return "days"
    return "count"


PERIODS = ("month", "ytd", "prev")


@dataclass(frozen=True)
class Scope:
    """The district, one town or one organization."""

    kind: str  # "district" | "town" | "organization"
    town: Town | None = None
    organization: Organization | None = None

    @classmethod
    def district(cls) -> Self:
        return cls("district")

    @classmethod
    def for_town(cls, town: Town) -> Self:
        return cls("town", town=town)

    @classmethod
    def for_organization(cls, organization: Organization) -> Self:
        return cls("organization", organization=organization)

    @property
    def key(self) -> str:
        """The ``MonthlyReport.scope_key``: one report per key and month."""
        if self.town is not None:
            return f"town:{self.town.pk}"
        if self.organization is not None:
            return f"org:{self.organization.pk}"
        return "district"

    @property
    def name(self) -> str:
        if self.town is not None:
            return self.town.name
        if self.organization is not None:
            return self.organization.name
        return str(_("奉化区"))

    def q(self, org_path: str, town_path: str | None = None) -> Q:
        """A filter limiting rows to the scope: ``org_path`` leads to the organization id,
        ``town_path`` (default: the organization's town) to the town id."""
        if self.organization is not None:
            return Q(**{org_path: self.organization.pk})
        if self.town is not None:
            return Q(**{town_path or f"{org_path}__town": self.town.pk})
        return Q()


@dataclass(frozen=True)
class Periods:
    """The month, the year to date and the previous month; ``names`` limits which of them are
    computed (breakdowns need fewer, and each one left out spares the database work)."""

    month: Period
    ytd: Period
    prev: Period
    names: tuple[str, ...] = PERIODS

    @classmethod
    def for_month(cls, month: datetime.date) -> Self:
        start = month_start(month)
        end = month_end(start)
        prev_start = add_months(start, -1)
        return cls(month=(start, end), ytd=(start.replace(month=1), end), prev=(prev_start, month_end(prev_start)))

    def only(self, *names: str) -> Self:
        return replace(self, names=names)

    @property
    def earliest(self) -> datetime.date:
        return min(period[0] for _name, period in self.items())

    @property
    def latest(self) -> datetime.date:
        return self.month[1]

    def items(self) -> list[tuple[str, Period]]:
        return [(name, getattr(self, name)) for name in self.names]


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period[0], f"{field}__lte": period[1]})


def _grouped(
    queryset: QuerySet[Model], group: str | None, aggregates: Mapping[str, Aggregate]
) -> dict[GroupId, dict[str, Any]]:
    """One query: ``{None: {...}}`` for the scope, or ``{group id: {...}}`` per group."""
    if group is None:
        return {None: queryset.aggregate(**aggregates)}
    return {row.pop("group"): row for row in queryset.values(group=F(group)).order_by().annotate(**aggregates)}


# --- one function per domain; each returns {group: {period: {figure: value}}} -----------------


def _organizations(periods: Periods, scope: Scope, group_paths: Mapping[str, str]) -> ByGroup:
    def active_at(end: datetime.date) -> Q:
        return (Q(founded__isnull=True) | Q(founded__lte=end)) & (Q(active=True) | Q(deactivated_on__gt=end))

    qs = Organization.objects.filter(scope.q("pk", "town"))
    aggregates = {p: Count("pk", filter=active_at(period[1])) for p, period in periods.items()}
    rows = _grouped(qs, group_paths.get("organization"), aggregates)
    return {g: {p: {"organizations_active": row[p]} for p in periods.names} for g, row in rows.items()}


def _projects(periods: Periods, scope: Scope, group_paths: Mapping[str, str]) -> ByGroup:
    def overlaps(period: Period) -> Q:
        return Q(start_date__lte=period[1], end_date__gte=period[0])

    qs = CharityProject.objects.filter(scope.q("organization")).filter(
        start_date__lte=periods.latest, end_date__gte=periods.earliest
    )
    aggregates: dict[str, Count | Sum] = {}
    for p, period in periods.items():
        aggregates[f"{p}_n"] = Count("pk", filter=overlaps(period))
        aggregates[f"{p}_sum"] = Sum("amount", filter=overlaps(period))
    rows = _grouped(qs, group_paths.get("project"), aggregates)
    return {
        g: {
            p: {"projects_in_progress": row[f"{p}_n"], "project_funds": row[f"{p}_sum"] or Decimal("0")}
            for p in periods.names
        }
        for g, row in rows.items()
    }


def _visits(periods: Periods, scope: Scope, group_paths: Mapping[str, str]) -> dict[GroupId, dict[str, dict[str, int]]]:
    """Visits dated in each period, and the distinct beneficiaries visited.

    One query in two steps: visits are first counted per beneficiary (and visiting
    organization), then those rows are summed per town or organization; a beneficiary counts as served where
    their count is above zero.  This spares the database sorting a year of visits for
    ``COUNT(DISTINCT ...)`` (2 to 3 times faster on PostgreSQL).  A beneficiary has one town, so
    the scope's total is the sum of its towns."""
    per_organization = group_paths.get("visit") == "organization"
    visit_table, person_table = Visit._meta.db_table, Beneficiary._meta.db_table
    # A withdrawn visit (entered by mistake) counts nowhere.
    where = ["v.visit_date >= %s", "v.visit_date <= %s", "v.withdrawn_at IS NULL"]
    params: list[datetime.date | int] = [periods.earliest, periods.latest]
    if scope.kind == "town":
        where.append(f"v.beneficiary_id IN (SELECT id FROM {person_table} WHERE town_id = %s)")
        params.append(scope.town.pk)  # type: ignore[union-attr]  # a "town" scope has its town
    elif scope.kind == "organization":
        where.append("v.organization_id = %s")
        params.append(scope.organization.pk)  # type: ignore[union-attr]  # an "organization" scope has it
    inner: list[str]
    outer: list[str]
    inner_params: list[datetime.date | int]
    inner, outer, inner_params = [], [], []
    for p, (start, end) in periods.items():
        inner.append(f"SUM(CASE WHEN v.visit_date >= %s AND v.visit_date <= %s THEN 1 ELSE 0 END) AS n_{p}")
        inner_params += [start, end]
        outer.append(f"SUM(n_{p}), SUM(CASE WHEN n_{p} > 0 THEN 1 ELSE 0 END)")
    key = ", v.organization_id AS g" if per_organization else ""
    per_beneficiary = (
        f"SELECT v.beneficiary_id{key}, {', '.join(inner)} FROM {visit_table} v "
        f"WHERE {' AND '.join(where)} GROUP BY v.beneficiary_id{', v.organization_id' if per_organization else ''}"
    )
    if per_organization:
        sql = f"SELECT g, {', '.join(outer)} FROM ({per_beneficiary}) per GROUP BY g"
    else:
        sql = (
            f"SELECT b.town_id, {', '.join(outer)} FROM ({per_beneficiary}) per "
            f"JOIN {person_table} b ON b.id = per.beneficiary_id GROUP BY b.town_id"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params + params)
        fetched = cursor.fetchall()
    rows: dict[GroupId, dict[str, dict[str, int]]] = {}
    for g, *values in fetched:
        rows[g] = {
            p: {"visits": int(values[2 * i] or 0), "beneficiaries_served": int(values[2 * i + 1] or 0)}
            for i, p in enumerate(periods.names)
        }
    if group_paths:
        return rows
    return {
        None: {
            p: {figure: sum(row[p][figure] for row in rows.values()) for figure in ("visits", "beneficiaries_served")}
            for p in periods.names
        }
    }


def key_care_months(
    months: Sequence[datetime.date], scope: Scope, group: str | None = None
) -> dict[GroupId, list[tuple[int, int]]]:
    """For each month (first days), the key-care beneficiaries of the scope (flagged, listed
    by the end of that month, and on the register then: active, or taken off only after that
    month) and how many of them had at least their cadence of visits in that month (withdrawn
    visits left out).  One query (a correlated count of visits per month for the few key-care
    beneficiaries): ``{group: [(total, on_cadence), ...]}``.  Past months are counted from
    ``key_care_since``, so a year of records entered today gives each past month its own
    figure."""
    qs = Beneficiary.objects.filter(key_care=True).filter(scope.q("organization", "town"))
    annotations: dict[str, Coalesce]
    aggregates: dict[str, Count]
    annotations, aggregates = {}, {}
    for i, start in enumerate(months):
        end = month_end(start)
        visits = (
            Visit.objects.filter(beneficiary=OuterRef("pk"), visit_date__gte=start, visit_date__lte=end)
            .order_by()
            .values("beneficiary")
            .annotate(n=Count("pk"))
            .values("n")
        )
        annotations[f"v{i}"] = Coalesce(Subquery(visits, output_field=IntegerField()), Value(0))
        listed = (Q(key_care_since__isnull=True) | Q(key_care_since__lte=end)) & (
            Q(active=True) | Q(deactivated_on__gt=end)
        )
        aggregates[f"t{i}"] = Count("pk", filter=listed)
        aggregates[f"o{i}"] = Count("pk", filter=listed & Q(**{f"v{i}__gte": F("visit_cadence")}))
    rows = _grouped(qs.annotate(**annotations), group, aggregates)
    return {g: [(row[f"t{i}"], row[f"o{i}"]) for i in range(len(months))] for g, row in rows.items()}


def _key_care(periods: Periods, scope: Scope, group_paths: Mapping[str, str]) -> ByGroup:
    """Coverage of the month and the previous month; the year's in beneficiary-months (the sum
    of each month's on-cadence counts over the sum of each month's key-care counts)."""
    months = [periods.month[0]]
    if "ytd" in periods.names:
        months = []
        day = periods.ytd[0]
        while day <= periods.month[0]:
            months.append(day)
            day = add_months(day, 1)
    ytd_count = len(months)
    if "prev" in periods.names:
        months.append(periods.prev[0])
    result: ByGroup = {}
    for g, counts in key_care_months(months, scope, group_paths.get("beneficiary")).items():
        year = counts[:ytd_count]
        by_period = {
            "month": _coverage(*counts[ytd_count - 1]),
            "prev": _coverage(*counts[-1]),
            "ytd": _coverage(sum(t for t, _o in year), sum(o for _t, o in year)),
        }
        result[g] = {p: by_period[p] for p in periods.names}
    return result


def _coverage(total: int, on: int) -> Figures:
    return {"key_care_total": total, "key_care_on_cadence": on, "key_care_coverage": _rate(on, total)}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _training(periods: Periods, scope: Scope, group_paths: Mapping[str, str]) -> ByGroup:
    sessions = TrainingSession.objects.filter(scope.q("organization", "town")).filter(
        date__gte=periods.earliest, date__lte=periods.latest
    )
    session_rows = _grouped(
        sessions,
        group_paths.get("session"),
        {p: Count("pk", filter=_in("date", period)) for p, period in periods.items()},
    )
    # A certificate without its own date counts on the session's date.
    attendance = (
        Attendance.objects.filter(scope.q("session__organization", "session__town"))
        .annotate(certified_on=Coalesce("certificate_date", "session__date"))
        .filter(
            Q(session__date__gte=periods.earliest, session__date__lte=periods.latest)
            | Q(certified_on__gte=periods.earliest, certified_on__lte=periods.latest, certificate_obtained=True)
        )
    )
    aggregates: dict[str, Count] = {}
    for p, period in periods.items():
        attended = _in("session__date", period) & Q(attended=True)
        aggregates[f"{p}_times"] = Count("pk", filter=attended)
        aggregates[f"{p}_people"] = Count("person_key", distinct=True, filter=attended)
        aggregates[f"{p}_certs"] = Count("pk", filter=_in("certified_on", period) & Q(certificate_obtained=True))
    attendance_rows = _grouped(attendance, group_paths.get("attendance"), aggregates)
    result: ByGroup = {}
    for g in set(session_rows) | set(attendance_rows):
        s, a = session_rows.get(g, {}), attendance_rows.get(g, {})
        result[g] = {
            p: {
                "training_sessions": s.get(p, 0),
                "training_person_times": a.get(f"{p}_times", 0),
                "trainees_distinct": a.get(f"{p}_people", 0),
                "certificates": a.get(f"{p}_certs", 0),
            }
            for p in periods.names
        }
    return result


def _cases(periods: Periods, scope: Scope, group_paths: Mapping[str, str]) -> ByGroup:
    closed = MediationCase.CLOSED_STATUSES
    qs = MediationCase.objects.filter(scope.q("organization")).filter(received_date__lte=periods.latest)
    aggregates: dict[str, Count] = {}
    for p, period in periods.items():
        end = period[1]
        closed_in = _in("closed_date", period) & Q(status__in=closed)
        # 撤回 ends a case without closing it; one withdrawn without a date counts as ended.
        ended_by_end = Q(status__in=MediationCase.ENDED_STATUSES) & (
            Q(closed_date__isnull=True) | Q(closed_date__lte=end)
        )
        aggregates[f"{p}_received"] = Count("pk", filter=_in("received_date", period))
        aggregates[f"{p}_closed"] = Count("pk", filter=closed_in)
        aggregates[f"{p}_resolved"] = Count("pk", filter=closed_in & Q(status=MediationCase.Status.SUCCEEDED))
        aggregates[f"{p}_open"] = Count("pk", filter=Q(received_date__lte=end) & ~ended_by_end)
    rows = _grouped(qs, group_paths.get("case"), aggregates)
    return {
        g: {
            p: {
                "cases_received": row[f"{p}_received"],
                "cases_closed": row[f"{p}_closed"],
                "cases_resolved": row[f"{p}_resolved"],
                "cases_open": row[f"{p}_open"],
                "mediation_success_rate": _rate(row[f"{p}_resolved"], row[f"{p}_closed"]),
            }
            for p in periods.names
        }
        for g, row in rows.items()
    }


# One domain: ``{group: {period: {figure: value}}}`` for the periods, the scope and a grouping.
Domain: TypeAlias = Callable[
    [Periods, Scope, Mapping[str, str]], Mapping[GroupId, Mapping[str, Mapping[str, referral_figures.Value]]]
]

DOMAINS: list[Domain] = [_organizations, _projects, _visits, _key_care, _training, _cases, referral_figures.domain]

# How each domain's rows reach a town or an organization (see the module docstring).
# Keyed by the grouping, None (no grouping) included, so that ``.get(grouping, {})`` takes any.
GROUP_PATHS: dict[str | None, dict[str, str]] = {
    "town": {
        "organization": "town",
        "project": "organization__town",
        "visit": "beneficiary__town",
        "beneficiary": "town",
        "session": "town",
        "attendance": "session__town",
        "case": "organization__town",
        "referral": "town",
    },
    "organization": {
        "organization": "pk",
        "project": "organization",
        "visit": "organization",
        "beneficiary": "organization",
        "session": "organization",
        "attendance": "session__organization",
        "case": "organization",
        "referral": "organization",
    },
}

EMPTY: Figures = {
    "organizations_active": 0,
    "projects_in_progress": 0,
    "project_funds": Decimal("0"),
    "beneficiaries_served": 0,
    "visits": 0,
    "key_care_total": 0,
    "key_care_on_cadence": 0,
    "key_care_coverage": None,
    "training_sessions": 0,
    "training_person_times": 0,
    "trainees_distinct": 0,
    "certificates": 0,
    "cases_received": 0,
    "cases_closed": 0,
    "cases_resolved": 0,
    "cases_open": 0,
    "mediation_success_rate": None,
    **referral_figures.EMPTY,
}


def _figures(periods: Periods, scope: Scope, grouping: str | None = None) -> ByGroup:
    """``{group: {period: figures}}`` (group ``None`` without a grouping)."""
    paths = GROUP_PATHS.get(grouping, {})
    merged: ByGroup = {}
    for domain in DOMAINS:
        for g, by_period in domain(periods, scope, paths).items():
            slot = merged.setdefault(g, {p: dict(EMPTY) for p in periods.names})
            for p in periods.names:
                slot[p].update(by_period[p])
    return merged


def _typed(figures: Figures) -> Figures:
    """The figures in FIGURE_KEYS order, as computed: ints, a Decimal, rates."""
    return {key: figures[key] for key in FIGURE_KEYS}


def _is_empty(figures: Figures) -> bool:
    return all(not figures[k] for k in FIGURE_KEYS if k not in RATE_KEYS)


def compute(month: datetime.date, scope: Scope) -> Statistics:
    """The figures of ``month`` (any day of it) for ``scope``, in the JSON shape of DESIGN.md:
    month, year to date and previous month; by town the month's and (under ``"ytd"``) the
    year's figures; by organization the month's.  A fixed number of aggregate queries.

    Values are typed: ``month`` the month's first day (a date), counts ints, ``project_funds`` a
    Decimal, rates floats of 0-1 (4 decimals) or None.  Text is made only at the edges:
    ``reports.serializers.statistics_json`` (``--json``) and the template filters of
    ``core.templatetags.portal_format`` (pages, PDF)."""
    periods = Periods.for_month(month)
    totals = _figures(periods, scope).get(None) or {p: dict(EMPTY) for p in periods.names}

    # A "town" scope has its town, an "organization" scope its organization (Scope's constructors).
    towns: Iterable[Town] = (
        Town.objects.all()
        if scope.kind == "district"
        else [scope.town]  # type: ignore[list-item]  # never None here (see above)
        if scope.kind == "town"
        else [scope.organization.town]  # type: ignore[union-attr]  # never None here (see above)
    )
    by_town_rows = _figures(periods.only("month", "ytd"), scope, "town")
    by_town: list[Row] = []
    for town in towns:
        row = by_town_rows.get(town.pk) or {p: dict(EMPTY) for p in ("month", "ytd")}
        by_town.append({"town": town.name, **_typed(row["month"]), "ytd": _typed(row["ytd"])})

    # Organizations: the month's figures of each one active or with anything to count.
    by_org_rows = _figures(periods.only("month"), scope, "organization")
    names = dict(Organization.objects.filter(pk__in=list(by_org_rows)).values_list("pk", "name")) if by_org_rows else {}
    by_organization: list[Row] = [
        {"organization": names[pk], **_typed(row["month"])}
        for pk, row in by_org_rows.items()
        if pk in names and not _is_empty(row["month"])
    ]
    by_organization.sort(key=lambda r: (-r["visits"], r["organization"]))

    return {
        "month": periods.month[0],
        "scope": {"kind": scope.kind, "name": scope.name},
        "month_figures": _typed(totals["month"]),
        "ytd_figures": _typed(totals["ytd"]),
        "previous_month_figures": _typed(totals["prev"]),
        "by_town": by_town,
        "by_organization": by_organization,
    }


def trend(month: datetime.date, scope: Scope, months: int = 12) -> Series:
    """Month-by-month series for the charts, the ``months`` months ending with ``month``:
    ``{"months": ["2021-02", ...], "visits": [...], "training_person_times": [...],
    "cases_received": [...], "cases_closed": [...], "key_care_coverage": [...]}``.  Five
    queries, one ``Count(filter=...)`` column per month."""
    last = month_start(month)
    starts = [add_months(last, -i) for i in range(months - 1, -1, -1)]
    periods = [(start, month_end(start)) for start in starts]

    def series(queryset: QuerySet[Model], date_field: str) -> list[int]:
        counts = queryset.filter(
            **{f"{date_field}__gte": periods[0][0], f"{date_field}__lte": periods[-1][1]}
        ).aggregate(**{f"m{i}": Count("pk", filter=_in(date_field, period)) for i, period in enumerate(periods)})
        return [counts[f"m{i}"] for i in range(months)]

    cases = MediationCase.objects.filter(scope.q("organization"))
    coverage = key_care_months(starts, scope).get(None, [(0, 0)] * months)
    return {
        "months": [f"{s:%Y-%m}" for s in starts],
        "visits": series(Visit.objects.filter(scope.q("organization", "beneficiary__town")), "visit_date"),
        "training_person_times": series(
            Attendance.objects.filter(scope.q("session__organization", "session__town"), attended=True), "session__date"
        ),
        "cases_received": series(cases, "received_date"),
        "cases_closed": series(cases.filter(status__in=MediationCase.CLOSED_STATUSES), "closed_date"),
        "key_care_coverage": [_rate(on, total) for total, on in coverage],
    }
