import datetime
from typing import Self

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import private_storage
from core.versioning import Versioned
from organizations.access import AnyUser, ScopedQuerySet, is_leader
from organizations.models import Organization


class MediationCaseQuerySet(ScopedQuerySet["MediationCase"]):
    """Confidential: visible to the handling organization and staff only; leaders get counts
    from the statistics, never rows."""

    scope_path = "organization"

    def countable_by(self, user: AnyUser) -> Self:
        """Cases the user may *count* (never list): the rows of ``visible_to`` and, for leaders,
        every case, since leaders see aggregates.  Use only under an aggregate."""
        return self if is_leader(user) else self.visible_to(user)

    def counts_by_status(self) -> dict[str, int]:
        """{status: number of cases}, one aggregate query."""
        rows = self.order_by().values("status").annotate(n=models.Count("id"))
        return {row["status"]: row["n"] for row in rows}

    def open_longer_than(self, days: int, today: datetime.date) -> Self:
        """Cases still open (受理 or 调解中) on ``today`` that were received more than ``days``
        days before it."""
        return self.filter(
            status__in=[MediationCase.Status.RECEIVED, MediationCase.Status.MEDIATING],
            received_date__lt=today - datetime.timedelta(days=days),
        )


class MediationCase(Versioned):
    class Category(models.TextChoices):
        FAMILY_CONFLICT = "family_conflict", _("家庭矛盾")
        ELDER_SUPPORT = "elder_support", _("赡养纠纷")
        MARRIAGE = "marriage", _("婚姻纠纷")
        PARENT_CHILD = "parent_child", _("亲子沟通")
        WOMENS_RIGHTS = "womens_rights", _("妇女维权")
        DOMESTIC_VIOLENCE = "domestic_violence", _("家庭暴力")

    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("来访")
        CALL = "call", _("来电")
        FEDERATION_REFERRAL = "federation_referral", _("妇联转介")
        VILLAGE_REFERRAL = "village_referral", _("村社推荐")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        RECEIVED = "received", _("受理")
        MEDIATING = "mediating", _("调解中")
        SUCCEEDED = "succeeded", _("调解成功")
        FAILED = "failed", _("调解失败")
        REFERRED = "referred", _("转介")
        WITHDRAWN = "withdrawn", _("撤回")

    CLOSED_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.REFERRED)
    ENDED_STATUSES = CLOSED_STATUSES + (Status.WITHDRAWN,)

    number = models.CharField(_("案件编号"), max_length=20, unique=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("承办组织"), on_delete=models.PROTECT, related_name="cases"
    )
    category = models.CharField(_("案件类别"), max_length=30, choices=Category.choices)
    source = models.CharField(_("案件来源"), max_length=30, choices=Source.choices, default=Source.WALK_IN)
    received_date = models.DateField(_("受理日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    closed_date = models.DateField(_("结案日期"), null=True, blank=True)
    outcome = models.TextField(_("调解结果"), blank=True)
    summary = models.TextField(_("案情简述"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The version is recorded too: a stale edit is told what changed since (core.versioning).
    history = HistoricalRecords()
    # Services set it before a save: simple-history records it as the author of the version.
    _history_user: AbstractBaseUser | None
    objects = MediationCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解案件")
        verbose_name_plural = _("调解案件")
        ordering = ["-received_date", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["succeeded", "failed", "referred"]) | Q(closed_date__isnull=False),
                name="case_closed_has_closed_date",
            ),
            models.CheckConstraint(
                condition=Q(closed_date__isnull=True) | Q(closed_date__gte=F("received_date")),
                name="case_closed_after_received",
            ),
        ]
        indexes = [
            # The case list's order (keyset pages; the number is unique).
            models.Index(fields=["received_date", "number"], name="case_list_order"),
            models.Index(fields=["closed_date"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return self.number


class CaseNumberSequence(models.Model):
    """The last case number given in a year; incremented under a row lock so two cases opened
    at the same moment get different numbers."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class CasePartyQuerySet(ScopedQuerySet["CaseParty"]):
    scope_path = "case__organization"


class CaseParty(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=20, choices=Role.choices)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("关联服务对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_parties",
    )

    objects = CasePartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case", "role", "id"]


class CaseEventQuerySet(ScopedQuerySet["CaseEvent"]):
    scope_path = "case__organization"


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        SESSION = "session", _("调解会谈")
        CALL = "call", _("电话沟通")
        HOME_VISIT = "home_visit", _("上门走访")
        NOTE = "note", _("备注")
        STATUS = "status", _("状态变更")

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("内容"))

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")
        ordering = ["at", "id"]


class CaseAttachmentQuerySet(ScopedQuerySet["CaseAttachment"]):
    scope_path = "case__organization"


class CaseAttachment(models.Model):
    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("存储路径"), max_length=200, storage=private_storage)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    description = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = CaseAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件附件")
        verbose_name_plural = _("案件附件")
