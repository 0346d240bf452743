"""Door equality, the import half: every bad record of ``tests/doors/cases.py`` is refused by
the web import (upload -> preview, through the client) and by ``manage.py import_xlsx`` with
the page's message, on the column of the page's field, in the record's row; nothing is saved.
And an organization admin's sheet can do nothing the admin's pages cannot.

An import is an organization admin's door (``spreadsheets.permissions.can_import``): a record
the page case submits as ``member_a`` is imported by ``admin_a``, a member of the same
organization (the rules answer both alike); a plain member cannot import at all."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from beneficiaries.models import Beneficiary
from cases.models import CaseEvent, CaseParty, MediationCase
from core.rules import NON_FIELD
from organizations.models import DataAccessEvent
from projects.models import CharityProject
from spreadsheets.models import ImportJob
from spreadsheets.resources import get_resource
from tests.factories import (
    BeneficiaryFactory,
    CasePartyFactory,
    CharityProjectFactory,
    MediationCaseFactory,
    TrainingSessionFactory,
)
from tests.spreadsheets.helpers import write_xlsx

from . import test_pages
from .cases import BASE, CASE_PARTIES, CASES, CHILD_ID, PERMISSION_CASES, record, resolve
from .test_pages import MODELS

# The page half's fixtures: the frozen day and the world of named objects.
_today = test_pages._today
world = test_pages.world

pytestmark = pytest.mark.django_db

CASE_NUMBER = "TJ-2026-9001"


def importer_of(actor_name):
    return "admin_a" if actor_name == "member_a" else actor_name


def cell(resource, column, values, world):
    """The cell of ``column`` for a record's (resolved) values, as a person would type it."""
    attr = column.attribute
    if resource.name == "visits":
        person = world["beneficiary_a"]
        if attr == "beneficiary__id_number":
            return person.id_number
        if attr == "organization":
            return person.organization.name  # the page gives the person's organization
    if resource.name == "attendance" and attr.startswith("session__"):
        session = world["session_a"]
        return {"session__title": session.title, "session__date": session.date}.get(attr, session.organization.name)
    if resource.name == "cases":
        if attr == "number":
            return CASE_NUMBER
        if attr == "applicants":
            return CASE_PARTIES["applicant_name"]
        if attr == "respondents":
            return CASE_PARTIES["respondent_names"]
    if f"{attr}_id" in values:
        pk = values[f"{attr}_id"]
        found = [obj for obj in world.values() if getattr(obj, "pk", None) == pk and hasattr(obj, "name")]
        model = {"town": "Town"}.get(attr, "Organization")
        return next((o.name for o in found if type(o).__name__ == model), "")
    if attr not in values or values[attr] is None:
        return ""
    value = values[attr]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return str(value)
    rendered = column.widget.render(value)
    return rendered if rendered is not None else ""


def sheet_for(resource_name, values, world, path):
    resource = get_resource(resource_name)
    headers = [column.header for column in resource.columns]
    row = [cell(resource, column, values, world) for column in resource.columns]
    return write_xlsx(path, headers, [row]), resource


def upload(client, path, resource):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with open(path, "rb") as handle:
        return client.post(
            reverse("spreadsheets:upload"), {"resource": resource, "file": SimpleUploadedFile(path.name, handle.read())}
        )


def web_errors(client, path, resource):
    before = ImportJob.objects.count()
    upload(client, path, resource)
    assert ImportJob.objects.count() == before + 1, "the upload made a job"
    job = ImportJob.objects.order_by("-pk").first()
    return job.errors, job


def command_errors(path, resource, user):
    out = StringIO()
    args = ["import_xlsx", resource, str(path)]
    if user is not None:
        args += ["--user", user.email]
    try:
        call_command(*args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), ""


def expected_header(resource, field):
    return resource.header_for(field, None)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_import_refuses_with_the_pages_message(case, world, client_for, tmp_path):
    values = resolve(record(case), world)
    path, resource = sheet_for(case.resource, values, world, tmp_path / f"{case.resource}.xlsx")
    header = expected_header(resource, case.field)
    actor = world[importer_of(case.actor)]
    model = MODELS[case.resource]
    before = model.objects.count()

    errors, job = web_errors(client_for(actor), path, case.resource)
    assert [2, header, case.message] in errors, errors
    assert job.status == "rejected"

    # The command: as the system (staff rights) for staff's records, else as the same user.
    out, error = command_errors(path, case.resource, None if case.actor == "staff" else actor)
    assert f"第2行 [{header}] {case.message}" in out, out
    assert "未导入任何数据" in error
    assert model.objects.count() == before, "nothing is saved"


