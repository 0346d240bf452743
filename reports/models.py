from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.utils.translation import gettext_lazy as _

from core.roles import Role, role_of
from organizations.access import AnyUser, member_org_ids
from organizations.models import Organization, Town


def report_visibility(user: AnyUser) -> Q:
    """The one rule of reports, as a condition on a report's ``scope_kind`` and
    ``organization_id``.  Staff: all.  Leaders: district and town reports.  Organization users:
    their own organizations' reports.  Nobody else: none."""
    role = role_of(user)
    if role == Role.STAFF:
        return Q()
    if role == Role.LEADER:
        return Q(scope_kind__in=[MonthlyReport.ScopeKind.DISTRICT, MonthlyReport.ScopeKind.TOWN])
    if role == Role.MEMBER:
        return Q(scope_kind=MonthlyReport.ScopeKind.ORGANIZATION, organization_id__in=member_org_ids(user))
    return Q(scope_kind__in=[])


class MonthlyReportQuerySet(models.QuerySet["MonthlyReport"]):
    def visible_to(self, user: AnyUser) -> Self:
        """The reports ``report_visibility(user)`` lets the user see."""
        return self.filter(report_visibility(user))

    def would_be_visible(self, user: AnyUser, *, scope_kind: str, organization_id: int | None) -> bool:
        """Whether a report of this scope (existing or not yet asked for) is among
        ``visible_to(user)``: the same condition, evaluated on the scope's values."""
        rule = report_visibility(user)
        if not rule:
            return True
        return rule.check(
            {
                "scope_kind": Value(scope_kind, output_field=models.CharField()),
                "organization_id": Value(organization_id, output_field=models.IntegerField()),
            }
        )


class MonthlyReport(models.Model):
    """One PDF per scope and month.  ``scope_key`` + ``month`` is unique, so building the same
    report again replaces its file instead of adding a second report."""

    class ScopeKind(models.TextChoices):
        DISTRICT = "district", _("全区")
        TOWN = "town", _("镇街")
        ORGANIZATION = "organization", _("组织")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    scope_kind = models.CharField(_("范围"), max_length=20, choices=ScopeKind.choices)
    scope_key = models.CharField(max_length=40)
    town = models.ForeignKey(Town, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))  # first day of the month
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file = models.CharField(max_length=200, blank=True)  # relative to REPORT_STORAGE_ROOT
    error = models.TextField(_("失败原因"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Every step of a build saves the row: ``updated_at`` is the build's heartbeat, which the
    # sweeper reads (reports.building.reports_sweep_stuck).
    updated_at = models.DateTimeField(auto_now=True)
    built_at = models.DateTimeField(null=True, blank=True)
    # The latest request, and when the build that produced the file started: a build whose
    # start follows the request has answered it, and a message delivered twice builds nothing.
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # builds started for the latest request

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度报告")
        verbose_name_plural = _("月度报告")
        ordering = ["-month", "scope_kind", "scope_key"]
        constraints = [models.UniqueConstraint(fields=["scope_key", "month"], name="report_one_per_scope_month")]


class DataGeneration(models.Model):
    """The generation of the counted data (``reports.generation``): a counter that database
    triggers raise on every write to a table the statistics read.  One row, ``id`` 1."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("统计数据版本")


class DataChange(models.Model):
    """PostgreSQL: one row per write statement to a counted table, inserted by a trigger (no
    row is updated, so concurrent writers never wait for each other); the generation is
    ``DataGeneration.value`` plus the number of these rows, and ``generation.compact()`` folds
    them into it now and then."""

    id = models.BigAutoField(primary_key=True)

    class Meta:
        verbose_name = _("统计数据变更")


class FigureSnapshot(models.Model):
    """The figures of one scope and month (``compute()`` and ``trend()``) as computed at
    ``generation``: up to date exactly while the generation has not moved."""

    scope_key = models.CharField(max_length=40)
    month = models.DateField()
    generation = models.BigIntegerField()
    stats = models.JSONField()
    series = models.JSONField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)  # what computing them took

    class Meta:
        verbose_name = _("统计数字快照")
        constraints = [models.UniqueConstraint(fields=["scope_key", "month"], name="figures_one_per_scope_month")]
