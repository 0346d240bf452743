import datetime
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.versioning import Versioned
from organizations.access import OrganizationIds, ScopedQuerySet
from organizations.models import Organization, Town

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType


class BeneficiaryCategory(models.Model):
    """A fixed category (rows made by a data migration) so a person can have several."""

    class Code(models.TextChoices):
        OLD_WOMEN_DIRECTOR = "old_women_director", _("老妇女主任")
        CHILD_IN_DIFFICULTY = "child_in_difficulty", _("困境儿童")
        WOMAN_IN_DIFFICULTY = "woman_in_difficulty", _("困难女性")
        SINGLE_MOTHER = "single_mother", _("独抚女性")
        BEREAVED_FAMILY = "bereaved_family", _("失独家庭")
        ELDERLY = "elderly", _("高龄老人")

    code = models.CharField(_("代码"), max_length=30, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("服务对象类别")
        verbose_name_plural = _("服务对象类别")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class DaysBetween(Func):
    """Whole days from ``earlier`` to ``later`` (two date expressions), as an integer."""

    output_field = IntegerField()
    arity = 2
    # PostgreSQL: date - date is an integer number of days.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> "_AsSqlType":
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def due_interval_days(cadence: int) -> int | None:
    """A key-care beneficiary visited ``cadence`` times a month is due every floor(30 / cadence) days."""
    return 30 // cadence if cadence else None


class BeneficiaryQuerySet(ScopedQuerySet["Beneficiary"]):
    scope_path = "organization"

    def shared_with(self, organization_ids: OrganizationIds) -> Q:
        """The people another organization handed over: a member also sees the people with an
        access grant (``AccessGrant``, written by the referrals app on acceptance) to one of
        the member's organizations that is in force now.  An EXISTS in the same query."""
        granted = AccessGrant.objects.in_force().filter(person=OuterRef("pk"), organization__in=organization_ids)
        return Q(Exists(granted))

    def active(self) -> Self:
        return self.filter(active=True)

    def key_care(self) -> Self:
        """Key-care beneficiaries (重点关爱对象) still on the register."""
        return self.filter(key_care=True, active=True)

    def search(self, text: str | None) -> Self:
        """Name (part), pinyin initials ("wxy" finds 王秀英), ID-number tail or phone digits.

        Letters alone are pinyin initials (or the start of a name written in letters, whose
        "initials" are the name itself): a prefix of ``name_initials``, read from its index.
        They are not also looked for inside names, which would make PostgreSQL read every row
        (``UPPER(name) LIKE '%WXY%'`` cannot use an index) for names that are Chinese.  Three or
        more digits (a final X allowed) are an ID-number tail or part of a phone number.  Other
        text is part of a name: ``name LIKE '%王秀%'``, answered on PostgreSQL by the trigram
        index (migration 0008); Chinese has no letter case, text with Latin letters is compared
        without case."""
        text = (text or "").strip()
        if not text:
            return self
        if text.isascii() and text.isalpha():
            return self.filter(name_initials__startswith=text.lower())
        digits = text.upper()
        if len(digits) >= 3 and (digits.isdigit() or (digits[:-1].isdigit() and digits.endswith("X"))):
            condition = Q(id_number__endswith=digits)
            if digits.isdigit():
                condition |= Q(phone__contains=digits)
            return self.filter(condition)
        has_letters = any(c.isascii() and c.isalpha() for c in text)
        return self.filter(Q(name__icontains=text) if has_letters else Q(name__contains=text))

    def with_last_contact(self, today: datetime.date) -> Self:
        """Annotates ``last_contact``: the latest visit dated up to ``today``; if none, the day
        the person became key-care; if that is empty, the day the record was created."""
        # The latest visit is read per person from the index of current visits by person and
        # date (``visit_person_date``, index-only, one entry each) rather than by joining every
        # visit and grouping: 300 key-care people with 6,500 visits cost 2 ms instead of 40.
        # Visit.objects leaves withdrawn visits out: a withdrawn visit did not happen.
        latest = (
            Visit.objects.filter(beneficiary=OuterRef("pk"), visit_date__lte=today)
            .order_by("-visit_date")
            .values("visit_date")[:1]
        )
        return self.annotate(
            last_visit=Subquery(latest, output_field=DateField()),
            last_contact=Coalesce("last_visit", "key_care_since", TruncDate("created_at"), output_field=DateField()),
        )

    def overdue(self, today: datetime.date | None = None) -> Self:
        """Key-care beneficiaries behind their visit cadence on ``today`` (computed when read,
        never stored).

        Rule: with a cadence of N visits a month a person is due every floor(30 / N) days (15 for
        twice a month, 30 for once); overdue when ``last_contact`` (see ``with_last_contact``) is
        further back than that: ``today - last_contact > floor(30 / N)``.  Annotates
        ``last_contact``, ``due_every`` and ``days_overdue`` (days past the due date, >= 1), ordered
        by days overdue, most first.  Example: cadence 2, last visit 31 January: due 15 February,
        overdue from 16 February."""
        today = today or timezone.localdate()
        return (
            self.key_care()
            .filter(visit_cadence__gte=1)
            .with_last_contact(today)
            .annotate(
                due_every=ExpressionWrapper(Value(30) / F("visit_cadence"), output_field=IntegerField()),
                days_overdue=ExpressionWrapper(
                    DaysBetween(Value(today, output_field=DateField()), F("last_contact")) - F("due_every"),
                    output_field=IntegerField(),
                ),
            )
            .filter(days_overdue__gt=0)
            .order_by("-days_overdue", "town__order", "name", "id")
        )

    def counts_by_town(self) -> list[dict[str, Any]]:
        """[{"town": name, "town_id": id, "count": n}] over the rows of this queryset (which may
        be grouped, such as ``overdue()``), in the towns' order."""
        model = self.model
        rows = (
            model.objects.filter(pk__in=self.values("pk"))
            .values("town_id", "town__name", "town__order")
            .annotate(count=Count("id"))
            .order_by("town__order")
        )
        return [{"town": row["town__name"], "town_id": row["town_id"], "count": row["count"]} for row in rows]


class Beneficiary(Versioned):
    class Gender(models.TextChoices):
        FEMALE = "F", _("女")
        MALE = "M", _("男")

    class ConsentMethod(models.TextChoices):
        WRITTEN = "written", _("书面签字")
        VERBAL = "verbal", _("口头同意")
        ONLINE = "online", _("线上确认")

    name = models.CharField(_("姓名"), max_length=50)
    # Pinyin initials of the name ("zs" for 张三), kept so a search for "zs" finds 张三.
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=50, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    birth_date = models.DateField(_("出生日期"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    town = models.ForeignKey(Town, verbose_name=_("所属镇街"), on_delete=models.PROTECT, related_name="beneficiaries")
    village = models.CharField(_("村社区"), max_length=50)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    categories = models.ManyToManyField(
        BeneficiaryCategory, verbose_name=_("服务对象类别"), blank=True, related_name="beneficiaries"
    )
    key_care = models.BooleanField(_("重点关爱"), default=False)
    key_care_since = models.DateField(_("列为重点关爱日期"), null=True, blank=True)
    visit_cadence = models.PositiveSmallIntegerField(_("每月走访次数"), default=0)
    organization = models.ForeignKey(
        Organization, verbose_name=_("负责组织"), on_delete=models.PROTECT, related_name="beneficiaries"
    )
    consent_date = models.DateField(_("同意日期"), null=True, blank=True)
    consent_method = models.CharField(_("同意方式"), max_length=10, choices=ConsentMethod.choices, blank=True)
    guardian_name = models.CharField(_("监护人姓名"), max_length=50, blank=True)
    guardian_consent_date = models.DateField(_("监护人同意日期"), null=True, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    deactivated_on = models.DateField(_("停用日期"), null=True, blank=True)
    deactivation_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[categories])
    objects = BeneficiaryQuerySet.as_manager()
    # Services set it before a save: simple-history records it as the author of the version.
    _history_user: AbstractBaseUser | None

    class Meta:
        verbose_name = _("服务对象")
        verbose_name_plural = _("服务对象")
        ordering = ["town__order", "village", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_care=False) | Q(visit_cadence__gte=1), name="beneficiary_key_care_has_cadence"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "active"]),
            # The register's order (towns are numbered in their display order by the migration),
            # so a page is read from the index instead of sorting every row.
            models.Index(fields=["town", "village", "name", "id"], name="beneficiary_register_order"),
            models.Index(fields=["key_care", "active"]),
            # The register sorted by name (keyset pages: the order and its tiebreaker).
            models.Index(fields=["name", "id"], name="beneficiary_name_order"),
            models.Index(fields=["phone"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def due_every_days(self) -> int | None:
        return due_interval_days(self.visit_cadence) if self.key_care else None

    def age_on(self, day: datetime.date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class VisitService(models.Model):
    """A fixed service that a visit gives (rows made by a data migration)."""

    class Code(models.TextChoices):
        SUPPLIES = "supplies", _("物资慰问")
        HEALTH = "health", _("健康检查")
        COUNSELING = "counseling", _("心理疏导")
        DAILY_CARE = "daily_care", _("生活照料")
        POLICY = "policy", _("政策宣传")
        LEGAL = "legal", _("法律咨询")
        OTHER = "other", _("其他")

    code = models.CharField(_("代码"), max_length=20, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("服务内容")
        verbose_name_plural = _("服务内容")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class VisitQuerySet(ScopedQuerySet["Visit"]):
    scope_path = "organization"

    def in_period(self, start: datetime.date, end: datetime.date) -> Self:
        """Visits dated from ``start`` to ``end``, both included."""
        return self.filter(visit_date__gte=start, visit_date__lte=end)


class CurrentVisitManager(models.Manager.from_queryset(VisitQuerySet)):  # type: ignore[misc]
    """The default manager: visits not withdrawn.  A withdrawn visit is kept, with its history,
    but no list, figure, export or overdue rule counts it, and this is how every one of them
    leaves it out (``Visit.all_objects`` includes it; the reverse ``beneficiary.visits`` uses
    this manager).  Joins from other models (``Max("visits__...")``) and raw SQL must filter
    ``withdrawn_at IS NULL`` themselves."""

    def get_queryset(self) -> VisitQuerySet:
        queryset: VisitQuerySet = super().get_queryset().filter(withdrawn_at__isnull=True)
        return queryset


class Visit(Versioned):
    class Mode(models.TextChoices):
        HOME = "home", _("入户走访")
        PHONE = "phone", _("电话问候")
        HEALTH_CHECK = "health_check", _("健康检查")
        SUPPLIES = "supplies", _("送物资")
        LECTURE = "lecture", _("讲座")

    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("服务对象"), on_delete=models.PROTECT, related_name="visits"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("走访组织"), on_delete=models.PROTECT, related_name="visits"
    )
    visit_date = models.DateField(_("走访日期"))
    visitors = models.CharField(_("走访人"), max_length=100, blank=True)
    mode = models.CharField(_("走访方式"), max_length=20, choices=Mode.choices, default=Mode.HOME)
    services = models.ManyToManyField(VisitService, verbose_name=_("服务内容"), blank=True, related_name="visits")
    supplies_value = models.DecimalField(_("物资价值（元）"), max_digits=10, decimal_places=2, default=0)
    follow_up_needed = models.BooleanField(_("需要跟进"), default=False)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, null=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)
    # The visited person's town, kept by the database (beneficiaries/triggers.py), never
    # written by Python: the visit list filtered by town reads its page from an index on it.
    person_town = models.ForeignKey(
        Town,
        verbose_name=_("服务对象所属镇街"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    history = HistoricalRecords(m2m_fields=[services], excluded_fields=["person_town"])
    objects = CurrentVisitManager()
    all_objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visit_date", "-id"]
        default_manager_name = "objects"
        constraints = [
            models.CheckConstraint(condition=Q(supplies_value__gte=0), name="visit_supplies_value_not_negative"),
        ]
        indexes = [
            # The visit list's orders, each with its tiebreaker, so that a page of any sort
            # (and any depth: keyset pagination) is read from an index; an organization's
            # visits by date for its own users' list.
            models.Index(fields=["visit_date", "id"], name="visit_list_order"),
            models.Index(fields=["organization", "visit_date", "id"], name="visit_org_list_order"),
            models.Index(fields=["supplies_value", "id"], name="visit_value_order"),
            # A person's current visits by date, read without the table (index-only): the
            # overdue rule's latest visit, and the list filtered by the people's town, whose
            # capped count walks the town's people and reads their visits of the period here
            # (1 ms instead of 100 ms at ten districts' scale: no probe of every visit's person),
            # and a search's people's latest visits in the list's order (visit_date, id).
            models.Index(
                fields=["beneficiary", "visit_date", "id"],
                condition=Q(withdrawn_at__isnull=True),
                name="visit_person_date",
            ),
            # The list filtered by the people's town, in its order: a page is read from here
            # (at ten districts' scale the page otherwise walked the district's visits newest
            # first and looked up each one's person: 3.5-5 ms a page).
            models.Index(
                fields=["person_town", "visit_date", "id"],
                condition=Q(withdrawn_at__isnull=True),
                name="visit_town_list_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_date} {self.get_mode_display()}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class AccessGrantQuerySet(models.QuerySet["AccessGrant"]):
    def in_force(self, now: datetime.datetime | None = None) -> Self:
        """Grants that have started and not yet ended at ``now`` (default: now)."""
        now = now or timezone.now()
        return self.filter(starts__lte=now).filter(Q(ends__isnull=True) | Q(ends__gt=now))


class AccessGrant(models.Model):
    """Organization ``organization`` sees ``person`` (the record, masked, with the audited
    reveal; never the other organizations' visits) from ``starts`` until ``ends`` (open while
    None).  Written only by the apps that hand people over (referrals: from acceptance until
    ``REFERRAL_ACCESS_DAYS`` after completion); ``source`` names what granted it
    ("referral:12"), one grant per source."""

    person = models.ForeignKey(
        Beneficiary, verbose_name=_("服务对象"), on_delete=models.CASCADE, related_name="access_grants"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("获准查看的组织"), on_delete=models.CASCADE, related_name="access_grants"
    )
    starts = models.DateTimeField(_("开始时间"))
    ends = models.DateTimeField(_("结束时间"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=50, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("查看授权")
        verbose_name_plural = _("查看授权")
        indexes = [models.Index(fields=["person", "organization"], name="grant_person_org")]

    def __str__(self) -> str:
        return self.source
