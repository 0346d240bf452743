"""Training sessions, their participants and certificates.  Leaders see only the organization
page's counts; lists and participants are for staff and the organization's own users."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import field_worker_required
from core.feedback import add_service_errors
from core.pagination import keyset_paginate
from organizations.access import can_act_for, get_visible_or_404, scope_key

from . import lists, services
from .forms import AttendanceForm, TrainingSessionForm
from .models import Attendance, TrainingSession


@field_worker_required
def session_list(request):
    found = lists.session_query(request)
    figures = lists.list_figures(request, found)
    page, query = keyset_paginate(
        request,
        found.rows,
        found.sorting.order,
        anchors=found.anchors,
        values=lists.SESSION_FIELDS,
        remember_count=("training", scope_key(request.user), found.filterset.chosen()),
    )
    return render(
        request,
        "training/session_list.html",
        {
            "filter": found.filterset,
            "page": page,
            "query": query,
            "headers": lists.session_headers(found.sorting),
            "rows": lists.session_rows(page),
            "figures": figures,
        },
    )


def _session(request, pk):
    return get_visible_or_404(TrainingSession.objects.select_related("organization", "town"), request.user, pk=pk)


@field_worker_required
def session_detail(request, pk, attendance_form=None):
    session = _session(request, pk)
    attendances = session.attendances.select_related("beneficiary").order_by("id")
    can_edit = can_act_for(request.user, session.organization_id)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "attendances": attendances,
            "figures": session.attendances.all().figures(),
            "can_edit": can_edit,
            "attendance_form": (attendance_form or AttendanceForm(user=request.user, session=session))
            if can_edit
            else None,
        },
    )


def _session_form(request, form, session=None):
    if request.method == "POST" and form.is_valid():
        try:
            if session is None:
                saved = services.session_create(actor=request.user, **form.service_data())
            else:
                saved = services.session_update(
                    session=session, actor=request.user, version=form.cleaned_data["version"], **form.service_data()
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("培训“%(title)s”已保存。") % {"title": saved.title})
            return redirect("training:detail", pk=saved.pk)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@field_worker_required
def session_create(request):
    return _session_form(request, TrainingSessionForm(request.POST or None, user=request.user))


@field_worker_required
def session_edit(request, pk):
    session = _session(request, pk)
    if not can_act_for(request.user, session.organization_id):
        raise PermissionDenied
    return _session_form(
        request, TrainingSessionForm(request.POST or None, instance=session, user=request.user), session
    )


@field_worker_required
@require_POST
def attendance_add(request, pk):
    session = _session(request, pk)
    if not can_act_for(request.user, session.organization_id):
        raise PermissionDenied
    form = AttendanceForm(request.POST, user=request.user, session=session)
    if form.is_valid():
        try:
            attendance = services.attendance_add(session=session, actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加学员“%(name)s”。") % {"name": attendance.name})
            return redirect("training:detail", pk=session.pk)
    return session_detail(request, pk, attendance_form=form)


def _attendance(request, pk):
    attendance = get_visible_or_404(
        Attendance.objects.select_related("session", "session__organization"), request.user, pk=pk
    )
    if not can_act_for(request.user, attendance.session.organization_id):
        raise PermissionDenied
    return attendance


@field_worker_required
def attendance_edit(request, pk):
    """Attendance and certificate of one participant."""
    attendance = _attendance(request, pk)
    form = AttendanceForm(request.POST or None, instance=attendance, user=request.user, session=attendance.session)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_update(
                attendance=attendance,
                actor=request.user,
                version=form.cleaned_data["version"],
                **form.service_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("学员信息已保存。"))
            return redirect("training:detail", pk=attendance.session_id)
    return render(request, "training/attendance_form.html", {"form": form, "attendance": attendance})


@field_worker_required
@require_POST
def attendance_delete(request, pk):
    attendance = _attendance(request, pk)
    services.attendance_remove(attendance=attendance, actor=request.user)
    messages.success(request, _("已从名单中移除“%(name)s”。") % {"name": attendance.name})
    return redirect("training:detail", pk=attendance.session_id)
