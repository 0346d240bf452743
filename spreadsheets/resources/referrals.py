"""转介: export only (referrals are made on their pages, where consent is recorded; no sheet
creates one).  A request not yet approved is left out for the requesting organization, which
may not learn whom it concerns (``referrals.lists.conceals``)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from organizations.access import Role, member_org_ids, role_of
from referrals.models import Referral

from .base import Column, SheetResource


def _when(attribute):
    def getter(referral):
        value = getattr(referral, attribute)
        return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""

    return getter


def _choice(attribute):
    return lambda referral: getattr(referral, f"get_{attribute}_display")()


class ReferralResource(SheetResource):
    name = "referrals"
    label = _l("转介")
    model = Referral
    export_related = ("person", "person__town", "from_organization", "to_organization")
    columns = (
        Column("转介日期", getter=lambda r: r.sent_on.isoformat()),
        Column("类型", getter=_choice("kind")),
        Column("姓名", getter=lambda r: r.person.name),
        Column("所属镇街", getter=lambda r: r.person.town.name),
        Column("联系电话", getter=lambda r: r.person.phone, text=True),
        Column("转出组织", getter=lambda r: r.from_organization.name),
        Column("接收组织", getter=lambda r: r.to_organization.name),
        Column("转介原因", getter=_choice("reason")),
        Column("紧急程度", getter=_choice("urgency")),
        Column("状态", getter=_choice("status")),
        Column("接收日期", getter=_when("accepted_at")),
        Column("办结日期", getter=_when("completed_at")),
        Column("办理结果", getter=lambda r: r.outcome),
    )

    def export_queryset(self, user):
        hidden = Q(
            kind=Referral.Kind.REQUEST,
            status__in=Referral.CONCEALED_REQUEST_STATUSES,
        ) & ~Q(from_organization__in=member_org_ids(user))
        rows = super().export_queryset(user)
        return rows if role_of(user) == Role.STAFF else rows.exclude(hidden)
