"""Statistics dashboard and monthly PDF reports.  Reports are fetched through
``MonthlyReport.objects.visible_to(user)`` on every request, downloads included."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.months import last_month, month_start
from core.pagination import paginate
from core.roles import Role, role_of
from core.widgets import speed_up_selects
from organizations.access import get_visible_or_404

from .access import organizations_of
from .figures import figures_for_dashboard
from .files import ascii_name, download_name, report_path
from .forms import ScopeForm
from .models import MonthlyReport
from .presentation import report_context
from .services import report_retry, request_report
from .statistics import Scope


def _default_scope(user):
    if role_of(user) in (Role.STAFF, Role.LEADER):
        return Scope.district()
    organization = organizations_of(user).first()
    if organization is None:
        raise PermissionDenied
    return Scope.for_organization(organization)


DASHBOARD_ORGANIZATIONS = 30
# RFC 5987 attr-char besides letters and digits: everything else is percent-encoded.
ATTR_CHARS = "!#$&+-.^_`|~"


@login_required
def dashboard(request):
    """Headline figures, 12-month trends, the by-town table and the overdue key-care count."""
    today = timezone.localdate()
    form = ScopeForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        month, scope = form.cleaned_data["month"], form.cleaned_data["scope"]
    else:
        month, scope = month_start(today), _default_scope(request.user)
    context = report_context(month, scope, figures=figures_for_dashboard(month, scope), with_overdue_on=today)
    # The page lists the organizations with most visits (compute() ranks them so); the PDF has them all.
    context["by_organization_total"] = len(context["by_organization"])
    context["by_organization"] = context["by_organization"][:DASHBOARD_ORGANIZATIONS]
    speed_up_selects(form)
    context.update(form=form, headline=context["rows"], can_request=role_of(request.user) != Role.ANONYMOUS)
    return render(request, "reports/dashboard.html", context)


@login_required
def report_list(request):
    """Ask for a monthly PDF (any month and scope the role may have) and list the reports."""
    form = ScopeForm(request.POST or None, user=request.user, purpose="report", default_month=last_month())
    if request.method == "POST" and form.is_valid():
        report = request_report(month=form.cleaned_data["month"], scope=form.cleaned_data["scope"], user=request.user)
        # No message here: the status page says what is true when it is shown (queued, being
        # built, done or failed), and keeps saying it as the build goes on.
        return redirect("reports:report_status", pk=report.pk)
    reports = MonthlyReport.objects.visible_to(request.user).select_related("town", "organization")
    page, query = paginate(request, reports)
    return render(request, "reports/report_list.html", {"form": form, "page": page, "query": query})


@login_required
def report_status(request, pk):
    report = get_visible_or_404(MonthlyReport.objects.select_related("town", "organization"), request.user, pk=pk)
    return render(request, "reports/report_status.html", {"report": report})


@login_required
def report_progress(request, pk):
    """The status fragment that the status page polls (static/js/portal.js, data-poll)."""
    report = get_visible_or_404(MonthlyReport.objects.select_related("town", "organization"), request.user, pk=pk)
    return render(request, "reports/includes/report_progress.html", {"report": report})


@login_required
@require_POST
def report_retry_view(request, pk):
    """Asks again for a report whose build failed."""
    report = get_visible_or_404(MonthlyReport.objects.all(), request.user, pk=pk)
    try:
        report_retry(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:report_status", pk=report.pk)


@login_required
def report_download(request, pk):
    report = get_visible_or_404(MonthlyReport.objects.select_related("town", "organization"), request.user, pk=pk)
    if report.status != MonthlyReport.Status.DONE or not report.file:
        raise Http404
    path = report_path(report)
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="application/pdf")
    # RFC 6266 with RFC 5987's filename* for the Chinese name, an ASCII name for older clients.
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name(report)}\"; filename*=UTF-8''{quote(download_name(report), safe=ATTR_CHARS)}"
    )
    return response
