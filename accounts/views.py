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
    """allauth's address page, closing what allauth leaves open to an account that has no
    verified address yet (one whose address was never proved, with a session still open):
    making an unverified address primary, and changing the address at all (allauth would take
    the unverified current address for the pending one and blank the login)."""

    def post(self, request, *args, **kwargs):
        addresses = EmailAddress.objects.filter(user=request.user)
        if "action_primary" in request.POST:
            address = addresses.filter(email__iexact=request.POST.get("email", "")).first()
            if address is not None and not address.verified:
                messages.error(request, _("该邮箱尚未验证，验证后才能设为登录邮箱。"))
                return redirect("account_email")
        if "action_add" in request.POST and not addresses.filter(verified=True).exists():
            messages.error(request, _("您当前的邮箱尚未验证：请先点击验证邮件中的链接，再更换邮箱。"))
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
