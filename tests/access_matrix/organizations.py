from . import Rule, login_only, staff_only


def build(world):
    from organizations.models import Membership

    world.set(membership_a=Membership.objects.get(user=world.users["member_a"], organization=world.org_a))


RULES = {
    "organizations:list": login_only(),
    # The directory holds no personal data: leaders may read it.  Members see their own orgs only.
    "organizations:detail": Rule(
        expect={"anon": 302, "staff": 200, "leader": 200, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=lambda w: {"pk": w.org_a.pk},
    ),
    "organizations:create": staff_only(),
    "organizations:edit": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 403, "member_b": 404},
        kwargs=lambda w: {"pk": w.org_a.pk},
    ),
    "organizations:member_add": Rule(
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 403, "member_b": 404},
        kwargs=lambda w: {"pk": w.org_a.pk},
        method="post",
        data=lambda w: {"email": "", "full_name": "", "role": "member"},
    ),
    "organizations:member_remove": Rule(
        expect={"anon": 302, "staff": 405, "leader": 405, "admin_a": 405, "member_a": 405, "member_b": 405},
        kwargs=lambda w: {"pk": w.org_a.pk, "membership_pk": w.membership_a.pk},
        note="POST-only; the POST rules are tested in tests/organizations",
    ),
    "organizations:member_role": Rule(
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 403},
        kwargs=lambda w: {"pk": w.org_a.pk, "membership_pk": w.membership_a.pk},
        method="post",
        data=lambda w: {"role": "member", "version": w.membership_a.version},
    ),
    "organizations:accounts": staff_only(),
}
