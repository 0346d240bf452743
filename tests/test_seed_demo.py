"""`make run` loads the demo with seed_demo; running it twice changes nothing."""

import pytest
from django.core.management import call_command

from accounts.models import User
from beneficiaries.models import Beneficiary, Visit
from cases.models import MediationCase
from organizations.models import Membership, Organization
from projects.models import CharityProject, ProjectReport
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db

MODELS = [
    Organization,
    Membership,
    User,
    Beneficiary,
    Visit,
    TrainingSession,
    Attendance,
    CharityProject,
    ProjectReport,
    MediationCase,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_has_every_role_and_record_type_and_is_idempotent():
    call_command("seed_demo", quiet=True)
    first = counts()
    assert all(first.values()), first
    roles = dict(User.objects.values_list("email", "role"))
    assert roles["staff@demo.lanxin.cn"] == "staff" and roles["leader@demo.lanxin.cn"] == "leader"
    assert Membership.objects.filter(user__email="admin@demo.lanxin.cn", role="admin").exists()
    assert Beneficiary.objects.key_care().overdue().exists()  # some key-care visits are overdue
    assert set(MediationCase.objects.values_list("status", flat=True)) == set(MediationCase.Status.values)
    assert set(ProjectReport.objects.values_list("status", flat=True)) == set(ProjectReport.Status.values)
    call_command("seed_demo", quiet=True)
    assert counts() == first


def test_scale_one_is_the_articles_year():
    call_command("seed_demo", scale=1, quiet=True)
    bulk = Beneficiary.objects.filter(id_number__startswith="330213")
    assert bulk.count() == 6300
    assert bulk.filter(categories__code="old_women_director").count() == 746
    assert bulk.filter(key_care=True, visit_cadence=2).count() == 30
    sessions = TrainingSession.objects.filter(title__contains="第", trainer="张老师")
    assert sessions.filter(category="vocational").count() == 146
    assert sessions.exclude(category="vocational").count() == 91
    bulk_attendance = Attendance.objects.filter(session__in=sessions)
    assert bulk_attendance.filter(certificate_obtained=True).count() == 419
    assert 900 <= bulk_attendance.values("person_key").distinct().count() <= 1000  # "近1000人受训"
    assert MediationCase.objects.count() >= 153
    before = counts()
    call_command("seed_demo", scale=1, quiet=True)
    assert counts() == before