@pytest.mark.parametrize("resource_name", sorted(BASE))
def test_the_base_records_import_by_both_doors(resource_name, world, client_for, tmp_path):
    """The bad records differ from a valid one: the base record imports (so a refusal above is
    the bad value's, not the sheet's)."""
    actor_name = importer_of(next(c for c in CASES if c.resource == resource_name).actor)
    values = resolve(BASE[resource_name], world)
    path, _resource = sheet_for(resource_name, values, world, tmp_path / "base.xlsx")
    errors, job = web_errors(client_for(world[actor_name]), path, resource_name)
    assert errors == [] and job.summary["new"] == 1, errors
    model = MODELS[resource_name]
    before = model.objects.count()
    out, error = command_errors(path, resource_name, None if actor_name == "staff" else world[actor_name])
    assert error == "" and model.objects.count() == before + 1, out


@pytest.mark.parametrize("case", PERMISSION_CASES, ids=lambda c: c.id)
def test_what_an_actor_may_not_do_is_refused_by_the_import(case, world, client_for, tmp_path):
    values = resolve(record(case), world)
    path, resource = sheet_for(case.resource, values, world, tmp_path / f"{case.resource}.xlsx")
    model = MODELS[case.resource]
    before = model.objects.count()
    admin = world[importer_of(case.actor)]
    if case.resource == "organizations":
        # The directory is staff's: the admin's import door does not open at all.
        upload(client_for(admin), path, case.resource)
        assert ImportJob.objects.count() == 0
        with pytest.raises(CommandError, match="无权导入"):
            call_command("import_xlsx", case.resource, str(path), "--user", admin.email, stdout=StringIO())
    else:
        header = expected_header(resource, case.field)
        errors, _job = web_errors(client_for(admin), path, case.resource)
        assert [2, header, case.message] in errors, errors
        out, _error = command_errors(path, case.resource, admin)
        assert f"第2行 [{header}] {case.message}" in out, out
    # A plain member has no import door either.
    member = world["member_a"]
    with pytest.raises(CommandError, match="无权导入"):
        call_command("import_xlsx", case.resource, str(path), "--user", member.email, stdout=StringIO())
    assert model.objects.count() == before
    assert case.field == NON_FIELD


# --- what an organization admin's sheet may not do, beyond creating -----------------------

P_HEADERS = ["项目名称", "承接组织", "资助方", "资金来源", "资助金额", "开始日期", "结束日期", "目标人数", "状态"]
C_HEADERS = [
    "案件编号",
    "受理日期",
    "承办组织",
    "案件类别",
    "申请人",
    "被申请人",
    "案件来源",
    "状态",
    "结案日期",
    "调解结果",
]


def project_row(project, **changes):
    row = {
        "项目名称": project.name,
        "承接组织": project.organization.name,
        "资助方": project.funder.name if project.funder_id else "",
        "资金来源": "社会",
        "资助金额": str(project.amount),
        "开始日期": project.start_date,
        "结束日期": project.end_date,
        "目标人数": project.target_beneficiaries,
        "状态": project.get_status_display(),
    }
    row.update(changes)
    return [row[h] for h in P_HEADERS]


@pytest.mark.parametrize(
    "changes,header,message",
    [
        ({"状态": "结项"}, "状态", "只有妇联工作人员可以把项目变为“结项”。"),
        ({"状态": "申报"}, "状态", "项目状态只能按“申报 → 立项 → 实施中 → 结项”逐步推进，不能从“实施中”变为“申报”。"),
        ({"资助方": "奉帮和事嫂家事调解服务队"}, "资助方", "只有妇联工作人员可以指定资助方。"),
        ({"资助金额": "9999999"}, "资助金额", "只有妇联工作人员可以修改“资助金额（元）”。"),
    ],
)
def test_an_admins_sheet_changes_no_more_of_a_project_than_the_page(
    changes, header, message, world, client_for, tmp_path
):
    project = CharityProjectFactory(organization=world["org_a"], status="in_progress")
    path = write_xlsx(tmp_path / "p.xlsx", P_HEADERS, [project_row(project, **changes)])
    errors, _job = web_errors(client_for(world["admin_a"]), path, "projects")
    assert errors == [[2, header, message]]
    out, _error = command_errors(path, "projects", world["admin_a"])
    assert f"第2行 [{header}] {message}" in out
    fresh = CharityProject.objects.get(pk=project.pk)
    assert (fresh.status, fresh.funder_id, fresh.amount, fresh.version) == (
        "in_progress",
        None,
        project.amount,
        project.version,
    )


