from . import Rule, login_only, staff_only


def build(world):
    import datetime

    from django.utils import timezone

    from organizations.models import Invitation, Membership

    world.set(membership_a=Membership.objects.get(user=world.users["member_a"], organization=world.org_a))
    # member_b invited into organization A by its admin, not yet answered.
    world.set(
        invitation_b=Invitation.objects.create(
            organization=world.org_a,
            user=world.users["member_b"],
            email=world.users["member_b"].email,
            invited_by=world.users["admin_a"],
            expires_at=timezone.now() + datetime.timedelta(days=14),
        )
    )


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
    "organizations:accounts": staff_only(),
    # Only the invitee answers an invitation; for everyone else it does not exist (404).
    "organizations:invitation_accept": Rule(
        expect={"anon": 302, "staff": 404, "leader": 404, "admin_a": 404, "member_a": 404, "member_b": 302},
        kwargs=lambda w: {"invitation_pk": w.invitation_b.pk},
        method="post",
    ),
    "organizations:invitation_decline": Rule(
        expect={"anon": 302, "staff": 404, "leader": 404, "admin_a": 404, "member_a": 404, "member_b": 302},
        kwargs=lambda w: {"invitation_pk": w.invitation_b.pk},
        method="post",
    ),
    # Staff and A's admin revoke (after staff did, the admin is told it is already withdrawn);
    # A's member may see the organization but not revoke; B does not see it.
    "organizations:invitation_revoke": Rule(
        expect={"anon": 302, "staff": 302, "leader": 404, "admin_a": 302, "member_a": 403, "member_b": 404},
        kwargs=lambda w: {"pk": w.org_a.pk, "invitation_pk": w.invitation_b.pk},
        method="post",
    ),
}
