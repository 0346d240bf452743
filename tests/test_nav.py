"""What each role finds in the navigation, on the home page and on an organization's member
list: the links a person of that role sees, and only those (the templates decide by the role
booleans of fenghua_portal.context_processors.portal and by Membership.Role, never by comparing
the role as a string)."""

import re

import pytest
from django.urls import reverse

from organizations.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIELD_WORK = [
    "beneficiaries:visit_create",
    "beneficiaries:list",
    "beneficiaries:visit_list",
    "beneficiaries:overdue",
    "training:list",
    "referrals:list",
    "cases:list",
]
NAV = {
    "staff": [
        "home",
        *FIELD_WORK,
        "projects:list",
        "projects:review_queue",
        "organizations:list",
        "reports:dashboard",
        "spreadsheets:index",
        "organizations:accounts",
        "organizations:audit",
        "account_signins",
    ],
    "member": ["home", *FIELD_WORK, "projects:list", "organizations:list", "reports:dashboard", "spreadsheets:index"],
    "leader": ["home", "projects:list", "organizations:list", "reports:dashboard"],
}

WHO = {"staff": "staff", "member": "member_a", "leader": "leader"}  # the conftest's users


def nav_links(html):
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'<a [^>]*href="([^"]+)"', nav.group(0))


@pytest.mark.parametrize("role", ["staff", "member", "leader"])
def test_the_nav_shows_each_role_its_links_in_order(role, roles, client_for):
    html = client_for(roles[WHO[role]]).get(reverse("home")).content.decode()
    assert nav_links(html) == [reverse(name) for name in NAV[role]]


@pytest.mark.parametrize(("role", "shown"), [("staff", True), ("member", True), ("leader", False)])
def test_the_home_page_offers_recording_a_visit_to_field_workers_only(role, shown, roles, client_for):
    html = client_for(roles[WHO[role]]).get(reverse("home")).content.decode()
    button = f'<a class="button" href="{reverse("beneficiaries:visit_create")}">'
    assert (button in html) is shown


def test_an_admin_may_remove_members_and_withdraw_their_invitations_but_not_an_admins(
    org_a, admin_a, member_a, staff, client_for
):
    other_admin = UserFactory(email="admin2@example.cn")
    admin_row = Membership.objects.create(user=other_admin, organization=org_a, role=Membership.Role.ADMIN)
    member_row = Membership.objects.get(user=member_a, organization=org_a)
    invited_member = UserFactory(email="invited-member@example.cn")
    invited_admin = UserFactory(email="invited-admin@example.cn")
    from organizations.services import invitation_create

    member_invitation = invitation_create(
        organization=org_a, user=invited_member, role=Membership.Role.MEMBER, actor=staff
    )
    admin_invitation = invitation_create(
        organization=org_a, user=invited_admin, role=Membership.Role.ADMIN, actor=staff
    )

    def links(user):
        html = client_for(user).get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
        removable = {
            pk
            for pk in (member_row.pk, admin_row.pk)
            if reverse("organizations:member_remove", args=[org_a.pk, pk]) in html
        }
        revocable = {
            pk
            for pk in (member_invitation.pk, admin_invitation.pk)
            if reverse("organizations:invitation_revoke", args=[org_a.pk, pk]) in html
        }
        return removable, revocable

    assert links(admin_a) == ({member_row.pk}, {member_invitation.pk})
    assert links(staff) == ({member_row.pk, admin_row.pk}, {member_invitation.pk, admin_invitation.pk})
