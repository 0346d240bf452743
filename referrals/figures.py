"""The referral figures of the monthly statistics (``reports.statistics`` adds this domain).

Per period (the month, the year to date, the previous month):

* ``referrals_made``: referrals sent in the period (a request counts when the registering
  organization approves it: that is when it refers the person);
* ``referrals_accepted``: accepted in the period (a request's approval included);
* ``referrals_completed``: 办结 in the period;
* ``referrals_pending``: waiting for a decision at the end of the period (sent by then, neither
  accepted nor rejected nor withdrawn by then);
* ``referral_acceptance_days_median``: the median of the days from sending to acceptance of the
  referrals accepted in the period (None when none was).

Scope: ``referrals_made`` counts with the sending organization (its town), the other four with
the receiving one; the by-town and by-organization rows follow the same rule.  Dates are local
(Asia/Shanghai) days.  One query per call, whatever the grouping: referrals are few (a district
sends hundreds a year), so the rows of the periods are read once and counted here."""

import datetime
import statistics
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Protocol, TypeAlias, TypeGuard

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, ServiceArea, Town

from .models import Referral

# The types of the monthly figures, shared with reports.statistics (which this app may not import).
# A figure's value: a count, an amount (Decimal), a rate or a median (float), or None.
Value: TypeAlias = int | Decimal | float | None
Figures: TypeAlias = dict[str, Value]
# The scope's rows are grouped under None; a breakdown's under a town or an organization id.
GroupId: TypeAlias = int | None
# {group: {period name: figures}}
ByGroup: TypeAlias = dict[GroupId, dict[str, Figures]]
# (first day, last day)
Period: TypeAlias = tuple[datetime.date, datetime.date]


class PeriodsLike(Protocol):
    """What this module reads of ``reports.statistics.Periods``."""

    @property
    def names(self) -> tuple[str, ...]: ...

    @property
    def earliest(self) -> datetime.date: ...

    @property
    def latest(self) -> datetime.date: ...

    def items(self) -> list[tuple[str, Period]]: ...


class ScopeLike(Protocol):
    """What this module reads of ``reports.statistics.Scope``."""

    @property
    def town(self) -> Town | None: ...

    @property
    def organization(self) -> Organization | None: ...


FIGURE_KEYS = [
    "referrals_made",
    "referrals_accepted",
    "referrals_completed",
    "referrals_pending",
    "referral_acceptance_days_median",
]
FIGURE_LABELS = {
    "referrals_made": _("发出转介"),
    "referrals_accepted": _("接收转介"),
    "referrals_completed": _("转介办结"),
    "referrals_pending": _("月末待接收转介"),
    "referral_acceptance_days_median": _("转介接收天数（中位数）"),
}
EMPTY: dict[str, int | None] = dict.fromkeys(FIGURE_KEYS, 0) | {"referral_acceptance_days_median": None}
# reports.statistics.GROUP_PATHS["town" | "organization"]["referral"]
GROUPINGS = {"town": "town", "organization": "organization"}


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in(day: datetime.date | None, period: Period) -> TypeGuard[datetime.date]:
    return day is not None and period[0] <= day <= period[1]


def _median(values: list[int]) -> int | float | None:
    if not values:
        return None
    middle = statistics.median(values)
    return int(middle) if float(middle).is_integer() else round(float(middle), 1)


def _scope_q(scope: ScopeLike, side: str) -> Q:
    if scope.organization is not None:
        return Q(**{f"{side}_organization": scope.organization.pk})
    if scope.town is not None:
        return Q(**{f"{side}_organization__town": scope.town.pk})
    return Q()


