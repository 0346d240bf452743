import datetime
from typing import Self

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.versioning import Versioned
from organizations.access import ScopedQuerySet
from organizations.models import Organization, Town


class TrainingSessionQuerySet(ScopedQuerySet["TrainingSession"]):
    scope_path = "organization"

    def in_period(self, start: datetime.date, end: datetime.date) -> Self:
        """Sessions dated from ``start`` to ``end``, both included."""
        return self.filter(date__gte=start, date__lte=end)

    def with_figures(self) -> Self:
        """Annotates each session with ``person_times`` (attended rows), ``distinct_people``
        (distinct person keys among them) and ``certificates`` (certificates obtained)."""
        attended = Q(attendances__attended=True)
        return self.annotate(
            person_times=Count("attendances", filter=attended),
            distinct_people=Count("attendances__person_key", filter=attended, distinct=True),
            certificates=Count("attendances", filter=Q(attendances__certificate_obtained=True)),
        )


class TrainingSession(Versioned):
    class Category(models.TextChoices):
        VOCATIONAL = "vocational", _("职业技能")
        CULTURE = "culture", _("文化素养")
        EMOTIONAL = "emotional", _("情感沟通")
        ENTREPRENEURSHIP = "entrepreneurship", _("创业技能")

    organization = models.ForeignKey(
        Organization, verbose_name=_("主办组织"), on_delete=models.PROTECT, related_name="training_sessions"
    )
    title = models.CharField(_("培训名称"), max_length=100)
    category = models.CharField(_("培训类别"), max_length=20, choices=Category.choices)
    town = models.ForeignKey(
        Town, verbose_name=_("所属镇街"), on_delete=models.PROTECT, related_name="training_sessions"
    )
    date = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=0)
    trainer = models.CharField(_("培训老师"), max_length=50, blank=True)
    description = models.TextField(_("内容简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()
    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训活动")
        verbose_name_plural = _("培训活动")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["title", "date", "organization"], name="training_session_unique"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="training_hours_not_negative"),
        ]
        indexes = [
            # The session list's orders (keyset pages), each with its tiebreaker.
            models.Index(fields=["date", "id"], name="session_list_order"),
            models.Index(fields=["organization", "date", "id"], name="session_org_list_order"),
            models.Index(fields=["title", "id"], name="session_title_order"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.date}）"


class AttendanceQuerySet(ScopedQuerySet["Attendance"]):
    scope_path = "session__organization"

    def figures(self) -> dict[str, int]:
        """{"person_times", "distinct_people", "certificates"} over these rows: person-times
        count attended rows, so one woman at three sessions is three person-times and one
        distinct person (identified by ID number, else phone)."""
        attended = Q(attended=True)
        return self.aggregate(
            person_times=Count("id", filter=attended),
            distinct_people=Count("person_key", filter=attended, distinct=True),
            certificates=Count("id", filter=Q(certificate_obtained=True)),
        )


class Attendance(Versioned):
    """One participant of one session.  ``person_key`` is the ID number, or else the phone,
    so that distinct people are counted by the database (one person counts once)."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训活动"), on_delete=models.CASCADE, related_name="attendances"
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        verbose_name=_("服务对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendances",
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    person_key = models.CharField(_("人员标识"), max_length=32, db_index=True)
    attended = models.BooleanField(_("出席"), default=True)
    certificate_obtained = models.BooleanField(_("是否获证"), default=False)
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    certificate_date = models.DateField(_("发证日期"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person_key"], name="attendance_one_per_person"),
            models.CheckConstraint(condition=~Q(person_key=""), name="attendance_has_person_key"),
        ]
        indexes = [models.Index(fields=["certificate_date"])]

    def __str__(self) -> str:
        return self.name
