"""Logging a visit: the fast path and its refusals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from beneficiaries.models import Visit, VisitService
from beneficiaries.services import name_initials, visit_create
from tests.factories import BeneficiaryFactory, OrganizationFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org_a):
    return BeneficiaryFactory(organization=org_a, name="胡菊芬", name_initials=name_initials("胡菊芬"))


@freeze_time("2026-03-10 10:00:00")
def test_log_a_visit_in_three_screens(client_for, member_a, person, org_a):
    client = client_for(member_a)
    # Screen 1: type a few letters, tap the person.
    start = client.get(reverse("beneficiaries:visit_create"))
    assert start.status_code == 200 and 'hx-post="' in start.content.decode()
    results = client.post(reverse("beneficiaries:visit_create"), {"q": "hjf"}, HTTP_HX_REQUEST="true")
    form_url = reverse("beneficiaries:visit_create_for", args=[person.pk])
    assert "胡菊芬" in results.content.decode() and form_url in results.content.decode()
    assert "<html" not in results.content.decode()
    # Screen 2: the date is today; mode and services are tapped.
    form = client.get(form_url).content.decode()
    assert 'value="2026-03-10"' in form
    health = VisitService.objects.get(code="health")
    response = client.post(
        form_url, {"visit_date": "2026-03-10", "mode": "home", "services": [health.pk], "supplies_value": "80.50"}
    )
    # Screen 3: the person's page with the new visit on the timeline.
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已登记对“胡菊芬”的走访" in page and "2026-03-10" in page
    visit = Visit.objects.get()
    assert visit.organization == org_a and visit.created_by == member_a
    assert visit.supplies_value == Decimal("80.50") and list(visit.services.all()) == [health]


@freeze_time("2026-03-10 10:00:00")
def test_a_future_date_and_a_negative_value_are_refused(client_for, member_a, person):
    response = client_for(member_a).post(
        reverse("beneficiaries:visit_create_for", args=[person.pk]),
        {"visit_date": "2026-03-11", "mode": "home", "supplies_value": "-5"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "走访日期不能晚于今天" in html and "物资价值不能为负数" in html
    assert not Visit.objects.exists()


def test_an_organization_cannot_visit_a_beneficiary_not_in_its_care(client_for, member_b, person):
    assert client_for(member_b).get(reverse("beneficiaries:visit_create_for", args=[person.pk])).status_code == 404
    with pytest.raises(ValidationError) as exc:
        visit_create(beneficiary=person, actor=member_b, visit_date=datetime.date(2026, 3, 1), mode="home")
    assert "不由您所在的组织负责" in exc.value.messages[0]
    found = client_for(member_b).post(reverse("beneficiaries:visit_create"), {"q": "胡菊芬"}, HTTP_HX_REQUEST="true")
    assert "胡菊芬" not in found.content.decode() and "没有找到" in found.content.decode()


def test_staff_record_any_visit_and_name_the_visiting_organization(client_for, staff, person):
    other = OrganizationFactory(name="箭岭志愿者协会")
    with pytest.raises(ValidationError) as exc:
        visit_create(beneficiary=person, actor=staff, visit_date=datetime.date(2026, 3, 1), mode="phone")
    assert "organization" in exc.value.message_dict
    url = reverse("beneficiaries:visit_create_for", args=[person.pk])
    response = client_for(staff).post(url, {"visit_date": "2026-03-01", "mode": "phone", "organization": other.pk})
    assert response.status_code == 302
    assert Visit.objects.get().organization == other


def test_visit_list_filters_and_scoping(client_for, member_a, member_b, person, org_b):
    VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 2, 3), mode="phone")
    VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, 3), mode="home")
    VisitFactory(
        beneficiary=BeneficiaryFactory(organization=org_b, name="袁丽君"), visit_date=datetime.date(2026, 3, 4)
    )
    html = (
        client_for(member_a)
        .get(reverse("beneficiaries:visit_list"), {"start": "2026-03-01", "mode": "home"})
        .content.decode()
    )
    assert "2026-03-03" in html and "2026-02-03" not in html and "袁丽君" not in html
    other = Visit.objects.get(beneficiary__name="袁丽君")
    assert client_for(member_a).get(reverse("beneficiaries:visit_detail", args=[other.pk])).status_code == 404
    assert client_for(member_b).get(reverse("beneficiaries:visit_detail", args=[other.pk])).status_code == 200


def test_a_deactivated_person_gets_no_new_visits(member_a, person):
    person.active = False
    person.save()
    with pytest.raises(ValidationError):
        visit_create(beneficiary=person, actor=member_a, visit_date=datetime.date(2026, 3, 1), mode="home")
