"""Asking for a report: the writes users (and beat) make.  The rest of the app by job:
``access`` (who may see what), ``building`` (the build, its failures, the sweeper), ``files``
(the PDFs on disk), ``figures`` (computed or precomputed figures), ``presentation`` (what the
dashboard and the PDF show)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.months import month_start

from .access import may_request, scope_for_report
from .building import BUILD_TASK, build_key
from .models import MonthlyReport


def _save_request(*, month, scope, user):
    report, _created = MonthlyReport.objects.update_or_create(
        scope_key=scope.key,
        month=month_start(month),
        defaults={
            "scope_kind": scope.kind,
            "town": scope.town,
            "organization": scope.organization,
            "status": MonthlyReport.Status.PENDING,
            "progress": 0,
            "error": "",
            "requested_by": user,
            "requested_at": timezone.now(),
            "attempts": 0,
        },
    )
    return report


@transaction.atomic
def request_report(*, month, scope, user):
    """Asks for the report of ``scope`` and ``month``: one ``MonthlyReport`` per scope and
    month (asking again rebuilds it), built by the worker once this transaction commits.  The
    build is recorded in the outbox with the request: it survives a broker that is down."""
    if user is not None and not may_request(user, scope):
        raise PermissionDenied
    report = _save_request(month=month, scope=scope, user=user)
    outbox.enqueue(BUILD_TASK, args=[report.pk], key=build_key(report.pk))
    return report


@transaction.atomic
def report_retry(*, report, user):
    """Asks again for a report whose build failed (its worker died, the database was away):
    for anyone who may ask for the report."""
    locked = (
        MonthlyReport.objects.select_for_update(of=("self",)).select_related("town", "organization").get(pk=report.pk)
    )
    scope = scope_for_report(locked)
    if not may_request(user, scope):
        raise PermissionDenied
    if locked.status != MonthlyReport.Status.FAILED:
        raise ValidationError(_("只有生成失败的报告可以重试。"))
    return request_report(month=locked.month, scope=scope, user=user)


def prepare_report(*, month, scope):
    """The row the management command builds synchronously (no user, no queue)."""
    return _save_request(month=month, scope=scope, user=None)
