"""Referrals (转介) of one person from one organization to another, with their timeline.

A referral is seen by the sending organization, the receiving one and staff; leaders see
counts in the statistics only.  Before acceptance the receiving organization sees only what the
referral carries (name, town, reason, masked phone); from acceptance the person's record too,
through ``beneficiaries.AccessGrant`` (written by ``services``)."""

import datetime
from typing import Self

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from beneficiaries.models import Beneficiary, Visit
from cases.models import MediationCase
from core.roles import AnyUser
from core.versioning import Versioned
from organizations.access import OrganizationIds, ScopedQuerySet, member_org_ids
from organizations.models import Organization


def subtract_working_days(day: datetime.date, days: int) -> datetime.date:
    while days > 0:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


class ReferralQuerySet(ScopedQuerySet["Referral"]):
    """Visible to the sending and the receiving organization and to staff; leaders none."""

    scope_path = "from_organization"

    def shared_with(self, organization_ids: OrganizationIds) -> Q:
        """The receiving organization sees the referral too (the sender is ``scope_path``)."""
        return Q(to_organization__in=organization_ids)

    def incoming(self, user: AnyUser) -> Self:
        return self.filter(to_organization__in=member_org_ids(user))

    def outgoing(self, user: AnyUser) -> Self:
        return self.filter(from_organization__in=member_org_ids(user))

    def waiting(self) -> Self:
        """Waiting for the receiving organization (待接收, or 申请中 for the sender's consent)."""
        return self.filter(status__in=Referral.WAITING_STATUSES)

    def overdue(self, today: datetime.date) -> Self:
        """Waiting more than ``OVERDUE_WAITING_WORKING_DAYS`` working days since sent, or
        accepted more than ``OVERDUE_ACCEPTED_DAYS`` days ago without an outcome."""
        waiting_since = subtract_working_days(today, Referral.OVERDUE_WAITING_WORKING_DAYS)
        accepted_before = today - datetime.timedelta(days=Referral.OVERDUE_ACCEPTED_DAYS)
        return self.filter(
            Q(status__in=Referral.WAITING_STATUSES, sent_on__lt=waiting_since)
            | Q(status=Referral.Status.ACCEPTED, accepted_at__date__lt=accepted_before)
        )


class Referral(Versioned):
    class Reason(models.TextChoices):
        FAMILY_MEDIATION = "family_mediation", _("家事调解")
        LEGAL_AID = "legal_aid", _("法律援助")
        PSYCHOLOGICAL = "psychological", _("心理支持")
        EMPLOYMENT = "employment", _("就业培训")
        LIVING = "living", _("生活帮扶")
        OTHER = "other", _("其他")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("申请中")
        PENDING = "pending", _("待接收")
        ACCEPTED = "accepted", _("已接收")
        REJECTED = "rejected", _("已拒绝")
        COMPLETED = "completed", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Kind(models.TextChoices):
        REFERRAL = "referral", _("转介")
        REQUEST = "request", _("转介申请")

    # A request not approved (申请中, declined or withdrawn) shows the requester neither the
    # person nor the registering organization: the list (``lists.conceals``) and the export
    # (``spreadsheets.resources.referrals``) both read this.
    CONCEALED_REQUEST_STATUSES = (Status.REQUESTED, Status.REJECTED, Status.WITHDRAWN)

    WAITING_STATUSES = (Status.REQUESTED, Status.PENDING)
    ENDED_STATUSES = (Status.REJECTED, Status.COMPLETED, Status.WITHDRAWN)
    OVERDUE_WAITING_WORKING_DAYS = 3
    OVERDUE_ACCEPTED_DAYS = 30

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.REFERRAL)
    person = models.ForeignKey(
        Beneficiary, verbose_name=_("服务对象"), on_delete=models.PROTECT, related_name="referrals"
    )
    from_organization = models.ForeignKey(
        Organization, verbose_name=_("转出组织"), on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_organization = models.ForeignKey(
        Organization, verbose_name=_("接收组织"), on_delete=models.PROTECT, related_name="referrals_received"
    )
    reason = models.CharField(_("转介原因"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("情况说明"), blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    source_visit = models.ForeignKey(
        Visit, verbose_name=_("来源走访"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_case = models.ForeignKey(
        MediationCase,
        verbose_name=_("来源案件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_out",
    )
    resulting_case = models.OneToOneField(
        MediationCase,
        verbose_name=_("接收后立案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_referral",
    )
    consent_date = models.DateField(_("本人同意转介日期"), null=True, blank=True)
    consent_method = models.CharField(
        _("同意方式"), max_length=10, choices=Beneficiary.ConsentMethod.choices, blank=True
    )
    guardian_name = models.CharField(_("监护人姓名"), max_length=50, blank=True)
    guardian_consent_date = models.DateField(_("监护人同意日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reject_reason = models.TextField(_("拒绝原因"), blank=True)
    outcome = models.TextField(_("办理结果"), blank=True)
    sent_on = models.DateField(_("转介日期"))
    accepted_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("拒绝或撤回时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()
    _history_user: AbstractBaseUser | None
    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("转介")
        verbose_name_plural = _("转介")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organization=models.F("to_organization")), name="referral_between_two_organizations"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "completed"]) | Q(accepted_at__isnull=False),
                name="referral_accepted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="referral_completed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["to_organization", "status"], name="referral_to_status"),
            models.Index(fields=["from_organization", "status"], name="referral_from_status"),
            models.Index(fields=["sent_on", "id"], name="referral_list_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"

    @property
    def waiting(self) -> bool:
        return self.status in self.WAITING_STATUSES

    @property
    def grant_source(self) -> str:
        return f"referral:{self.pk}"


class ReferralEventQuerySet(models.QuerySet["ReferralEvent"]):
    def visible_to(self, user: AnyUser) -> Self:
        return self.filter(referral__in=Referral.objects.visible_to(user).values("pk"))


class ReferralEvent(models.Model):
    """One step of a referral's timeline: who, when, what (the status it moved to), a note."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=20, choices=Referral.Status.choices, blank=True)
    text = models.TextField(_("内容"))

    objects = ReferralEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("转介记录")
        verbose_name_plural = _("转介记录")
        ordering = ["at", "id"]
