"""History (finding 7), the service part: switching an organization off records the day (page
or service) and switching it on clears it; key-care dates are kept as given, a person who
becomes key-care without one is listed from today, and the import's default is the earliest
visit (or today)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from beneficiaries import rules as beneficiary_rules
from beneficiaries import services as beneficiary_services
from organizations import services
from reports.statistics import Scope, compute
from tests.factories import BeneficiaryFactory, OrganizationFactory, VisitFactory, town

pytestmark = pytest.mark.django_db


def _org_form(org, **changes):
    data = {
        "name": org.name,
        "credit_code": org.credit_code,
        "kind": org.kind,
        "town": org.town_id,
        "leader_name": org.leader_name,
        "phone": org.phone,
        "founded": org.founded.isoformat(),
        "volunteer_count": str(org.volunteer_count),
        "active": "on",
        "version": org.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@freeze_time("2026-06-15")
def test_switching_an_organization_off_on_its_page_records_the_day(org_a, staff, client_for):
    url = reverse("organizations:edit", args=[org_a.pk])
    assert client_for(staff).post(url, _org_form(org_a, active=None)).status_code == 302
    org_a.refresh_from_db()
    assert not org_a.active and org_a.deactivated_on == datetime.date(2026, 6, 15)
    page = client_for(staff).get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    assert "已停止（2026-06-15）" in page
    # Switched back on: the date is cleared.
    assert client_for(staff).post(url, _org_form(org_a)).status_code == 302
    org_a.refresh_from_db()
    assert org_a.active and org_a.deactivated_on is None


@freeze_time("2026-06-15")
def test_a_past_stop_date_is_kept_and_a_future_one_refused(org_a, staff, client_for):
    url = reverse("organizations:edit", args=[org_a.pk])
    response = client_for(staff).post(url, _org_form(org_a, active=None, deactivated_on="2026-07-01"))
    assert "停止运行日期不能晚于今天。" in response.content.decode()
    org_a.refresh_from_db()
    assert org_a.active
    client_for(staff).post(url, _org_form(org_a, active=None, deactivated_on="2026-04-30"))
    org_a.refresh_from_db()
    assert org_a.deactivated_on == datetime.date(2026, 4, 30)
    # Past months keep counting it: active at the end of April? No (stopped that day); March: yes.
    march = compute(datetime.date(2026, 3, 1), Scope.for_organization(org_a))["month_figures"]
    may = compute(datetime.date(2026, 5, 1), Scope.for_organization(org_a))["month_figures"]
    assert (march["organizations_active"], may["organizations_active"]) == (1, 0)


@freeze_time("2026-06-15")
def test_the_service_records_the_day_and_only_staff_switch_organizations(org_a, staff, admin_a):
    with pytest.raises(ValidationError, match="只有妇联工作人员可以修改"):  # not an admin's decision
        services.organization_set_active(organization=org_a, actor=admin_a, active=False)
    services.organization_set_active(organization=org_a, actor=staff, active=False)
    org_a.refresh_from_db()
    assert org_a.deactivated_on == datetime.date(2026, 6, 15)
    services.organization_set_active(organization=org_a, actor=staff, active=True)
    org_a.refresh_from_db()
    assert org_a.deactivated_on is None


def test_an_org_admin_cannot_switch_the_organization_off_by_any_field(org_a, admin_a):
    errors = services.rules.organization_write_errors({"active": False}, actor=admin_a, instance=org_a)
    assert errors == {"active": "只有妇联工作人员可以修改“正常运行”。"}


def _person(org, **values):
    return BeneficiaryFactory(organization=org, **values)


@freeze_time("2026-06-15")
def test_key_care_since_is_kept_as_given_today_when_missing_cleared_when_dropped(org_a, member_a):
    person = _person(org_a)
    updated = beneficiary_services.beneficiary_update(
        beneficiary=person, actor=member_a, version=person.version, key_care=True, visit_cadence=2
    )
    assert updated.key_care_since == datetime.date(2026, 6, 15)  # became key-care today
    updated = beneficiary_services.beneficiary_update(
        beneficiary=updated, actor=member_a, version=updated.version, key_care_since=datetime.date(2025, 9, 1)
    )
    assert updated.key_care_since == datetime.date(2025, 9, 1)  # a past date, kept
    with pytest.raises(ValidationError) as exc:
        beneficiary_services.beneficiary_update(
            beneficiary=updated, actor=member_a, version=updated.version, key_care_since=datetime.date(2026, 7, 1)
        )
    assert exc.value.message_dict == {"key_care_since": ["列为重点关爱日期不能晚于今天。"]}
    dropped = beneficiary_services.beneficiary_update(
        beneficiary=updated, actor=member_a, version=updated.version, key_care=False
    )
    assert (dropped.key_care_since, dropped.visit_cadence) == (None, 0)
    again = beneficiary_services.beneficiary_update(
        beneficiary=dropped, actor=member_a, version=dropped.version, key_care=True, visit_cadence=1
    )
    assert again.key_care_since == datetime.date(2026, 6, 15)  # a new listing, not the old one


def test_the_cadence_rule_is_written_once(org_a):
    today = datetime.date(2026, 6, 15)
    assert beneficiary_rules.key_care_for({"key_care": True, "visit_cadence": 2}, today=today) == {
        "key_care": True,
        "visit_cadence": 2,
        "key_care_since": today,
    }
    assert beneficiary_rules.key_care_for(
        {"key_care": True, "visit_cadence": 2}, today=today, default_since=datetime.date(2025, 3, 2)
    )["key_care_since"] == datetime.date(2025, 3, 2)
    assert beneficiary_rules.key_care_for({"key_care": False, "visit_cadence": 4}, today=today) == {
        "key_care": False,
        "visit_cadence": 0,
        "key_care_since": None,
    }


@freeze_time("2026-06-15")
def test_default_key_care_since_is_the_earliest_visit_else_today(org_a):
    person = _person(org_a)
    assert beneficiary_rules.default_key_care_since(person) == (datetime.date(2026, 6, 15), "today")
    assert beneficiary_rules.default_key_care_since("330301195806150027") == (datetime.date(2026, 6, 15), "today")
    VisitFactory(beneficiary=person, visit_date=datetime.date(2025, 8, 3))
    VisitFactory(
        beneficiary=person,
        visit_date=datetime.date(2025, 4, 9),
        withdrawn_at=datetime.datetime(2025, 4, 10, tzinfo=datetime.UTC),
    )
    VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 1, 20))
    start = beneficiary_rules.default_key_care_since(person.id_number)
    assert start == (datetime.date(2025, 8, 3), "earliest_visit") and start.label == "最早走访日期"
    assert beneficiary_rules.default_key_care_since(person).date == datetime.date(2025, 8, 3)


def test_organizations_in_a_past_month_are_counted_from_their_stop_day(staff):
    org = OrganizationFactory(name="已停办的妇女微家", founded=datetime.date(2019, 1, 1), town=town())
    with freeze_time("2026-04-10"):
        services.organization_set_active(organization=org, actor=staff, active=False)
    with freeze_time("2026-11-30"):
        march = compute(datetime.date(2026, 3, 1), Scope.for_organization(org))["month_figures"]
        april = compute(datetime.date(2026, 4, 1), Scope.for_organization(org))["month_figures"]
    assert (march["organizations_active"], april["organizations_active"]) == (1, 0)
