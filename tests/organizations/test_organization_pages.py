import pytest
from django.urls import reverse

from organizations.models import Membership, Organization, Town
from tests.factories import OrganizationFactory, make_credit_code

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "南溪阿姐志愿服务队",
        "credit_code": "",
        "service_areas": [],
        "kind": "volunteer_team",
        "town": Town.objects.get(name="大堰镇").pk,
        "leader_name": "刘安芬",
        "phone": "0574-88001234",
        "founded": "2019-03-08",
        "volunteer_count": "60",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_twelve_towns_of_fenghua_exist():
    names = set(Town.objects.values_list("name", flat=True))
    assert len(names) == 12
    assert {"锦屏街道", "溪口镇", "松岙镇", "萧王庙街道"} <= names


def test_staff_creates_an_organization(staff, client_for):
    response = client_for(staff).post(reverse("organizations:create"), form_data(credit_code=make_credit_code(77)))
    org = Organization.objects.get(name="南溪阿姐志愿服务队")
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:detail", args=[org.pk])
    assert org.town.name == "大堰镇"


def test_wrong_credit_code_is_refused_with_a_chinese_message(staff, client_for):
    response = client_for(staff).post(reverse("organizations:create"), form_data(credit_code="91330200144069698L"))
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert not Organization.objects.filter(name="南溪阿姐志愿服务队").exists()


def test_org_admin_edits_own_org_but_cannot_deactivate_it(org_a, admin_a, client_for):
    data = form_data(name=org_a.name, town=org_a.town_id, volunteer_count="99", version=org_a.version)
    data.pop("active")
    response = client_for(admin_a).post(reverse("organizations:edit", args=[org_a.pk]), data)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.volunteer_count == 99
    assert org_a.active  # the field is not offered to an org admin


def test_member_cannot_edit_and_other_org_gets_404(org_a, member_a, member_b, client_for):
    assert client_for(member_a).get(reverse("organizations:edit", args=[org_a.pk])).status_code == 403
    assert client_for(member_b).get(reverse("organizations:edit", args=[org_a.pk])).status_code == 404
    assert client_for(member_b).get(reverse("organizations:detail", args=[org_a.pk])).status_code == 404


def test_list_filters_by_town_and_search(staff, client_for):
    OrganizationFactory(name="溪口镇妇女微家", town=Town.objects.get(name="溪口镇"))
    OrganizationFactory(name="松岙镇志愿队", town=Town.objects.get(name="松岙镇"))
    client = client_for(staff)
    page = client.get(reverse("organizations:list"), {"town": Town.objects.get(name="溪口镇").pk}).content.decode()
    assert "溪口镇妇女微家" in page and "松岙镇志愿队" not in page
    page = client.get(reverse("organizations:list"), {"q": "松岙"}).content.decode()
    assert "松岙镇志愿队" in page and "溪口镇妇女微家" not in page


def test_member_sees_only_own_organizations_in_list(org_a, org_b, member_a, client_for):
    page = client_for(member_a).get(reverse("organizations:list")).content.decode()
    assert org_a.name in page and org_b.name not in page


def test_org_list_costs_the_same_queries_for_10_and_100_rows(staff, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(staff)
    OrganizationFactory.create_batch(10)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("organizations:list"), {"per_page": 200})
    OrganizationFactory.create_batch(90)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("organizations:list"), {"per_page": 200})
    assert len(small) == len(large)


def test_org_admin_adds_a_member_who_gets_a_set_password_email(
    org_a, admin_a, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_a).post(
            reverse("organizations:member_add", args=[org_a.pk]),
            {"email": "new-volunteer@example.cn", "full_name": "新志愿者", "role": "member"},
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new-volunteer@example.cn")
    assert membership.organization == org_a and membership.role == "member"
    assert membership.user.role == "member" and not membership.user.has_usable_password()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new-volunteer@example.cn"]


def test_org_admin_cannot_make_admins_or_add_to_other_orgs(org_a, org_b, admin_a, client_for):
    client = client_for(admin_a)
    client.post(
        reverse("organizations:member_add", args=[org_a.pk]),
        {"email": "x@example.cn", "full_name": "某", "role": "admin"},
    )
    assert not Membership.objects.filter(user__email="x@example.cn", role="admin").exists()
    response = client.post(
        reverse("organizations:member_add", args=[org_b.pk]),
        {"email": "y@example.cn", "full_name": "某", "role": "member"},
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user__email="y@example.cn").exists()


def test_leader_account_cannot_join_an_organization(org_a, staff, leader, client_for):
    response = client_for(staff).post(
        reverse("organizations:member_add", args=[org_a.pk]),
        {"email": leader.email, "full_name": "x", "role": "member"},
        follow=True,
    )
    assert "不能加入组织" in response.content.decode()
    assert not Membership.objects.filter(user=leader).exists()


def test_org_admin_removes_a_member(org_a, admin_a, member_a, client_for):
    membership = Membership.objects.get(user=member_a, organization=org_a)
    response = client_for(admin_a).post(reverse("organizations:member_remove", args=[org_a.pk, membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_staff_creates_a_leader_account(staff, client_for, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            reverse("organizations:accounts"), {"email": "Chen@Example.cn", "full_name": "陈主席", "role": "leader"}
        )
    assert response.status_code == 302
    from accounts.models import User

    user = User.objects.get(email="chen@example.cn")
    assert user.role == "leader"
    assert mailoutbox and "chen@example.cn" in mailoutbox[0].to
