"""The rule sets (one per record type) and what an organization admin may not do by any door
(findings 1, 2 and 3 of issue 11, the page and rule side), and the one service style."""

import datetime
import importlib
import inspect
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from freezegun import freeze_time

from beneficiaries.rules import check_beneficiary
from cases import services as case_services
from cases import workflow as case_workflow
from cases.models import CaseEvent, CaseParty, MediationCase
from cases.rules import check_case, check_party
from core.rules import NON_FIELD, all_rules, rules_for
from organizations.access import Actor
from organizations.rules import check_organization
from organizations.validators import phone_error
from projects import services as project_services
from projects import workflow as project_workflow
from projects.models import CharityProject
from projects.rules import check_project, project_fields_editable_by, project_write_errors
from tests.factories import CharityProjectFactory, MediationCaseFactory, TrainingSessionFactory, town
from training.rules import check_attendance

from ..doors.cases import PHONE_MESSAGE

pytestmark = pytest.mark.django_db


def test_every_record_type_has_its_rule_set():
    assert set(all_rules()) == {
        "organizations",
        "memberships",
        "beneficiaries",
        "visits",
        "projects",
        "project_reports",
        "trainings",
        "attendance",
        "cases",
        "case_parties",
        "referrals",
    }
    for ruleset in all_rules().values():
        for function in (ruleset.check, ruleset.write_errors):
            parameters = inspect.signature(function).parameters
            assert list(parameters)[0] == "values" and parameters["actor"].kind is inspect.Parameter.KEYWORD_ONLY
        assert ruleset.model.__module__.split(".")[0] == ruleset.check.__module__.split(".")[0]


@pytest.mark.parametrize("phone", ["13857420001", "138 5742 0001", "+86 138 5742 0001", "0574-88881234", "88881234"])
def test_the_phone_rule_accepts_real_numbers(phone):
    assert phone_error(phone) is None


@pytest.mark.parametrize("phone", ["139", "1385742000", "12857420001", "0574-123", "电话13857420001"])
def test_the_phone_rule_refuses_the_rest(phone):
    assert phone_error(phone) == PHONE_MESSAGE


def test_one_phone_rule_for_every_record_with_a_phone(org_a, staff, member_a):
    """ "139" is refused with the same message for a beneficiary, an organization, a trainee and
    a party to a case (the attendance page used to refuse it while the others took it)."""
    session = TrainingSessionFactory(organization=org_a)
    messages = {
        "organization": check_organization({"phone": "139"}, actor=staff, instance=org_a).get("phone"),
        "beneficiary": check_beneficiary({"phone": "139"}, actor=member_a).get("phone"),
        "trainee": check_attendance({"name": "王丽", "phone": "139"}, actor=member_a, session=session).get("phone"),
        "party": check_party({"role": "applicant", "name": "王奶奶", "phone": "139"}, actor=member_a).get("phone"),
    }
    assert set(messages.values()) == {PHONE_MESSAGE}


def test_a_beneficiary_page_refuses_139(org_a, member_a, client_for):
    response = client_for(member_a).post(
        reverse("beneficiaries:create"),
        {
            "name": "陈桂芳",
            "id_number": "330301195806150027",
            "phone": "139",
            "town": town().pk,
            "village": "东门村",
            "organization": org_a.pk,
            "consent_date": "2026-01-05",
            "consent_method": "written",
            "visit_cadence": "0",
        },
    )
    assert response.context["form"].errors["phone"] == [PHONE_MESSAGE]


# --- projects: finding 1 ---------------------------------------------------------------------


def test_an_org_admin_cannot_create_a_project_by_page_or_service(org_a, admin_a, client_for):
    assert client_for(admin_a).get(reverse("projects:create")).status_code == 403
    with pytest.raises(PermissionDenied):
        project_services.project_create(
            actor=admin_a,
            name="自己立的项目",
            organization=org_a,
            funding_source="social",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 12, 31),
            status="completed",
        )
    assert not CharityProject.objects.exists()


