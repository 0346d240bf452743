from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services import user_create
from core.decorators import staff_required
from core.feedback import add_service_errors, error_messages, form_error_messages
from core.pagination import paginate

from . import services
from .access import can_manage_organization, get_visible_or_404, is_staff
from .filters import OrganizationFilter
from .forms import AccountCreateForm, MembershipAddForm, MembershipRoleForm, OrganizationForm
from .models import Membership, Organization
from .panels import panels_for
from .services import membership_add, membership_remove


@login_required
def organization_list(request):
    base = (
        Organization.objects.visible_to(request.user)
        .select_related("town")
        .prefetch_related("service_areas")
        .annotate(member_count=Count("memberships", distinct=True))
    )
    filterset = OrganizationFilter(request.GET or None, queryset=base)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page, query = paginate(request, queryset.order_by("town__order", "name"))
    return render(
        request,
        "organizations/organization_list.html",
        {"filter": filterset, "page": page, "query": query, "can_create": is_staff(request.user)},
    )


@login_required
def organization_detail(request, pk):
    organization = get_visible_or_404(
        Organization.objects.select_related("town").prefetch_related("service_areas"), request.user, pk=pk
    )
    can_manage = can_manage_organization(request.user, organization.pk)
    show_members = (
        is_staff(request.user) or Membership.objects.visible_to(request.user).filter(organization=organization).exists()
    )
    memberships = (
        list(organization.memberships.select_related("user").order_by("role", "user__email")) if show_members else []
    )
    if is_staff(request.user):
        for membership in memberships:
            membership.role_form = MembershipRoleForm(membership=membership)
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "memberships": memberships,
            "show_members": show_members,
            "can_manage": can_manage,
            "can_add_admin": is_staff(request.user),
            "member_form": MembershipAddForm(can_add_admin=is_staff(request.user)) if can_manage else None,
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
            membership = membership_add(
                organization=organization,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("已添加成员 %(email)s。") % {"email": membership.user.email})
    else:
        form_error_messages(request, form)
    return redirect("organizations:detail", pk=organization.pk)


@login_required
@require_POST
def membership_delete(request, pk, membership_pk):
    organization = get_visible_or_404(Organization, request.user, pk=pk)
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user), pk=membership_pk, organization=organization
    )
    membership_remove(membership=membership, actor=request.user)
    messages.success(request, _("已移除成员 %(email)s。") % {"email": membership.user.email})
    return redirect("organizations:detail", pk=organization.pk)


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
