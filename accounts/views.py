from allauth.account.models import EmailAddress
from allauth.account.views import EmailView as AllauthEmailView
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.decorators import staff_required
from core.pagination import paginate

from .filters import SignInEventFilter
from .models import SignInEvent


class EmailView(AllauthEmailView):
    """allauth's address page, refusing to make an unverified address primary (allauth allows
    it while the account has no verified address, e.g. one created in the admin)."""

    def post(self, request, *args, **kwargs):
        if "action_primary" in request.POST:
            address = EmailAddress.objects.filter(
                user=request.user, email__iexact=request.POST.get("email", "")
            ).first()
            if address is not None and not address.verified:
                messages.error(request, _("该邮箱尚未验证，验证后才能设为登录邮箱。"))
                return redirect("account_email")
        return super().post(request, *args, **kwargs)


email = EmailView.as_view()


@staff_required
def signin_list(request):
    """Staff read the sign-in record: logins, failures, lockouts, logouts, password changes."""
    filterset = SignInEventFilter(request.GET or None, queryset=SignInEvent.objects.all())
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else SignInEvent.objects.all()
    page, query = paginate(request, queryset.select_related("user").order_by("-created_at", "-id"))
    return render(
        request,
        "accounts/signin_list.html",
        {"filter": filterset, "page": page, "query": query, "retention_days": settings.SIGNIN_AUDIT_RETENTION_DAYS},
    )
