"""Issue 10, finding 4: an email address belongs to an account only once its owner proves it.

Before the fix (ACCOUNT_EMAIL_VERIFICATION="none", adding any address allowed) the attack test
failed at its first assertion: the member made the unverified address primary, became
User.email, and was silently attached to organization B."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from organizations.models import Invitation, Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CLAIMED = "future.volunteer@163.com"


def log_in(email, password):
    """A real login through allauth's form; returns the client and whether it is signed in."""
    client = Client()
    client.post(reverse("account_login"), {"login": email, "password": password})
    return client, "_auth_user_id" in client.session


def links(message):
    return re.findall(r"https?://\S+", message.body)


@pytest.fixture
def admin_b(org_b, password):
    user = UserFactory(email="admin-b@example.cn", password=password, full_name="组织B管理员")
    MembershipFactory(user=user, organization=org_b, role="admin")
    return user


def test_a_claimed_address_gives_the_claimant_neither_the_address_nor_the_organization(
    org_a, org_b, member_a, admin_b, password, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    attacker, signed_in = log_in(member_a.email, password)
    assert signed_in
    with django_capture_on_commit_callbacks(execute=True):
        attacker.post(reverse("account_email"), {"action_add": "", "email": CLAIMED})
    response = attacker.post(reverse("account_email"), {"action_primary": "", "email": CLAIMED}, follow=True)

    member_a.refresh_from_db()
    assert member_a.email == "member-a@example.cn"  # the login did not change
    assert "尚未验证" in response.content.decode()
    assert not EmailAddress.objects.filter(user=member_a, email=CLAIMED, verified=True).exists()
    # The only way to prove it is the link mailed to the address itself.
    assert [m.to for m in mailoutbox] == [[CLAIMED]]

    # Later, organization B's admin adds the address as a new member.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_b).post(
            reverse("organizations:member_add", args=[org_b.pk]),
            {"email": CLAIMED, "full_name": "未来志愿者", "role": "member"},
        )
    owner = User.objects.get(email=CLAIMED)
    assert owner != member_a
    assert Membership.objects.filter(user=owner, organization=org_b).exists()
    assert not Membership.objects.filter(user=member_a, organization=org_b).exists()
    assert not Invitation.objects.filter(user=member_a).exists()
    # The attacker's unproved claim lapsed; its old confirmation link proves nothing now.
    assert not EmailAddress.objects.filter(user=member_a, email=CLAIMED).exists()
    confirm_url = next(url for url in links(mailoutbox[0]) if "/confirm-email/" in url)
    attacker.post(confirm_url.replace("http://testserver", ""))
    member_a.refresh_from_db()
    assert member_a.email == "member-a@example.cn"

    # The attacker logs in only with the address it proved.
    assert not log_in(CLAIMED, password)[1]
    assert log_in("member-a@example.cn", password)[1]
    page = client_for(member_a).get(reverse("organizations:list")).content.decode()
    assert org_b.name not in page


@pytest.mark.parametrize("address", ["staff@example.cn", "STAFF@Example.cn"])
def test_another_accounts_address_cannot_be_added(member_a, staff, password, address, mailoutbox):
    client, _ = log_in(member_a.email, password)
    response = client.post(reverse("account_email"), {"action_add": "", "email": address})
    assert response.status_code == 200
    assert "该邮箱已被其他账号使用" in response.content.decode()
    assert list(EmailAddress.objects.filter(user=member_a).values_list("email", flat=True)) == [member_a.email]
    assert not mailoutbox  # nothing was sent to the other account's owner


def test_an_address_another_account_is_changing_to_cannot_be_added(member_a, member_b, password):
    member_b_client, _ = log_in(member_b.email, password)
    member_b_client.post(reverse("account_email"), {"action_add": "", "email": "new-b@example.cn"})
    client, _ = log_in(member_a.email, password)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new-b@example.cn"})
    assert "该邮箱已被其他账号使用" in response.content.decode()
    assert not EmailAddress.objects.filter(user=member_a, email="new-b@example.cn").exists()


