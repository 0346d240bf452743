import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.versioning import Versioned

from .access import AnyUser, ScopedQuerySet
from .validators import validate_credit_code


class Town(models.Model):
    """A town (镇) or street (街道) of Fenghua; the 12 are created by a data migration."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("镇街")
        verbose_name_plural = _("镇街")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """One of the fixed service areas; rows are created by a data migration so that
    organizations can have several and lists can filter on them."""

    class Code(models.TextChoices):
        CARE = "care", _("关爱帮扶")
        TRAINING = "training", _("技能培训")
        ENTREPRENEURSHIP = "entrepreneurship", _("创业就业")
        RIGHTS = "rights", _("维权调解")
        VOLUNTEERING = "volunteering", _("志愿服务")

    code = models.CharField(_("代码"), max_length=20, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("服务领域")
        verbose_name_plural = _("服务领域")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class OrganizationQuerySet(ScopedQuerySet["Organization"]):
    scope_path = "pk"
    # The directory of organizations holds no personal data: leaders may browse it.
    leader_visible = True

    def active(self) -> Self:
        return self.filter(active=True)

    def recordable_by(self, user: AnyUser) -> Self:
        """Active organizations the user may record work for: staff all, members their own."""
        from .access import Actor, is_staff, member_org_ids

        active = self.active()
        if isinstance(user, Actor):
            return active if user.is_staff else active.filter(pk__in=user.member_org_ids)
        return active if is_staff(user) else active.filter(pk__in=member_org_ids(user))


class Organization(Versioned):
    class Kind(models.TextChoices):
        REGISTERED = "registered", _("社会组织")
        VOLUNTEER_TEAM = "volunteer_team", _("志愿团队")
        WOMENS_HOME = "womens_home", _("妇女微家")
        STUDIO = "studio", _("工作室")
        ALLIANCE = "alliance", _("联盟")

    name = models.CharField(_("组织名称"), max_length=100, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code])
    service_areas = models.ManyToManyField(
        ServiceArea, verbose_name=_("服务领域"), blank=True, related_name="organizations"
    )
    kind = models.CharField(_("组织形式"), max_length=20, choices=Kind.choices, default=Kind.REGISTERED)
    town = models.ForeignKey(Town, verbose_name=_("所属镇街"), on_delete=models.PROTECT, related_name="organizations")
    leader_name = models.CharField(_("负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    founded = models.DateField(_("成立日期"), null=True, blank=True)
    volunteer_count = models.PositiveIntegerField(_("志愿者人数"), default=0)
    active = models.BooleanField(_("正常运行"), default=True)
    deactivated_on = models.DateField(_("停止运行日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[service_areas])
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["town__order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organization_credit_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["town", "active"])]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(ScopedQuerySet["Membership"]):
    scope_path = "organization"


class Membership(Versioned):
    class Role(models.TextChoices):
        ADMIN = "admin", _("组织管理员")
        MEMBER = "member", _("组织成员")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织成员")
        verbose_name_plural = _("组织成员")
        ordering = ["organization", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique_user_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class InvitationQuerySet(ScopedQuerySet["Invitation"]):
    scope_path = "organization"

    def pending(self, now: datetime.datetime | None = None) -> Self:
        """Waiting for an answer and not yet expired."""
        return self.filter(status=Invitation.Status.PENDING, expires_at__gt=now or timezone.now())

    def addressed_to(self, user: AnyUser) -> Self:
        """The invitations a user received (the only ones they may answer)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)


class Invitation(models.Model):
    """An existing account invited into an organization: nothing is attached until the invitee
    accepts (a person who already has an account decides which organizations see them)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待接受")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已拒绝")
        REVOKED = "revoked", _("已撤回")
        EXPIRED = "expired", _("已过期")

    VALID_DAYS = 14

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("邮箱"))
    role = models.CharField(_("角色"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("邀请人")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    responded_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    # Set by the task that sends the email, so a retried task does not send it twice.
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织邀请")
        verbose_name_plural = _("组织邀请")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], condition=Q(status="pending"), name="invitation_one_pending_per_user"
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="invitation_user_status")]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    def close(self, status: str) -> None:
        """Records the answer (or the withdrawal) and when it came."""
        self.status = status
        self.responded_at = timezone.now()
        self.save(update_fields=["status", "responded_at"])


class DataAccessEvent(models.Model):
    """One access to personal data, for the audit log (``organizations.audit.record_access``
    writes it): an on-screen reveal of one field, an export (masked or full), an attempt to
    register a person already registered.  The people concerned are its ``subjects``."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("查看个人信息")
        EXPORT_FULL = "export_full", _("完整导出")
        EXPORT_MASKED = "export_masked", _("脱敏导出")
        DUPLICATE = "duplicate", _("重复登记尝试")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    # Not auto_now_add: the migration that brought the earlier reveals over keeps their times.
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    # Whose data: the record's organization at the time (for an export, the organization it was
    # limited to; empty when it covered every organization the user may see).
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("字段"), max_length=30, blank=True)
    resource = models.CharField(_("数据类型"), max_length=30, blank=True)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    purpose = models.TextField(_("用途"), blank=True)

    class Meta:
        verbose_name = _("个人信息访问记录")
        verbose_name_plural = _("个人信息访问记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["organization", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    @property
    def field_label(self) -> str:
        from .audit import field_label

        return field_label(self.field) if self.field else ""

    @property
    def resource_label(self) -> str:
        from .audit import resource_label

        return resource_label(self.resource) if self.resource else ""


class DataAccessSubject(models.Model):
    """A person whose data an access concerned.  Kept by type and id rather than by foreign
    key: the log outlives the record (a case party can be removed) and ``organizations``
    knows no domain model (the apps register their types in ``organizations.audit``)."""

    event = models.ForeignKey(DataAccessEvent, on_delete=models.CASCADE, related_name="subjects")
    record_type = models.CharField(_("类型"), max_length=20)
    record_id = models.PositiveBigIntegerField()
    # The person's organization at the time of the access.
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("被访问的个人")
        verbose_name_plural = _("被访问的个人")
        indexes = [models.Index(fields=["record_type", "record_id"]), models.Index(fields=["organization"])]
