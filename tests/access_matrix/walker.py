"""The walker's checks, as plain functions that return a list of failures (empty: passed).

tests/test_access_walker.py runs them over the whole access matrix; the same test module runs
them again with an access rule that allows everything and asserts that they then fail, so the
walker is known to be able to go red.

* ``check_statuses``: the status each role gets for a GET (or the rule's POST).
* ``check_post``: every state-changing URL POSTed by every role with a valid payload; each
  refused role leaves the database as it was (a snapshot of every table is compared, not only
  the status), and some allowed role changes it (so the payload is known to be valid).  Each
  role's POST is rolled back, so one role's success does not change what the next one meets.
* ``check_no_leak``: a page, file or PDF (text extracted) contains none of the given texts.
"""

import hashlib
import io
import subprocess
import tempfile
import zipfile

from django.apps import apps
from django.db import transaction
from django.urls import reverse

from . import ROLES

REFUSED_STATUSES = {403, 404, 405}
# Tables that change on any request or sign-in, whatever the rule says.
VOLATILE = {"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
VOLATILE_SUFFIXES = ("signinevent",)  # the sign-in audit (accounts), which records sign-ins


def _allowed(expected):
    return expected if isinstance(expected, tuple) else (expected,)


def refused_roles(statuses):
    """Roles whose POST must not change anything: anonymous (sent to the login page) and every
    role whose expected statuses are all refusals (403, 404, 405)."""
    return [
        role
        for role in ROLES
        if role == "anon" or all(status in REFUSED_STATUSES for status in _allowed(statuses[role]))
    ]


def snapshot():
    """{table: digest of every row}, for every model except the volatile ones."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in VOLATILE or label.endswith(VOLATILE_SUFFIXES) or model._meta.proxy:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        state[label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return state


def changed_tables(before, after):
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))


def url_of(name, rule, world):
    return reverse(name, kwargs=rule.kwargs(world))


def check_statuses(name, rule, world, clients):
    """Each role's status for the rule's method (GET, or POST rolled back)."""
    url = url_of(name, rule, world)
    failures = []
    for role in ROLES:
        client = clients[role]
        if rule.method == "post":
            with transaction.atomic():
                response = rule.post(client, url, world)
                transaction.set_rollback(True)
        else:
            response = client.get(url)
        allowed = _allowed(rule.expect[role])
        if response.status_code not in allowed:
            failures.append(f"{name} {role}: got {response.status_code}, expected {rule.expect[role]}")
        if (
            role == "anon"
            and response.status_code == 302
            and 302 in allowed
            and rule.method == "get"
            and "/accounts/login/" not in response["Location"]
            and rule.note != "allauth"
        ):
            failures.append(f"{name} anon: redirected to {response['Location']}, not to the login page")
    return failures


def check_post(name, rule, world, clients):
    """POSTs the rule's payload as every role, each in a transaction rolled back afterwards;
    a refused role must leave every table unchanged, and some allowed role must change one."""
    statuses = rule.post_statuses()
    if statuses is None:
        return []
    url = url_of(name, rule, world)
    refused = refused_roles(statuses) + list(rule.unchanged)
    failures = []
    wrote = []
    for role in ROLES:
        with transaction.atomic():
            before = snapshot()
            response = rule.post(clients[role], url, world)
            changed = changed_tables(before, snapshot())
            transaction.set_rollback(True)
        if response.status_code not in _allowed(statuses[role]):
            failures.append(f"{name} POST {role}: got {response.status_code}, expected {statuses[role]}")
        if role in refused and changed:
            failures.append(f"{name} POST {role}: refused ({response.status_code}) but changed {', '.join(changed)}")
        elif role not in refused and changed:
            wrote.append(role)
    if rule.writes and not wrote:
        failures.append(f"{name} POST: no allowed role changed the database; is the payload valid?")
    return failures


def text_of_response(response):
    """What a person would read: the page, every cell of a sheet, the text of a PDF."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"%PDF"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(body)
            handle.flush()
            return subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, check=True, text=True).stdout
    if body.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(body)):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            "\t".join("" if cell is None else str(cell) for cell in row)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return body.decode("utf-8-sig", errors="replace")


def check_no_leak(label, response, secrets):
    """``secrets``: {text: what it is}.  Fails on every one found in the response."""
    if response.status_code != 200:
        return [f"{label}: status {response.status_code}"]
    text = text_of_response(response)
    return [f"{label}: shows {what} “{secret}”" for secret, what in secrets.items() if secret in text]


# --- what organization B sees ----------------------------------------------------------------


