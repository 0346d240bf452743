"""Referral pages.  Every page fetches through ``Referral.objects.visible_to`` (the sending and
the receiving organization, staff); leaders get 403 (they see counts in the statistics).  The
person's record is linked only for whoever may see it now (the access rule decides); before
acceptance the receiving organization sees what the referral carries: name, town, reason,
masked phone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beneficiaries.models import Beneficiary, Visit
from cases.models import MediationCase
from core.decorators import field_worker_required
from core.feedback import add_service_errors
from core.pagination import keyset_paginate
from organizations.access import Actor, get_visible_or_404
from organizations.models import Organization
from organizations.privacy import mask_phone

from . import lists, services, workflow
from .forms import FromCaseForm, OpenCaseForm, ReferralForm, RequestForm, StepForm
from .models import Referral

# The duplicate path: the beneficiary form keeps the registered person's id here (never in a
# URL, never shown) when an ID number registered by an organization the user cannot see is typed.
DUPLICATE_SESSION_KEY = "beneficiaries.duplicate_person"


def _referral_or_404(request, pk):
    return get_visible_or_404(
        Referral.objects.select_related(
            "person", "person__town", "from_organization", "to_organization", "resulting_case", "source_case"
        ),
        request.user,
        pk=pk,
    )


@field_worker_required
def referral_list(request):
    found = lists.referral_query(request)
    page, query = keyset_paginate(request, found.rows, found.sorting.order, anchors=found.anchors, values=lists.FIELDS)
    box = lists.box_of(request)
    actor = Actor.of(request.user)
    return render(
        request,
        "referrals/referral_list.html",
        {
            "filter": found.filterset,
            "page": page,
            "query": query,
            "box": box,
            "is_staff": actor.is_staff,
            "headers": lists.headers(found.sorting),
            "rows": lists.rows(page, actor),
        },
    )


def _sender_for(actor, person):
    """The organization that refers ``person`` for ``actor``: the person's own organization
    when the actor works for it, else one of the actor's organizations holding a grant on her
    (a person received by referral may be referred on); None when the actor may not refer her."""
    if actor.acts_for(person.organization_id):
        return person.organization
    from beneficiaries.models import AccessGrant

    grant = (
        AccessGrant.objects.in_force()
        .filter(person=person, organization_id__in=actor.member_org_ids)
        .select_related("organization")
        .first()
    )
    return grant.organization if grant else None


def _create(request, person, source_visit=None):
    actor = Actor.of(request.user)
    sender = _sender_for(actor, person)
    if sender is None:
        raise PermissionDenied
    form = ReferralForm(request.POST or None, person=person, from_organization=sender, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                person=person,
                from_organization=sender,
                actor=request.user,
                source_visit=source_visit,
                **form.service_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("已转介给“%(org)s”，对方接收后会通知您。") % {"org": referral.to_organization.name}
            )
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "person": person, "sender": sender, "visit": source_visit},
    )


@field_worker_required
def referral_create(request, person_pk):
    """ "转介" from a person's page."""
    person = get_visible_or_404(Beneficiary.objects.select_related("town", "organization"), request.user, pk=person_pk)
    return _create(request, person)


@field_worker_required
def referral_create_from_visit(request, visit_pk):
    """ "转介" from a visit's page: the visit is kept as where the referral came from."""
    visit = get_visible_or_404(
        Visit.objects.select_related("beneficiary", "beneficiary__town"), request.user, pk=visit_pk
    )
    person = get_visible_or_404(
        Beneficiary.objects.select_related("town", "organization"), request.user, pk=visit.beneficiary_id
    )
    return _create(request, person, source_visit=visit)


def _detail_context(request, referral, **forms):
    actor = Actor.of(request.user)
    actions = workflow.actions_for(actor, referral)
    conceal = lists.conceals(actor, referral.kind, referral.status, referral.from_organization_id)
    person_visible = not conceal and Beneficiary.objects.visible_to(request.user).filter(pk=referral.person_id).exists()
    step_forms = []
    for action in actions:
        form = forms.get(action) or StepForm(referral=referral, action=action)
        step_forms.append({"action": action, "label": workflow.STEPS[action].label, "form": form})
    context = {
        "referral": referral,
        "conceal": conceal,
        "person_visible": person_visible,
        "masked_phone": mask_phone(referral.person.phone),
        "events": referral.events.select_related("author", "organization").order_by("at", "id"),
        "step_forms": step_forms,
        "is_sender": actor.acts_for(referral.from_organization_id) and not actor.is_staff,
    }
    receiver = workflow.party_may(actor, referral, workflow.RECEIVER)
    if "case" in forms:
        context["case_form"] = forms["case"]  # refused: shown again with its errors
    elif receiver and referral.status == Referral.Status.ACCEPTED and not referral.resulting_case_id:
        context["case_form"] = OpenCaseForm()
    case = referral.resulting_case
    if case is not None and MediationCase.objects.visible_to(request.user).filter(pk=case.pk).exists():
        context["case"] = case
    return context


