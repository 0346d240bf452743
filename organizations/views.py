from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services import user_create
from core.decorators import staff_required
from core.feedback import add_service_errors, error_messages, form_error_messages
from core.pagination import paginate

from . import lists, services
from .access import can_manage_organization, get_visible_or_404, is_staff
from .audit import subject_labels, subject_types
from .filters import AccessLogFilter
from .forms import AccountCreateForm, MembershipAddForm, MembershipRoleForm, OrganizationForm
from .models import DataAccessEvent, DataAccessSubject, Invitation, Membership, Organization
from .panels import panels_for
from .services import (
    invitation_accept,
    invitation_decline,
    invitation_revoke,
    membership_add,
    membership_remove,
)


@login_required
def organization_list(request):
    found = lists.organization_query(request)
    page, query = paginate(request, lists.organization_values(found.rows, found.sorting))
    return render(
        request,
        "organizations/organization_list.html",
        {
            "filter": found.filterset,
            "page": page,
            "query": query,
            "headers": lists.organization_headers(found.sorting),
            "rows": lists.organization_rows(page),
            "can_create": is_staff(request.user),
        },
    )


@login_required
def organization_detail(request, pk):
    organization = get_visible_or_404(
        Organization.objects.select_related("town").prefetch_related("service_areas"), request.user, pk=pk
    )
    return _render_organization(request, organization)


def _render_organization(request, organization, member_form=None):
    """The organization page; ``member_form``: a refused "add a member" form, shown again with
    its errors next to its fields."""
    can_manage = can_manage_organization(request.user, organization.pk)
    show_members = (
        is_staff(request.user) or Membership.objects.visible_to(request.user).filter(organization=organization).exists()
    )
    memberships = (
        list(organization.memberships.select_related("user").order_by("role", "user__email")) if show_members else []
    )
    invitations = (
        Invitation.objects.pending().filter(organization=organization).select_related("user", "invited_by")
        if can_manage
        else []
    )
    if is_staff(request.user):
        for membership in memberships:
            membership.role_form = MembershipRoleForm(membership=membership)
    if can_manage and member_form is None:
        member_form = MembershipAddForm(can_add_admin=is_staff(request.user))
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "memberships": memberships,
            "invitations": invitations,
            "show_members": show_members,
            "can_manage": can_manage,
            "can_add_admin": is_staff(request.user),
            "membership_role": Membership.Role,  # rows' roles are compared with its members
            "member_form": member_form if can_manage else None,
            "panels": panels_for(request, organization),
        },
    )


@staff_required
def organization_create(request):
    form = OrganizationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("组织“%(name)s”已创建。") % {"name": organization.name})
            return redirect("organizations:detail", pk=organization.pk)
    return render(request, "organizations/organization_form.html", {"form": form})