def secrets_of(organization):
    """{text: what it is}: the names and numbers of an organization's records (people, their
    ID numbers and phones, case numbers and parties, sessions and trainees, projects, reports)."""
    from beneficiaries.models import Beneficiary, Visit
    from cases.models import CaseParty, MediationCase
    from projects.models import CharityProject, ProjectReport
    from training.models import Attendance, TrainingSession

    found = {}

    def add(what, values):
        for value in values:
            if value and len(value) >= 2:
                found[value] = what

    people = Beneficiary.objects.filter(organization=organization)
    add("a person's name", people.values_list("name", flat=True))
    add("an ID number", people.values_list("id_number", flat=True))
    add("a phone", people.values_list("phone", flat=True))
    add("visit notes", Visit.objects.filter(organization=organization).values_list("notes", flat=True))
    cases = MediationCase.objects.filter(organization=organization)
    add("a case number", cases.values_list("number", flat=True))
    add("a case summary", cases.values_list("summary", flat=True))
    parties = CaseParty.objects.filter(case__organization=organization)
    add("a case party", parties.values_list("name", flat=True))
    add("a case party's phone", parties.values_list("phone", flat=True))
    add("a training session", TrainingSession.objects.filter(organization=organization).values_list("title", flat=True))
    trainees = Attendance.objects.filter(session__organization=organization)
    add("a trainee", trainees.values_list("name", flat=True))
    add("a trainee's ID number", trainees.values_list("id_number", flat=True))
    add("a project", CharityProject.objects.filter(organization=organization).values_list("name", flat=True))
    add(
        "a report's narrative",
        ProjectReport.objects.filter(project__organization=organization).values_list("narrative", flat=True),
    )
    return found


def list_urls(rules, world, role):
    """The pages without an id in their URL that ``role`` may open (lists, forms, dashboards)."""
    urls = []
    for name, rule in sorted(rules.items()):
        if rule.method != "get" or rule.note == "allauth" or rule.kwargs(world):
            continue
        if 200 in _allowed(rule.expect.get(role, 404)):
            urls.append(reverse(name))
    return urls


def leak_failures(world, clients, secrets, *, report=None):
    """What organization B's member and admin (``clients``: role -> client) see: every list
    page (also filtered by organization A), every export (CSV and xlsx, masked; full for the
    admin) and the PDF of ``report`` must show none of ``secrets``."""
    from spreadsheets import policy
    from spreadsheets.resources import RESOURCES
    from tests.access_matrix import all_rules

    rules = all_rules()
    failures = []
    for role, client in clients.items():
        for url in list_urls(rules, world, "member_b"):
            for query in ("", f"?organization={world.org_a.pk}&page=1"):
                response = client.get(url + query)
                if response.status_code in (302, 403):
                    continue  # a page this role may not open (e.g. the admin's own forms)
                failures += check_no_leak(f"{role} {url}{query}", response, secrets)
        for name in RESOURCES:
            for fmt in ("csv", "xlsx"):
                url = reverse("spreadsheets:export", args=[name, fmt])
                failures += check_no_leak(f"{role} {url}", client.get(url), secrets)
                if role == "admin_b" and policy.has_personal_data(name):
                    url = reverse("spreadsheets:export_full", args=[name])
                    response = client.post(url, {"purpose": "核对", "fmt": fmt})
                    failures += check_no_leak(f"{role} {url} ({fmt})", response, secrets)
        if report is not None:
            url = reverse("reports:report_download", args=[report.pk])
            failures += check_no_leak(f"{role} {url}", client.get(url), secrets)
    return failures


PERMISSION_HELPERS = ("is_member_of", "is_admin_of", "can_manage_organization", "can_act_for", "can_see_personal_data")


def allow_everything(monkeypatch):
    """Swaps the access rule for one that allows everything: ``ScopedQuerySet.visible_to`` and
    ``manageable_by`` return every row, and the permission helpers say yes, in every module
    that imported them by name."""
    import sys

    from django.conf import settings

    from organizations import access

    # The portal's own apps: those that live in the project's folder.
    project = {
        config.name
        for config in apps.get_app_configs()
        if str(config.path).startswith(str(settings.BASE_DIR)) and "site-packages" not in str(config.path)
    }
    monkeypatch.setattr(access.ScopedQuerySet, "visible_to", lambda self, user: self)
    monkeypatch.setattr(access.ScopedQuerySet, "manageable_by", lambda self, user: self)
    originals = {id(getattr(access, name)) for name in PERMISSION_HELPERS}

    def yes(*args, **kwargs):
        return True

    for module_name, module in list(sys.modules.items()):
        if module is None or module_name.split(".")[0] not in project:
            continue
        for attr, value in list(vars(module).items()):
            if id(value) in originals:
                monkeypatch.setattr(module, attr, yes)
