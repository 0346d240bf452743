"""Mediation cases are confidential: the handling organization (A) and staff only; leaders get
404 on every case page (they see counts in the statistics)."""

from . import Rule, org_scoped
from .payloads import PDF, pdf_upload


def build(world):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases import services

    staff = world.users["staff"]
    case = services.case_create(
        organization=world.org_a,
        actor=staff,
        category="elder_support",
        received_date=datetime.date(2026, 3, 5),
        summary="王奶奶的子女互相推脱赡养义务。",
        applicant_name="王奶奶",
        respondent_names="王大、王二",
    )
    attachment = services.attachment_add(
        case=case,
        actor=staff,
        upload=SimpleUploadedFile("承诺书.pdf", PDF, "application/pdf"),
        description="赡养承诺书",
    )
    world.set(case_a=case, case_party_a=case.parties.first(), case_attachment_a=attachment)


def _case(w):
    return {"pk": w.case_a.pk}


CASE_ROLE = {"anon": 302, "staff": 200, "leader": 404, "admin_a": 200, "member_a": 200, "member_b": 200}
# POSTs redirect back to the case (with a message when the step is refused).
CASE_POST = {"anon": 302, "staff": 302, "leader": 404, "admin_a": 302, "member_a": 302, "member_b": 404}

RULES = {
    # member_b sees the list of its own organization's cases (none of A's; tested in tests/cases).
    "cases:list": Rule(expect=dict(CASE_ROLE)),
    "cases:create": Rule(
        expect=dict(CASE_ROLE),
        # B's member may not open a case for organization A: the form comes back, nothing saved.
        post_expect={**CASE_POST, "member_b": 200},
        data=lambda w: {
            "organization": w.org_a.pk,
            "category": "family_conflict",
            "source": "call",
            "received_date": "2026-03-06",
            "summary": "婆媳矛盾。",
            "applicant_name": "李阿姨",
            "applicant_phone": "13857420009",
        },
        unchanged=("member_b",),
    ),
    "cases:detail": org_scoped(_case),
    "cases:edit": Rule(
        expect={"anon": 302, "staff": 200, "leader": 404, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=_case,
        post_expect=dict(CASE_POST),
        data=lambda w: {
            "category": "elder_support",
            "source": "walk_in",
            "received_date": "2026-03-05",
            "summary": "补充：已联系王大。",
            "version": w.case_a.version,
        },
    ),
    "cases:transition": Rule(
        expect=dict(CASE_POST), kwargs=_case, method="post", data=lambda w: {"status": "mediating"}
    ),
    "cases:reopen": Rule(
        expect={**CASE_POST, "staff": 200, "admin_a": 403, "member_a": 403},
        kwargs=_case,
        method="post",
        data=lambda w: {"reason": "复查"},
        writes=False,
        note="the case is still open: staff get the case page again with the reason; tests/cases reopen an ended one",
    ),
    "cases:event_add": Rule(
        expect=dict(CASE_POST),
        kwargs=_case,
        method="post",
        data=lambda w: {"kind": "call", "at": "2026-03-06T10:00", "text": "电话联系王大。"},
    ),
    "cases:party_add": Rule(
        expect=dict(CASE_POST), kwargs=_case, method="post", data=lambda w: {"role": "respondent", "name": "王三"}
    ),
    "cases:party_reveal": Rule(
        # The handling organization's people and staff reveal one field at a time (recorded).
        expect={"anon": 302, "staff": 200, "leader": 404, "admin_a": 200, "member_a": 200, "member_b": 404},
        kwargs=lambda w: {"pk": w.case_a.pk, "party_pk": w.case_party_a.pk, "field": "phone"},
        method="post",
    ),
    "cases:party_remove": Rule(
        expect={"anon": 302, "staff": 405, "leader": 404, "admin_a": 405, "member_a": 405, "member_b": 405},
        kwargs=lambda w: {"pk": w.case_a.pk, "party_pk": w.case_party_a.pk},
        post_expect=dict(CASE_POST),
    ),
    "cases:attachment_upload": Rule(
        expect=dict(CASE_POST),
        kwargs=_case,
        method="post",
        data=lambda w: {"description": "调解协议", "file": pdf_upload()},
    ),
    "cases:attachment_download": org_scoped(lambda w: {"pk": w.case_a.pk, "attachment_pk": w.case_attachment_a.pk}),
    "cases:history": org_scoped(_case, admin_a=403, member_a=403),
}
