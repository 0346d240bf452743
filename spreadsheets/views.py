"""Excel import and export pages.  Each step checks its own permission again (a direct POST
to confirm included) and fetches jobs through ``ImportJob.objects.visible_to``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import add_service_errors
from core.pagination import paginate
from organizations.access import get_visible_or_404

from . import lists, policy, services
from .exporter import XLSX_TYPE, csv_stream, xlsx_file
from .files import FileRejected
from .forms import FullExportForm, UploadForm, exportable_organizations
from .models import ImportJob
from .permissions import can_export, can_import
from .resources import RESOURCES, get_resource_or_404
from .template_sheet import template_file

ERRORS_SHOWN = 200


def _stamp():
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@login_required
def index(request):
    user = request.user
    rows = [
        {
            "name": name,
            "label": resource.label,
            "can_import": can_import(user, name),
            "can_export": can_export(user, name),
            "can_export_full": policy.may_export(user, name, policy.Mode.FULL),
        }
        for name, resource in RESOURCES.items()
    ]
    can_upload = any(row["can_import"] for row in rows)
    recent = ImportJob.objects.visible_to(user).filter(user=user)
    # ?jobs=attention: every job waiting for its uploader (the home page's count links here).
    attention = request.GET.get("jobs") == "attention"
    page = None
    if attention:
        page, _query = paginate(request, recent.needing_attention())
    jobs = page.object_list if page is not None else (recent[:10] if can_upload else [])
    return render(
        request,
        "spreadsheets/index.html",
        {
            "rows": rows,
            "form": UploadForm(user=user) if can_upload else None,
            "jobs": jobs,
            "attention": attention,
            "page": page,
            "query": "jobs=attention",
        },
    )


@login_required
def template_download(request, resource):
    resource = get_resource_or_404(resource)
    if not (can_import(request.user, resource.name) or can_export(request.user, resource.name)):
        raise PermissionDenied
    handle = template_file(resource, request.user)
    return FileResponse(handle, as_attachment=True, filename=f"{resource.label}导入模板.xlsx", content_type=XLSX_TYPE)


def _file_response(resource, rows, fmt, suffix=""):
    filename = f"{resource.label}{suffix}-{_stamp()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _disposition(filename)
        return response
    return FileResponse(xlsx_file(rows, resource.label), as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _limited(queryset, organization):
    """The rows of one organization (the export's filter), by the model's own scope path."""
    if organization is None:
        return queryset, {}
    return queryset.filter(**{queryset.scope_path: organization.pk}), {"organization": organization.name}


def _rows(request, resource, organization):
    """The rows to export and how they were narrowed: a list page's rows (``?filters=`` holds
    its query string: "export this list"), else the type's rows, of one organization if given."""
    if "filters" in request.GET:
        queryset, filters = lists.list_rows(request, resource, request.GET["filters"])
        if organization is not None:
            queryset, more = _limited(queryset, organization)
            filters.update(more)
        return queryset, filters
    return _limited(resource.export_queryset(request.user), organization)


@login_required
def export(request, resource, fmt):
    """The masked export (every role that may export the type), optionally of one
    organization (``?organization=<id>``) or of a list page as shown (``?filters=``);
    recorded without per-person entries."""
    resource = get_resource_or_404(resource, exports=True)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    if not policy.may_export(request.user, resource.name, policy.Mode.MASKED):
        raise PermissionDenied
    organization = None
    if request.GET.get("organization"):
        organization = get_visible_or_404(
            exportable_organizations(request.user, full=False), request.user, pk=request.GET["organization"]
        )
    queryset, filters = _rows(request, resource, organization)
    rows = policy.export_file_rows(
        resource, queryset, request.user, mode=policy.Mode.MASKED, filters=filters, organization=organization
    )
    return _file_response(resource, rows, fmt)


