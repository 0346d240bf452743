"""Portal-wide pages, the allauth account pages and the Django admin."""

from . import ROLES, Rule, login_only

PUBLIC = dict.fromkeys(ROLES, 200)


def build(world):
    from core.models import Notification

    # A notification of A's member: only she may open it (everyone else: 404).
    world.set(
        notification_a=Notification.objects.create(
            user=world.users["member_a"], kind="report_returned", text="报告被退回", url="/projects/", key="walker:1"
        )
    )


def _allauth_rules():
    # Login, password reset and the other account pages: public or for any signed-in user; they
    # show no records.  Signed-in users visiting the login page are redirected home (302).
    any_ok = {"anon": (200, 302), **{role: (200, 302) for role in ROLES if role != "anon"}}
    names = [
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",
        "account_email",
        "account_email_verification_sent",
        "account_change_password",
        "account_set_password",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key_done",
        "account_confirm_email",
        "account_reauthenticate",
        "account_confirm_login_code",
        "account_request_login_code",
        "account_reset_password_from_key",
        "account_confirm_password_reset_code",
        "account_reauthenticate_code",
        "account_confirm_reauthentication_code",
        "account_request_reauthentication_code",
        "account_email_verification_code",
        "account_email_change",
        "account_phone_change",
        "account_verify_phone",
        "account_login_by_passkey",
        "account_signup_by_passkey",
        "account_confirm_phone_verification_code",
    ]
    kwargs = {
        "account_confirm_email": lambda w: {"key": "nokey"},
        "account_reset_password_from_key": lambda w: {"uidb36": "1", "key": "set-password"},
    }
    return {name: Rule(expect={**any_ok}, kwargs=kwargs.get(name, lambda w: {}), note="allauth") for name in names} | {
        "account_signup": Rule(expect=dict.fromkeys(ROLES, (200, 302, 403, 404)), note="sign-up closed")
    }


RULES = {
    "home": login_only(),
    "healthz": Rule(expect=PUBLIC),
    "set_language": Rule(
        expect=dict.fromkeys(ROLES, 302),
        method="post",
        data=lambda w: {"language": "en", "next": "/"},
        writes=False,  # a cookie, not the database
    ),
    "javascript-catalog": Rule(expect=PUBLIC),
    # Each person's own notifications: the list is everyone's own; another's notification is a 404.
    "notifications:list": login_only(),
    "notifications:open": Rule(
        expect={"anon": 302, "staff": 404, "leader": 404, "admin_a": 404, "member_a": 302, "member_b": 404},
        kwargs=lambda w: {"pk": w.notification_a.pk},
    ),
    "notifications:read_all": Rule(
        expect={"anon": 302, "staff": 302, "leader": 302, "admin_a": 302, "member_a": 302, "member_b": 302},
        method="post",
    ),
    **_allauth_rules(),
}
