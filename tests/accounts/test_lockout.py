"""Issue 10, finding 5: failed logins lock the account they were tried on, never an IP.

Before the fix axes recorded the username as None (allauth posts ``login``, axes read nothing
from the credentials) and allauth limited failures to 10 a minute per IP: the tests below that
use several accounts from one IP failed (the fifth random address locked the IP out)."""

import uuid

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OFFICE = "10.0.0.7"  # everyone behind one proxy or village network


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    reset()
    yield
    reset()


def attempt(email, password, ip=OFFICE, path=None):
    client = Client(REMOTE_ADDR=ip)
    if path == "admin":
        response = client.post("/admin/login/", {"username": email, "password": password})
    else:
        response = client.post(reverse("account_login"), {"login": email, "password": password})
    return response, "_auth_user_id" in client.session


def test_five_failures_with_five_random_addresses_lock_nobody_out(staff, member_a, password):
    for _ in range(5):
        attempt(f"{uuid.uuid4().hex[:8]}@example.cn", "guess")
    assert attempt(staff.email, password)[1]
    assert attempt(member_a.email, password)[1]
    # Each failure is counted against the address tried, none against the IP.
    assert AccessAttempt.objects.filter(username__isnull=True).count() == 0
    assert AccessAttempt.objects.count() == 5


def test_many_failures_from_one_ip_across_accounts_lock_nobody_out(settings, staff, password):
    """allauth's own limit alone (axes off): 12 failures a minute from one IP, on 12 addresses."""
    settings.AXES_ENABLED = False
    for n in range(12):
        attempt(f"someone{n}@example.cn", "guess")
    assert attempt(staff.email, password)[1]


def test_repeated_failures_lock_that_account_only(staff, member_a, password):
    for _ in range(4):
        attempt(member_a.email.upper(), "wrong")  # the same account, however it is typed
    response, _ = attempt(member_a.email, "wrong")
    assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()
    assert not attempt(member_a.email, password)[1]
    # The account is locked from another IP too...
    assert not attempt(member_a.email, password, ip="192.0.2.55")[1]
    # ...and the other accounts behind the same IP are not.
    assert attempt(staff.email, password)[1]
    other = UserFactory(email="other@example.cn", password=password)
    assert attempt(other.email, password)[1]


def test_admin_login_locks_per_account_the_same(staff, password):
    it = UserFactory(email="it@example.cn", role="staff", password=password, is_superuser=True, is_staff=True)
    for n in range(5):
        attempt(f"random{n}@example.cn", "guess", path="admin")
    response, signed_in = attempt(it.email, password, path="admin")
    assert signed_in and response.status_code == 302
    Client(REMOTE_ADDR=OFFICE).post("/admin/logout/")
    for _ in range(4):
        attempt(it.email, "wrong", path="admin")
    response, _ = attempt(it.email, "wrong", path="admin")
    assert response.status_code == 429
    assert not attempt(it.email, password, path="admin")[1]
    # The admin lockout is the account's lockout on the site login as well.
    assert not attempt(it.email, password)[1]
    assert attempt(staff.email, password)[1]


def test_a_password_reset_lifts_the_lockout(member_a, password, mailoutbox, django_capture_on_commit_callbacks):
    import re

    for _ in range(5):
        attempt(member_a.email, "wrong")
    assert not attempt(member_a.email, password)[1]
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": member_a.email})
    (url,) = re.findall(r"https?://[^/\s]+(/\S+/password/reset/key/\S+)", mailoutbox[-1].body)
    client = Client()
    form_url = client.get(url)["Location"]
    client.post(form_url, {"password1": "Xinmima-2026!", "password2": "Xinmima-2026!"})
    assert attempt(member_a.email, "Xinmima-2026!")[1]