def test_an_admins_sheet_may_take_the_step_the_page_allows(world, client_for, tmp_path):
    """立项 → 实施中 is the undertaking organization admin's step: taken through
    ``project_transition`` (its history row, the version raised)."""
    project = CharityProjectFactory(organization=world["org_a"], status="approved")
    path = write_xlsx(tmp_path / "p.xlsx", P_HEADERS, [project_row(project, 状态="实施中")])
    out, error = command_errors(path, "projects", world["admin_a"])
    assert error == "", out
    fresh = CharityProject.objects.get(pk=project.pk)
    assert fresh.status == "in_progress" and fresh.version > project.version
    assert fresh.history.first().history_user == world["admin_a"]


def case_row(case, **changes):
    row = {
        "案件编号": case.number,
        "受理日期": case.received_date,
        "承办组织": case.organization.name,
        "案件类别": case.get_category_display(),
        "申请人": "",
        "被申请人": "",
        "案件来源": "",
        "状态": case.get_status_display(),
        "结案日期": "",
        "调解结果": "",
    }
    row.update(changes)
    return [row[h] for h in C_HEADERS]


def test_a_sheet_moves_a_case_step_by_step_with_timeline_entries(world, client_for, tmp_path):
    case = MediationCaseFactory(organization=world["org_a"], status="received")
    row = case_row(case, 状态="调解成功", 结案日期="2026-11-20", 调解结果="签订赡养协议")
    errors, job = web_errors(client_for(world["admin_a"]), write_xlsx(tmp_path / "c.xlsx", C_HEADERS, [row]), "cases")
    assert errors == [] and job.summary["updated"] == 1
    client_for(world["admin_a"]).post(reverse("spreadsheets:job_confirm", args=[job.pk]))
    fresh = MediationCase.objects.get(pk=case.pk)
    assert (fresh.status, fresh.closed_date, fresh.outcome) == (
        "succeeded",
        datetime.date(2026, 11, 20),
        "签订赡养协议",
    )
    steps = list(CaseEvent.objects.filter(case=case, kind="status").order_by("id").values_list("text", flat=True))
    assert steps == ["状态：受理 → 调解中", "状态：调解中 → 调解成功。签订赡养协议"]
    assert fresh.version >= case.version + 2


def test_a_sheet_cannot_reopen_an_ended_case(world, tmp_path):
    case = MediationCaseFactory(
        organization=world["org_a"], status="succeeded", closed_date=datetime.date(2026, 4, 1), outcome="和解"
    )
    path = write_xlsx(tmp_path / "c.xlsx", C_HEADERS, [case_row(case, 状态="受理")])
    out, _error = command_errors(path, "cases", None)  # not even with staff rights
    assert "只有妇联工作人员可以在案件页面重新打开" in out
    assert MediationCase.objects.get(pk=case.pk).status == "succeeded"
    assert not CaseEvent.objects.filter(case=case).exists()


def test_a_sheet_adds_parties_and_never_deletes_one(world, tmp_path):
    case = MediationCaseFactory(organization=world["org_a"])
    CasePartyFactory(case=case, role="applicant", name="王奶奶")
    CasePartyFactory(case=case, role="respondent", name="王大")
    version = MediationCase.objects.get(pk=case.pk).version
    # The sheet names a new respondent and leaves out the applicant.
    path = write_xlsx(tmp_path / "c.xlsx", C_HEADERS, [case_row(case, 被申请人="王二")])
    out, error = command_errors(path, "cases", world["admin_a"])
    assert error == "", out
    names = sorted(CaseParty.objects.filter(case=case).values_list("role", "name"))
    assert names == [("applicant", "王奶奶"), ("respondent", "王二"), ("respondent", "王大")]
    assert MediationCase.objects.get(pk=case.pk).version == version + 1
    # Re-importing the same sheet changes nothing.
    out, error = command_errors(path, "cases", world["admin_a"])
    assert "更新 0" in out and CaseParty.objects.filter(case=case).count() == 3