def test_an_org_admin_edits_only_description_and_target_and_never_names_a_funder(
    org_a, org_b, admin_a, staff, client_for
):
    project = CharityProjectFactory(organization=org_a, status="approved", amount=Decimal("50000.00"))
    assert project_fields_editable_by(admin_a, project) == {"description", "target_beneficiaries"}
    assert "status" not in project_fields_editable_by(staff, project)
    page = client_for(admin_a).get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert 'name="description"' in page and 'name="funder"' not in page and 'name="amount"' not in page
    response = client_for(admin_a).post(
        reverse("projects:edit", args=[project.pk]),
        {
            "description": "新增入户陪伴。",
            "target_beneficiaries": "60",
            "funder": org_b.pk,
            "amount": "9999999999.00",
            "status": "completed",
            "version": project.version,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.description, project.target_beneficiaries) == ("新增入户陪伴。", 60)
    assert (project.funder_id, project.amount, project.status) == (None, Decimal("50000.00"), "approved")
    # What a sheet would try: the rule names each refusal.
    errors = project_write_errors({"funder_id": org_b.pk, "amount": Decimal("1.00")}, actor=admin_a, instance=project)
    assert errors == {
        "funder": "只有妇联工作人员可以指定资助方。",
        "amount": "只有妇联工作人员可以修改“资助金额（元）”。",
    }


def test_a_project_never_goes_back_and_each_step_is_taken_by_whom_the_table_says(org_a, staff, admin_a, client_for):
    project = CharityProjectFactory(organization=org_a, status="completed")
    errors = check_project({"status": "approved"}, actor=staff, instance=project)
    assert errors == {"status": "项目已结项，状态不能再变更。"}
    declared = CharityProjectFactory(organization=org_a, status="declared")
    assert check_project({"status": "in_progress"}, actor=admin_a, instance=declared) == {
        "status": "只有妇联工作人员可以把项目变为“立项”。"
    }
    assert check_project({"status": "completed"}, actor=staff, instance=declared) == {}
    assert project_workflow.steps_between("declared", "completed") == ["approved", "in_progress", "completed"]
    # On the page: the admin may not approve, but may start the approved project.
    client = client_for(admin_a)
    response = client.post(reverse("projects:advance", args=[declared.pk]), follow=True)
    assert "只有妇联工作人员可以把项目变为“立项”" in response.content.decode()
    declared.refresh_from_db()
    assert declared.status == "declared"
    project_services.project_advance(project=declared, actor=staff)
    page = client.get(reverse("projects:detail", args=[declared.pk])).content.decode()
    assert "开始实施" in page
    client.post(reverse("projects:advance", args=[declared.pk]))
    declared.refresh_from_db()
    assert declared.status == "in_progress"
    # Closing is staff's: the admin is offered no button for it.
    page = client.get(reverse("projects:detail", args=[declared.pk])).content.decode()
    assert reverse("projects:advance", args=[declared.pk]) not in page


def test_project_amounts_have_a_sane_maximum(org_a, staff):
    base = {
        "name": "关爱项目",
        "organization_id": org_a.pk,
        "funding_source": "social",
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2026, 12, 31),
        "status": "declared",
    }
    assert check_project({**base, "amount": Decimal("100000000.00")}, actor=staff) == {}
    assert check_project({**base, "amount": Decimal("100000000.01")}, actor=staff)["amount"] == (
        "资助金额不能超过1亿元，请核对金额。"
    )


# --- cases: finding 2 ------------------------------------------------------------------------


def _case(org, status="received", **extra):
    if status in MediationCase.CLOSED_STATUSES:
        extra.setdefault("closed_date", datetime.date(2026, 3, 20))
        extra.setdefault("outcome", "签订赡养承诺书。")
    case = MediationCaseFactory(organization=org, status=status, received_date=datetime.date(2026, 3, 5), **extra)
    CaseParty.objects.create(case=case, role="applicant", name="王奶奶")
    CaseParty.objects.create(case=case, role="respondent", name="王大")
    return case


def test_a_case_status_moves_only_along_the_workflow(org_a, admin_a):
    case = _case(org_a)
    assert check_case({"status": "succeeded"}, actor=admin_a, instance=case) == {
        "closed_date": "结案需要填写结案日期。",
        "outcome": "结案需要填写调解结果。",
    }
    values = {"status": "succeeded", "closed_date": datetime.date(2026, 3, 20), "outcome": "和解"}
    assert check_case(values, actor=admin_a, instance=case) == {}
    assert case_workflow.steps_between("received", "succeeded") == ["mediating", "succeeded"]
    ended = _case(org_a, status="succeeded")
    assert check_case({"status": "received"}, actor=admin_a, instance=ended)["status"].startswith("案件已“调解成功”")
    assert "只能在变更案件状态时填写" in check_case(
        {"closed_date": datetime.date(2026, 3, 25)}, actor=admin_a, instance=ended
    ).get("closed_date", "")


