"""Issue 10: adding an existing account to an organization invites it; nothing is attached
until the invitee accepts.  Before, membership_add attached the account at once: the first
test failed (member_b was a member of A right after the admin's POST)."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from organizations.models import Invitation, Membership
from organizations.services import (
    invitation_accept,
    invitation_decline,
    invitation_revoke,
    invitation_send_email,
    membership_add,
)
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def invite(client, org, email, role="member", **capture):
    return client.post(
        reverse("organizations:member_add", args=[org.pk]),
        {"email": email, "full_name": "某某", "role": role},
        **capture,
    )


def test_an_existing_account_is_invited_not_attached(
    org_a, admin_a, member_b, client_for, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://lanxin.example.cn"
    BeneficiaryFactory(name="王秀英", organization=org_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for(admin_a), org_a, "Member-B@example.cn", follow=True)
    assert "已发出邀请" in response.content.decode()
    assert not Membership.objects.filter(user=member_b, organization=org_a).exists()
    invitation = Invitation.objects.get(user=member_b)
    assert (invitation.organization, invitation.role, invitation.invited_by) == (org_a, "member", admin_a)
    assert invitation.status == "pending" and invitation.emailed_at is not None
    # The invitee sees none of A's people yet.
    b = client_for(member_b)
    assert b.get(reverse("organizations:detail", args=[org_a.pk])).status_code == 404
    assert "王秀英" not in b.get(reverse("beneficiaries:list")).content.decode()
    # One email, with an absolute link to the home page where the invitation waits.
    (mail,) = mailoutbox
    assert mail.to == ["member-b@example.cn"] and org_a.name in mail.subject
    assert "https://lanxin.example.cn/#invitations" in mail.body
    # Org admins see it pending on the member page.
    page = client_for(admin_a).get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    assert "待接受的邀请" in page and "member-b@example.cn" in page


def test_the_invitee_accepts_on_the_home_page_and_then_sees_the_people(org_a, admin_a, member_b, client_for):
    BeneficiaryFactory(name="王秀英", organization=org_a)
    invitation = membership_add(organization=org_a, email=member_b.email, full_name="", role="member", actor=admin_a)
    b = client_for(member_b)
    home = b.get(reverse("home")).content.decode()
    assert org_a.name in home and reverse("organizations:invitation_accept", args=[invitation.pk]) in home
    response = b.post(reverse("organizations:invitation_accept", args=[invitation.pk]))
    assert response["Location"] == reverse("organizations:detail", args=[org_a.pk])
    assert Membership.objects.get(user=member_b, organization=org_a).role == "member"
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.responded_at is not None
    assert "王秀英" in b.get(reverse("beneficiaries:list")).content.decode()
    # Answered: it leaves the home page and cannot be accepted twice.
    assert org_a.name not in b.get(reverse("home")).content.decode().split("我的组织")[0]
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, actor=member_b)


def test_declining_attaches_nothing(org_a, admin_a, member_b, client_for):
    invitation = membership_add(organization=org_a, email=member_b.email, full_name="", role="member", actor=admin_a)
    client_for(member_b).post(reverse("organizations:invitation_decline", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert not Membership.objects.filter(user=member_b, organization=org_a).exists()
    assert Beneficiary.objects.visible_to(member_b).filter(organization=org_a).count() == 0


def test_only_the_invitee_answers(org_a, admin_a, member_a, member_b, staff, client_for):
    invitation = membership_add(organization=org_a, email=member_b.email, full_name="", role="member", actor=admin_a)
    for user in (member_a, admin_a, staff):
        with pytest.raises(PermissionDenied):
            invitation_accept(invitation=invitation, actor=user)
        with pytest.raises(PermissionDenied):
            invitation_decline(invitation=invitation, actor=user)
        assert (
            client_for(user).post(reverse("organizations:invitation_accept", args=[invitation.pk])).status_code == 404
        )
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert set(Membership.objects.filter(organization=org_a).values_list("user__email", flat=True)) == {
        admin_a.email,
        member_a.email,
    }


def test_an_expired_or_revoked_invitation_cannot_be_accepted(org_a, admin_a, member_b, client_for):
    invitation = membership_add(organization=org_a, email=member_b.email, full_name="", role="member", actor=admin_a)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    b = client_for(member_b)
    assert org_a.name not in b.get(reverse("home")).content.decode()
    response = b.post(reverse("organizations:invitation_accept", args=[invitation.pk]), follow=True)
    assert "该邀请已失效" in response.content.decode()
    assert not Membership.objects.filter(user=member_b, organization=org_a).exists()
    # Inviting again replaces the expired invitation.
    again = membership_add(organization=org_a, email=member_b.email, full_name="", role="member", actor=admin_a)
    assert Invitation.objects.get(pk=invitation.pk).status == "expired"
    invitation_revoke(invitation=again, actor=admin_a)
    with pytest.raises(ValidationError):
        invitation_accept(invitation=again, actor=member_b)
    assert not Membership.objects.filter(user=member_b, organization=org_a).exists()


def test_a_second_invitation_while_one_waits_is_refused(org_a, admin_a, member_b, client_for):
    membership_add(organization=org_a, email=member_b.email, full_name="", role="member", actor=admin_a)
    response = invite(client_for(admin_a), org_a, member_b.email, follow=True)
    assert "正在等待对方接受" in response.content.decode()
    assert Invitation.objects.filter(user=member_b).count() == 1


def test_who_may_revoke(org_a, org_b, admin_a, member_a, member_b, staff, leader, client_for):
    invitation = membership_add(organization=org_a, email=member_b.email, full_name="", role="member", actor=admin_a)
    url = reverse("organizations:invitation_revoke", args=[org_a.pk, invitation.pk])
    assert client_for(member_a).post(url).status_code == 403
    assert client_for(leader).post(url).status_code == 404
    assert client_for(member_b).post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        invitation_revoke(invitation=invitation, actor=member_a)
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"
    client_for(admin_a).post(url)
    assert Invitation.objects.get(pk=invitation.pk).status == "revoked"
    # Admin invitations come from staff, and only staff withdraw them.
    admin_invite = membership_add(organization=org_b, email=member_a.email, full_name="", role="admin", actor=staff)
    with pytest.raises(PermissionDenied):
        invitation_revoke(invitation=admin_invite, actor=admin_a)
    invitation_revoke(invitation=admin_invite, actor=staff)


def test_a_new_address_still_gets_an_account_and_the_membership_at_once(
    org_a, admin_a, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(admin_a), org_a, "brand.new@example.cn")
    assert Membership.objects.filter(user__email="brand.new@example.cn", organization=org_a).exists()
    assert not Invitation.objects.exists()
    assert "/password/reset/key/" in mailoutbox[0].body


def test_the_email_is_sent_once_however_often_it_is_asked_for(
    org_a, admin_a, member_b, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = membership_add(
            organization=org_a, email=member_b.email, full_name="", role="member", actor=admin_a
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_send_email(invitation=invitation) is False
    assert len(mailoutbox) == 1
    assert re.search(r"http://127\.0\.0\.1:8000/#invitations", mailoutbox[0].body)


def test_leader_and_staff_accounts_are_not_invited(org_a, staff, leader, client_for):
    for user in (staff, leader):
        response = invite(client_for(staff), org_a, user.email, follow=True)
        assert "不能加入组织" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.redis
@pytest.mark.postgres
def test_a_worker_process_sends_the_invitation_email_once_after_the_commit(
    celery_worker_process, org_a, admin_a, member_b, client_for
):
    import time

    invite(client_for(admin_a), org_a, member_b.email)
    invitation = Invitation.objects.get(user=member_b)
    deadline = time.monotonic() + 60
    while Invitation.objects.get(pk=invitation.pk).emailed_at is None:
        assert time.monotonic() < deadline, "the worker did not send the invitation email"
        time.sleep(0.3)
    # The worker delivers it once; a redelivered message sends nothing again.
    from core.models import Email

    email = Email.objects.get(key=f"notify:organizations.invitation:{invitation.pk}:{member_b.pk}")
    while not Email.objects.filter(pk=email.pk, sent_at__isnull=False).exists():
        assert time.monotonic() < deadline, "the worker did not deliver the invitation email"
        time.sleep(0.3)
    rerun = celery_worker_process["app"].send_task(
        "core.deliver_email", args=[email.pk], queue=celery_worker_process["queue"]
    )
    assert rerun.get(timeout=30) is False
