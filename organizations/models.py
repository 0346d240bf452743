from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.versioning import Versioned

from .access import ScopedQuerySet
from .validators import validate_credit_code


class Town(models.Model):
    """A town (镇) or street (街道) of Fenghua; the 12 are created by a data migration."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("镇街")
        verbose_name_plural = _("镇街")
        ordering = ["order", "name"]

    def __str__(self):
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

    def __str__(self):
        return str(self.get_code_display())


class OrganizationQuerySet(ScopedQuerySet):
    scope_path = "pk"
    # The directory of organizations holds no personal data: leaders may browse it.
    leader_visible = True

    def active(self):
        return self.filter(active=True)

    def recordable_by(self, user):
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

    def __str__(self):
        return self.name


class MembershipQuerySet(ScopedQuerySet):
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

    def __str__(self):
        return f"{self.user} @ {self.organization}"
