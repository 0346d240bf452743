"""Walks every URL pattern of the URLconf as every role.

A URL that no module of tests/access_matrix classifies fails the test, so a new view cannot
land without its access rule being stated and checked."""

import inspect

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_matrix import ROLES, all_rules, build_world, walker


def iter_patterns(resolver=None, namespace=None, prefix=""):
    """(full name, route, URLPattern) of every pattern of the URLconf."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_patterns(pattern, full_ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = pattern.name
            full = f"{namespace}:{name}" if namespace and name else name
            yield full, prefix + str(pattern.pattern), pattern


def portal_patterns(with_pattern=False):
    for name, route, pattern in iter_patterns():
        if route.startswith("admin/"):
            continue  # Django's admin: covered by test_admin_is_superuser_only below
        if route.startswith(("static/", "media")):
            continue
        yield (name, pattern) if with_pattern else (name, route)


def test_every_url_is_classified():
    rules = all_rules()
    unclassified = sorted(
        {f"{name or '(unnamed)'} -> /{route}" for name, route in portal_patterns() if name not in rules}
    )
    assert not unclassified, "URL patterns with no access rule in tests/access_matrix:\n" + "\n".join(unclassified)


def _names():
    rules = all_rules()
    return sorted({name for name, _ in portal_patterns() if name in rules})


def _posted_names():
    rules = all_rules()
    return [name for name in _names() if rules[name].post_statuses() is not None]


@pytest.fixture
def world(org_a, org_b, roles):
    return build_world(org_a, org_b, roles)


@pytest.fixture
def clients(roles, client_for):
    """One signed-in client per role, made before any snapshot (signing in writes last_login)."""
    return {role: client_for(roles[role]) for role in ROLES}


@pytest.mark.django_db
@pytest.mark.parametrize("name", _names())
def test_url_as_every_role(name, world, clients):
    failures = walker.check_statuses(name, all_rules()[name], world, clients)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("name", _posted_names())
def test_post_as_every_role_changes_nothing_when_refused(name, world, clients):
    """Every state-changing URL, POSTed by every role with a valid payload: a refused role
    leaves every table as it was; an allowed one changes something (the payload is valid)."""
    failures = walker.check_post(name, all_rules()[name], world, clients)
    assert not failures, "\n".join(failures)


def _view_sources(view, seen=None):
    """The source of a view and of the functions its decorators wrap."""
    seen = set() if seen is None else seen
    out = ""
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        try:
            out += inspect.getsource(view)
        except (OSError, TypeError):
            pass
        for cell in getattr(view, "__closure__", None) or ():
            try:
                inner = cell.cell_contents
            except ValueError:
                continue
            if inspect.isfunction(inner):
                out += _view_sources(inner, seen)
        view = getattr(view, "__wrapped__", None)
    return out


def test_every_url_that_takes_a_post_is_posted_by_the_walker():
    """A view that reads a POST (a form page, a POST-only action) must have its POST walked:
    ``method="post"`` or ``post_expect`` in its rule (allauth's pages are their owner's)."""
    rules = all_rules()
    missing = []
    for name, pattern in portal_patterns(with_pattern=True):
        rule = rules.get(name)
        if rule is None or rule.post_statuses() is not None or rule.note == "allauth":
            continue
        source = _view_sources(pattern.callback)
        if "POST" in source:
            missing.append(name)
    assert not missing, "URLs that take a POST but are not POSTed by the walker:\n" + "\n".join(sorted(missing))


@pytest.mark.django_db
def test_admin_is_superuser_only(roles, client_for):
    from tests.factories import UserFactory

    for role in ROLES:
        response = client_for(roles[role]).get("/admin/")
        assert response.status_code == 302, role  # to the admin login
    superuser = UserFactory(email="it@example.cn", role="staff", is_superuser=True, is_staff=True)
    assert client_for(superuser).get("/admin/").status_code == 200
    assert client_for(superuser).get("/admin/organizations/organization/").status_code == 200


# --- what organization B sees, and a walker that can fail ---------------------------------------


@pytest.fixture
def admin_b(org_b, password):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="admin-b@example.cn", role="member", password=password, full_name="组织B管理员")
    MembershipFactory(user=user, organization=org_b, role="admin")
    return user


@pytest.fixture
def b_side(world, org_b, admin_b, member_b, staff, client_for):
    """Organization B's own records (so its pages and files have rows), its March PDF, and
    signed-in clients for B's member and admin."""
    import datetime

    from cases import services as cases_services
    from reports.building import build_report
    from reports.services import prepare_report
    from reports.statistics import Scope
    from tests.factories import (
        AttendanceFactory,
        BeneficiaryFactory,
        CharityProjectFactory,
        ProjectReportFactory,
        TrainingSessionFactory,
        VisitFactory,
    )

    person = BeneficiaryFactory(organization=org_b, name="乙组织的服务对象", phone="13900007777")
    VisitFactory(beneficiary=person, notes="乙组织的走访")
    cases_services.case_create(
        organization=org_b,
        actor=staff,
        category="marriage",
        received_date=datetime.date(2026, 3, 8),
        summary="乙组织的案件。",
        applicant_name="乙方申请人",
        respondent_names="乙方被申请人",
    )
    session = TrainingSessionFactory(organization=org_b, title="乙组织的茶艺课")
    AttendanceFactory(session=session, name="乙组织的学员")
    project = CharityProjectFactory(organization=org_b, name="乙组织的项目")
    ProjectReportFactory(project=project, narrative="乙组织的进展。")
    report = prepare_report(month=datetime.date(2026, 3, 1), scope=Scope.for_organization(org_b))
    build_report(report.pk)
    report.refresh_from_db()
    return {"report": report, "clients": {"member_b": client_for(member_b), "admin_b": client_for(admin_b)}}


