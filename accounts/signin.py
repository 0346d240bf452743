"""Who is trying to sign in, from where: the one reading of the client's address and of the
attempted account, shared by the lockout (django-axes), allauth's limits and the sign-in audit."""

import ipaddress
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` reverse proxies
    the address the outermost of them saw (X-Forwarded-For counted from the right, because a
    client can put anything on its left).  None when it is not an IP address."""
    address = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            address = hops[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def attempted_address(request: HttpRequest | None, credentials: Mapping[str, Any] | None = None) -> str:
    """The account a login attempt was for, as its normalized email address: allauth's login
    form passes ``email``, the admin's ``username`` (our accounts log in by email either way).
    django-axes keys its lockout on this, so failures count per account, not per IP."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("login") or data.get("username")
    return (value or "").strip().lower()[:254]


def user_agent(request: HttpRequest | None) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
