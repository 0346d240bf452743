"""Creating accounts.  Nobody signs up: staff create leader, staff and organization accounts;
organization admins create accounts for their own organization's members."""

from allauth.account.forms import ResetPasswordForm
from allauth.core.context import request_context

from .models import User


def user_create(*, email, full_name, role, password=None, request=None, phone=""):
    """Creates an active account.  Without a password, the new user gets an email with a link
    to set one (recorded with the account, sent after the transaction commits: core.mail)."""
    user = User.objects.create_user(email=email, password=password or None, full_name=full_name, role=role, phone=phone)
    if not password and request is not None:
        send_set_password_email(request=request, email=user.email)
    return user


def send_set_password_email(*, request, email):
    # allauth's reset flow builds the link and mails it through the adapter (accounts.adapter).
    with request_context(request):
        form = ResetPasswordForm(data={"email": email})
        if form.is_valid():
            form.save(request)
