"""Each status change of a referral, who may make it, and who may not (nothing written)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import Notification
from referrals import services, workflow
from referrals.models import Referral, ReferralEvent
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def state(referral):
    row = Referral.objects.get(pk=referral.pk)
    return (row.status, row.version, row.to_organization_id, row.events.count())


def test_sending_needs_the_persons_consent(send):
    with pytest.raises(ValidationError) as exc:
        send(consent_date=None, consent_method="")
    assert set(exc.value.message_dict) == {"consent_date", "consent_method"}
    assert Referral.objects.count() == 0


def test_a_child_under_14_needs_the_guardians_consent(send, org_a):
    child = BeneficiaryFactory(
        organization=org_a, birth=datetime.date.today().replace(year=datetime.date.today().year - 9)
    )
    with pytest.raises(ValidationError) as exc:
        send(person=child)
    assert set(exc.value.message_dict) == {"guardian_name", "guardian_consent_date"}
    referral = send(person=child, guardian_name="王大", guardian_consent_date=datetime.date.today())
    assert referral.status == "pending"


def test_only_the_persons_organization_refers_her(send, member_b, org_b, org_a, org_c):
    with pytest.raises(ValidationError) as exc:
        send(actor=member_b)
    assert exc.value.message_dict == {"from_organization": ["只能以您所在的组织名义转介。"]}
    with pytest.raises(ValidationError) as exc:
        send(from_organization=org_b, to_organization=org_c, actor=member_b)
    assert "person" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        send(to_organization=org_a)
    assert "to_organization" in exc.value.message_dict


def test_sending_tells_the_receiving_organization(send, member_b, admin_b, member_a):
    referral = send()
    told = set(Notification.objects.filter(kind="referral_received").values_list("user__email", flat=True))
    assert told == {member_b.email, admin_b.email}
    assert referral.events.get().text.startswith(referral.from_organization.name)


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_the_receiver_accepts_or_rejects(send, member_b, admin_b, member_a, action):
    referral = send()
    who = admin_b if action == "accept" else member_b
    if action == "reject":
        with pytest.raises(ValidationError) as exc:
            services.referral_step(referral=referral, action="reject", actor=who)
        assert "reject_reason" in exc.value.message_dict
    done = services.referral_step(referral=referral, action=action, actor=who, reject_reason="本队不受理法律纠纷")
    assert done.status == ("accepted" if action == "accept" else "rejected")
    assert done.version == referral.version + 1
    assert done.events.count() == 2
    assert Notification.objects.filter(user=member_a, kind=f"referral_{action}").exists()


@pytest.mark.parametrize("role", ["member_a", "staff", "leader", "member_c"])
@pytest.mark.parametrize("action", ["accept", "reject", "complete"])
def test_only_the_receiver_takes_its_steps(send, request, role, action, admin_b):
    referral = send()
    if action == "complete":
        referral = services.referral_step(referral=referral, action="accept", actor=admin_b)
    before = state(referral)
    with pytest.raises(PermissionDenied):
        services.referral_step(
            referral=referral, action=action, actor=request.getfixturevalue(role), reject_reason="x", outcome="y"
        )
    assert state(referral) == before


def test_completion_needs_an_outcome_the_sender_reads(send, member_b, member_a):
    referral = services.referral_step(referral=send(), action="accept", actor=member_b)
    with pytest.raises(ValidationError) as exc:
        services.referral_step(referral=referral, action="complete", actor=member_b)
    assert "outcome" in exc.value.message_dict
    done = services.referral_step(referral=referral, action="complete", actor=member_b, outcome="达成赡养协议")
    assert done.status == "completed" and done.outcome == "达成赡养协议" and done.completed_at
    assert Notification.objects.filter(user=member_a, kind="referral_complete").exists()


def test_the_sender_withdraws_before_acceptance_only(send, member_a, member_b):
    referral = send()
    before = state(referral)
    with pytest.raises(PermissionDenied):
        services.referral_step(referral=referral, action="withdraw", actor=member_b)
    assert state(referral) == before
    assert services.referral_step(referral=referral, action="withdraw", actor=member_a).status == "withdrawn"
    second = services.referral_step(referral=send(), action="accept", actor=member_b)
    before = state(second)
    with pytest.raises(ValidationError):
        services.referral_step(referral=second, action="withdraw", actor=member_a)
    assert state(second) == before


def test_staff_redirect_to_another_organization(send, staff, member_a, member_b, org_c, member_c):
    referral = services.referral_step(referral=send(), action="reject", actor=member_b, reject_reason="不在服务范围")
    for who in (member_a, member_b):
        with pytest.raises(PermissionDenied):
            services.referral_step(referral=referral, action="redirect", actor=who, to_organization=org_c)
    moved = services.referral_step(referral=referral, action="redirect", actor=staff, to_organization=org_c)
    assert moved.status == "pending" and moved.to_organization == org_c and moved.reject_reason == ""
    assert Notification.objects.filter(user=member_c, kind="referral_redirect").exists()
    assert workflow.actions_for(member_c, moved) == ["accept", "reject"]
    assert workflow.actions_for(member_b, moved) == []


def test_the_table_says_who_may_do_what(send, member_a, member_b, staff, leader):
    referral = send()
    assert workflow.actions_for(member_a, referral) == ["withdraw"]
    assert workflow.actions_for(member_b, referral) == ["accept", "reject"]
    assert workflow.actions_for(staff, referral) == ["redirect"]
    assert workflow.actions_for(leader, referral) == []


def test_every_step_is_on_the_timeline(send, member_b):
    referral = send()
    services.referral_step(referral=referral, action="accept", actor=member_b)
    services.referral_step(referral=referral, action="complete", actor=member_b, outcome="已调解")
    statuses = list(ReferralEvent.objects.filter(referral=referral).values_list("status", flat=True))
    assert statuses == ["pending", "accepted", "completed"]
    assert ReferralEvent.objects.filter(referral=referral, author=member_b).count() == 2
