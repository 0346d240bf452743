"""Charity project and progress report pages.  Projects hold no personal data, so leaders may
browse them; report narratives and attachments are shown to the undertaking organization and
staff only (``can_act_for``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import field_worker_required, staff_required
from core.feedback import add_service_errors, error_messages, form_error_messages
from core.files import attachment_response
from core.filters import filtered
from core.months import last_month, month_bounds
from core.pagination import keyset_paginate, paginate
from organizations.access import can_act_for, get_visible_or_404, is_staff, member_org_ids

from . import lists, rules, services, workflow
from .filters import ReportFilter
from .forms import AttachmentForm, ProjectForm, ReportForm, ReviewForm
from .models import CharityProject, ProjectReport, ReportAttachment


def _report_or_404(request, pk):
    return get_visible_or_404(
        ProjectReport.objects.select_related("project__organization", "project__funder", "reviewer"),
        request.user,
        pk=pk,
    )


@login_required
def project_list(request):
    found = lists.project_query(request)
    totals = found.rows.aggregate(n=Count("id"), amount=Sum("amount"))
    page, query = keyset_paginate(
        request, found.rows, found.sorting.order, anchors=found.anchors, values=lists.PROJECT_FIELDS
    )
    return render(
        request,
        "projects/project_list.html",
        {
            "filter": found.filterset,
            "page": page,
            "query": query,
            "headers": lists.project_headers(found.sorting),
            "rows": lists.project_rows(page),
            "totals": totals,
            "can_create": is_staff(request.user),
        },
    )


@login_required
def project_detail(request, pk):
    project = get_visible_or_404(CharityProject.objects.select_related("organization", "funder"), request.user, pk=pk)
    reports = (
        ProjectReport.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("reviewer")
        .annotate(attachment_count=Count("attachments"))
        .order_by("-period_end", "-id")
    )
    totals = reports.filter(status=ProjectReport.Status.APPROVED).aggregate(
        served=Sum("people_served"),
        spent=Sum("funds_spent"),
        employed=Sum("people_employed"),
        income=Sum("income_generated"),
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "reports": reports,
            "totals": totals,
            "is_staff": is_staff(request.user),
            "can_write": services.can_write_reports(request.user, project),
            "can_edit": bool(rules.project_fields_editable_by(request.user, project)),
            "advance_to": _advance_to(request.user, project),
        },
    )


def _advance_to(user, project):
    """The next status and its button's words, when the user may take that step."""
    to_status = workflow.next_status(project.status)
    if to_status is None or workflow.transition_error(user, project, to_status):
        return None
    return {"status": to_status, "label": workflow.ACTION_LABELS[to_status]}


@staff_required
def project_create(request):
    form = ProjectForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("项目“%(name)s”已创建。") % {"name": project.name})
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form})


@login_required
def project_edit(request, pk):
    """Staff change a project; the undertaking organization's admins its description and
    target (``rules.project_fields_editable_by``)."""
    project = get_visible_or_404(CharityProject, request.user, pk=pk)
    if not rules.project_fields_editable_by(request.user, project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                project=project, actor=request.user, version=form.cleaned_data["version"], **form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("项目信息已保存。"))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
@require_POST
def project_advance(request, pk):
    """One step along the workflow (who may take which step: ``workflow.py``)."""
    project = get_visible_or_404(CharityProject, request.user, pk=pk)
    try:
        project = services.project_advance(project=project, actor=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("项目状态已变更为“%(s)s”。") % {"s": project.get_status_display()})
    return redirect("projects:detail", pk=project.pk)