@login_required
def organization_edit(request, pk):
    organization = get_visible_or_404(Organization, request.user, pk=pk)
    if not can_manage_organization(request.user, organization.pk):
        raise PermissionDenied
    # Only the fields the user may change are offered (an admin does not see 正常运行).
    form = OrganizationForm(request.POST or None, instance=organization, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                organization=organization,
                actor=request.user,
                version=form.cleaned_data["version"],
                **form.service_data(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("组织信息已保存。"))
            return redirect("organizations:detail", pk=organization.pk)
    return render(request, "organizations/organization_form.html", {"form": form, "organization": organization})


@staff_required
@require_POST
def membership_role(request, pk, membership_pk):
    """Staff make a member an admin or an admin a member; a page loaded before another change
    of the same membership is refused with what changed."""
    organization = get_visible_or_404(Organization, request.user, pk=pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, organization=organization
    )
    form = MembershipRoleForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                actor=request.user,
                version=form.cleaned_data["version"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _("已将 %(email)s 的角色改为“%(role)s”。")
                % {
                    "email": membership.user.email,
                    "role": Membership.Role(form.cleaned_data["role"]).label,
                },
            )
    else:
        form_error_messages(request, form)
    return redirect(reverse("organizations:detail", args=[organization.pk]) + "#members")


@login_required
@require_POST
def membership_create(request, pk):
    organization = get_visible_or_404(Organization, request.user, pk=pk)
    if not can_manage_organization(request.user, organization.pk):
        raise PermissionDenied
    form = MembershipAddForm(request.POST, can_add_admin=is_staff(request.user))
    if form.is_valid():
        try:
            added = membership_add(
                organization=organization,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if isinstance(added, Invitation):
                messages.success(
                    request, _("%(email)s 已有账号：已发出邀请，对方接受后才会加入本组织。") % {"email": added.email}
                )
            else:
                messages.success(request, _("已添加成员 %(email)s。") % {"email": added.user.email})
            return redirect("organizations:detail", pk=organization.pk)
    # Refused: the page again, the errors next to the fields of the form as it was filled.
    return _render_organization(request, organization, member_form=form)


@login_required
@require_POST
def invitation_revoke_view(request, pk, invitation_pk):
    organization = get_visible_or_404(Organization, request.user, pk=pk)
    invitation = get_object_or_404(
        Invitation.objects.visible_to(request.user), pk=invitation_pk, organization=organization
    )
    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("已撤回对 %(email)s 的邀请。") % {"email": invitation.email})
    return redirect("organizations:detail", pk=organization.pk)


@login_required
@require_POST
def invitation_answer(request, invitation_pk, answer):
    """The invitee accepts or declines; another user's invitation is a 404."""
    invitation = get_object_or_404(Invitation.objects.addressed_to(request.user), pk=invitation_pk)
    try:
        if answer == "accept":
            invitation_accept(invitation=invitation, actor=request.user)
        else:
            invitation_decline(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("home")
    if answer == "accept":
        messages.success(request, _("您已加入“%(name)s”。") % {"name": invitation.organization.name})
        return redirect("organizations:detail", pk=invitation.organization_id)
    messages.info(request, _("已拒绝“%(name)s”的邀请。") % {"name": invitation.organization.name})
    return redirect("home")


@login_required
def membership_delete(request, pk, membership_pk):
    """Removing a member asks first: GET shows whom, in which organization, and what they will
    no longer see, with the 确认移除 button (a plain page: it works without JavaScript); the
    POST removes."""
    organization = get_visible_or_404(Organization, request.user, pk=pk)
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).select_related("user"), pk=membership_pk, organization=organization
    )
    if request.method != "POST":
        if not services.may_remove_membership(membership=membership, actor=request.user):
            raise PermissionDenied
        return render(
            request, "organizations/member_remove.html", {"organization": organization, "membership": membership}
        )
    membership_remove(membership=membership, actor=request.user)
    messages.success(request, _("已移除成员 %(email)s。") % {"email": membership.user.email})
    return redirect(reverse("organizations:detail", args=[organization.pk]) + "#members")


@staff_required
def account_list(request):
    """Staff manage staff and leader accounts here."""
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            role=form.cleaned_data["role"],
            request=request,
        )
        messages.success(request, _("账号 %(email)s 已创建，设置密码的邮件已发出。") % {"email": user.email})
        return redirect("organizations:accounts")
    users = User.objects.filter(Q(role__in=[User.Role.STAFF, User.Role.LEADER]) | Q(is_superuser=True)).order_by(
        "role", "email"
    )
    return render(request, "organizations/account_list.html", {"form": form, "users": users})


@staff_required
def access_log(request):
    """Every access to personal data (reveals of beneficiaries' and case parties' fields, masked
    and full exports, duplicate-registration attempts), newest first, for federation staff."""
    base = DataAccessEvent.objects.select_related("user", "organization")
    person_type, person_id = request.GET.get("person_type", ""), request.GET.get("person_id", "")
    person = None
    if person_type in subject_types() and person_id.isdigit():
        # A person's own log links here with the exact record.
        subjects = DataAccessSubject.objects.filter(event=OuterRef("pk"), record_type=person_type, record_id=person_id)
        base = base.filter(Exists(subjects))
        person = subject_types()[person_type].labels({int(person_id)}).get(int(person_id))
    filterset = AccessLogFilter(request.GET or None, queryset=base)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page, query = paginate(request, queryset.order_by("-at", "-id"))
    labels = subject_labels(page.object_list)
    for event in page.object_list:
        event.people = labels.get(event.pk, [])
    return render(
        request, "organizations/access_log.html", {"filter": filterset, "page": page, "query": query, "person": person}
    )
