"""Beneficiaries, visits and the key-care overdue list.  Leaders see none of these pages (they
hold personal data); organization users see their own organizations' records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import field_worker_required
from core.feedback import add_service_errors, error_messages
from core.history import field_label
from core.lists import posted_search, without_search
from core.pagination import keyset_paginate, paginate
from organizations.access import can_act_for, get_visible_or_404, is_staff, scope_key
from organizations.audit import events_about

from . import lists, rules, services
from .filters import SearchForm
from .forms import BeneficiaryForm, DeactivateForm, VisitForm, WithdrawVisitForm
from .history import history_entries, visit_history_entries
from .models import Beneficiary, Visit
from .services import (
    REVEALABLE,
    DuplicateIdNumber,
    PossibleDuplicate,
    PossibleDuplicateVisit,
    beneficiary_deactivate,
    beneficiary_reactivate,
    personal_data_reveal,
)

SEARCH_LIMIT = 20


@field_worker_required
def beneficiary_list(request):
    """The register.  Filters and the sort are in the URL; the free-text search is posted so
    that names, ID-number tails and phones never appear in URLs or logs."""
    if request.method == "POST":
        return posted_search(request, lists.BENEFICIARY_SEARCH_KEY, SearchForm)
    found = lists.beneficiary_query(request)
    page, query = keyset_paginate(
        request, found.rows, found.sorting.order, anchors=found.anchors, values=lists.BENEFICIARY_FIELDS
    )
    return render(
        request,
        "beneficiaries/beneficiary_list.html",
        {
            "filter": found.filterset,
            "search": SearchForm(initial={"q": found.searched}),
            "searched": found.searched,
            "page": page,
            "query": query,
            "headers": lists.beneficiary_headers(found.sorting),
            "rows": lists.beneficiary_rows(page),
            "clear_search_url": without_search(request),
        },
    )


def _masked(beneficiary):
    return [
        {
            "field": field,
            "label": field_label(Beneficiary, field),
            "masked": mask(getattr(beneficiary, field)),
        }
        for field, mask in REVEALABLE.items()
    ]


@field_worker_required
def beneficiary_detail(request, pk):
    beneficiary = get_visible_or_404(
        Beneficiary.objects.select_related("town", "organization").prefetch_related("categories"), request.user, pk=pk
    )
    today = timezone.localdate()
    # django-stubs cannot see the fields that a custom QuerySet method (overdue) annotates.
    overdue = (
        Beneficiary.objects.filter(pk=beneficiary.pk).overdue(today).values("days_overdue", "last_contact").first()  # type: ignore[misc]
    )
    visits_of = beneficiary.visits.all()
    own = can_act_for(request.user, beneficiary.organization_id)
    if not own:
        # An organization that sees the person through an access grant (an accepted referral)
        # sees its own visits only: the others stay in their organizations' scope.
        visits_of = Visit.objects.visible_to(request.user).filter(beneficiary=beneficiary)
    visits = list(visits_of.select_related("organization", "created_by").prefetch_related("services")[:100])
    can_manage = Beneficiary.objects.manageable_by(request.user).filter(pk=beneficiary.pk).exists()
    return render(
        request,
        "beneficiaries/beneficiary_detail.html",
        {
            "beneficiary": beneficiary,
            "personal": _masked(beneficiary),
            # Whoever may open the record may reveal its fields (get_visible_or_404 above is
            # personal_data_reveal's rule too: services.may_see_personal_data).
            "can_reveal": True,
            "can_edit": own,
            "can_manage": can_manage,
            "can_deactivate": beneficiary.active and can_manage,
            "deactivate_form": DeactivateForm(),
            "show_history": is_staff(request.user),
            "overdue": overdue,
            "visits": visits,
            "visit_count": visits_of.count() if len(visits) == 100 else len(visits),
            "is_minor": beneficiary.age_on(today) < rules.MINOR_AGE,
        },
    )


def _save_form(request, form, template, context, beneficiary=None):
    """Validates (the rules, every error at once), saves through the service, and turns its
    refusals into form errors."""
    context = {**context, "form": form}
    if request.method == "POST" and form.is_valid():
        confirm = form.cleaned_data.get("confirm_similar", False)
        try:
            if beneficiary is None:
                beneficiary = services.beneficiary_create(
                    actor=request.user, confirm_similar=confirm, **form.service_data()
                )
            else:
                beneficiary = services.beneficiary_update(
                    beneficiary=beneficiary,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                    confirm_similar=confirm,
                    **form.service_data(),
                )
        except DuplicateIdNumber as exc:
            add_service_errors(form, exc)
            visible = Beneficiary.objects.visible_to(request.user).filter(pk=exc.existing.pk).exists()
            context["duplicate_of"] = exc.existing if visible else None
            context["duplicate_hidden"] = not visible
            if not visible:
                # For "申请转介" (the referrals app): the person's id stays on the server.
                request.session["beneficiaries.duplicate_person"] = exc.existing.pk
        except PossibleDuplicate as exc:
            add_service_errors(form, exc)
            form.fields["confirm_similar"].widget = BeneficiaryForm.base_fields["confirm_similar"].widget
            visible_ids = set(
                Beneficiary.objects.visible_to(request.user)
                .filter(pk__in=[m.pk for m in exc.matches])
                .values_list("pk", flat=True)
            )
            context["similar"] = [m for m in exc.matches if m.pk in visible_ids]
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("服务对象“%(name)s”已保存。") % {"name": beneficiary.name})
            return redirect("beneficiaries:detail", pk=beneficiary.pk)
    return render(request, template, context)


@field_worker_required
def beneficiary_create(request):
    form = BeneficiaryForm(request.POST or None, user=request.user)
    return _save_form(request, form, "beneficiaries/beneficiary_form.html", {})


@field_worker_required
def beneficiary_edit(request, pk):
    beneficiary = get_visible_or_404(Beneficiary, request.user, pk=pk)
    if not can_act_for(request.user, beneficiary.organization_id):
        raise PermissionDenied
    form = BeneficiaryForm(request.POST or None, instance=beneficiary, user=request.user)
    return _save_form(
        request, form, "beneficiaries/beneficiary_form.html", {"beneficiary": beneficiary}, beneficiary=beneficiary
    )


@field_worker_required
@require_POST
def beneficiary_deactivate_view(request, pk):
    beneficiary = get_visible_or_404(Beneficiary, request.user, pk=pk)
    form = DeactivateForm(request.POST)
    try:
        beneficiary_deactivate(beneficiary=beneficiary, actor=request.user, reason=form.data.get("reason", ""))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("服务对象已停用，走访记录和修改历史仍然保留。"))
    return redirect("beneficiaries:detail", pk=beneficiary.pk)


@field_worker_required
@require_POST
def beneficiary_reactivate_view(request, pk):
    beneficiary = get_visible_or_404(Beneficiary, request.user, pk=pk)
    try:
        beneficiary_reactivate(beneficiary=beneficiary, actor=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("服务对象已恢复在册。"))
    return redirect("beneficiaries:detail", pk=beneficiary.pk)


@field_worker_required
@require_POST
def beneficiary_reveal(request, pk, field):
    """Shows one masked field of one record and records the access (who, when, which field)."""
    if field not in REVEALABLE:
        raise Http404
    beneficiary = get_visible_or_404(Beneficiary, request.user, pk=pk)
    value = personal_data_reveal(beneficiary=beneficiary, field=field, actor=request.user)
    context = {
        "beneficiary": beneficiary,
        "value": value,
        "label": field_label(Beneficiary, field),
    }
    template = "beneficiaries/_revealed.html" if request.htmx else "beneficiaries/reveal.html"
    return render(request, template, context)


@field_worker_required
def beneficiary_history(request, pk):
    beneficiary = get_visible_or_404(Beneficiary, request.user, pk=pk)
    if not is_staff(request.user):
        raise PermissionDenied
    accesses = events_about("beneficiary", beneficiary.pk)[:50]
    return render(
        request,
        "beneficiaries/beneficiary_history.html",
        {"beneficiary": beneficiary, "entries": history_entries(beneficiary), "accesses": accesses},
    )


@field_worker_required
def visit_list(request):
    """Visits, newest first: each person told apart by the masked ID-number tail and village;
    searchable by name, pinyin initials, ID-number tail or phone (posted, never in the URL);
    sortable by date and supplies value; paged by keyset (deep pages cost the first's)."""
    if request.method == "POST":
        return posted_search(request, lists.VISIT_SEARCH_KEY, SearchForm)
    found = lists.visit_query(request)
    page, query = keyset_paginate(
        request,
        found.rows,
        found.sorting.order,
        anchors=found.anchors,
        values=lists.VISIT_FIELDS,
        remember_count=("visits", scope_key(request.user), found.filterset.chosen(), found.searched),
        ids_first=bool(found.searched),
    )
    return render(
        request,
        "beneficiaries/visit_list.html",
        {
            "filter": found.filterset,
            "search": SearchForm(initial={"q": found.searched}),
            "searched": found.searched,
            "page": page,
            "query": query,
            "headers": lists.visit_headers(found.sorting),
            "rows": lists.visit_rows(page, request.user),
            "clear_search_url": without_search(request),
        },
    )


def _visit_or_404(request, pk):
    # Withdrawn visits too (all_objects): their page says so, and keeps their history.
    return get_visible_or_404(
        Visit.all_objects.select_related(
            "beneficiary", "beneficiary__town", "organization", "created_by", "withdrawn_by"
        ).prefetch_related("services"),
        request.user,
        pk=pk,
    )


@field_worker_required
def visit_detail(request, pk):
    visit = _visit_or_404(request, pk)
    refusal = rules.visit_change_error(request.user, visit)
    return render(
        request,
        "beneficiaries/visit_detail.html",
        {
            "visit": visit,
            "can_change": not visit.withdrawn and refusal is None,
            "change_refusal": refusal if not visit.withdrawn else None,
            "history": visit_history_entries(visit) if is_staff(request.user) or refusal is None else [],
        },
    )


def _change_allowed(request, visit):
    refusal = rules.visit_change_error(request.user, visit)
    if visit.withdrawn or refusal:
        # Not withdrawn means refused: ``refusal`` is a message here, never None.
        messages.error(request, _("这条走访记录已撤回。") if visit.withdrawn else refusal)  # type: ignore[arg-type]
        return False
    return True


@field_worker_required
def visit_edit(request, pk):
    """Corrects a visit: staff at any time, the recorder or the organization's admin within 7
    days; the form carries the version (a stale save is refused with what changed)."""
    visit = _visit_or_404(request, pk)
    if not _change_allowed(request, visit):
        return redirect("beneficiaries:visit_detail", pk=visit.pk)
    beneficiary = visit.beneficiary
    form = VisitForm(request.POST or None, user=request.user, beneficiary=beneficiary, visit=visit)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            services.visit_update(
                visit=visit,
                actor=request.user,
                version=form.cleaned_data["version"],
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                **data,
            )
        except PossibleDuplicateVisit as exc:
            add_service_errors(form, exc)
            form.fields["confirm_duplicate"].widget = VisitForm.base_fields["confirm_duplicate"].widget
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("走访记录已修改，修改已记入历史。"))
            return redirect("beneficiaries:visit_detail", pk=visit.pk)
    return render(request, "beneficiaries/visit_form.html", {"form": form, "beneficiary": beneficiary, "visit": visit})


