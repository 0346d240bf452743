"""Walks every URL pattern of the URLconf as every role.

A URL that no module of tests/access_matrix classifies fails the test, so a new view cannot
land without its access rule being stated and checked."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import ROLES, all_rules, build_world


def iter_patterns(resolver=None, namespace=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_patterns(pattern, full_ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            full = f"{namespace}:{name}" if namespace and name else name
            yield full, prefix + str(pattern.pattern)


def portal_patterns():
    for name, route in iter_patterns():
        if route.startswith("admin/"):
            continue  # Django's admin: covered by test_admin_is_superuser_only below
        if route.startswith(("static/", "media")):
            continue
        yield name, route


def test_every_url_is_classified():
    rules = all_rules()
    unclassified = sorted(
        {f"{name or '(unnamed)'} -> /{route}" for name, route in portal_patterns() if name not in rules}
    )
    assert not unclassified, "URL patterns with no access rule in tests/access_matrix:\n" + "\n".join(unclassified)


def _names():
    rules = all_rules()
    return sorted({name for name, _ in portal_patterns() if name in rules})


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names())
def test_url_as_every_role(name, org_a, org_b, roles, client_for):
    rule = all_rules()[name]
    world = build_world(org_a, org_b, roles)
    url = reverse(name, kwargs=rule.kwargs(world))
    failures = []
    for role in ROLES:
        client = client_for(roles[role])
        response = client.post(url, rule.data(world)) if rule.method == "post" else client.get(url)
        expected = rule.expect[role]
        allowed = expected if isinstance(expected, tuple) else (expected,)
        if response.status_code not in allowed:
            failures.append(f"{role}: got {response.status_code}, expected {expected}")
        if (
            role == "anon"
            and response.status_code == 302
            and 302 in allowed
            and rule.method == "get"
            and "/accounts/login/" not in response["Location"]
            and rule.note != "allauth"
        ):
            failures.append(f"anon: redirected to {response['Location']}, not to the login page")
    assert not failures, f"{name} ({url}):\n" + "\n".join(failures)


@pytest.mark.django_db
def test_admin_is_superuser_only(roles, client_for):
    from tests.factories import UserFactory

    for role in ROLES:
        response = client_for(roles[role]).get("/admin/")
        assert response.status_code == 302, role  # to the admin login
    superuser = UserFactory(email="it@example.cn", role="staff", is_superuser=True, is_staff=True)
    assert client_for(superuser).get("/admin/").status_code == 200
    assert client_for(superuser).get("/admin/organizations/organization/").status_code == 200
