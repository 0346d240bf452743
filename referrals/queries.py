"""What the home page shows about referrals (``fenghua_portal.home.HOME_ITEM_PROVIDERS``).

* referrals waiting for this person's organizations to decide (待接收 to them; 申请中 asked of
  them), oldest first; staff: every waiting referral;
* overdue referrals on either side (waiting more than 3 working days, or accepted more than 30
  days without an outcome), for both organizations and staff.

Two queries whatever the data: the counts in one aggregate, the oldest examples in one more
(none when nothing waits: then there is no item either)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.roles import Role, role_of
from core.work import WorkItem, WorkRow
from organizations.access import member_org_ids

from .models import Referral

EXAMPLES = 3


def _for_me(user):
    """Waiting referrals this user's organizations decide (staff: all waiting)."""
    if role_of(user) == Role.STAFF:
        return Q(status__in=Referral.WAITING_STATUSES)
    orgs = member_org_ids(user)
    return Q(status=Referral.Status.PENDING, to_organization__in=orgs) | Q(
        status=Referral.Status.REQUESTED, from_organization__in=orgs
    )


def home_items(user, today=None):
    if role_of(user) not in (Role.STAFF, Role.MEMBER):
        return []
    today = today or timezone.localdate()
    visible = Referral.objects.visible_to(user)
    overdue_ids = Referral.objects.overdue(today).values("pk")
    mine = _for_me(user)
    counts = visible.aggregate(waiting=Count("pk", filter=mine), overdue=Count("pk", filter=Q(pk__in=overdue_ids)))
    if not counts["waiting"] and not counts["overdue"]:
        return []  # nothing waits: no item (and no second query)
    examples = [
        WorkRow(
            text=f"{row.from_organization.name} → {row.to_organization.name}（{row.get_reason_display()}）",
            url=reverse("referrals:detail", args=[row.pk]),
            note=_("%(d)s 转介") % {"d": row.sent_on.isoformat()},
        )
        for row in (visible.filter(mine) if counts["waiting"] else visible.none())
        .select_related("from_organization", "to_organization")
        .order_by("sent_on", "id")[:EXAMPLES]
    ]
    base = reverse("referrals:list")
    box = "all" if role_of(user) == Role.STAFF else "incoming"
    return [
        WorkItem(
            key="referrals_waiting",
            label=_("等待接收的转介"),
            count=counts["waiting"],
            url=f"{base}?{urlencode({'box': box, 'status': Referral.Status.PENDING})}",
            rows=tuple(examples),
        ),
        WorkItem(
            key="referrals_overdue",
            label=_("逾期的转介"),
            count=counts["overdue"],
            url=f"{base}?{urlencode({'box': 'all' if box == 'all' else 'incoming', 'overdue': 'true'})}",
            note=_("超过3个工作日未接收，或接收超过30天未办结"),
        ),
    ]
