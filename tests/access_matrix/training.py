"""Training sessions and participants: leaders see only the organization page's counts (403
here); organization B's users get 404 on organization A's sessions."""

from . import Rule, login_only, org_scoped


def build(world):
    from tests.factories import AttendanceFactory, TrainingSessionFactory

    session = TrainingSessionFactory(organization=world.org_a)
    world.set(session_a=session, attendance_a=AttendanceFactory(session=session))


def _session(w):
    return {"pk": w.session_a.pk}


def _attendance(w):
    return {"pk": w.attendance_a.pk}


RULES = {
    "training:list": login_only(leader=403),
    "training:create": login_only(leader=403),
    "training:detail": org_scoped(_session, leader=403),
    "training:edit": org_scoped(_session, leader=403),
    "training:attendance_add": Rule(
        # An empty form is shown again with its errors (200); nothing is saved.
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=_session,
        method="post",
        data=lambda w: {"name": ""},
    ),
    "training:attendance_edit": org_scoped(_attendance, leader=403),
    "training:attendance_remove": Rule(
        expect={"anon": 302, "staff": 405, "leader": 403, "admin_a": 405, "member_a": 405, "member_b": 405},
        kwargs=_attendance,
        note="POST-only; the POST rules are tested in tests/training",
    ),
}
