"""Door equality, the page half: every bad record of ``tests/doors/cases.py`` is refused by the
page (the form POST) and by the rule function with the same message on the same field, and
nothing is saved.  The import half (web and command) feeds the same records to the import."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from beneficiaries.models import Beneficiary, Visit
from cases.models import MediationCase
from core.rules import NON_FIELD, rules_for
from organizations.models import Organization
from projects.models import CharityProject
from tests.factories import BeneficiaryFactory, TrainingSessionFactory, town
from training.models import Attendance, TrainingSession

from .cases import BASE, CASE_PARTIES, CASES, PERMISSION_CASES, TODAY, record, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with freeze_time(TODAY.isoformat()):
        yield


CREATE_URLS = {
    "organizations": lambda w: reverse("organizations:create"),
    "beneficiaries": lambda w: reverse("beneficiaries:create"),
    "visits": lambda w: reverse("beneficiaries:visit_create_for", args=[w["beneficiary_a"].pk]),
    "projects": lambda w: reverse("projects:create"),
    "trainings": lambda w: reverse("training:create"),
    "attendance": lambda w: reverse("training:attendance_add", args=[w["session_a"].pk]),
    "cases": lambda w: reverse("cases:create"),
}
MODELS = {
    "organizations": Organization,
    "beneficiaries": Beneficiary,
    "visits": Visit,
    "projects": CharityProject,
    "trainings": TrainingSession,
    "attendance": Attendance,
    "cases": MediationCase,
}
IN_URL = {"beneficiary_id", "session_id"}  # the page names these in its URL


@pytest.fixture
def world(org_a, org_b, roles):
    beneficiary = BeneficiaryFactory(
        organization=org_a, name="王秀英", birth=datetime.date(1958, 6, 15), village="西门村"
    )
    session = TrainingSessionFactory(organization=org_a, date=datetime.date(2026, 3, 12))
    return {
        "org_a": org_a,
        "org_b": org_b,
        "town": town(),
        "beneficiary_a": beneficiary,
        "session_a": session,
        **roles,
    }


def post_data(resource, values):
    """A record's values as the page's form would post them."""
    data = {}
    for name, value in values.items():
        if name in IN_URL:
            continue
        key = name.removesuffix("_id") if name.endswith("_id") else name
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is None:
            data[key] = ""
        elif isinstance(value, datetime.date):
            data[key] = value.isoformat()
        else:
            data[key] = str(value)
    if resource == "cases":
        data.update(CASE_PARTIES)
    return data


def rule_errors(case, world):
    values = resolve(record(case), world)
    return rules_for(case.resource).check(values, actor=world[case.actor], today=TODAY)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_page_and_the_rule_refuse_with_the_same_message(case, world, client_for):
    values = resolve(record(case), world)
    model = MODELS[case.resource]
    before = model.objects.count()
    response = client_for(world[case.actor]).post(CREATE_URLS[case.resource](world), post_data(case.resource, values))

    assert response.status_code == 200, "the page must show the form again with its errors"
    form = response.context.get("attendance_form") or response.context["form"]
    assert form.errors.get(case.field) == [case.message], form.errors
    assert case.message in response.content.decode()
    assert model.objects.count() == before, "nothing is saved"

    assert rule_errors(case, world).get(case.field) == case.message


@pytest.mark.parametrize("resource", sorted(CREATE_URLS))
def test_the_base_records_are_valid_by_every_door(resource, world, client_for):
    """The bad records differ from a valid one: the base record passes the rule and the page."""
    actor = world[next(c for c in CASES if c.resource == resource).actor]
    values = resolve(BASE[resource], world)
    assert rules_for(resource).check(values, actor=actor, today=TODAY) == {}
    model = MODELS[resource]
    before = model.objects.count()
    response = client_for(actor).post(CREATE_URLS[resource](world), post_data(resource, values))
    assert response.status_code == 302
    assert model.objects.count() == before + 1


@pytest.mark.parametrize("case", PERMISSION_CASES, ids=lambda c: c.id)
def test_what_an_actor_may_not_do_is_refused_by_the_page_and_the_rule(case, world, client_for):
    values = resolve(record(case), world)
    model = MODELS[case.resource]
    before = model.objects.count()
    response = client_for(world[case.actor]).post(CREATE_URLS[case.resource](world), post_data(case.resource, values))
    if response.status_code == 200:
        # The page does not offer the other organization: the choice is refused on the field.
        form = response.context["form"]
        assert "organization" in form.errors
    else:
        assert response.status_code == 403
    assert model.objects.count() == before
    assert rule_errors(case, world).get(NON_FIELD) == case.message


def test_every_resource_has_bad_records():
    assert {case.resource for case in CASES} == set(CREATE_URLS)


def test_all_errors_of_a_record_show_in_the_first_round(world, client_for):
    """The ID number's checksum is reported together with the phone, the consent and the
    cadence: one round, not one error per round."""
    values = resolve(
        {
            **BASE["beneficiaries"],
            "id_number": "330301195806150025",
            "phone": "139",
            "consent_date": None,
            "key_care": True,
            "visit_cadence": 0,
        },
        world,
    )
    response = client_for(world["member_a"]).post(reverse("beneficiaries:create"), post_data("beneficiaries", values))
    errors = response.context["form"].errors
    assert {"id_number", "phone", "consent_date", "visit_cadence"} <= set(errors)
    assert errors["id_number"] == ["身份证号校验位不正确，请核对后重新输入。"]
