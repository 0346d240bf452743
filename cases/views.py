"""Mediation case pages.  Cases are confidential: every page fetches through
``visible_to`` (handling organization and staff); leaders get 404 on every case page, and
the statistics give them counts."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import add_service_errors
from core.files import attachment_response
from core.history import field_label, history_entries
from core.pagination import keyset_paginate
from organizations.access import can_act_for, can_see_personal_data, get_visible_or_404, is_leader, is_staff
from organizations.models import Organization

from . import lists, services, workflow
from .forms import AttachmentForm, CaseCreateForm, CaseEditForm, EventForm, PartyForm, ReopenForm, TransitionForm
from .models import CaseAttachment, CaseParty, MediationCase


def case_pages(view):
    """Signed-in users other than leaders; a leader gets 404 as if no case existed."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if is_leader(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _case_or_404(request, pk):
    return get_visible_or_404(MediationCase.objects.select_related("organization"), request.user, pk=pk)


@case_pages
def case_list(request):
    found = lists.case_query(request)
    page, query = keyset_paginate(
        request, found.rows, found.sorting.order, anchors=found.anchors, values=lists.CASE_FIELDS
    )
    can_create = Organization.objects.recordable_by(request.user).exists()
    return render(
        request,
        "cases/case_list.html",
        {
            "filter": found.filterset,
            "page": page,
            "query": query,
            "headers": lists.case_headers(found.sorting),
            "rows": lists.case_rows(page),
            "can_create": can_create,
        },
    )


@case_pages
def case_create(request):
    organizations = Organization.objects.recordable_by(request.user)
    if not organizations.exists():
        raise PermissionDenied
    form = CaseCreateForm(request.POST or None, organizations=organizations, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_create(
                organization=data["organization"],
                actor=request.user,
                category=data["category"],
                received_date=data["received_date"],
                source=data["source"],
                summary=data["summary"],
                applicant_name=data["applicant_name"],
                applicant_phone=data["applicant_phone"],
                respondent_names=data["respondent_names"],
                respondent_phone=data["respondent_phone"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("案件 %(number)s 已受理登记。") % {"number": case.number})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form})


@case_pages
def case_detail(request, pk):
    return _render_detail(request, _case_or_404(request, pk))


def _render_detail(request, case, **forms):
    """The case page; ``forms``: a form that was posted and refused, shown again in its place
    with its errors next to its fields (the others start empty)."""
    can_work = can_act_for(request.user, case.organization_id)
    parties = _masked_parties(case, request.user)
    events = case.events.select_related("author").order_by("at", "id")
    attachments = case.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")
    context = {
        "case": case,
        "parties": parties,
        "events": events,
        "attachments": attachments,
        "can_work": can_work,
        "can_reveal": can_see_personal_data(request.user, case.organization_id),
        "is_staff": is_staff(request.user),
        "ended": case.status in workflow.ENDED,
    }
    if can_work:
        if workflow.allowed_targets(case.status):
            context["transition_form"] = TransitionForm(case=case)
        context.update(event_form=EventForm(), party_form=PartyForm(), attachment_form=AttachmentForm())
    if context["is_staff"] and workflow.can_reopen(case.status):
        context["reopen_form"] = ReopenForm()
    context.update(forms)
    return render(request, "cases/case_detail.html", context)


def _masked_parties(case, user):
    """The case's parties with their phones masked; the link to a beneficiary only when the
    user may still see that person (one moved to another organization is not named)."""
    from beneficiaries.models import Beneficiary

    parties = list(case.parties.select_related("beneficiary").order_by("role", "id"))
    linked = {party.beneficiary_id for party in parties if party.beneficiary_id}
    visible = set(Beneficiary.objects.visible_to(user).filter(pk__in=linked).values_list("pk", flat=True))
    for party in parties:
        party.masked = {field: mask(getattr(party, field)) for field, mask in services.PARTY_REVEALABLE.items()}
        party.visible_beneficiary = party.beneficiary if party.beneficiary_id in visible else None
    return parties


