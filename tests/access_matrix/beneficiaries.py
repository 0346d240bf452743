"""Beneficiaries, visits and the overdue list: personal data, so leaders get 403 on every page
and organization B's users 404 on organization A's records."""

from . import Rule, login_only, org_scoped
from .payloads import town_id


def build(world):
    import datetime

    from tests.factories import BeneficiaryFactory, VisitFactory

    beneficiary = BeneficiaryFactory(
        organization=world.org_a, key_care=True, visit_cadence=2, key_care_since=datetime.date(2026, 1, 1)
    )
    world.set(beneficiary_a=beneficiary, visit_a=VisitFactory(beneficiary=beneficiary))


def _beneficiary(w):
    return {"pk": w.beneficiary_a.pk}


def _person(w, **changes):
    """A complete, valid beneficiary form for organization A."""
    person = w.beneficiary_a
    return {
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "town": person.town_id,
        "village": person.village,
        "address": person.address,
        "key_care": "on",
        "visit_cadence": person.visit_cadence,
        "key_care_since": person.key_care_since.isoformat(),
        "organization": w.org_a.pk,
        "consent_date": "2026-01-05",
        "consent_method": "written",
        **changes,
    }


def _new_person(w):
    import datetime

    from tests.factories import make_id_number

    return {
        "name": "新登记的人",
        "id_number": make_id_number(birth=datetime.date(1950, 2, 3)),
        "town": town_id(),
        "village": "西门村",
        "visit_cadence": "0",
        "organization": w.org_a.pk,
        "consent_date": "2026-01-05",
        "consent_method": "verbal",
    }


# The search boxes are POSTed (the text stays out of URLs) and write nothing but the session.
SEARCH = {"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 302, "member_b": 302}
RECORD_FOR_A = {"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 302, "member_b": 404}

RULES = {
    "beneficiaries:list": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200},
        post_expect=SEARCH,
        data=lambda w: {"q": "王"},
        writes=False,
    ),
    "beneficiaries:create": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200},
        # B's member may not choose organization A: the form comes back (200) and nothing is saved.
        post_expect={**RECORD_FOR_A, "member_b": 200},
        data=_new_person,
        unchanged=("member_b",),
    ),
    "beneficiaries:detail": org_scoped(_beneficiary, leader=403),
    "beneficiaries:edit": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=_beneficiary,
        post_expect=RECORD_FOR_A,
        data=lambda w: _person(w, village="南门村", version=w.beneficiary_a.version),
    ),
    "beneficiaries:deactivate": Rule(
        # Staff and A's admin may take a person off the register; a plain member may not.
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 403, "member_b": 404},
        kwargs=_beneficiary,
        method="post",
        data=lambda w: {"reason": "已搬离本区"},
    ),
    "beneficiaries:reactivate": Rule(
        # The same people as deactivation; an active person just gets a message (302 back).
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 403, "member_b": 404},
        kwargs=_beneficiary,
        method="post",
        writes=False,
        note="the person is on the register: nothing to restore; tests/beneficiaries restore one",
    ),
    "beneficiaries:reveal": Rule(
        # Allowed reveals write the audit log; refused ones write nothing.
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=lambda w: {"pk": w.beneficiary_a.pk, "field": "phone"},
        method="post",
    ),
    "beneficiaries:history": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 404},
        kwargs=_beneficiary,
    ),
    "beneficiaries:overdue": login_only(leader=403),
    "beneficiaries:visit_list": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200},
        post_expect=SEARCH,
        data=lambda w: {"q": "王"},
        writes=False,
    ),
    "beneficiaries:visit_create": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200},
        post_expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200},
        data=lambda w: {"q": "王"},
        writes=False,
    ),
    "beneficiaries:visit_create_for": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=_beneficiary,
        post_expect=RECORD_FOR_A,
        data=lambda w: {"visit_date": "2026-03-11", "mode": "phone", "organization": w.org_a.pk, "supplies_value": "0"},
    ),
    "beneficiaries:visit_detail": org_scoped(lambda w: {"pk": w.visit_a.pk}, leader=403),
    # Correcting or withdrawing a visit: staff at any time, the recorder or A's admin within 7
    # days; a member of A who did not record it is sent back to the visit with the reason.
    # A member who did not record the visit is sent back to it (302) and changes nothing.
    "beneficiaries:visit_edit": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 302, "member_b": 404},
        kwargs=lambda w: {"pk": w.visit_a.pk},
        post_expect=RECORD_FOR_A,
        unchanged=("member_a",),
        data=lambda w: {
            "visit_date": w.visit_a.visit_date.isoformat(),
            "mode": "phone",
            "organization": w.org_a.pk,
            "supplies_value": "0",
            "notes": "改为电话问候",
            "confirm_duplicate": "on",
            "version": w.visit_a.version,
        },
    ),
    "beneficiaries:visit_withdraw": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 302, "member_b": 404},
        kwargs=lambda w: {"pk": w.visit_a.pk},
        post_expect=RECORD_FOR_A,
        unchanged=("member_a",),
        data=lambda w: {"reason": "重复登记", "version": w.visit_a.version},
    ),
}
