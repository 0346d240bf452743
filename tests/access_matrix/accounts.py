"""The portal's own account pages (allauth's are in core.py)."""

from . import Rule, staff_only

RULES = {
    # Sign-in events name accounts and their IP addresses: federation staff only.
    "account_signins": staff_only(),
}
RULES |= {
    # One's own device tokens: any signed-in user; another's token is a 404.
    "account_api_tokens": Rule(
        expect={"anon": 302, **dict.fromkeys(["staff", "leader", "admin_a", "member_a", "member_b"], 200)},
        post_expect={"anon": 302, **dict.fromkeys(["staff", "leader", "admin_a", "member_a", "member_b"], 200)},
        data=lambda w: {"name": "我的手机"},
    ),
    "account_api_token_revoke": Rule(
        expect={"anon": 302, "staff": 404, "leader": 404, "admin_a": 404, "member_a": 302, "member_b": 404},
        method="post",
        kwargs=lambda w: {"pk": w.token_a.pk},
    ),
}


def build(world):
    from accounts.services import api_token_create

    token, _raw = api_token_create(user=world.users["member_a"], name="组织A志愿者的手机")
    world.set(token_a=token)
