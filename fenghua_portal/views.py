from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.roles import Role, role_of
from organizations.access import member_org_ids
from organizations.models import Invitation, Organization


@login_required
def home(request):
    """The start page: what each role comes to do, one tap away."""
    role = role_of(request.user)
    organizations = Organization.objects.none()
    if role == Role.MEMBER:
        organizations = Organization.objects.filter(pk__in=member_org_ids(request.user))
    invitations = Invitation.objects.pending().addressed_to(request.user).select_related("organization", "invited_by")
    return render(
        request, "home.html", {"role": role, "my_organizations": organizations, "invitations": list(invitations)}
    )


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:
        return False, exc.__class__.__name__


def _broker_ok():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "in-process"
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        return True, "redis"
    except Exception as exc:
        return False, exc.__class__.__name__


@require_GET
@never_cache
def healthz(request):
    """200 with both states when the database and the broker answer, 503 otherwise."""
    db_ok, db_detail = _database_ok()
    broker_ok, broker_detail = _broker_ok()
    status = 200 if db_ok and broker_ok else 503
    return JsonResponse(
        {
            "status": "ok" if status == 200 else "unavailable",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=status,
    )


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