@case_pages
def case_edit(request, pk):
    case = _case_or_404(request, pk)
    if not can_act_for(request.user, case.organization_id):
        raise PermissionDenied
    form = CaseEditForm(request.POST or None, instance=case, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                case=case, version=form.cleaned_data["version"], actor=request.user, **form.service_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("案件信息已保存。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


def _post_to_case(request, pk, name, make_form, action, success):
    """The case's POST actions: a form (``make_form(case)``) whose cleaned data goes to a
    service.  Done: back to the case page with a message.  Refused: the case page again, with
    the form in its place and each error next to its field."""
    case = _case_or_404(request, pk)
    if not can_act_for(request.user, case.organization_id):
        raise PermissionDenied
    form = make_form(case)
    if form.is_valid():
        try:
            result = action(case, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect("cases:detail", pk=case.pk)
    return _render_detail(request, _case_or_404(request, pk), **{name: form})


@case_pages
@require_POST
def case_transition(request, pk):
    return _post_to_case(
        request,
        pk,
        "transition_form",
        lambda case: TransitionForm(request.POST, case=case),
        lambda case, data: services.case_transition(
            case=case,
            actor=request.user,
            to_status=data["status"],
            closed_date=data["closed_date"],
            outcome=data["outcome"],
            note=data["note"],
        ),
        lambda case: _("案件状态已变更为“%(s)s”。") % {"s": case.get_status_display()},
    )


@case_pages
@require_POST
def case_reopen(request, pk):
    if not is_staff(request.user):
        _case_or_404(request, pk)  # 404 before 403: another organization's case stays unrevealed
        raise PermissionDenied
    return _post_to_case(
        request,
        pk,
        "reopen_form",
        lambda case: ReopenForm(request.POST),
        lambda case, data: services.case_reopen(case=case, actor=request.user, reason=data["reason"]),
        _("案件已重新打开，状态为“调解中”。"),
    )


@case_pages
@require_POST
def event_create(request, pk):
    return _post_to_case(
        request,
        pk,
        "event_form",
        lambda case: EventForm(request.POST),
        lambda case, data: services.event_add(case=case, actor=request.user, **data),
        _("记录已添加。"),
    )


@case_pages
@require_POST
def party_create(request, pk):
    return _post_to_case(
        request,
        pk,
        "party_form",
        lambda case: PartyForm(request.POST, case=case, actor=request.user),
        lambda case, data: services.party_add(case=case, actor=request.user, **data),
        _("当事人已添加。"),
    )


@case_pages
@require_POST
def party_reveal(request, pk, party_pk, field):
    """Shows one masked field of one party and records the access (who, when, which field)."""
    if field not in services.PARTY_REVEALABLE:
        raise Http404
    case = _case_or_404(request, pk)
    party = get_object_or_404(CaseParty.objects.visible_to(request.user), pk=party_pk, case=case)
    value = services.party_reveal(party=party, field=field, actor=request.user)
    context = {"case": case, "party": party, "value": value, "label": field_label(CaseParty, field)}
    template = "beneficiaries/_revealed.html" if request.htmx else "cases/party_reveal.html"
    return render(request, template, context)


@case_pages
@require_POST
def party_delete(request, pk, party_pk):
    case = _case_or_404(request, pk)
    party = get_object_or_404(CaseParty.objects.visible_to(request.user), pk=party_pk, case=case)
    services.party_remove(party=party, actor=request.user)
    messages.success(request, _("当事人已移除。"))
    return redirect("cases:detail", pk=case.pk)


@case_pages
@require_POST
def attachment_upload(request, pk):
    return _post_to_case(
        request,
        pk,
        "attachment_form",
        lambda case: AttachmentForm(request.POST, request.FILES),
        lambda case, data: services.attachment_add(
            case=case, actor=request.user, upload=data["file"], description=data["description"]
        ),
        _("附件已上传。"),
    )


@case_pages
def attachment_download(request, pk, attachment_pk):
    attachment = get_object_or_404(CaseAttachment.objects.visible_to(request.user), pk=attachment_pk, case_id=pk)
    return attachment_response(attachment)


@case_pages
def case_history(request, pk):
    """Edit history of a case (staff): each saved version with what changed."""
    case = _case_or_404(request, pk)
    if not is_staff(request.user):
        raise PermissionDenied
    return render(request, "cases/case_history.html", {"case": case, "entries": history_entries(case)})
