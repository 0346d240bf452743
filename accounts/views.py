from allauth.account.models import EmailAddress
from allauth.account.views import EmailView as AllauthEmailView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.decorators import staff_required
from core.feedback import add_service_errors
from core.pagination import paginate

from .filters import SignInEventFilter
from .forms import ApiTokenForm
from .models import ApiToken, SignInEvent
from .services import api_token_create, api_token_revoke


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


@login_required
def api_tokens(request):
    """The account's device tokens for the JSON API: listed (name, start of the token, created,
    last used, expiry, state), created (the token shown once, on this response only) and
    revoked."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            created = {"token": token, "raw": raw}
            form = ApiTokenForm()
    now = timezone.now()
    tokens = [{"token": token, "state": token.state(now)} for token in ApiToken.objects.filter(user=request.user)[:100]]
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "created": created, "tokens": tokens, "token_days": settings.API_TOKEN_DAYS},
    )


@login_required
@require_POST
def api_token_revoke_view(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, user=request.user)
    messages.success(request, _("令牌“%(name)s”已吊销，使用它的设备将无法再访问接口。") % {"name": token.name})
    return redirect("account_api_tokens")
