from allauth.account.adapter import DefaultAccountAdapter


class NoSignupAccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: staff and organization admins create accounts."""

    def is_open_for_signup(self, request):
        return False
