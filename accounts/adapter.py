import uuid
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from core.mail import absolute_url, email_language, send_email

from .signin import client_ip


class PortalAccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: staff and organization admins create accounts."""

    def is_open_for_signup(self, request):
        return False

    def send_password_reset_mail(self, user, email, context):
        # Reset (and set-password) links go to the account's own login address only, never to
        # an address it has merely asked to change to: following the link proves that address
        # (accounts.receivers marks it verified).
        if email.lower() == (user.email or "").lower():
            super().send_password_reset_mail(user, email, context)

    def get_client_ip(self, request):
        return client_ip(request) or super().get_client_ip(request)

    # allauth's emails (set or reset a password, confirm an address) go through the portal's
    # one email function: recorded in the request's transaction, sent once after commit by the
    # worker (a mail server that is down never fails the page), links absolute from SITE_URL.

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        with email_language():
            message = self.render_mail(
                template_prefix,
                email,
                {"request": request, "email": email, "current_site": get_current_site(request), **context},
            )
        html = next((content for content, kind in getattr(message, "alternatives", []) if kind == "text/html"), "")
        if message.content_subtype == "html":
            html = message.body
        send_email(
            key=f"allauth:{template_prefix}:{uuid.uuid4().hex}",
            to=message.to,
            subject=message.subject,
            body=message.body,
            html=html,
        )

    def get_reset_password_from_key_url(self, key):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation):
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))
