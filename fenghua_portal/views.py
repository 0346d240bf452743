from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import outbox
from core.roles import Role, role_of
from organizations.access import is_staff
from organizations.models import Invitation

from .health import run_checks
from .home import leader_overview, work_items


@login_required
def home(request):
    """The start page: what waits for this person today (fenghua_portal.home), not the
    navigation again."""
    role = role_of(request.user)
    invitations = Invitation.objects.pending().addressed_to(request.user).select_related("organization", "invited_by")
    context = {"role": role, "invitations": list(invitations), "items": work_items(request.user, role)}
    if role == Role.LEADER:
        context["overview"] = leader_overview(request.user)
    return render(request, "home.html", context)


@require_GET
@never_cache
def healthz(request):
    """200 ``{"status": "ok"}`` when the database and the broker answer, 503
    ``{"status": "unavailable"}`` otherwise, within two seconds however they fail.  Which one
    is down, why, and the outbox's backlog are told to signed-in staff only (and only while the
    database is up: finding out who asks reads it)."""
    results = run_checks()
    healthy = all(ok for ok, _detail in results.values())
    body: dict[str, Any] = {"status": "ok" if healthy else "unavailable"}
    if results["database"][0] and is_staff(request.user):
        pending, oldest = outbox.backlog()
        body.update(
            {name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()},
            outbox={"pending": pending, "oldest_seconds": oldest},
        )
    return JsonResponse(body, status=200 if healthy else 503)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


# The 500 page is rendered once per language, with no request and no context processor, and
# served as it is: it must show even when the database (sessions, users) is what failed.
_SERVER_ERROR_PAGES: dict[str, bytes] = {}


def server_error(request):
    language = translation.get_language() or settings.LANGUAGE_CODE
    page = _SERVER_ERROR_PAGES.get(language)
    if page is None:
        with translation.override(language):
            page = _SERVER_ERROR_PAGES[language] = render_to_string("500.html").encode()
    return HttpResponseServerError(page, content_type="text/html; charset=utf-8")