@field_worker_required
def referral_detail(request, pk):
    referral = _referral_or_404(request, pk)
    return render(request, "referrals/referral_detail.html", _detail_context(request, referral))


@field_worker_required
@require_POST
def referral_step(request, pk, action):
    """One workflow step (accept, reject, complete, withdraw, redirect, approve, decline,
    cancel): 403 for whoever the table does not name (nothing written); a step lacking what it
    needs shows the page again with the errors next to the fields."""
    referral = _referral_or_404(request, pk)
    if action not in workflow.STEPS:
        raise Http404
    if not workflow.party_may(request.user, referral, workflow.STEPS[action].by):
        raise PermissionDenied  # a wrong status, by the right side, is said on the form
    form = StepForm(request.POST, referral=referral, action=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = services.referral_step(
                referral=referral,
                action=action,
                actor=request.user,
                note=data.get("note", ""),
                reject_reason=data.get("reject_reason", ""),
                outcome=data.get("outcome", ""),
                to_organization=data.get("to_organization"),
                consent_date=data.get("consent_date"),
                consent_method=data.get("consent_method", ""),
                guardian_name=data.get("guardian_name", ""),
                guardian_consent_date=data.get("guardian_consent_date"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("转介状态已变更为“%(s)s”。") % {"s": done.get_status_display()})
            return redirect("referrals:detail", pk=referral.pk)
    context = _detail_context(request, _referral_or_404(request, pk), **{action: form})
    return render(request, "referrals/referral_detail.html", context)


@field_worker_required
@require_POST
def referral_open_case(request, pk):
    """The receiving organization opens a mediation case from an accepted referral."""
    referral = _referral_or_404(request, pk)
    if not workflow.party_may(request.user, referral, workflow.RECEIVER):
        raise PermissionDenied
    form = OpenCaseForm(request.POST)
    if form.is_valid():
        try:
            _referral, case = services.referral_open_case(
                referral=referral,
                actor=request.user,
                category=form.cleaned_data["category"],
                received_date=form.cleaned_data["received_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已立案：%(n)s。") % {"n": case.number})
            return redirect("cases:detail", pk=case.pk)
    return render(
        request, "referrals/referral_detail.html", _detail_context(request, _referral_or_404(request, pk), case=form)
    )


@field_worker_required
def referral_from_case(request, case_pk):
    """Closing a case as 转介 with the organization it goes to: the case is closed and the
    referral sent in one step."""
    case = get_visible_or_404(MediationCase.objects.select_related("organization"), request.user, pk=case_pk)
    actor = Actor.of(request.user)
    if not actor.acts_for(case.organization_id):
        raise PermissionDenied
    people = Beneficiary.objects.visible_to(request.user).filter(
        pk__in=case.parties.filter(beneficiary__isnull=False).values("beneficiary_id")
    )
    form = FromCaseForm(request.POST or None, case=case, people=people, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_from_case(
                case=case,
                person=data["person"],
                actor=request.user,
                closed_date=data["closed_date"],
                outcome=data["outcome"],
                **{k: v for k, v in form.service_data().items() if k not in ("closed_date", "outcome")},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("案件已以“转介”结案，转介已发给“%(org)s”。") % {"org": referral.to_organization.name}
            )
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/from_case.html", {"form": form, "case": case, "has_people": people.exists()})


@field_worker_required
def referral_request(request):
    """The duplicate path: the person the beneficiary form found registered elsewhere (kept in
    the session, never shown) is asked for by a referral request to the registering
    organization, which decides with the person's consent."""
    person_pk = request.session.get(DUPLICATE_SESSION_KEY)
    person = Beneficiary.objects.filter(pk=person_pk).first() if person_pk else None
    actor = Actor.of(request.user)
    organizations = Organization.objects.recordable_by(request.user)
    if person is not None:
        organizations = organizations.exclude(pk=person.organization_id)
    if person is None or not organizations.exists():
        messages.error(request, _("没有待申请转介的服务对象：请先在“新增服务对象”中填写身份证号。"))
        return redirect("beneficiaries:create")
    form = RequestForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not actor.acts_for(data["organization"].pk):
            raise PermissionDenied
        try:
            referral = services.referral_request(
                person=person,
                requesting_organization=data["organization"],
                actor=request.user,
                reason=data["reason"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.pop(DUPLICATE_SESSION_KEY, None)
            messages.success(request, _("转介申请已发给登记该服务对象的组织，对方同意后您可以查看其档案。"))
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/request_form.html", {"form": form})
