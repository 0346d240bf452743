"""Accounts: creating them (nobody signs up: staff create leader, staff and organization
accounts; organization admins create their own organization's members), proving their address,
and the sign-in record."""

import datetime
import hashlib
import secrets

from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import ApiToken, SignInEvent, User
from .signin import client_ip, user_agent


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    role: str,
    password: str | None = None,
    request: HttpRequest | None = None,
    phone: str = "",
) -> User:
    """Creates an active account.  Without a password, the new user gets an email with a link
    to set one (recorded with the account, sent after the transaction commits: core.mail);
    following it proves the address."""
    user = User.objects.create_user(email=email, password=password or None, full_name=full_name, role=role, phone=phone)
    # Another account may have asked to change to this address without proving it: that claim
    # lapses now that the address has its own account.
    EmailAddress.objects.filter(email__iexact=user.email, verified=False).exclude(user=user).delete()
    if not password and request is not None:
        send_set_password_email(request=request, email=user.email)
    return user


def send_set_password_email(*, request: HttpRequest, email: str) -> None:
    # allauth's reset flow builds the link and mails it through the adapter (accounts.adapter).
    with request_context(request):
        form = ResetPasswordForm(data={"email": email})
        if form.is_valid():
            form.save(request)


@transaction.atomic
def email_confirm_by_password_link(*, user: User) -> None:
    """The user followed a set-password (or reset) link, which is only ever sent to the
    account's login address (accounts.adapter): that address is proved, and is the primary."""
    address, _ = EmailAddress.objects.get_or_create(user=user, email=user.email.lower())
    if address.set_verified(commit=True) and not address.primary:
        address.set_as_primary()


def signin_record(
    *, kind: str, request: HttpRequest | None = None, user: User | None = None, email: str = ""
) -> SignInEvent:
    """Writes one sign-in event with the request's IP address and browser."""
    return SignInEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        email=(email or (user.email if user is not None else "")).lower()[:254],
        ip_address=client_ip(request) if request is not None else None,
        user_agent=user_agent(request),
    )


def signin_unlock(*, user: User) -> None:
    """Lifts a lockout of the account (its owner just proved the address by a reset link)."""
    from axes.utils import reset

    reset(username=user.email.lower())


# Six months: the Cybersecurity Law's minimum for keeping such logs.  Settings refuse less at
# startup; the purge never goes below it either.
MINIMUM_RETENTION_DAYS = 180


def signin_events_purge(*, now: datetime.datetime | None = None) -> int:
    """Deletes sign-in events older than SIGNIN_AUDIT_RETENTION_DAYS (never fewer than 180
    days); returns how many went."""
    now = now or timezone.now()
    days = max(MINIMUM_RETENTION_DAYS, settings.SIGNIN_AUDIT_RETENTION_DAYS)
    cutoff = now - datetime.timedelta(days=days)
    deleted, _ = SignInEvent.objects.older_than(cutoff).delete()
    return deleted


# --- API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "lx_"


def hash_api_token(raw: str | None) -> str:
    """The stored form of a token: its SHA-256, hex.  A token is 32 random bytes, so a plain
    hash (no salt, no slow hash) cannot be guessed back and can be looked up by equality."""
    return hashlib.sha256((raw or "").encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Creates a token for one device: returns (ApiToken, the token), the token to be shown
    once and never stored.  Expires after ``API_TOKEN_DAYS`` days."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写设备名称，例如“我的手机”。")})
    if len(name) > 60:
        raise ValidationError({"name": _("设备名称不能超过60个字。")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_api_token(raw),
        prefix=raw[:10],
        expires_at=timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    """Revokes one of ``user``'s own tokens (at once: the next request with it is refused)."""
    from django.http import Http404

    if token.user_id != user.pk:
        raise Http404
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token
