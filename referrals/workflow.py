"""The referral workflow, in one place: each action, the statuses it starts from, the status it
leads to, and who may take it.

    action     from                 to         who
    accept     待接收               已接收     the receiving organization's admins and members
    reject     待接收               已拒绝     the receiving organization (a reason is required)
    complete   已接收               已办结     the receiving organization (an outcome is required)
    withdraw   待接收               已撤回     the sending organization, before acceptance
    redirect   待接收, 已拒绝       待接收     federation staff, to another organization
    approve    申请中               已接收     the registering organization (a request; consent required)
    decline    申请中               已拒绝     the registering organization (a reason is required)
    cancel     申请中               已撤回     the requesting organization

A *request* (申请中) is made by an organization that found the person already registered by
another one (the duplicate path): the registering organization is then the sender
(``from_organization``) and decides; the requester is the receiver.  Staff take no step but
redirect: they coordinate, the organizations decide.  Leaders take none."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from organizations.access import Actor, Who

from .models import Referral

S = Referral.Status
SENDER, RECEIVER, STAFF = "sender", "receiver", "staff"


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    target: str
    by: str
    label: object
    needs: tuple[str, ...] = ()


STEPS = {
    "accept": Step((S.PENDING,), S.ACCEPTED, RECEIVER, _("接收")),
    "reject": Step((S.PENDING,), S.REJECTED, RECEIVER, _("拒绝"), ("reject_reason",)),
    "complete": Step((S.ACCEPTED,), S.COMPLETED, RECEIVER, _("办结"), ("outcome",)),
    "withdraw": Step((S.PENDING,), S.WITHDRAWN, SENDER, _("撤回")),
    "redirect": Step((S.PENDING, S.REJECTED), S.PENDING, STAFF, _("改派给其他组织"), ("to_organization",)),
    "approve": Step((S.REQUESTED,), S.ACCEPTED, SENDER, _("同意转介"), ("consent",)),
    "decline": Step((S.REQUESTED,), S.REJECTED, SENDER, _("不同意"), ("reject_reason",)),
    "cancel": Step((S.REQUESTED,), S.WITHDRAWN, RECEIVER, _("撤回申请")),
}

# Steps that give the receiving organization the person's record (an access grant).
GRANTING = frozenset({"accept", "approve"})


def party_may(actor: Who, referral: Referral, party: str) -> bool:
    """Whether ``actor`` (a user or Actor) speaks for ``party`` of ``referral``."""
    actor = Actor.of(actor)
    if party == STAFF:
        return actor.is_staff
    organization_id = referral.from_organization_id if party == SENDER else referral.to_organization_id
    return organization_id in actor.member_org_ids


def may_take(actor: Who, referral: Referral, action: str) -> bool:
    """Whether ``actor`` may take ``action`` on ``referral`` in its current status."""
    step = STEPS.get(action)
    return step is not None and referral.status in step.sources and party_may(actor, referral, step.by)


def actions_for(actor: Who, referral: Referral) -> list[str]:
    """The actions ``actor`` may take on ``referral`` now, in the table's order."""
    actor = Actor.of(actor)
    return [name for name in STEPS if may_take(actor, referral, name)]
