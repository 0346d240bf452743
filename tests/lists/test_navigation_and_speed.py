"""Breadcrumbs, the current section in the nav, the cached organization options (per scope,
cleared on change, safe when the cache fails) and the overdue rule run once per request."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Membership
from tests.factories import BeneficiaryFactory, MembershipFactory, OrganizationFactory, VisitFactory

pytestmark = pytest.mark.django_db


def current_links(html):
    nav = html.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a [^>]*href="([^"]+)"[^>]*aria-current="(page|true)"[^>]*>([^<]+)</a>', nav)


@pytest.mark.parametrize(
    "url_name,label",
    [
        ("beneficiaries:visit_list", "走访记录"),
        ("beneficiaries:list", "服务对象"),
        ("beneficiaries:overdue", "逾期未访"),
        ("cases:list", "家事调解"),
        ("projects:list", "公益项目"),
        ("training:list", "培训活动"),
        ("organizations:list", "组织"),
    ],
)
def test_each_list_has_breadcrumbs_and_its_nav_link_marked_current(url_name, label, staff, client_for):
    html = client_for(staff).get(reverse(url_name)).content.decode()
    assert current_links(html) == [(reverse(url_name), "page", label)]
    crumbs = html.split('<nav class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{reverse("home")}">首页</a>' in crumbs
    assert re.search(r'<span aria-current="page">[^<]+</span>', crumbs)


def test_a_record_page_marks_its_list_as_the_current_section(staff, client_for, org_a):
    visit = VisitFactory(beneficiary=BeneficiaryFactory(organization=org_a))
    html = client_for(staff).get(reverse("beneficiaries:visit_detail", args=[visit.pk])).content.decode()
    assert current_links(html) == [(reverse("beneficiaries:visit_list"), "true", "走访记录")]


def options_of(html, name="organization"):
    select = re.search(rf'<select [^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    return len(captured), response.content.decode()


def test_organization_options_are_cached_per_scope_and_cleared_when_an_organization_changes(
    staff, member_a, member_b, client_for, org_a, org_b
):
    url = reverse("beneficiaries:visit_list")
    staff_client, a_client = client_for(staff), client_for(member_a)
    cold, html = queries(staff_client, url)
    warm, html_again = queries(staff_client, url)
    # The organizations and the towns are read once, then served from the cache.
    assert warm == cold - 2 and options_of(html_again) == options_of(html)
    assert {name for _pk, name in options_of(html)} == {org_a.name, org_b.name}
    # Another scope never gets staff's options: member A sees only A.
    assert [name for _pk, name in options_of(a_client.get(url).content.decode())] == [org_a.name]
    assert [name for _pk, name in options_of(client_for(member_b).get(url).content.decode())] == [org_b.name]
    # Renaming an organization (any save) is seen at once.
    org_a.name = "源为爱旗袍公益俱乐部（新）"
    org_a.save()
    assert org_a.name in [name for _pk, name in options_of(staff_client.get(url).content.decode())]
    assert [name for _pk, name in options_of(a_client.get(url).content.decode())] == [org_a.name]


def test_a_new_membership_changes_the_members_options_at_once(member_a, client_for, org_a, org_b):
    url = reverse("beneficiaries:visit_list")
    client = client_for(member_a)
    assert len(options_of(client.get(url).content.decode())) == 1
    membership = MembershipFactory(user=member_a, organization=org_b)
    assert len(options_of(client.get(url).content.decode())) == 2
    Membership.objects.filter(pk=membership.pk).delete()  # a queryset delete: no signal...
    # ...but the key names the member's organizations, so the options follow anyway.
    assert len(options_of(client.get(url).content.decode())) == 1


def test_the_selected_organization_is_marked_in_cached_options(staff, client_for, org_a, org_b):
    client = client_for(staff)
    url = reverse("cases:list")
    client.get(url)
    html = client.get(url, {"organization": org_b.pk}).content.decode()
    assert f'<option value="{org_b.pk}" selected>' in html and f'<option value="{org_a.pk}" selected>' not in html


class BrokenCache:
    """A cache whose every call fails (Redis gone and no fallback)."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_the_options_are_built_from_the_database_when_the_cache_fails(staff, client_for, org_a, monkeypatch):
    from core import widgets
    from organizations import options

    monkeypatch.setattr(widgets, "cache", BrokenCache())
    monkeypatch.setattr(options, "cache", BrokenCache())
    response = client_for(staff).get(reverse("beneficiaries:visit_list"))
    assert response.status_code == 200
    assert [name for _pk, name in options_of(response.content.decode())] == [org_a.name]


def test_the_options_follow_redis_going_away(staff, client_for, org_a, settings):
    """The portal's own fallback cache pointed at a port where nothing listens: pages work."""
    from core.cache import FallbackRedisCache

    settings.CACHES = {"default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": "redis://127.0.0.1:9/9"}}
    assert isinstance(caches["default"], FallbackRedisCache)
    response = client_for(staff).get(reverse("beneficiaries:visit_list"))
    assert response.status_code == 200
    assert [name for _pk, name in options_of(response.content.decode())] == [org_a.name]


def test_the_overdue_rule_runs_once_per_request(staff, client_for, org_a):
    for n in range(5):
        BeneficiaryFactory(
            organization=org_a, key_care=True, visit_cadence=2, key_care_since=datetime.date(2025, 1, 1 + n)
        )
    with CaptureQueriesContext(connection) as captured:
        response = client_for(staff).get(reverse("beneficiaries:overdue"), {"per_page": 2})
    # The rule's query: the last contact of each person from their visits.
    overdue_queries = [q["sql"] for q in captured if "beneficiaries_visit" in q["sql"] and "visit_cadence" in q["sql"]]
    assert len(overdue_queries) == 1
    assert response.context["total"] == 5 and len(response.context["page"]) == 2
    assert sum(row["count"] for row in response.context["by_town"]) == 5


def test_organization_options_are_not_shared_between_roles(leader, staff, client_for):
    from organizations.options import organization_options_key

    class Request:
        def __init__(self, user):
            self.user = user

    OrganizationFactory()
    assert organization_options_key(Request(staff)) == organization_options_key(Request(leader))
    assert organization_options_key(None) is None
