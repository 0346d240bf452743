from . import Rule, login_only, staff_only
from .payloads import town_id


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


def _organization_a(w):
    """Organization A's own values, with a new contact person: a valid edit."""
    org = w.org_a
    return {
        "name": org.name,
        "credit_code": org.credit_code,
        "service_areas": [area.pk for area in org.service_areas.all()],
        "kind": org.kind,
        "town": org.town_id,
        "leader_name": "新负责人",
        "phone": org.phone,
        "founded": org.founded.isoformat() if org.founded else "",
        "volunteer_count": org.volunteer_count,
        "active": "on",
        "version": org.version,
    }


STAFF_POST = {"anon": 302, "staff": 302, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 403}

RULES = {
    "organizations:list": login_only(),
    # The directory holds no personal data: leaders may read it.  Members see their own orgs only.
    "organizations:detail": Rule(
        expect={"anon": 302, "staff": 200, "leader": 200, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=lambda w: {"pk": w.org_a.pk},
    ),
    "organizations:create": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 403},
        post_expect=STAFF_POST,
        data=lambda w: {
            "name": "新成立的巾帼志愿队",
            "kind": "volunteer_team",
            "town": town_id(),
            "volunteer_count": 5,
        },
    ),
    "organizations:edit": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 403, "member_b": 404},
        kwargs=lambda w: {"pk": w.org_a.pk},
        post_expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 403, "member_b": 404},
        data=_organization_a,
    ),
    "organizations:member_add": Rule(
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 403, "member_b": 404},
        kwargs=lambda w: {"pk": w.org_a.pk},
        method="post",
        data=lambda w: {"email": "new.volunteer@example.cn", "full_name": "新志愿者", "role": "member"},
    ),
    # GET: the confirmation page (whom, and what they will no longer see); POST removes.
    "organizations:member_remove": Rule(
        expect={"anon": 302, "staff": 200, "leader": 404, "admin_a": 200, "member_a": 403, "member_b": 404},
        kwargs=lambda w: {"pk": w.org_a.pk, "membership_pk": w.membership_a.pk},
        # A's admin removes a plain member; the member cannot remove anyone (not even themself).
        post_expect={"anon": 302, "staff": 302, "leader": 404, "admin_a": 302, "member_a": 403, "member_b": 404},
    ),
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
    "organizations:accounts": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 403},
        post_expect=STAFF_POST,
        data=lambda w: {"email": "new.leader@example.cn", "full_name": "新领导", "role": "leader"},
    ),
    # The audit log of personal-data access: federation staff only.
    "organizations:audit": staff_only(),
    "organizations:member_role": Rule(
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 403},
        kwargs=lambda w: {"pk": w.org_a.pk, "membership_pk": w.membership_a.pk},
        method="post",
        data=lambda w: {"role": "member", "version": w.membership_a.version},
    ),
}
