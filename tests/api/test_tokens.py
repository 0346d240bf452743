"""Device tokens: created on the account page (shown once), usable as a bearer, stored only
as a SHA-256, refused once revoked or expired, rate limited per token."""

import datetime
import hashlib
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _create_on_page(client):
    response = client.post("/accounts/tokens/", {"name": "我的手机"})
    assert response.status_code == 200
    text = response.content.decode()
    raw = re.search(r'id="new-token">(lx_[A-Za-z0-9_\-]+)<', text).group(1)
    return raw, text


def test_a_token_made_on_the_account_page_is_shown_once_and_stored_hashed(client_for, member_a):
    client = client_for(member_a)
    raw, _text = _create_on_page(client)
    token = ApiToken.objects.get(user=member_a)
    assert token.name == "我的手机"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    # Nowhere in the database in clear.
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    assert raw not in repr(list(ApiToken.objects.values_list()))
    listing = client.get("/accounts/tokens/").content.decode()
    assert "我的手机" in listing and token.prefix in listing and raw not in listing
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=90)).date()


def test_a_token_answers_as_its_user(client_for, member_a, org_a):
    raw, _ = _create_on_page(client_for(member_a))
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "组织A志愿者" and body["organizations"] == [{"id": org_a.pk, "name": org_a.name}]
    assert ApiToken.objects.get(user=member_a).last_used_at is not None


def test_a_revoked_token_is_refused(client_for, member_a):
    client = client_for(member_a)
    raw, _ = _create_on_page(client)
    token = ApiToken.objects.get(user=member_a)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "吊销" in response.json()["detail"]
    assert "已吊销" in client.get("/accounts/tokens/").content.decode()


def test_an_expired_token_is_refused(member_a, bearer):
    headers = bearer(member_a)
    assert Client().get("/api/v1/me", **headers).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = Client().get("/api/v1/me", **headers)
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


def test_a_wrong_token_is_refused_even_with_a_session(client_for, member_a):
    response = client_for(member_a).get("/api/v1/me", HTTP_AUTHORIZATION="Bearer lx_not-a-token")
    assert response.status_code == 401


def test_another_users_token_cannot_be_revoked(client_for, member_a, member_b, bearer):
    bearer(member_a)
    token = ApiToken.objects.get(user=member_a)
    assert client_for(member_b).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_are_rate_limited_each_on_its_own(settings, member_a, bearer):
    settings.API_RATE_LIMIT = 3
    first, second = bearer(member_a, "一"), bearer(member_a, "二")
    statuses = [Client().get("/api/v1/reference/visit-modes", **first).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = Client().get("/api/v1/reference/visit-modes", **first)
    assert refused["Content-Type"] == "application/problem+json" and int(refused["Retry-After"]) > 0
    assert "频繁" in refused.json()["detail"]
    assert Client().get("/api/v1/reference/visit-modes", **second).status_code == 200


def test_the_rate_limit_fails_open_when_the_cache_is_down(settings, member_a, bearer, monkeypatch):
    from django.core.cache import cache

    settings.API_RATE_LIMIT = 1

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "incr", down)
    headers = bearer(member_a)
    assert [Client().get("/api/v1/me", **headers).status_code for _ in range(3)] == [200, 200, 200]


def test_the_session_needs_the_csrf_token_for_a_post(member_a, org_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a)
    response = client.post("/api/v1/visits", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf"
    # A GET needs none.
    assert client.get("/api/v1/me").status_code == 200


def test_anonymous_gets_a_problem_not_the_login_page():
    response = Client().get("/api/v1/people")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["type"] == "about:blank" and "登录" in body["detail"]
