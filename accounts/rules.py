"""Rules about accounts, as pure checks shared by forms and services."""

from allauth.account.models import EmailAddress

from .models import User


def email_used_by_another_account(email, *, user):
    """Whether another account has this address, as its login or as an address it added
    (verified or not): one address belongs to one account."""
    email = email.strip().lower()
    return (
        User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    )
