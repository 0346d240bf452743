"""What the authentication libraries tell us (Django's auth, allauth and axes signals), handed
to the services: the sign-in record, and a set-password link proving the address.  Connected
in AccountsConfig.ready()."""

from allauth.account import signals as allauth_signals
from axes.signals import user_locked_out
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from .models import SignInEvent
from .services import email_confirm_by_password_link, signin_record, signin_unlock
from .signin import attempted_address

Kind = SignInEvent.Kind


@receiver(auth_signals.user_logged_in, dispatch_uid="signin_login")
def on_login(sender, request, user, **kwargs):
    signin_record(kind=Kind.LOGIN, request=request, user=user)


@receiver(auth_signals.user_logged_out, dispatch_uid="signin_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        signin_record(kind=Kind.LOGOUT, request=request, user=user)


@receiver(auth_signals.user_login_failed, dispatch_uid="signin_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    signin_record(kind=Kind.LOGIN_FAILED, request=request, email=attempted_address(request, credentials))


@receiver(user_locked_out, dispatch_uid="signin_locked_out")
def on_locked_out(sender, request, username, **kwargs):
    signin_record(kind=Kind.LOCKED_OUT, request=request, email=username or "")


@receiver(allauth_signals.password_changed, dispatch_uid="signin_password_changed")
@receiver(allauth_signals.password_set, dispatch_uid="signin_password_set")
def on_password_changed(sender, request, user, **kwargs):
    signin_record(kind=Kind.PASSWORD_CHANGED, request=request, user=user)


@receiver(allauth_signals.password_reset, dispatch_uid="signin_password_reset")
def on_password_reset(sender, request, user, **kwargs):
    email_confirm_by_password_link(user=user)
    signin_unlock(user=user)
    signin_record(kind=Kind.PASSWORD_RESET, request=request, user=user)
