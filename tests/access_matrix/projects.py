"""Charity projects hold no personal data: leaders may read projects and approved reports'
figures.  Reports are written by organization A's members and reviewed by staff; drafts and
attachments are A's and staff's only."""

import datetime

from . import Rule, org_scoped, staff_only
from .payloads import PDF, pdf_upload


def build(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects import services
    from tests.factories import CharityProjectFactory, ProjectReportFactory

    project = CharityProjectFactory(organization=world.org_a, name="关爱老妇女主任")
    approved = ProjectReportFactory(
        project=project,
        status="approved",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
    )
    submitted = ProjectReportFactory(
        project=project,
        status="submitted",
        period_start=datetime.date(2026, 2, 1),
        period_end=datetime.date(2026, 2, 28),
    )
    draft = ProjectReportFactory(project=project, status="draft")
    attachment = services.report_attachment_add(
        report=draft, actor=world.users["admin_a"], upload=SimpleUploadedFile("照片.pdf", PDF, "application/pdf")
    )
    world.set(
        project_a=project,
        report_approved_a=approved,
        report_submitted_a=submitted,
        report_draft_a=draft,
        report_attachment_a=attachment,
    )


PROJECT_READ = {"anon": 302, "staff": 200, "leader": 200, "admin_a": 200, "member_a": 200, "member_b": 404}
# Organization A's members write A's reports; staff and leaders may not (403), B cannot see them (404).
REPORT_WRITE = {"anon": 302, "staff": 403, "leader": 404, "admin_a": 200, "member_a": 200, "member_b": 404}
REPORT_POST = {**REPORT_WRITE, "admin_a": 302, "member_a": 302}
STAFF_POST = {"anon": 302, "staff": 302, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 403}


def _project(w):
    return {"pk": w.project_a.pk}


def _project_form(w, **changes):
    return {
        "name": "巾帼家政技能提升",
        "organization": w.org_a.pk,
        "funding_source": "government",
        "amount": "20000.00",
        "start_date": "2026-02-01",
        "end_date": "2026-11-30",
        "target_beneficiaries": 40,
        "status": "approved",
        **changes,
    }


def _report_form(w, **changes):
    return {
        "period_start": "2026-04-01",
        "period_end": "2026-04-30",
        "narrative": "本月开展培训两次。",
        "people_served": 12,
        "funds_spent": "1500.00",
        "people_employed": 0,
        "income_generated": "0",
        **changes,
    }


def _draft(w):
    return {"pk": w.report_draft_a.pk}


def _submitted(w):
    return {"pk": w.report_submitted_a.pk}


RULES = {
    "projects:list": Rule(expect={**PROJECT_READ, "member_b": 200}),
    "projects:create": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 403},
        post_expect=dict(STAFF_POST),
        data=_project_form,
    ),
    "projects:detail": Rule(expect=dict(PROJECT_READ), kwargs=_project),
    # Staff edit every field; A's admin the description and target of A's project (rules.py).
    "projects:edit": Rule(
        expect={"anon": 302, "staff": 200, "leader": 403, "admin_a": 200, "member_a": 403, "member_b": 404},
        kwargs=_project,
        post_expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 403, "member_b": 404},
        data=lambda w: _project_form(w, name=w.project_a.name, target_beneficiaries=120, version=w.project_a.version),
    ),
    # The workflow: staff and A's admins may press; which step each may take is the table's
    # (A's admin asking to close gets the reason as a message on the project page).
    "projects:advance": Rule(
        expect={"anon": 302, "staff": 302, "leader": 403, "admin_a": 302, "member_a": 403, "member_b": 404},
        kwargs=_project,
        method="post",
    ),
    "projects:report_create": Rule(
        expect={**REPORT_WRITE, "leader": 403},
        kwargs=_project,
        post_expect={**REPORT_POST, "leader": 403},
        data=_report_form,
    ),
    "projects:review_queue": staff_only(),
    # Staff: every organization's projects; organization users: their own organizations' (B's
    # member gets an empty list of her own, never A's).
    "projects:missing_reports": staff_only(admin_a=200, member_a=200, member_b=200),
    "projects:report_list": Rule(
        expect={"anon": 302, "staff": 200, "leader": 200, "admin_a": 200, "member_a": 200, "member_b": 200}
    ),
    "projects:report_detail": Rule(expect=dict(PROJECT_READ), kwargs=lambda w: {"pk": w.report_approved_a.pk}),
    "projects:report_edit": Rule(
        expect=dict(REPORT_WRITE),
        kwargs=_draft,
        post_expect=dict(REPORT_POST),
        data=lambda w: _report_form(
            w,
            period_start=w.report_draft_a.period_start.isoformat(),
            period_end=w.report_draft_a.period_end.isoformat(),
            narrative="修改后的进展。",
            version=w.report_draft_a.version,
        ),
    ),
    "projects:report_submit": Rule(expect=dict(REPORT_POST), kwargs=_draft, method="post"),
    "projects:report_approve": Rule(expect=dict(STAFF_POST), kwargs=_submitted, method="post"),
    "projects:report_return": Rule(
        expect=dict(STAFF_POST), kwargs=_submitted, method="post", data=lambda w: {"review_comment": "请补充照片。"}
    ),
    "projects:report_attachment_upload": Rule(
        expect=dict(REPORT_POST), kwargs=_draft, method="post", data=lambda w: {"file": pdf_upload("照片.pdf")}
    ),
    "projects:report_attachment_download": org_scoped(
        lambda w: {"pk": w.report_draft_a.pk, "attachment_pk": w.report_attachment_a.pk}
    ),
}