@login_required
def export_full(request, resource):
    """The full (unmasked) export: staff, and organization admins for their own organizations'
    people; a purpose is required; the export and every exported person are recorded.  With
    ``?filters=`` it exports a list page's rows as shown (and no more than the user manages)."""
    resource = get_resource_or_404(resource, exports=True)
    if not policy.has_personal_data(resource.name):
        raise Http404  # nothing is masked in this type: the ordinary export is complete
    if not policy.may_export(request.user, resource.name, policy.Mode.FULL):
        raise PermissionDenied
    form = FullExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        queryset, filters = _rows(request, resource, organization)
        try:
            rows = policy.export_file_rows(
                resource,
                queryset,
                request.user,
                mode=policy.Mode.FULL,
                purpose=form.cleaned_data["purpose"],
                filters=filters,
                organization=organization,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _file_response(resource, rows, form.cleaned_data["fmt"], suffix=_("（完整）"))
    return render(
        request,
        "spreadsheets/export_full.html",
        {"form": form, "label": resource.label, "name": resource.name, "of_list": "filters" in request.GET},
    )


def _disposition(filename):
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"


@login_required
@require_POST
def upload(request):
    if not can_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("spreadsheets:index")
    try:
        job = services.job_upload(
            user=request.user, resource_name=form.cleaned_data["resource"], uploaded=form.cleaned_data["file"]
        )
    except FileRejected as exc:
        messages.error(request, str(exc))
        return redirect("spreadsheets:index")
    return redirect("spreadsheets:job", pk=job.pk)


def _job(request, pk):
    return get_visible_or_404(ImportJob.objects.select_related("user"), request.user, pk=pk)


def _job_context(job):
    return {
        "job": job,
        "label": job.resource_label,
        "progress": services.job_progress(job),
        "errors": job.errors[:ERRORS_SHOWN],
        "more_errors": max(0, len(job.errors) - ERRORS_SHOWN),
        "working": job.status in (ImportJob.Status.UPLOADED, ImportJob.Status.RUNNING),
        "can_confirm": services.can_confirm(job),
        "can_cancel": job.status in services.CANCELLABLE and bool(job.file),
        # bool(job.file): rejected_path(job) is a path here.
        "has_rejected_file": bool(job.file) and services.rejected_path(job).exists(),  # type: ignore[union-attr]
        "can_retry": services.can_retry(job),
    }


@login_required
def job_detail(request, pk):
    job = _job(request, pk)
    return render(request, "spreadsheets/job.html", _job_context(job))


@login_required
def job_progress_view(request, pk):
    job = _job(request, pk)
    return render(request, "spreadsheets/_job_status.html", _job_context(job))


@login_required
@require_POST
def job_confirm_view(request, pk):
    job = _job(request, pk)
    if not can_import(request.user, job.resource):
        raise PermissionDenied
    try:
        services.job_confirm(job=job, user=request.user)
    except FileRejected as exc:
        messages.error(request, str(exc))
    else:
        job.refresh_from_db()
        if job.status == ImportJob.Status.DONE:
            messages.success(request, _("导入完成。"))
    return redirect("spreadsheets:job", pk=job.pk)


@login_required
@require_POST
def job_cancel_view(request, pk):
    job = _job(request, pk)
    try:
        services.job_cancel(job=job, user=request.user)
    except FileRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已取消，上传的文件已删除。"))
    return redirect("spreadsheets:index")


@login_required
@require_POST
def job_retry_view(request, pk):
    job = _job(request, pk)
    try:
        services.job_retry(job=job, user=request.user)
    except FileRejected as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已重新开始。"))
    return redirect("spreadsheets:job", pk=job.pk)


@login_required
def job_rejected(request, pk):
    job = _job(request, pk)
    if not can_import(request.user, job.resource):
        raise PermissionDenied
    path = services.rejected_path(job)
    if path is None or not path.exists():
        raise Http404
    name = f"{job.original_name.rsplit('.', 1)[0] or 'sheet'}-未导入的行.xlsx"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name, content_type=XLSX_TYPE)
