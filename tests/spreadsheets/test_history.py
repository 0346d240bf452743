"""History imports right (issue 11, finding 7): the beneficiaries sheet takes 列入重点关爱日期;
blank for a key-care person it is the person's earliest visit in the portal or, failing that,
the import date, and the preview says which; a year of past records reproduces each month's
key-care figures."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from core.months import add_months, month_start
from reports.statistics import Scope, key_care_months
from tests.factories import BeneficiaryFactory, VisitFactory, make_id_number

from .helpers import run, write_xlsx
from .test_rejections import B_HEADERS, V_HEADERS, person
from .test_web import last_job, upload

pytestmark = pytest.mark.django_db

HEADERS = B_HEADERS + ["列入重点关爱日期"]


def row(n, org, since="", **changes):
    return person(n, org, 重点关爱="是", 每月走访次数=1, **changes) + [since]


def test_the_date_given_is_kept(org_a, tmp_path):
    result = run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", HEADERS, [row(1, org_a, "2025-03-10")]))
    assert result.saved and result.notes == {}
    assert Beneficiary.objects.get().key_care_since == datetime.date(2025, 3, 10)


def test_blank_for_a_new_person_is_the_import_date_and_the_preview_says_so(admin_a, org_a, client_for, tmp_path):
    upload(client_for(admin_a), write_xlsx(tmp_path / "b.xlsx", HEADERS, [row(1, org_a), person(2, org_a) + [""]]))
    job = last_job()
    today = timezone.localdate().isoformat()
    assert job.preview[0]["notes"] == [f"列入重点关爱日期按导入日期：{today}"]
    assert job.preview[1]["notes"] == []  # not key-care: no date
    assert job.summary["notes"] == {"按导入日期": 1}
    page = client_for(admin_a).get(reverse("spreadsheets:job", args=[job.pk])).content.decode()
    assert "列入重点关爱日期按导入日期：1 人" in page and f"按导入日期：{today}" in page


def test_blank_for_a_person_already_visited_is_the_earliest_visit(admin_a, org_a, client_for, tmp_path):
    someone = BeneficiaryFactory(organization=org_a, id_number=person(1, org_a)[2], name="王1", key_care=False)
    VisitFactory(beneficiary=someone, organization=org_a, visit_date=datetime.date(2025, 5, 20))
    VisitFactory(beneficiary=someone, organization=org_a, visit_date=datetime.date(2025, 2, 3))
    upload(client_for(admin_a), write_xlsx(tmp_path / "b.xlsx", HEADERS, [row(1, org_a)]))
    job = last_job()
    assert job.status == "previewed", job.errors
    preview = job.preview[0]
    assert preview["status"] == "changed"
    assert ["列入重点关爱日期", "", "2025-02-03"] in preview["changes"]
    assert preview["notes"] == ["列入重点关爱日期按最早走访日期：2025-02-03"]
    client_for(admin_a).post(reverse("spreadsheets:job_confirm", args=[job.pk]))
    someone.refresh_from_db()
    assert someone.key_care and someone.key_care_since == datetime.date(2025, 2, 3)


def test_blank_keeps_a_date_the_person_has(org_a, tmp_path):
    someone = BeneficiaryFactory(
        organization=org_a,
        id_number=person(1, org_a)[2],
        key_care=True,
        visit_cadence=1,
        key_care_since=datetime.date(2024, 1, 1),
    )
    result = run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", HEADERS, [row(1, org_a, 姓名=someone.name)]))
    assert result.saved, result.errors
    someone.refresh_from_db()
    assert someone.key_care_since == datetime.date(2024, 1, 1)


@pytest.mark.parametrize(
    "since,reason",
    [("2999-01-01", "不能晚于今天"), ("1900-01-01", "不能早于出生日期")],
)
def test_a_wrong_date_is_refused(since, reason, org_a, tmp_path):
    result = run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", HEADERS, [row(1, org_a, since)]))
    assert result.errors[0][1] == "列入重点关爱日期" and reason in result.errors[0][2]
    # The rules (``key_care_for``): a person who is not key-care has no key-care date.
    not_key_care = person(2, org_a) + ["2025-01-01"]
    result = run("beneficiaries", write_xlsx(tmp_path / "b2.xlsx", HEADERS, [not_key_care]))
    assert result.saved, result.errors
    assert Beneficiary.objects.get(name="王2").key_care_since is None


def test_a_year_of_past_records_reproduces_each_months_key_care_figures(org_a, tmp_path):
    """Twelve past months: person i becomes key-care on the 10th of month i (cadence 1) and is
    visited in some months after.  Imported from two sheets, the monthly figures are exactly
    those of the records (counted from 列入重点关爱日期, not from the import date)."""
    first = add_months(month_start(timezone.localdate()), -12)
    months = [add_months(first, i) for i in range(12)]
    people, visits, expected = [], [], []
    for i, start in enumerate(months):
        id_number = make_id_number(birth=datetime.date(1940, 1, 1) + datetime.timedelta(days=i), n=500 + i)
        people.append(person(i + 1, org_a, 身份证号=id_number, 重点关爱="是", 每月走访次数=1) + [start.replace(day=10)])
        for j in range(i, 12):
            if (i + j) % 3:  # visited in two months of three
                visits.append([id_number, months[j].replace(day=15), org_a.name, "入户走访", "", "", "", ""])
    for j in range(12):
        listed = j + 1
        on_cadence = sum(1 for i in range(j + 1) if (i + j) % 3)
        expected.append((listed, on_cadence))
    assert run("beneficiaries", write_xlsx(tmp_path / "b.xlsx", HEADERS, people)).saved
    assert run("visits", write_xlsx(tmp_path / "v.xlsx", V_HEADERS, visits)).saved
    figures = key_care_months(months, Scope.district())[None]
    assert figures == expected
