"""Who is calling: the browser session (the portal's own pages and its offline app; CSRF
checked for unsafe methods) or a per-device bearer token (scripts; ``accounts.ApiToken``,
stored hashed, expiring, revocable, rate limited per token).

A bearer token is tried first: a request that presents one is judged by it alone (a refused
token is never rescued by a session cookie sent along)."""

import datetime
import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from accounts.models import ApiToken
from accounts.services import hash_api_token

logger = logging.getLogger(__name__)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# last_used_at is written at most once a minute per token (not on every request).
LAST_USED_EVERY = datetime.timedelta(minutes=1)


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


class TokenRefused(HttpError):
    """A bearer token that is unknown, expired or revoked: 401, whatever else was sent."""

    def __init__(self) -> None:
        super().__init__(401, "token refused")


class SessionAuth(APIKeyCookie):
    """The portal's session; the CSRF token is required for POST/PATCH (as on the pages)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if "HTTP_AUTHORIZATION" in request.META:
            return None  # judged by the token alone (TokenAuth)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method in UNSAFE and check_csrf(request) is not None:
            raise HttpError(403, "csrf")
        return user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer lx_...``: the SHA-256 of the token is looked up among the usable
    tokens (not revoked, not expired, of an active account)."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.META.get("HTTP_AUTHORIZATION")
        if header is None:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise TokenRefused
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        found = ApiToken.objects.usable(now).select_related("user").filter(token_hash=hash_api_token(token)).first()
        if found is None:
            raise TokenRefused
        check_rate(found.pk)
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]  # read by the views' logging
        return found.user


def check_rate(token_id: int) -> None:
    """At most ``API_RATE_LIMIT`` requests per token per minute (a fixed window in the cache).
    A cache that fails lets the request through: the limit protects the portal, it must not
    close it."""
    limit = settings.API_RATE_LIMIT
    if limit <= 0:
        return
    window = int(time.time() // 60)
    key = f"api-rate:{token_id}:{window}"
    try:
        cache.add(key, 0, timeout=120)
        count = cache.incr(key)
    except Exception as exc:  # the cache is down or lost the key: fail open
        logger.warning("api: rate limit not counted (%s)", exc.__class__.__name__)
        return
    if count > limit:
        raise RateLimited(retry_after=60 - int(time.time()) % 60)


def unauthenticated_detail(request: HttpRequest) -> str:
    if "HTTP_AUTHORIZATION" in request.META:
        return _("令牌无效、已过期或已被吊销，请在“设备令牌”页面重新创建。")
    return _("请先登录，或在请求头 Authorization 中提供设备令牌（Bearer）。")