def test_a_verified_new_address_replaces_the_login_and_user_email(
    member_a, password, mailoutbox, django_capture_on_commit_callbacks
):
    client, _ = log_in(member_a.email, password)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "a.new@example.cn"})
    # Unverified, it is not a login yet.
    assert not log_in("a.new@example.cn", password)[1]
    confirm_url = next(url for url in links(mailoutbox[-1]) if "/confirm-email/" in url)
    client.post(re.sub(r"^https?://[^/]+", "", confirm_url))
    member_a.refresh_from_db()
    assert member_a.email == "a.new@example.cn"
    assert list(EmailAddress.objects.filter(user=member_a).values_list("email", "verified", "primary")) == [
        ("a.new@example.cn", True, True)
    ]
    assert log_in("a.new@example.cn", password)[1]
    assert not log_in("member-a@example.cn", password)[1]


def test_following_the_set_password_link_proves_the_address(
    org_a, admin_a, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_a).post(
            reverse("organizations:member_add", args=[org_a.pk]),
            {"email": "new.member@example.cn", "full_name": "新成员", "role": "member"},
        )
    user = User.objects.get(email="new.member@example.cn")
    assert not EmailAddress.objects.get(user=user).verified
    (url,) = [u for u in links(mailoutbox[0]) if "/password/reset/key/" in u]
    client = Client()
    form_url = client.get(url.replace("http://testserver", ""))["Location"]
    client.post(form_url, {"password1": "Xinmima-2026!", "password2": "Xinmima-2026!"})
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary and address.email == user.email
    assert log_in("new.member@example.cn", "Xinmima-2026!")[1]


def test_reset_links_go_only_to_the_login_address(member_a, password, mailoutbox):
    client, _ = log_in(member_a.email, password)
    client.post(reverse("account_email"), {"action_add": "", "email": "pending@example.cn"})
    mailoutbox.clear()
    Client().post(reverse("account_reset_password"), {"email": "pending@example.cn"})
    assert not [m for m in mailoutbox if any("/password/reset/key/" in u for u in links(m))]


def test_existing_accounts_get_their_login_address_verified_by_the_migration(password):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0003_login_address_verified")
    before = User.objects.create(email="old@example.cn", full_name="老账号")  # as before: no address rows
    claimed = User.objects.create(email="claimed@example.cn")
    EmailAddress.objects.create(user=claimed, email="claimed@example.cn", primary=True, verified=False)
    migration.record_login_addresses(apps, None)
    assert EmailAddress.objects.filter(user=before, email="old@example.cn", verified=True, primary=True).exists()
    assert not EmailAddress.objects.get(user=claimed).verified


def test_the_demo_users_still_log_in():
    call_command("seed_demo", quiet=True)
    from fenghua_portal.management.commands.seed_demo import DEMO_PASSWORD

    for email in ["staff@demo.lanxin.cn", "leader@demo.lanxin.cn", "admin@demo.lanxin.cn", "volunteer@demo.lanxin.cn"]:
        assert log_in(email, DEMO_PASSWORD)[1], email


def test_a_session_without_a_verified_address_can_neither_switch_nor_add(member_a, client_for):
    # As accounts were before this release (nothing verified; an address added on the page),
    # with a session still open.
    EmailAddress.objects.filter(user=member_a).update(verified=False)
    EmailAddress.objects.create(user=member_a, email=CLAIMED)
    client = client_for(member_a)
    response = client.post(reverse("account_email"), {"action_primary": "", "email": CLAIMED}, follow=True)
    assert "验证后才能设为登录邮箱" in response.content.decode()
    response = client.post(reverse("account_email"), {"action_add": "", "email": "other@example.cn"}, follow=True)
    assert "请先点击验证邮件中的链接" in response.content.decode()
    member_a.refresh_from_db()
    assert member_a.email == "member-a@example.cn"
    assert not EmailAddress.objects.filter(user=member_a, primary=True).exclude(email=member_a.email).exists()


def test_an_account_added_in_the_admin_logs_in_with_its_address(client_for, password):
    it = UserFactory(email="it@example.cn", role="staff", is_superuser=True, is_staff=True)
    client_for(it).post(
        "/admin/accounts/user/add/",
        {
            "email": "Added@Example.cn",
            "full_name": "新同事",
            "role": "staff",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    added = User.objects.get(email="added@example.cn")
    assert EmailAddress.objects.filter(user=added, email="added@example.cn", verified=True, primary=True).exists()
    assert log_in("added@example.cn", password)[1]
