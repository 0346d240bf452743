"""The access matrix: for every named URL pattern, what each role gets.

Each app has a module here defining ``RULES`` (URL name -> Rule) and, if its URLs take ids, a
``build(world)`` that creates organization A's records and stores them on ``world``.  The walker
in tests/test_access_walker.py requests every URL pattern of the URLconf as every role and fails
on a URL that no module classifies.

Roles: anon, staff, leader, admin_a (admin of organization A), member_a, member_b (member of
organization B).  Expected statuses: 200 (allowed), 302 (anonymous sent to login, or a redirect
after a POST), 403 (role may never do this), 404 (not theirs: existence not revealed), 405.

State-changing URLs: a ``method="post"`` rule, or a GET rule with ``post_expect`` (a form page,
or a POST-only view classified by its GET), is POSTed by every role with ``data(world)``, which
must be a valid payload; the walker compares the database before and after each POST: a role
refused (anonymous, or an expected 403/404/405) must leave it unchanged, and (unless
``writes=False``) at least one allowed role must change it, which proves the payload valid.
See tests/access_matrix/walker.py.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ["anon", "staff", "leader", "admin_a", "member_a", "member_b"]


@dataclass
class Rule:
    expect: dict
    kwargs: Callable = lambda world: {}
    method: str = "get"
    data: Callable = lambda world: {}
    note: str = ""
    # For a GET rule of a URL that also changes state on POST: each role's status for a POST of
    # ``data(world)`` (None: the URL is not POSTed, e.g. allauth's pages, tested by their owner).
    post_expect: dict | None = None
    # A POST by an allowed role changes the database (False: one that may leave it unchanged,
    # such as switching the language or reopening a case that is still open).
    writes: bool = True
    # Roles refused by validation rather than by status (e.g. a form shown again, 200, because
    # the organization they chose is not theirs): their POST must leave the database unchanged too.
    unchanged: tuple = ()
    # The POST body's type: form fields (None) or "application/json" (the JSON API's bodies).
    content_type: str | None = None

    def post(self, client, url, world):
        extra = {"content_type": self.content_type} if self.content_type else {}
        return client.post(url, self.data(world), **extra)

    def post_statuses(self):
        """Each role's expected status for a POST, or None when the URL is not POSTed."""
        return self.expect if self.method == "post" else self.post_expect


def login_only(kwargs=lambda world: {}, **overrides):
    """Any signed-in role gets 200; anonymous is sent to the login page."""
    expect = dict.fromkeys(ROLES, 200)
    expect["anon"] = 302
    expect.update(overrides)
    return Rule(expect=expect, kwargs=kwargs)


def org_scoped(kwargs, leader=404, **overrides):
    """A record of organization A: staff and A's users see it; B's users and leaders get 404."""
    expect = {"anon": 302, "staff": 200, "leader": leader, "admin_a": 200, "member_a": 200, "member_b": 404}
    expect.update(overrides)
    return Rule(expect=expect, kwargs=kwargs)


def staff_only(kwargs=lambda world: {}, **overrides):
    expect = {"anon": 302, "staff": 200, "leader": 403, "admin_a": 403, "member_a": 403, "member_b": 403}
    expect.update(overrides)
    return Rule(expect=expect, kwargs=kwargs)


def all_modules():
    from tests import access_matrix

    for info in pkgutil.iter_modules(access_matrix.__path__):
        yield importlib.import_module(f"tests.access_matrix.{info.name}")


def all_rules():
    rules = {}
    for module in all_modules():
        for name, rule in getattr(module, "RULES", {}).items():
            assert name not in rules, f"{name} is classified twice"
            rules[name] = rule
    return rules


@dataclass
class World:
    org_a: object
    org_b: object
    users: dict
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None

    def set(self, **values):
        self.extra.update(values)


def build_world(org_a, org_b, users):
    world = World(org_a=org_a, org_b=org_b, users=users)
    for module in all_modules():
        build = getattr(module, "build", None)
        if build:
            build(world)
    return world