@field_worker_required
def visit_withdraw(request, pk):
    """Withdraws a visit entered by mistake, after a confirmation page with the reason."""
    visit = _visit_or_404(request, pk)
    if not _change_allowed(request, visit):
        return redirect("beneficiaries:visit_detail", pk=visit.pk)
    form = WithdrawVisitForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_withdraw(
                visit=visit,
                actor=request.user,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("走访记录已撤回：记录仍保留，但不再计入任何统计和名单。"))
            return redirect("beneficiaries:visit_detail", pk=visit.pk)
    return render(request, "beneficiaries/visit_withdraw.html", {"form": form, "visit": visit})


def _pickable(user):
    return Beneficiary.objects.visible_to(user).active().select_related("town", "organization")


@field_worker_required
def visit_start(request):
    """Screen 1 of "log a visit": type a few characters (name, pinyin initials, ID-number tail,
    phone) and tap the person.  The search is posted (by htmx as one types, or by the button),
    so what is typed never appears in a URL."""
    search = SearchForm(request.POST or None)
    results = None
    if request.method == "POST" and search.is_valid():
        text = search.cleaned_data["q"].strip()
        results = list(_pickable(request.user).search(text).order_by("name", "id")[:SEARCH_LIMIT]) if text else []
        if request.htmx:
            return render(
                request,
                "beneficiaries/_pick_results.html",
                {"results": results, "limit": SEARCH_LIMIT, "searched": bool(text)},
            )
    due = list(_pickable(request.user).overdue(timezone.localdate())[:8]) if results is None else []
    return render(
        request,
        "beneficiaries/visit_start.html",
        {"search": search, "results": results, "due": due, "limit": SEARCH_LIMIT, "searched": results is not None},
    )


