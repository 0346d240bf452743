"""The charity-project workflow, in one place:

    申报 declared  →  立项 approved  →  实施中 in progress  →  结项 completed

    step                 who may take it
    申报 → 立项           federation staff (approval)
    立项 → 实施中         staff, or an admin of the undertaking organization (work starts)
    实施中 → 结项         federation staff (closing)

One step at a time, forward only: a project never goes back (a correction is made by staff in
the Django admin, which keeps the history).  A project's status changes only through
``services.project_transition`` (the page's 推进 button; an import row whose 状态 differs
from the stored one goes through it too, step by step, or is refused)."""

from django.utils.translation import gettext as _

from organizations.access import Actor, Who

from .models import CharityProject

S = CharityProject.Status

TRANSITIONS: dict[str, CharityProject.Status | None] = {
    S.DECLARED: S.APPROVED,
    S.APPROVED: S.IN_PROGRESS,
    S.IN_PROGRESS: S.COMPLETED,
    S.COMPLETED: None,
}
ORDER: list[str] = [S.DECLARED, S.APPROVED, S.IN_PROGRESS, S.COMPLETED]
# Steps an undertaking organization's admin may take; the others are staff's.
ORGANIZATION_STEPS = frozenset({S.IN_PROGRESS})

ACTION_LABELS = {
    S.APPROVED: _("批准立项"),
    S.IN_PROGRESS: _("开始实施"),
    S.COMPLETED: _("结项"),
}


def next_status(status: str) -> CharityProject.Status | None:
    return TRANSITIONS.get(status)


def steps_between(from_status: str, to_status: str) -> list[str] | None:
    """The statuses passed through going forward from ``from_status`` to ``to_status``
    (``to_status`` last), [] when they are the same, None when it would go backwards."""
    if from_status == to_status:
        return []
    if to_status not in ORDER or from_status not in ORDER:
        return None
    start, end = ORDER.index(from_status), ORDER.index(to_status)
    return ORDER[start + 1 : end + 1] if end > start else None


def may_take(actor: Who, project: CharityProject, to_status: str) -> bool:
    actor = Actor.of(actor)
    if actor.is_staff:
        return True
    return to_status in ORGANIZATION_STEPS and actor.is_admin_of(project.organization_id)


def transition_error(actor: Who, project: CharityProject, to_status: str) -> str | None:
    """None when ``actor`` may move ``project`` to ``to_status`` now (one step forward, by
    someone the table allows), else the Chinese reason."""
    if to_status not in S.values:
        return _("未知的项目状态“%(s)s”。") % {"s": to_status}
    current = S(project.status)
    if next_status(current) != to_status:
        if current == S.COMPLETED:
            return _("项目已结项，状态不能再变更。")
        return _("项目状态只能按“申报 → 立项 → 实施中 → 结项”逐步推进，不能从“%(a)s”变为“%(b)s”。") % {
            "a": current.label,
            "b": S(to_status).label,
        }
    if not may_take(actor, project, to_status):
        return _("只有妇联工作人员可以把项目变为“%(b)s”。") % {"b": S(to_status).label}
    return None
