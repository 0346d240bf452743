"""Referrals: seen by the sending and the receiving organization and staff; leaders 403 on every
page.  The world's referrals go from B to A (so B's pages show none of A's people): a waiting
one, an accepted one and a request A made for one of B's people.  Each step is allowed only to
the side the workflow table names (403 to the other side and staff, nothing written).
An organization outside a referral (C) gets 404 on each of its URLs: tests/referrals/test_access.py
walks them all as C's member."""

from . import Rule, login_only


def build(world):
    import datetime

    from cases import services as case_services
    from referrals import services
    from tests.factories import BeneficiaryFactory, OrganizationFactory

    today = datetime.date.today()
    member_a, member_b = world.users["member_a"], world.users["member_b"]
    org_d = OrganizationFactory(name="金石榴女律师志愿团")
    consent = {"consent_date": today, "consent_method": "verbal"}

    def refer(name):
        person = BeneficiaryFactory(organization=world.org_b, name=name)
        return services.referral_create(
            person=person,
            from_organization=world.org_b,
            to_organization=world.org_a,
            actor=member_b,
            reason="family_mediation",
            note="需要家事调解。",
            **consent,
        )

    waiting = refer("乙转甲待接收")
    accepted = services.referral_step(referral=refer("乙转甲已接收"), action="accept", actor=world.users["admin_a"])
    request = services.referral_request(
        person=BeneficiaryFactory(organization=world.org_b, name="乙登记的人"),
        requesting_organization=world.org_a,
        actor=member_a,
        reason="legal_aid",
        note="本人来访求助，需要法律援助。",
    )
    # A's case with a party linked to A's person: "转介结案" refers her (to D) and closes the case.
    case = case_services.case_create(
        organization=world.org_a,
        actor=member_a,
        category="elder_support",
        received_date=today - datetime.timedelta(days=5),
        applicant_name="转介结案的当事人",
    )
    case.parties.update(beneficiary=world.beneficiary_a)
    world.set(
        referral_waiting=waiting,
        referral_accepted=accepted,
        referral_request=request,
        referral_case=case,
        org_d=org_d,
        referral_today=today,
    )


def _new(w):
    return {
        "to_organization": w.org_d.pk,
        "reason": "legal_aid",
        "urgency": "normal",
        "note": "咨询赡养费问题。",
        "consent_date": w.referral_today.isoformat(),
        "consent_method": "written",
    }


def _pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


# A page A may use (sender or receiver), B may not (A's person or case).
A_PAGE = {"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 404}
A_POST = {"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 302, "member_b": 404}
# Steps of the receiving organization (A) on B's referrals; the sender and staff are refused.
RECEIVER = {"anon": 302, "staff": 403, "leader": 403, "admin_a": 302, "member_a": 302, "member_b": 403}
SENDER = {"anon": 302, "staff": 403, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 302}
STAFF = {"anon": 302, "staff": 302, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 403}

RULES = {
    "referrals:list": login_only(leader=403),
    "referrals:detail": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 200, "member_b": 200},
        kwargs=_pk("referral_waiting"),
    ),
    "referrals:create": Rule(
        expect=dict(A_PAGE), kwargs=lambda w: {"person_pk": w.beneficiary_a.pk}, post_expect=dict(A_POST), data=_new
    ),
    "referrals:create_from_visit": Rule(
        expect=dict(A_PAGE), kwargs=lambda w: {"visit_pk": w.visit_a.pk}, post_expect=dict(A_POST), data=_new
    ),
    "referrals:from_case": Rule(
        expect=dict(A_PAGE),
        kwargs=lambda w: {"case_pk": w.referral_case.pk},
        post_expect=dict(A_POST),
        data=lambda w: {
            **_new(w),
            "person": w.beneficiary_a.pk,
            "closed_date": w.referral_today.isoformat(),
            "outcome": "涉及法律问题，转介律师团。",
        },
    ),
    "referrals:request": Rule(
        # Without a duplicate found by the beneficiary form (kept in the session) there is
        # nothing to ask for: back to that form.  tests/referrals/test_duplicate.py asks.
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 302, "member_b": 302},
        post_expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 302, "member_b": 302},
        data=lambda w: {"organization": w.org_a.pk, "reason": "legal_aid", "note": "求助"},
        writes=False,
        note="needs the duplicate in the session",
    ),
    "referrals:accept": Rule(expect=dict(RECEIVER), kwargs=_pk("referral_waiting"), method="post"),
    "referrals:reject": Rule(
        expect=dict(RECEIVER),
        kwargs=_pk("referral_waiting"),
        method="post",
        data=lambda w: {"reject-reject_reason": "本组织不提供该服务"},
    ),
    "referrals:withdraw": Rule(expect=dict(SENDER), kwargs=_pk("referral_waiting"), method="post"),
    "referrals:redirect": Rule(
        expect=dict(STAFF),
        kwargs=_pk("referral_waiting"),
        method="post",
        data=lambda w: {"redirect-to_organization": w.org_d.pk},
    ),
    "referrals:complete": Rule(
        expect=dict(RECEIVER),
        kwargs=_pk("referral_accepted"),
        method="post",
        data=lambda w: {"complete-outcome": "已调解，达成协议。"},
    ),
    "referrals:open_case": Rule(
        expect=dict(RECEIVER),
        kwargs=_pk("referral_accepted"),
        method="post",
        data=lambda w: {"case-category": "elder_support", "case-received_date": w.referral_today.isoformat()},
    ),
    # A request A made for B's person: B (the registering organization) decides, A may cancel.
    "referrals:approve": Rule(
        expect=dict(SENDER),
        kwargs=_pk("referral_request"),
        method="post",
        data=lambda w: {
            "approve-consent_date": w.referral_today.isoformat(),
            "approve-consent_method": "verbal",
        },
    ),
    "referrals:decline": Rule(
        expect=dict(SENDER),
        kwargs=_pk("referral_request"),
        method="post",
        data=lambda w: {"decline-reject_reason": "本人不同意"},
    ),
    "referrals:cancel": Rule(
        expect={"anon": 302, "staff": 403, "leader": 403, "admin_a": 302, "member_a": 302, "member_b": 403},
        kwargs=_pk("referral_request"),
        method="post",
    ),
}