@login_required
def report_create(request, pk):
    project = get_visible_or_404(CharityProject.objects.select_related("organization"), request.user, pk=pk)
    if not services.can_write_reports(request.user, project):
        raise PermissionDenied
    start, end = month_bounds(last_month())
    form = ReportForm(
        request.POST or None, initial={"period_start": start, "period_end": end}, actor=request.user, project=project
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(project=project, actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("报告草稿已保存，确认无误后请提交审核。"))
            return redirect("projects:report_detail", pk=report.pk)
    return render(request, "projects/report_form.html", {"form": form, "project": project})


@login_required
def report_detail(request, pk):
    report = _report_or_404(request, pk)
    project = report.project
    can_write = services.can_write_reports(request.user, project)
    editable = can_write and services.report_is_editable(report)
    # Narratives and attachments: the undertaking organization and staff (not leaders, not
    # the funder's members, who see approved figures).
    show_details = can_act_for(request.user, project.organization_id)
    context = {
        "report": report,
        "project": project,
        "show_details": show_details,
        "attachments": report.attachments.select_related("uploaded_by") if show_details else [],
        "editable": editable,
        "can_review": is_staff(request.user) and report.status == ProjectReport.Status.SUBMITTED,
        "attachment_form": AttachmentForm() if editable else None,
        "review_form": ReviewForm(),
        # Earlier reviews stay readable after a resubmission and approval.
        "review_history": report.review_history(),
    }
    return render(request, "projects/report_detail.html", context)


@login_required
def report_edit(request, pk):
    report = _report_or_404(request, pk)
    if not services.can_write_reports(request.user, report.project):
        raise PermissionDenied
    if not services.report_is_editable(report):
        messages.error(request, _("报告状态为“%(s)s”，不能修改。") % {"s": report.get_status_display()})
        return redirect("projects:report_detail", pk=report.pk)
    form = ReportForm(request.POST or None, instance=report, actor=request.user, project=report.project)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(
                report=report, actor=request.user, version=form.cleaned_data["version"], **form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("报告已保存。"))
            return redirect("projects:report_detail", pk=report.pk)
    return render(request, "projects/report_form.html", {"form": form, "project": report.project, "report": report})


def _report_action(request, pk, action, success):
    report = _report_or_404(request, pk)
    try:
        action(report)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, success)
    return redirect("projects:report_detail", pk=report.pk)


@login_required
@require_POST
def report_submit(request, pk):
    return _report_action(
        request, pk, lambda r: services.report_submit(report=r, actor=request.user), _("报告已提交，等待妇联审核。")
    )


@staff_required
@require_POST
def report_approve(request, pk):
    comment = request.POST.get("review_comment", "")
    return _report_action(
        request,
        pk,
        lambda r: services.report_approve(report=r, actor=request.user, comment=comment),
        _("报告已审核通过。"),
    )


@staff_required
@require_POST
def report_return(request, pk):
    comment = request.POST.get("review_comment", "")
    return _report_action(
        request,
        pk,
        lambda r: services.report_return(report=r, actor=request.user, comment=comment),
        _("报告已退回，组织将收到通知。"),
    )


@login_required
@require_POST
def report_attachment_upload(request, pk):
    report = _report_or_404(request, pk)
    if not services.can_write_reports(request.user, report.project):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_attachment_add(report=report, actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("附件已上传。"))
    else:
        form_error_messages(request, form)
    return redirect("projects:report_detail", pk=report.pk)


@login_required
def report_attachment_download(request, pk, attachment_pk):
    attachment = get_object_or_404(ReportAttachment.objects.visible_to(request.user), pk=attachment_pk, report_id=pk)
    return attachment_response(attachment)


@staff_required
def review_queue(request):
    """Submitted reports, oldest first."""
    reports = (
        ProjectReport.objects.visible_to(request.user)
        .awaiting_review()
        .select_related("project__organization")
        .order_by("submitted_at", "id")
    )
    page, query = paginate(request, reports)
    return render(request, "projects/review_queue.html", {"page": page, "query": query})


@login_required
def report_list(request):
    """The progress reports the user may see, filtered by status and organization, the latest
    period first (a returned report shows the reviewer's comment)."""
    base = ProjectReport.objects.visible_to(request.user).select_related("project__organization", "reviewer")
    filterset, queryset = filtered(ReportFilter, request, base, user=request.user)
    page, query = paginate(request, queryset.order_by("-period_end", "-id"))
    return render(request, "projects/report_list.html", {"filter": filterset, "page": page, "query": query})


@field_worker_required
def missing_reports(request):
    """Projects in progress with no submitted or approved report covering last month: staff
    every organization's, organization users their own organizations' (not those they fund)."""
    start, end = month_bounds(last_month())
    base = CharityProject.objects.visible_to(request.user)
    if not is_staff(request.user):
        base = base.filter(organization__in=member_org_ids(request.user))
    projects = (
        base.missing_report_for(start, end)
        .select_related("organization", "funder")
        .annotate(
            draft_count=Count(
                "reports",
                filter=Q(
                    reports__status__in=ProjectReport.EDITABLE_STATUSES,
                    reports__period_start__lte=end,
                    reports__period_end__gte=start,
                ),
            )
        )
        .order_by("organization__name", "name")
    )
    page, query = paginate(request, projects)
    return render(
        request, "projects/missing_reports.html", {"page": page, "query": query, "month_start": start, "month_end": end}
    )
