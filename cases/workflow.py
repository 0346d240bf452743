"""The mediation workflow, in one place.

    from \\ to        mediating  succeeded  failed  referred  withdrawn
    received             yes        -         -       yes       yes
    mediating             -        yes       yes      yes       yes
    succeeded/failed/referred/withdrawn: ended; only staff may reopen (back to mediating).

A case may be referred or withdrawn straight from 受理: a party may withdraw before any session,
and a case outside the organization's remit is passed on at once.  Succeeded, failed and
referred are *closed*: they need a closing date (not before the received date, not in the
future) and an outcome.  Withdrawn ends a case without closing it: it needs a reason, and the
date it ended is kept in closed_date when given (the statistics count a case open until its
end; they count as *closed* only the three closing statuses).  Reopening needs a reason and
clears the closing date and outcome.  A closing date (or an end date) must always be within
received date .. today, whatever the step.
"""

from django.utils.translation import gettext_lazy as _

from .models import MediationCase

S = MediationCase.Status

TRANSITIONS: dict[str, tuple[MediationCase.Status, ...]] = {
    S.RECEIVED: (S.MEDIATING, S.REFERRED, S.WITHDRAWN),
    S.MEDIATING: (S.SUCCEEDED, S.FAILED, S.REFERRED, S.WITHDRAWN),
    S.SUCCEEDED: (),
    S.FAILED: (),
    S.REFERRED: (),
    S.WITHDRAWN: (),
}

CLOSING = frozenset(MediationCase.CLOSED_STATUSES)
ENDED = frozenset(MediationCase.ENDED_STATUSES)

# The words on the buttons that lead to each status.
ACTION_LABELS = {
    S.MEDIATING: _("开始调解"),
    S.SUCCEEDED: _("调解成功结案"),
    S.FAILED: _("调解失败结案"),
    S.REFERRED: _("转介"),
    S.WITHDRAWN: _("撤回"),
}


def allowed_targets(status: str) -> tuple[MediationCase.Status, ...]:
    return TRANSITIONS.get(status, ())


def can_reopen(status: str) -> bool:
    return status in ENDED


def steps_between(from_status: str, to_status: str) -> list[str] | None:
    """The statuses a case passes through from ``from_status`` to ``to_status`` along the
    table, shortest way (``to_status`` last); [] when they are the same; None when the table
    has no way (an ended case: only staff may reopen it, on its page, with a reason).  An
    import moves a case along these steps with ``services.case_transition``, each one leaving
    its timeline entry."""
    if from_status == to_status:
        return []
    paths: list[list[str]] = [[from_status]]
    seen = {from_status}
    while paths:
        path = paths.pop(0)
        for target in allowed_targets(path[-1]):
            if target == to_status:
                return [*path[1:], target]
            if target not in seen:
                seen.add(target)
                paths.append([*path, target])
    return None
