import datetime
from typing import Self

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import private_storage
from core.versioning import Versioned
from organizations.access import AnyUser, Role, ScopedQuerySet, is_leader, member_org_ids, role_of
from organizations.models import Organization


class CharityProjectQuerySet(ScopedQuerySet["CharityProject"]):
    """Visible to the undertaking organization (and staff).  Project figures hold no personal
    data, so leaders may see projects."""

    scope_path = "organization"
    leader_visible = True

    def visible_to(self, user: AnyUser) -> Self:
        """The access rule, plus: an organization's members also see (read only) the projects
        their organization funds."""
        visible = super().visible_to(user)
        if role_of(user) == Role.MEMBER:
            visible = visible | self.funded_by_organizations_of(user)
        return visible

    def funded_by_organizations_of(self, user: AnyUser) -> Self:
        """Projects whose funder is an organization the user belongs to."""
        return self.filter(funder__in=member_org_ids(user))

    def overlapping(self, start: datetime.date, end: datetime.date) -> Self:
        """Projects whose period overlaps ``start``..``end`` (both included)."""
        return self.filter(start_date__lte=end, end_date__gte=start)

    def missing_report_for(self, month_start: datetime.date, month_end: datetime.date) -> Self:
        """Projects in progress (实施中, period overlapping the month) with no submitted or
        approved report whose period overlaps the month.  A draft or a returned report does not
        count: the federation has nothing to read yet."""
        covering = ProjectReport.objects.filter(
            project=OuterRef("pk"),
            status__in=[ProjectReport.Status.SUBMITTED, ProjectReport.Status.APPROVED],
            period_start__lte=month_end,
            period_end__gte=month_start,
        )
        return (
            self.filter(status=CharityProject.Status.IN_PROGRESS)
            .overlapping(month_start, month_end)
            .filter(~Exists(covering))
        )


