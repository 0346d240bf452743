"""The register's rules: ID checksum, derived fields, one person one record, consent, minors."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from freezegun import freeze_time

from beneficiaries.models import Beneficiary
from beneficiaries.services import DuplicateIdNumber, PossibleDuplicate, beneficiary_create, name_initials
from tests.factories import BeneficiaryFactory, make_id_number, town

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1958, 6, 15)


def new(org, **values):
    data = {
        "name": "王秀英",
        "id_number": make_id_number(BIRTH, "F"),
        "town": town(),
        "village": "东门村",
        "organization": org,
        "consent_date": datetime.date(2026, 1, 5),
        "consent_method": "written",
    }
    data.update(values)
    return data


def errors_of(exc_info):
    return exc_info.value.message_dict


def test_birth_date_gender_and_initials_are_derived(org_a, member_a):
    saved = beneficiary_create(actor=member_a, **new(org_a))
    saved.refresh_from_db()
    assert saved.birth_date == BIRTH
    assert saved.gender == "F"
    assert saved.name_initials == "wxy"


def test_a_wrong_checksum_is_refused(org_a, member_a):
    number = make_id_number(BIRTH, "F")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        beneficiary_create(actor=member_a, **new(org_a, id_number=wrong))
    assert "校验位" in errors_of(exc)["id_number"][0]
    assert not Beneficiary.objects.exists()


def test_a_contradicting_birth_date_or_gender_is_refused(org_a, member_a):
    with pytest.raises(ValidationError) as exc:
        beneficiary_create(actor=member_a, **new(org_a, birth_date=datetime.date(1958, 6, 16), gender="M"))
    errors = errors_of(exc)
    assert "出生日期" in errors["birth_date"][0] and "1958-06-15" in errors["birth_date"][0]
    assert "性别" in errors["gender"][0]


def test_a_second_record_with_the_same_id_number_is_refused(org_a, member_a):
    first = beneficiary_create(actor=member_a, **new(org_a))
    with pytest.raises(DuplicateIdNumber) as exc:
        beneficiary_create(actor=member_a, **new(org_a, name="王秀", id_number=first.id_number.lower()))
    assert exc.value.existing == first
    assert Beneficiary.objects.count() == 1


def test_same_name_birth_date_and_village_warns_until_confirmed(org_a, member_a):
    beneficiary_create(actor=member_a, **new(org_a))
    other_number = make_id_number(BIRTH, "F")
    with pytest.raises(PossibleDuplicate):
        beneficiary_create(actor=member_a, **new(org_a, id_number=other_number))
    beneficiary_create(actor=member_a, confirm_similar=True, **new(org_a, id_number=other_number))
    assert Beneficiary.objects.count() == 2


@freeze_time("2026-03-01")
def test_a_child_under_14_needs_the_guardians_consent(org_a, member_a):
    child = new(org_a, name="李小花", id_number=make_id_number(datetime.date(2015, 4, 1), "F"))
    with pytest.raises(ValidationError) as exc:
        beneficiary_create(actor=member_a, **child)
    assert set(errors_of(exc)) == {"guardian_name", "guardian_consent_date"}
    child["guardian_name"] = "李建国"
    child["guardian_consent_date"] = datetime.date(2026, 2, 1)
    assert beneficiary_create(actor=member_a, **child).pk


@freeze_time("2026-03-01")
def test_a_fourteen_year_old_needs_no_guardian(org_a, member_a):
    teen = new(org_a, name="李小红", id_number=make_id_number(datetime.date(2012, 3, 1), "F"))
    assert beneficiary_create(actor=member_a, **teen).pk


def test_consent_date_and_way_are_required(org_a, member_a):
    with pytest.raises(ValidationError) as exc:
        beneficiary_create(actor=member_a, **new(org_a, consent_date=None, consent_method=""))
    assert {"consent_date", "consent_method"} <= set(errors_of(exc))


def test_key_care_needs_a_cadence_and_gets_a_since_date(org_a, member_a):
    with pytest.raises(ValidationError) as exc:
        beneficiary_create(actor=member_a, **new(org_a, key_care=True, visit_cadence=0))
    assert "每月走访次数" in errors_of(exc)["visit_cadence"][0]
    saved = beneficiary_create(actor=member_a, **new(org_a, key_care=True, visit_cadence=2))
    assert saved.key_care_since is not None


def test_an_organization_user_registers_only_for_own_organization(org_a, org_b, member_b):
    with pytest.raises(PermissionDenied):
        beneficiary_create(actor=member_b, **new(org_a))


def test_name_initials_of_mixed_text():
    assert name_initials("张三丰") == "zsf"
    assert name_initials("Anna李") == "annal"


def _form_data(org, **overrides):
    data = {
        "name": "陈桂芳",
        "id_number": make_id_number(BIRTH, "F"),
        "town": town().pk,
        "village": "东门村",
        "organization": org.pk,
        "consent_date": "2026-01-05",
        "consent_method": "written",
        "visit_cadence": "0",
    }
    data.update(overrides)
    return data


def test_create_page_saves_and_shows_the_person(client_for, member_a, org_a):
    response = client_for(member_a).post(reverse("beneficiaries:create"), _form_data(org_a))
    beneficiary = Beneficiary.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "beneficiaries:detail", args=[beneficiary.pk]
    )
    assert beneficiary.name_initials == "cgf"
    assert beneficiary.history.first().history_user == member_a


def test_duplicate_on_the_page_links_to_a_visible_record(client_for, member_a, org_a):
    existing = BeneficiaryFactory(organization=org_a, name="周玉兰")
    response = client_for(member_a).post(
        reverse("beneficiaries:create"), _form_data(org_a, id_number=existing.id_number)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "一人只能登记一次" in html
    assert reverse("beneficiaries:detail", args=[existing.pk]) in html


def test_duplicate_of_another_organizations_record_reveals_nothing(client_for, member_a, org_a, org_b):
    existing = BeneficiaryFactory(organization=org_b, name="周玉兰")
    response = client_for(member_a).post(
        reverse("beneficiaries:create"), _form_data(org_a, id_number=existing.id_number)
    )
    html = response.content.decode()
    assert "一人只能登记一次" in html and "请联系区妇联工作人员" in html
    assert "周玉兰" not in html
    assert org_b.name not in html
    assert reverse("beneficiaries:detail", args=[existing.pk]) not in html


def test_possible_duplicate_shows_a_confirm_box(client_for, member_a, org_a):
    BeneficiaryFactory(organization=org_a, name="陈桂芳", birth=BIRTH, village="东门村")
    client = client_for(member_a)
    response = client.post(reverse("beneficiaries:create"), _form_data(org_a))
    html = response.content.decode()
    assert "可能是同一人" in html and 'type="checkbox" name="confirm_similar"' in html
    response = client.post(reverse("beneficiaries:create"), _form_data(org_a, confirm_similar="on"))
    assert response.status_code == 302
    assert Beneficiary.objects.filter(name="陈桂芳").count() == 2


def test_edit_keeps_personal_fields_left_empty_and_never_shows_them(client_for, member_a, org_a):
    beneficiary = BeneficiaryFactory(organization=org_a, name="吴美华")
    client = client_for(member_a)
    page = client.get(reverse("beneficiaries:edit", args=[beneficiary.pk])).content.decode()
    assert beneficiary.id_number not in page and beneficiary.phone not in page
    data = _form_data(org_a, name="吴美华", id_number="", phone="", address="", village="西门村")
    data["birth_date"] = ""
    data["version"] = beneficiary.version
    response = client.post(reverse("beneficiaries:edit", args=[beneficiary.pk]), data)
    assert response.status_code == 302
    refreshed = Beneficiary.objects.get(pk=beneficiary.pk)
    assert (refreshed.id_number, refreshed.phone, refreshed.address) == (
        beneficiary.id_number,
        beneficiary.phone,
        beneficiary.address,
    )
    assert refreshed.village == "西门村"


def test_deactivation_keeps_the_record(client_for, admin_a, member_a, org_a):
    beneficiary = BeneficiaryFactory(organization=org_a)
    url = reverse("beneficiaries:deactivate", args=[beneficiary.pk])
    assert client_for(member_a).post(url, {"reason": "搬迁"}).status_code == 403
    assert client_for(admin_a).post(url, {"reason": "搬迁"}).status_code == 302
    beneficiary.refresh_from_db()
    assert not beneficiary.active and beneficiary.deactivation_reason == "搬迁"
    listing = client_for(admin_a).get(reverse("beneficiaries:list")).content.decode()
    assert beneficiary.name not in listing


def test_a_deactivated_person_can_be_put_back_on_the_register(client_for, admin_a, member_a, org_a):
    beneficiary = BeneficiaryFactory(organization=org_a)
    client_for(admin_a).post(reverse("beneficiaries:deactivate", args=[beneficiary.pk]), {"reason": "搬迁"})
    url = reverse("beneficiaries:reactivate", args=[beneficiary.pk])
    assert client_for(member_a).post(url).status_code == 403
    page = client_for(admin_a).get(reverse("beneficiaries:detail", args=[beneficiary.pk])).content.decode()
    assert "恢复在册" in page
    response = client_for(admin_a).post(url, follow=True)
    assert "服务对象已恢复在册" in response.content.decode()
    beneficiary.refresh_from_db()
    assert beneficiary.active and beneficiary.deactivated_on is None and beneficiary.deactivation_reason == ""
    assert beneficiary.name in client_for(admin_a).get(reverse("beneficiaries:list")).content.decode()