def test_an_org_admins_page_cannot_change_a_case_status_outside_the_workflow(org_a, admin_a, client_for):
    case = _case(org_a)
    client = client_for(admin_a)
    client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "category": "elder_support",
            "source": "walk_in",
            "received_date": "2026-03-05",
            "summary": "改了简述",
            "status": "succeeded",
            "version": case.version,
        },
    )
    case.refresh_from_db()
    assert case.status == "received" and case.summary == "改了简述"
    response = client.post(
        reverse("cases:transition", args=[case.pk]),
        {"status": "succeeded", "closed_date": "2026-03-20", "outcome": "和解"},
        follow=True,
    )
    assert "案件状态不能从“受理”变为“调解成功”" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "received"
    assert client.post(reverse("cases:reopen", args=[case.pk]), {"reason": "复查"}).status_code == 403


@freeze_time("2026-04-01")
def test_status_changes_leave_timeline_entries_and_never_delete_parties(org_a, member_a, staff):
    case = _case(org_a)
    case = case_services.case_transition(case=case, to_status="mediating", actor=member_a)
    case = case_services.case_transition(
        case=case, to_status="succeeded", actor=member_a, closed_date=datetime.date(2026, 3, 20), outcome="和解"
    )
    case = case_services.case_reopen(case=case, actor=staff, reason="当事人反悔")
    case_services.case_update(case=case, version=case.version, actor=member_a, summary="补充")
    assert sorted(case.parties.values_list("name", flat=True)) == ["王大", "王奶奶"]
    texts = list(case.events.filter(kind=CaseEvent.Kind.STATUS).values_list("text", flat=True))
    assert texts == [
        "状态：受理 → 调解中",
        "状态：调解中 → 调解成功。和解",
        "重新打开：调解成功 → 调解中。原因：当事人反悔",
    ]
    with pytest.raises(PermissionDenied):
        case_services.case_reopen(case=case, actor=member_a, reason="再来")


def test_a_new_case_for_another_organization_is_refused(org_b, member_a):
    with pytest.raises(PermissionDenied):
        case_services.case_create(
            organization=org_b, actor=member_a, category="elder_support", received_date=datetime.date(2026, 3, 5)
        )
    errors = rules_for("cases").check(
        {"organization_id": org_b.pk, "category": "elder_support", "received_date": datetime.date(2026, 3, 5)},
        actor=Actor.of(member_a),
    )
    assert errors == {NON_FIELD: "只能为您所在的组织受理案件。"}


# --- one service style (issue 15) -----------------------------------------------------------

SERVICE_MODULES = ["organizations", "beneficiaries", "training", "projects", "cases"]


@pytest.mark.parametrize("app", SERVICE_MODULES)
def test_every_service_takes_keyword_only_explicit_arguments(app):
    module = importlib.import_module(f"{app}.services")
    writers = [
        (name, function)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(function).parameters
    ]
    assert writers
    for name, function in writers:
        for parameter in inspect.signature(function).parameters.values():
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, f"{app}.services.{name}({parameter.name})"
            assert parameter.name not in ("form", "data"), f"{app}.services.{name} takes a {parameter.name}"


def test_the_permission_aliases_are_gone():
    gone = {
        "beneficiaries.services": ["can_record_for", "visit_organizations_for", "beneficiary_save"],
        "cases.services": ["can_work_on_case", "organizations_for_new_case"],
        "projects.services": ["can_read_report_details", "project_save"],
        "organizations.services": ["organization_save"],
    }
    for module, names in gone.items():
        loaded = importlib.import_module(module)
        assert not [name for name in names if hasattr(loaded, name)], module


def test_services_check_the_rules_again(org_a, member_a):
    """A caller that skips the form meets the same rules in the service."""
    with pytest.raises(ValidationError) as exc:
        project_services.report_create(
            project=CharityProjectFactory(organization=org_a),
            actor=member_a,
            period_start=datetime.date(2026, 3, 1),
            period_end=datetime.date(2026, 3, 31),
            funds_spent=Decimal("200000000"),
        )
    assert exc.value.message_dict == {"funds_spent": ["金额不能超过1亿元，请核对。"]}
