import datetime
from typing import Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        # The address is the login: it is recorded as the account's primary address.  With a
        # password given by whoever creates the account (IT, the demo) it counts as verified;
        # without one the owner proves it by following the set-password link.
        from allauth.account.models import EmailAddress

        EmailAddress.objects.using(self._db).create(user=user, email=user.email, primary=True, verified=bool(password))
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True, role=User.Role.STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A portal account.  ``role`` is the portal-wide role; membership of organizations (and
    being an organization's admin) lives in ``organizations.Membership``.  Django's own
    ``is_staff`` only opens /admin/ and is not the federation-staff role."""

    class Role(models.TextChoices):
        STAFF = "staff", _("妇联工作人员")
        LEADER = "leader", _("领导")
        MEMBER = "member", _("组织用户")

    # Removing AbstractUser's fields is how Django's docs make an email-only user; the stubs type
    # them as always present.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("邮箱"), unique=True)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    # An email-keyed manager in place of AbstractUser's username-keyed one.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email


class SignInEventQuerySet(models.QuerySet["SignInEvent"]):
    def older_than(self, moment: datetime.datetime) -> Self:
        return self.filter(created_at__lt=moment)


class SignInEvent(models.Model):
    """One sign-in event: who (the account, or for a failure the address tried), what, when,
    from which IP and browser.  Written by accounts.receivers; read by staff only."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("登录锁定")
        LOGOUT = "logout", _("退出")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PASSWORD_RESET = "password_reset", _("重设密码")

    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    # Kept when the account is deleted: the record is about what happened.
    user = models.ForeignKey(
        User, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(_("邮箱"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = SignInEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["email", "-created_at"], name="signin_email_time"),
            models.Index(fields=["ip_address", "-created_at"], name="signin_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.email} {self.created_at:%Y-%m-%d %H:%M}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: datetime.datetime) -> Self:
        """Tokens that authenticate at ``now``: not revoked, not expired, of an active account."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A per-device token for the JSON API (``Authorization: Bearer <token>``).  Only the
    SHA-256 of the token is stored; the token itself is shown once, when it is created
    (``accounts.services.api_token_create``).  It expires ``API_TOKEN_DAYS`` after creation and
    can be revoked on the account page."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("设备名称"), max_length=60)
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    # The first characters of the token, so that its owner can tell tokens apart.
    prefix = models.CharField(_("令牌开头"), max_length=12)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def state(self, now: datetime.datetime) -> str:
        """ "active", "expired" or "revoked" at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.expires_at > now else "expired"