class CharityProject(Versioned):
    class FundingSource(models.TextChoices):
        GOVERNMENT = "government", _("政府")
        SOCIAL = "social", _("社会")
        ENTERPRISE = "enterprise", _("企业")

    class Status(models.TextChoices):
        DECLARED = "declared", _("申报")
        APPROVED = "approved", _("立项")
        IN_PROGRESS = "in_progress", _("实施中")
        COMPLETED = "completed", _("结项")

    name = models.CharField(_("项目名称"), max_length=100)
    organization = models.ForeignKey(
        Organization, verbose_name=_("承接组织"), on_delete=models.PROTECT, related_name="projects"
    )
    funder = models.ForeignKey(
        Organization,
        verbose_name=_("资助方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funded_projects",
    )
    funding_source = models.CharField(_("资金来源"), max_length=20, choices=FundingSource.choices)
    amount = models.DecimalField(_("资助金额（元）"), max_digits=12, decimal_places=2, default=0)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    target_beneficiaries = models.PositiveIntegerField(_("目标人数"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DECLARED)
    description = models.TextField(_("项目简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    # Services set it before a save: simple-history records it as the author of the version.
    _history_user: AbstractBaseUser | None
    objects = CharityProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("公益项目")
        verbose_name_plural = _("公益项目")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "organization"], name="project_unique_name_per_org"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="project_period_ordered"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="project_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["start_date", "end_date"]),
            models.Index(fields=["status"]),
            # The project list's orders (keyset pages), each with its tiebreaker.
            models.Index(fields=["-start_date", "name", "id"], name="project_list_order"),
            models.Index(fields=["name", "id"], name="project_name_order"),
            models.Index(fields=["amount", "id"], name="project_amount_order"),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectReportQuerySet(ScopedQuerySet["ProjectReport"]):
    """Reports are visible to the undertaking organization and staff in every state; leaders
    and the members of the funding organization see approved reports (their figures: pages
    show the narrative and attachments only to the undertaker and staff)."""

    scope_path = "project__organization"

    def visible_to(self, user: AnyUser) -> Self:
        role = role_of(user)
        if role == Role.LEADER:
            return self.approved()
        visible = super().visible_to(user)
        if role == Role.MEMBER:
            visible = visible | self.approved().filter(project__funder__in=member_org_ids(user))
        return visible

    def countable_by(self, user: AnyUser) -> Self:
        """Reports the user may *count*: ``visible_to`` and, for leaders, all (aggregates only)."""
        return self if is_leader(user) else self.visible_to(user)

    def approved(self) -> Self:
        return self.filter(status=ProjectReport.Status.APPROVED)

    def awaiting_review(self) -> Self:
        return self.filter(status=ProjectReport.Status.SUBMITTED)

    def counts_by_status(self) -> dict[str, int]:
        """{status: number of reports}, one aggregate query."""
        rows = self.order_by().values("status").annotate(n=models.Count("id"))
        return {row["status"]: row["n"] for row in rows}


class ProjectReport(Versioned):
    EDITABLE_STATUSES = ("draft", "returned")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    project = models.ForeignKey(
        CharityProject, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="reports"
    )
    period_start = models.DateField(_("报告期开始"))
    period_end = models.DateField(_("报告期结束"))
    narrative = models.TextField(_("进展情况"), blank=True)
    people_served = models.PositiveIntegerField(_("服务人数"), default=0)
    funds_spent = models.DecimalField(_("资金支出（元）"), max_digits=12, decimal_places=2, default=0)
    people_employed = models.PositiveIntegerField(_("带动就业人数"), default=0)
    income_generated = models.DecimalField(_("带动增收（元）"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    review_comment = models.TextField(_("审核意见"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    # Services set it before a save: simple-history records it as the author of the version.
    _history_user: AbstractBaseUser | None
    objects = ProjectReportQuerySet.as_manager()

    def review_history(self) -> list[dict[str, object]]:
        """Every review of this report, oldest first (``when``, ``reviewer``, ``status``,
        ``status_label``, ``comment``), read from its history rows: a review is a version whose
        status is approved or returned, once per ``reviewed_at``.  A return's comment stays
        listed after the report is resubmitted and approved.  Two queries."""
        from accounts.models import User

        reviewed = (ProjectReport.Status.APPROVED, ProjectReport.Status.RETURNED)
        versions = (
            self.history.filter(status__in=reviewed, reviewed_at__isnull=False)
            .order_by("reviewed_at", "history_id")
            .values("reviewed_at", "reviewer_id", "status", "review_comment")
        )
        reviews: dict[datetime.datetime, dict[str, object]] = {}
        for version in versions:
            reviews.setdefault(version["reviewed_at"], version)
        users = User.objects.in_bulk({v["reviewer_id"] for v in reviews.values() if v["reviewer_id"]})
        names = {pk: str(user) for pk, user in users.items()}
        labels = dict(ProjectReport.Status.choices)
        return [
            {
                "when": when,
                "reviewer": names.get(review["reviewer_id"], "—"),
                "status": review["status"],
                "status_label": labels[str(review["status"])],
                "comment": review["review_comment"],
            }
            for when, review in reviews.items()
        ]

    class Meta:
        verbose_name = _("项目进展报告")
        verbose_name_plural = _("项目进展报告")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"),
            models.CheckConstraint(
                condition=Q(funds_spent__gte=0) & Q(income_generated__gte=0), name="report_amounts_not_negative"
            ),
            models.UniqueConstraint(
                fields=["project", "period_start", "period_end"], name="report_unique_period_per_project"
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.project} {self.period_start}–{self.period_end}"


class ReportAttachmentQuerySet(ScopedQuerySet["ReportAttachment"]):
    scope_path = "report__project__organization"


class ReportAttachment(models.Model):
    report = models.ForeignKey(ProjectReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("存储路径"), max_length=200, storage=private_storage)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ReportAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("报告附件")
        verbose_name_plural = _("报告附件")
