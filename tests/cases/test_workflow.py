"""Every step of the mediation workflow, allowed and refused (see cases/workflow.py)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services, workflow
from cases.models import CaseEvent, MediationCase

from .conftest import RECEIVED, make_case

S = MediationCase.Status
ALL = list(S.values)
PAIRS = [(a, b) for a in ALL for b in ALL]
ALLOWED = {(a, b) for a, targets in workflow.TRANSITIONS.items() for b in targets}


def test_the_table_is_the_designed_one():
    assert {
        ("received", "mediating"),
        ("received", "referred"),
        ("received", "withdrawn"),
        ("mediating", "succeeded"),
        ("mediating", "failed"),
        ("mediating", "referred"),
        ("mediating", "withdrawn"),
    } == ALLOWED


@pytest.mark.django_db
@pytest.mark.parametrize("from_status, to_status", PAIRS)
def test_every_transition(from_status, to_status, org_a, member_a):
    case = make_case(org_a, status=from_status)
    closing = {"closed_date": datetime.date(2026, 3, 25), "outcome": "签订赡养协议。", "note": "当事人主动撤回。"}
    if (from_status, to_status) in ALLOWED:
        case = services.case_transition(case=case, to_status=to_status, actor=member_a, **closing)
        assert case.status == to_status
        event = case.events.get(kind=CaseEvent.Kind.STATUS)
        assert str(S(from_status).label) in event.text and str(S(to_status).label) in event.text
        assert event.author == member_a
        if to_status in workflow.CLOSING:
            assert case.closed_date == datetime.date(2026, 3, 25) and case.outcome == "签订赡养协议。"
        elif to_status == "withdrawn":
            assert case.closed_date == datetime.date(2026, 3, 25) and case.outcome == ""
        else:
            assert case.closed_date is None
    else:
        with pytest.raises(ValidationError) as exc:
            services.case_transition(case=case, to_status=to_status, actor=member_a, **closing)
        assert f"案件状态不能从“{S(from_status).label}”变为“{S(to_status).label}”" in exc.value.messages[0]
        case.refresh_from_db()
        assert case.status == from_status
        assert not case.events.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "closed_date, outcome, message",
    [
        (None, "达成协议", "结案需要填写结案日期"),
        (RECEIVED - datetime.timedelta(days=1), "达成协议", "结案日期不能早于受理日期"),
        (datetime.date.today() + datetime.timedelta(days=1), "达成协议", "结案日期不能晚于今天"),
        (datetime.date(2026, 3, 20), "  ", "结案需要填写调解结果"),
    ],
)
def test_closing_needs_a_valid_date_and_an_outcome(org_a, member_a, closed_date, outcome, message):
    case = make_case(org_a, status="mediating")
    with pytest.raises(ValidationError) as exc:
        services.case_transition(
            case=case, to_status="succeeded", actor=member_a, closed_date=closed_date, outcome=outcome
        )
    assert any(message in m for m in exc.value.messages)
    case.refresh_from_db()
    assert case.status == "mediating"


@pytest.mark.django_db
def test_closing_on_the_received_date_is_allowed(org_a, member_a):
    case = make_case(org_a, status="mediating")
    case = services.case_transition(
        case=case, to_status="failed", actor=member_a, closed_date=RECEIVED, outcome="未达成一致"
    )
    assert case.closed_date == RECEIVED


@pytest.mark.django_db
def test_withdrawing_needs_a_reason_and_the_end_date_is_optional(org_a, member_a):
    case = make_case(org_a, status="mediating")
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=case, to_status="withdrawn", actor=member_a)
    assert "撤回需要说明原因" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="不能早于受理日期"):
        services.case_transition(
            case=case,
            to_status="withdrawn",
            actor=member_a,
            note="和解",
            closed_date=RECEIVED - datetime.timedelta(days=1),
        )
    case = services.case_transition(case=case, to_status="withdrawn", actor=member_a, note="家庭自行和解")
    assert case.status == "withdrawn" and case.closed_date is None
    assert "家庭自行和解" in case.events.get().text


@pytest.mark.django_db
def test_another_organization_cannot_move_a_case(org_a, member_b):
    case = make_case(org_a)
    with pytest.raises(PermissionDenied):
        services.case_transition(case=case, to_status="mediating", actor=member_b)


@pytest.mark.django_db
def test_a_transition_bumps_the_version(org_a, member_a):
    case = make_case(org_a)
    case = services.case_transition(case=case, to_status="mediating", actor=member_a)
    assert case.version == 2


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["succeeded", "failed", "referred", "withdrawn"])
def test_staff_reopen_an_ended_case_with_a_reason(org_a, staff, status):
    case = make_case(org_a, status=status)
    case = services.case_reopen(case=case, actor=staff, reason="当事人反悔，需继续调解")
    assert case.status == "mediating"
    assert case.closed_date is None and case.outcome == ""
    event = case.events.get(kind="status")
    assert "重新打开" in event.text and "当事人反悔" in event.text


@pytest.mark.django_db
def test_reopen_is_refused_without_reason_for_open_cases_and_for_members(org_a, staff, admin_a):
    ended = make_case(org_a, status="succeeded")
    with pytest.raises(ValidationError, match="需要填写原因"):
        services.case_reopen(case=ended, actor=staff, reason=" ")
    with pytest.raises(PermissionDenied):
        services.case_reopen(case=ended, actor=admin_a, reason="复查")
    open_case = make_case(org_a, status="mediating")
    with pytest.raises(ValidationError) as exc:
        services.case_reopen(case=open_case, actor=staff, reason="复查")
    assert "只有已结束的案件可以重新打开" in exc.value.messages[0]


@pytest.mark.django_db
def test_reopen_mails_the_organizations_admins(
    org_a, staff, admin_a, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    case = make_case(org_a, status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reopen(case=case, actor=staff, reason="复查")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [admin_a.email]
    assert case.number in mailoutbox[0].subject
    assert "复查" not in mailoutbox[0].body  # the reason stays in the portal
