"""Beneficiaries, visits and the overdue list: personal data, so leaders get 403 on every page
and organization B's users 404 on organization A's records."""

from . import Rule, login_only, org_scoped


def build(world):
    import datetime

    from tests.factories import BeneficiaryFactory, VisitFactory

    beneficiary = BeneficiaryFactory(
        organization=world.org_a, key_care=True, visit_cadence=2, key_care_since=datetime.date(2026, 1, 1)
    )
    world.set(beneficiary_a=beneficiary, visit_a=VisitFactory(beneficiary=beneficiary))


def _beneficiary(w):
    return {"pk": w.beneficiary_a.pk}


RULES = {
    "beneficiaries:list": login_only(leader=403),
    "beneficiaries:create": login_only(leader=403),
    "beneficiaries:detail": org_scoped(_beneficiary, leader=403),
    "beneficiaries:edit": org_scoped(_beneficiary, leader=403),
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
    ),
    "beneficiaries:reveal": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=lambda w: {"pk": w.beneficiary_a.pk, "field": "phone"},
        method="post",
    ),
    "beneficiaries:history": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 404},
        kwargs=_beneficiary,
    ),
    "beneficiaries:overdue": login_only(leader=403),
    "beneficiaries:visit_list": login_only(leader=403),
    "beneficiaries:visit_create": login_only(leader=403),
    "beneficiaries:visit_create_for": org_scoped(_beneficiary, leader=403),
    "beneficiaries:visit_detail": org_scoped(lambda w: {"pk": w.visit_a.pk}, leader=403),
    # Correcting or withdrawing a visit: staff at any time, the recorder or A's admin within 7
    # days; a member of A who did not record it is sent back to the visit with the reason.
    "beneficiaries:visit_edit": org_scoped(lambda w: {"pk": w.visit_a.pk}, leader=403, member_a=302),
    "beneficiaries:visit_withdraw": org_scoped(lambda w: {"pk": w.visit_a.pk}, leader=403, member_a=302),
}
