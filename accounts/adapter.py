from allauth.account.adapter import DefaultAccountAdapter

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