# --- existence leaks (issue 10, finding 6) -------------------------------------------------


def test_another_organizations_case_number_is_answered_as_unknown_and_recorded(world, client_for, tmp_path):
    theirs = MediationCaseFactory(organization=world["org_b"])
    path = write_xlsx(tmp_path / "c.xlsx", C_HEADERS, [case_row(theirs, 承办组织=world["org_a"].name)])
    errors, _job = web_errors(client_for(world["admin_a"]), path, "cases")
    assert errors == [[2, "案件编号", "未找到该记录或无权修改。"]]
    assert world["org_b"].name not in str(errors)
    event = DataAccessEvent.objects.get(user=world["admin_a"])
    assert (event.action, event.resource, event.organization_id) == ("duplicate", "cases", world["org_b"].pk)


def test_another_organizations_person_gets_the_pages_words_and_is_recorded(world, client_for, tmp_path):
    theirs = BeneficiaryFactory(organization=world["org_b"])
    values = resolve({**BASE["beneficiaries"], "id_number": theirs.id_number}, world)
    path, _resource = sheet_for("beneficiaries", values, world, tmp_path / "b.xlsx")
    errors, _job = web_errors(client_for(world["admin_a"]), path, "beneficiaries")
    assert errors == [[2, "身份证号", "该身份证号已有服务对象记录，一人只能登记一次。"]]
    event = DataAccessEvent.objects.get(user=world["admin_a"])
    assert event.action == "duplicate"
    assert list(event.subjects.values_list("record_type", "record_id")) == [("beneficiary", theirs.pk)]
    assert Beneficiary.objects.get(pk=theirs.pk).organization_id == world["org_b"].pk


def test_attendance_links_only_people_the_user_may_see(world, client_for, tmp_path):
    theirs = BeneficiaryFactory(organization=world["org_b"])
    ours = world["beneficiary_a"]
    session = TrainingSessionFactory(organization=world["org_a"], date=datetime.date(2026, 11, 12))
    headers = ["培训名称", "培训日期", "主办组织", "姓名", "身份证号"]
    rows = [[session.title, session.date, world["org_a"].name, p.name, p.id_number] for p in (theirs, ours)]
    out, error = command_errors(write_xlsx(tmp_path / "a.xlsx", headers, rows), "attendance", world["admin_a"])
    assert error == "", out
    linked = dict(session.attendances.values_list("id_number", "beneficiary_id"))
    assert linked == {theirs.id_number: None, ours.id_number: ours.pk}


def test_another_organizations_training_is_answered_as_unknown(world, tmp_path):
    theirs = TrainingSessionFactory(organization=world["org_b"], date=datetime.date(2026, 11, 12))
    headers = ["培训名称", "培训日期", "主办组织", "姓名", "联系电话"]
    rows = [[theirs.title, theirs.date, world["org_b"].name, "王丽", "13857420009"]]
    out, _error = command_errors(write_xlsx(tmp_path / "a.xlsx", headers, rows), "attendance", world["admin_a"])
    assert "未找到该培训" in out and world["org_b"].name not in out.split("[培训名称]")[1]


# --- consent ---------------------------------------------------------------------------------


def test_a_child_imports_with_the_guardians_consent(world, tmp_path):
    values = resolve(
        {
            **BASE["beneficiaries"],
            "id_number": CHILD_ID,
            "guardian_name": "李建国",
            "guardian_consent_date": datetime.date(2026, 1, 5),
        },
        world,
    )
    path, _resource = sheet_for("beneficiaries", values, world, tmp_path / "b.xlsx")
    out, error = command_errors(path, "beneficiaries", world["admin_a"])
    assert error == "", out
    child = Beneficiary.objects.get(id_number=CHILD_ID)
    assert (child.guardian_name, child.guardian_consent_date, child.consent_method) == (
        "李建国",
        datetime.date(2026, 1, 5),
        "written",
    )