def domain(periods: PeriodsLike, scope: ScopeLike, group_paths: Mapping[str, str]) -> ByGroup:
    """``{group: {period: {figure: value}}}`` as the other domains of reports.statistics give
    (group None for the scope; town or organization ids under a grouping)."""
    grouping = group_paths.get("referral")
    earliest, latest = periods.earliest, periods.latest
    rows = (
        Referral.objects.filter(_scope_q(scope, "from") | _scope_q(scope, "to"))
        .filter(sent_on__lte=latest)
        .exclude(completed_at__lt=_start_of(earliest))
        .exclude(closed_at__lt=_start_of(earliest))
        .values(
            "kind",
            "sent_on",
            "accepted_at",
            "completed_at",
            "closed_at",
            "from_organization_id",
            "to_organization_id",
            "from_organization__town_id",
            "to_organization__town_id",
        )
    )

    # A row's ids are read under a key made of ``side`` (mypy types a values() row per literal key).
    def in_scope(row: Mapping[str, object], side: str) -> bool:
        if scope.organization is not None:
            return row[f"{side}_organization_id"] == scope.organization.pk
        if scope.town is not None:
            return row[f"{side}_organization__town_id"] == scope.town.pk
        return True

    def group_of(row: Mapping[str, Any], side: str) -> GroupId:
        if grouping == "town":
            return row[f"{side}_organization__town_id"]  # type: ignore[no-any-return]  # an int: a town id
        if grouping == "organization":
            return row[f"{side}_organization_id"]  # type: ignore[no-any-return]  # an int: an organization id
        return None

    # Counters and the "_days" list of each group and period: mixed values, popped below.
    counts: defaultdict[GroupId, dict[str, dict[str, Any]]] = defaultdict(
        lambda: {p: {**EMPTY, "_days": []} for p in periods.names}
    )
    for row in rows:
        accepted, completed, closed = _day(row["accepted_at"]), _day(row["completed_at"]), _day(row["closed_at"])
        made_on = accepted if row["kind"] == Referral.Kind.REQUEST else row["sent_on"]
        for p, period in periods.items():
            end = period[1]
            if in_scope(row, "from") and _in(made_on, period):
                counts[group_of(row, "from")][p]["referrals_made"] += 1
            if not in_scope(row, "to"):
                continue
            slot = counts[group_of(row, "to")][p]
            if _in(accepted, period):
                slot["referrals_accepted"] += 1
                slot["_days"].append((accepted - row["sent_on"]).days)
            if _in(completed, period):
                slot["referrals_completed"] += 1
            decided = min((d for d in (accepted, closed) if d is not None), default=None)
            if row["sent_on"] <= end and (decided is None or decided > end):
                slot["referrals_pending"] += 1
    result: ByGroup = {}
    for group, by_period in counts.items():
        result[group] = {}
        for p, figures in by_period.items():
            days = figures.pop("_days")
            figures["referral_acceptance_days_median"] = _median(days)
            result[group][p] = figures
    return result


def between_service_areas(month_period: Period, ytd_period: Period, scope: ScopeLike) -> list[dict[str, str | int]]:
    """The referrals sent between service areas: [{"from", "to", "month", "ytd"}], the sending
    organization's areas against the receiving one's (an organization in two areas counts in
    both), pairs with a referral in the year only.  One query."""
    names = dict(ServiceArea.Code.choices)
    rows = (
        Referral.objects.filter(_scope_q(scope, "from") | _scope_q(scope, "to"))
        .filter(kind=Referral.Kind.REFERRAL, sent_on__gte=ytd_period[0], sent_on__lte=ytd_period[1])
        .values("from_organization__service_areas__code", "to_organization__service_areas__code")
        .annotate(
            ytd=Count("pk", distinct=True),
            month=Count("pk", distinct=True, filter=Q(sent_on__gte=month_period[0], sent_on__lte=month_period[1])),
        )
        .order_by("from_organization__service_areas__code", "to_organization__service_areas__code")
    )
    unknown = str(_("未填服务领域"))
    return [
        {
            "from": str(names.get(row["from_organization__service_areas__code"], unknown)),
            "to": str(names.get(row["to_organization__service_areas__code"], unknown)),
            "month": row["month"],
            "ytd": row["ytd"],
        }
        for row in rows
    ]
