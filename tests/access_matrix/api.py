"""The JSON API (/api/v1/): anonymous callers get 401 (a problem, not the login page);
leaders 403 on everything about people and visits; organization B's users 404 on A's records
(and an empty answer where they list, checked in tests/api/test_access.py); reference lists and
the schema for any signed-in user (the schema and its docs page are public: they hold no data)."""

from . import ROLES, Rule

PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {**dict.fromkeys(ROLES, 200), "anon": 401}
PEOPLE = {"anon": 401, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200}
RECORD_OF_A = {"anon": 401, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 404}
JSON = "application/json"


def _new_visit(w):
    import datetime
    import uuid

    return {
        "idempotency_key": str(uuid.uuid4()),
        "beneficiary": w.beneficiary_a.pk,
        "visit_date": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
        "mode": "phone",
        "services": ["health"],
        "organization": w.org_a.pk,
    }


RULES = {
    "api:openapi-json": Rule(expect=PUBLIC),
    "api:openapi-view": Rule(expect=PUBLIC),
    "api:api-root": Rule(expect=dict.fromkeys(ROLES, 404), note="ninja's root: no operation"),
    "api:me": Rule(expect=SIGNED_IN),
    "api:visit_modes": Rule(expect=SIGNED_IN),
    "api:visit_services": Rule(expect=SIGNED_IN),
    "api:people": Rule(expect=PEOPLE),
    "api:person": Rule(expect=RECORD_OF_A, kwargs=lambda w: {"person_id": w.beneficiary_a.pk}),
    "api:overdue": Rule(expect=PEOPLE),
    "api:visits": Rule(expect=PEOPLE),
    # The same URL as api:visits; POSTed: a new visit for A's person.  B's member is refused
    # (422, the person is not theirs) and stores nothing.
    "api:visit_create": Rule(
        expect={"anon": 401, "staff": 201, "leader": 403, "admin_a": 201, "member_a": 201, "member_b": 422},
        method="post",
        data=_new_visit,
        content_type=JSON,
        unchanged=("member_b",),
    ),
    "api:visit": Rule(expect=RECORD_OF_A, kwargs=lambda w: {"visit_id": w.visit_a.pk}),
    # The same URL as api:visit (PATCH is tested in tests/api/test_visits.py).
    "api:visit_update": Rule(expect=RECORD_OF_A, kwargs=lambda w: {"visit_id": w.visit_a.pk}),
    # A's visit, recorded by nobody in particular: staff and A's admin may withdraw it; A's
    # member (not its recorder) is refused (403).
    "api:visit_withdraw": Rule(
        expect={"anon": 401, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 403, "member_b": 404},
        method="post",
        kwargs=lambda w: {"visit_id": w.visit_a.pk},
        data=lambda w: {"version": w.visit_a.version, "reason": "误录，撤回"},
        content_type=JSON,
    ),
}

RULES |= {
    # The offline app: the manifest and the worker hold no data (public); the page is for field
    # workers (leaders 403, as every page of people).
    "manifest": Rule(expect=PUBLIC),
    "service_worker": Rule(expect=PUBLIC),
    "offline_visits": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200}
    ),
}
