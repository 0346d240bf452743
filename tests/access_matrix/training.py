"""Training sessions and participants: leaders see only the organization page's counts (403
here); organization B's users get 404 on organization A's sessions."""

from . import Rule, login_only, org_scoped
from .payloads import town_id


def build(world):
    from tests.factories import AttendanceFactory, TrainingSessionFactory

    session = TrainingSessionFactory(organization=world.org_a)
    world.set(session_a=session, attendance_a=AttendanceFactory(session=session))


def _session(w):
    return {"pk": w.session_a.pk}


def _attendance(w):
    return {"pk": w.attendance_a.pk}


def _session_form(w, organization, **changes):
    return {
        "title": "育婴师培训",
        "category": "vocational",
        "organization": organization.pk,
        "town": town_id(),
        "date": "2026-03-20",
        "hours": "3",
        "trainer": "陈老师",
        **changes,
    }


A_POST = {"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 302, "member_b": 404}

RULES = {
    "training:list": login_only(leader=403),
    "training:create": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200},
        # B's member may not record a session for organization A: the form comes back (200).
        post_expect={**A_POST, "member_b": 200},
        data=lambda w: _session_form(w, w.org_a),
        unchanged=("member_b",),
    ),
    "training:detail": org_scoped(_session, leader=403),
    "training:edit": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=_session,
        post_expect=dict(A_POST),
        data=lambda w: _session_form(
            w, w.org_a, title=w.session_a.title, trainer="李老师", version=w.session_a.version
        ),
    ),
    "training:attendance_add": Rule(
        expect=dict(A_POST),
        kwargs=_session,
        method="post",
        data=lambda w: {"name": "新学员", "phone": "13857420077", "attended": "on"},
    ),
    "training:attendance_edit": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=_attendance,
        post_expect=dict(A_POST),
        # ID number and phone left empty keep the stored values.
        data=lambda w: {"name": "改过名的学员", "attended": "on", "version": w.attendance_a.version},
    ),
    "training:attendance_remove": Rule(
        expect={"anon": 302, "staff": 405, "leader": 403, "admin_a": 405, "member_a": 405, "member_b": 405},
        kwargs=_attendance,
        post_expect=dict(A_POST),
    ),
}