@field_worker_required
def visit_create_view(request, pk):
    """Screen 2: the visit form for one beneficiary; saving leads to screen 3, the person's page."""
    beneficiary = get_visible_or_404(Beneficiary.objects.select_related("town", "organization"), request.user, pk=pk)
    if not can_act_for(request.user, beneficiary.organization_id):
        raise PermissionDenied
    form = VisitForm(request.POST or None, user=request.user, beneficiary=beneficiary)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_create(
                beneficiary=beneficiary,
                actor=request.user,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                **form.service_data(),
            )
        except PossibleDuplicateVisit as exc:
            # Same person, organization, date and mode: saved only once the volunteer confirms.
            add_service_errors(form, exc)
            form.fields["confirm_duplicate"].widget = VisitForm.base_fields["confirm_duplicate"].widget
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记对“%(name)s”的走访。") % {"name": beneficiary.name})
            return redirect(reverse("beneficiaries:detail", kwargs={"pk": beneficiary.pk}) + "#visits")
    return render(request, "beneficiaries/visit_form.html", {"form": form, "beneficiary": beneficiary})


@field_worker_required
def overdue_list(request):
    """Key-care beneficiaries behind their cadence: staff the whole district, organization users
    their own; with days overdue and counts by town.  The overdue rule runs once per request:
    key-care people are few, so their overdue rows are read once and counted and paged here."""
    today = timezone.localdate()
    found = lists.overdue_query(request, today)
    overdue = list(found.rows)
    by_town = lists.counts_by_town(overdue)
    page, query = paginate(request, overdue)
    return render(
        request,
        "beneficiaries/overdue_list.html",
        {
            "filter": found.filterset,
            "page": page,
            "query": query,
            "headers": lists.overdue_headers(found.sorting),
            "rows": lists.overdue_rows(page),
            "by_town": by_town,
            "total": len(overdue),
            "today": today,
        },
    )