@pytest.mark.django_db
def test_organization_b_sees_none_of_organization_as_records(world, org_a, b_side, staff, client_for):
    """Every list page (also filtered by A), every export (CSV and xlsx, masked, and full for
    B's admin) and B's monthly PDF, as B's member and admin: none of A's names or numbers."""
    secrets = walker.secrets_of(org_a)
    assert len(secrets) >= 10
    # The secrets are what a page shows: staff see A's person on the register, B sees B's.
    staff_page = client_for(staff).get(reverse("beneficiaries:list")).content.decode()
    assert world.beneficiary_a.name in staff_page
    b_page = b_side["clients"]["member_b"].get(reverse("beneficiaries:list")).content.decode()
    assert "乙组织的服务对象" in b_page
    failures = walker.leak_failures(world, b_side["clients"], secrets, report=b_side["report"])
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_walker_fails_when_the_access_rule_allows_everything(world, org_a, b_side, clients, monkeypatch):
    """The checks above, run as functions with an access rule that allows everything, report
    failures of every kind: statuses, database changes by refused roles, and leaks."""
    walker.allow_everything(monkeypatch)
    rules = all_rules()
    statuses = [f for name in _names() for f in walker.check_statuses(name, rules[name], world, clients)]
    posts = [f for name in _posted_names() for f in walker.check_post(name, rules[name], world, clients)]
    leaks = walker.leak_failures(world, b_side["clients"], walker.secrets_of(org_a))
    assert any("beneficiaries:detail member_b: got 200, expected 404" in f for f in statuses), statuses
    assert any("cases:detail member_b: got 200, expected 404" in f for f in statuses), statuses
    assert any(
        "beneficiaries:deactivate POST member_a" in f and "changed beneficiaries.beneficiary" in f for f in posts
    ), posts
    assert any("organizations:member_remove POST member_a" in f and "changed" in f for f in posts), posts
    assert any("cases:party_reveal POST member_b" in f and "changed organizations.dataaccessevent" in f for f in posts)
    assert any("shows a person's name" in f for f in leaks), leaks
    assert any("/spreadsheets/export/beneficiaries.xlsx: shows a person's name" in f for f in leaks), leaks
    assert any("/spreadsheets/export/beneficiaries/full/ (csv): shows an ID number" in f for f in leaks), leaks
