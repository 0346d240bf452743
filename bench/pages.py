"""List pages under gunicorn against a bare page with the same layout and no data, at scale 1
and scale 10 side by side (so the cost's growth shows); deep pages (cursor pages at the depth
of page 500 / 2,000 / 12,000 of 50 rows) against the first page; the search "wxy"; the overdue
list; row rendering by the template engine, ``format_html`` and Jinja2; and the number of
queries of every list and detail page at 10 and 100 rows.

Goals (issue 17): every list page within 3 times the bare page at scale 10; a deep page within
1.5 times the first page of the same list; a page past the data no dearer than the first; equal
query counts.

Timing: gunicorn (2 sync workers) on 127.0.0.1 serving the benchmark database; one client, one
request at a time, a new connection per request (as a browser's page load through a proxy).
The targets are requested in rounds, one request each per round, so that the load of a shared
machine falls on all of them alike; each figure is the median of ``--repeat`` rounds.  Each
scale has its own database (``bench.database.name_for``), generated once and reused."""

import datetime
import http.client
import os
import platform
import signal
import statistics as stats
import subprocess
import time

DESCRIPTION = "列表页耗时（gunicorn，对比空白页）：首页、深页、搜索、逾期名单，规模 1 与 10 对比；行渲染；查询次数"

LIST_GOAL = 3.0  # × the bare page
DEEP_GOAL = 1.5  # × the first page of the same list


def add_arguments(parser):
    parser.add_argument("--scales", default="1,10", help="comma-separated scales side by side (default 1,10)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--repeat", type=int, default=20, help="rounds of requests; the median is reported")
    parser.add_argument("--no-queries", action="store_true", help="skip the query counts")


def _prepare_database(scale, seed):
    """The scale's database, with fresh statistics and visibility maps (as autovacuum leaves a
    table in use: index-only scans need them)."""
    from django.db import connection

    from bench import database

    summary = database.ensure_data(scale, seed, name=database.name_for(scale))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return summary


def _session_cookie(user, searches):
    """A signed-in session (in the database, so gunicorn reads it) holding the search texts."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    session.update(searches)
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _visit_cursor(position):
    """The id of the visit at ``position`` (0-based) in the list's default order, and the page
    it ends: the cursor of the next page (None when the list is shorter)."""
    from beneficiaries.models import Visit

    ids = Visit.objects.order_by("-visit_date", "-id").values_list("id", flat=True)
    found = list(ids[position : position + 1])
    return found[0] if found else None


def _targets(town_pk):
    """(key, label, path) of every page measured; keys are shared across scales."""
    from beneficiaries.models import Visit

    base = "/beneficiaries/visits/"
    period = f"town={town_pk}&start=2025-06-01&end=2025-09-30&per_page=50"
    targets = [
        ("bare", "bare page (same layout, no data)", "/_bench/bare/"),
        ("visits", "visits, page 1 (town + period)", f"{base}?{period}"),
        ("visits_all", "visits, page 1 (all)", f"{base}?per_page=50"),
    ]
    total = Visit.objects.count()
    for page in (500, 2000, 12000):
        position = (page - 1) * 50 - 1
        if position >= total - 50:
            position = (total // 50 - 1) * 50 - 1  # the last full page at this scale
            label = f"visits, page {page} (here: last, {position // 50 + 2})"
        else:
            label = f"visits, page {page}"
        cursor = _visit_cursor(position)
        targets.append((f"deep{page}", label, f"{base}?per_page=50&after={cursor}&page={position // 50 + 2}"))
    last = Visit.objects.order_by("visit_date", "id").values_list("id", flat=True).first()
    targets += [
        ("past_end", "visits, past the last row", f"{base}?per_page=50&after={last}"),
        ("page_huge", "visits, ?page=999999 (no cursor: page 1)", f"{base}?per_page=50&page=999999"),
        ("people", "people, page 1 (town)", f"/beneficiaries/?town={town_pk}&per_page=50"),
        ("people_search", 'people, search "wxy"', "/beneficiaries/?search=1&per_page=50"),
        ("visits_search", 'visits, search "wxy"', f"{base}?search=1&per_page=50"),
        ("overdue", "key-care overdue list", "/beneficiaries/overdue/?per_page=50"),
        ("cases", "cases, page 1 (status)", "/cases/?status=succeeded&per_page=50"),
        ("projects", "projects, page 1", "/projects/?per_page=50"),
        ("training", "training, page 1", "/training/?per_page=50"),
        ("organizations", "organizations, page 1", "/organizations/?per_page=50"),
    ]
    return targets


def _get(port, path, cookie):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    assert response.status == 200, (path, response.status)
    return elapsed * 1000


def _measure(targets, cookie, repeat):
    """{key: median ms} of the targets under a gunicorn serving the current database."""
    from bench.load import _free_port, _start_gunicorn

    port = _free_port()
    proc = _start_gunicorn(port)
    try:
        for _round in range(4):  # warm both workers: templates, connections, cached options
            for _key, _label, path in targets:
                _get(port, path, cookie)
        samples: dict[str, list[float]] = {key: [] for key, _label, _path in targets}
        for _round in range(repeat):
            for key, _label, path in targets:
                samples[key].append(_get(port, path, cookie))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {key: stats.median(values) for key, values in samples.items()}


GOALS = {
    "visits": ("bare", LIST_GOAL),
    "visits_all": ("bare", LIST_GOAL),
    "deep500": ("visits_all", DEEP_GOAL),
    "deep2000": ("visits_all", DEEP_GOAL),
    "deep12000": ("visits_all", DEEP_GOAL),
    "past_end": ("visits_all", 1.0),
    "page_huge": ("visits_all", DEEP_GOAL),
    "people": ("bare", LIST_GOAL),
    "people_search": ("bare", LIST_GOAL),
    "visits_search": ("bare", LIST_GOAL),
    "overdue": ("bare", LIST_GOAL),
    "cases": ("bare", LIST_GOAL),
    "projects": ("bare", LIST_GOAL),
    "training": ("bare", LIST_GOAL),
    "organizations": ("bare", LIST_GOAL),
}
BASE_NAMES = {"bare": "bare", "visits_all": "page 1"}


def _table(scales, labels, figures):
    """One line per page: for each scale its ms and ratio to its baseline; the verdict at the
    largest scale.  A deep page's label names its depth at the largest scale."""
    head = f"{'page':<44}" + "".join(f"{'scale ' + str(s) + ' ms':>14}{'×':>7}" for s in scales)
    lines = [head + "   goal (at scale " + str(scales[-1]) + ")"]
    missed = []
    for key, label in labels.items():
        line = f"{label:<44}"
        for scale in scales:
            ms = figures[scale][key]
            base_key, goal = GOALS.get(key, (None, None))
            ratio = ms / figures[scale][base_key] if base_key else 1.0
            line += f"{ms:14.1f}{ratio:7.2f}"
        if key in GOALS:
            base_key, goal = GOALS[key]
            ratio = figures[scales[-1]][key] / figures[scales[-1]][base_key]
            ok = ratio <= goal
            line += f"   ≤ {goal:g}× {BASE_NAMES[base_key]}  {'OK' if ok else 'MISSED'}"
            missed += [] if ok else [label]
        lines.append(line)
    return lines, missed


# ---------------------------------------------------------------------------------------------
# Row rendering: the template engine, format_html and Jinja2 on the same 50 rows

DJANGO_ROWS = """{% load i18n %}{% for v in rows %}<tr><td data-label="{% translate '走访日期' %}"><a href="/beneficiaries/visits/{{ v.id }}/">{{ v.visit_date|date:"Y-m-d" }}</a></td><td data-label="{% translate '服务对象' %}">{{ v.beneficiary__name }} · {{ v.beneficiary__id_number|slice:"-4:" }} · {{ v.beneficiary__village }}</td><td data-label="{% translate '镇街' %}">{{ v.beneficiary__town__name }}</td><td data-label="{% translate '走访方式' %}">{{ v.mode }}{% if v.follow_up_needed %} <span class="badge-overdue">{% translate "需要跟进" %}</span>{% endif %}</td><td data-label="{% translate '服务内容' %}">—</td><td data-label="{% translate '物资价值（元）' %}" class="num">{{ v.supplies_value }}</td><td data-label="{% translate '走访组织' %}">{{ v.organization__name }}</td></tr>{% endfor %}"""

JINJA_ROWS = """{% for v in rows %}<tr><td data-label="{{ l.date }}"><a href="/beneficiaries/visits/{{ v.id }}/">{{ v.visit_date.isoformat() }}</a></td><td data-label="{{ l.person }}">{{ v.beneficiary__name }} · ****{{ v.beneficiary__id_number[-4:] }} · {{ v.beneficiary__village }}</td><td data-label="{{ l.town }}">{{ v.beneficiary__town__name }}</td><td data-label="{{ l.mode }}">{{ modes[v.mode] }}{% if v.follow_up_needed %} <span class="badge-overdue">{{ follow }}</span>{% endif %}</td><td data-label="{{ l.services }}">—</td><td data-label="{{ l.value }}" class="num">{{ v.supplies_value }}</td><td data-label="{{ l.organization }}">{{ v.organization__name }}</td></tr>{% endfor %}"""


def _median_call(fn, repeat=30):
    fn()
    times = []
    for _n in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return stats.median(times) * 1000


def row_rendering(user):
    """Lines comparing the ways to render 50 visit rows (the rows read once, in memory)."""
    from django.template import Context, Template
    from django.utils import translation
    from django.utils.translation import gettext

    from beneficiaries import lists
    from beneficiaries.models import Visit
    from core.lists import choice_names

    rows = list(Visit.objects.order_by("-visit_date", "-id").values(*lists.VISIT_FIELDS)[:50])
    lines = ["row rendering, 50 visit rows in memory (in-process, median of 30)"]
    with translation.override("zh-hans"):
        template = Template(DJANGO_ROWS)
        django_ms = _median_call(lambda: template.render(Context({"rows": rows})))
        # format_html as the list renders them, less the one query for the services of the page.
        services = lists._services_of([row["id"] for row in rows])
        original = lists._services_of
        lists._services_of = lambda ids: services
        try:
            format_ms = _median_call(lambda: lists.visit_rows(rows, user))
        finally:
            lists._services_of = original
        lines.append(f"  Django template, translate in the loop   {django_ms:6.2f} ms")
        lines.append(
            f"  html_row (kept; core.lists)              {format_ms:6.2f} ms   {django_ms / format_ms:4.1f}× faster"
        )
        try:
            import jinja2  # type: ignore[import-not-found,unused-ignore]  # optional: only this comparison uses it
        except ImportError:
            lines.append("  Jinja2: not installed (pip install jinja2 to compare; the portal does not need it)")
        else:
            environment = jinja2.Environment(autoescape=True)
            compiled = environment.from_string(JINJA_ROWS)
            labels = lists._visit_labels()
            modes = choice_names(Visit.Mode.choices)
            jinja_ms = _median_call(
                lambda: compiled.render(rows=rows, l=labels, modes=modes, follow=gettext("需要跟进"))
            )
            lines.append(
                f"  Jinja2 {jinja2.__version__}, labels outside the loop    {jinja_ms:6.2f} ms   "
                f"{django_ms / jinja_ms:4.1f}× faster"
            )
    return lines


# ---------------------------------------------------------------------------------------------
# Query counts


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the steady state: cached filter options
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def query_counts(staff, member):
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from beneficiaries.models import Beneficiary, Visit
    from cases.models import MediationCase
    from organizations.models import Organization
    from projects.models import CharityProject
    from training.models import TrainingSession

    lines = ["queries per page at 10 and 100 rows (staff; member)        10   100   goal: equal"]
    clients = {}
    for who, user in (("staff", staff), ("member", member)):
        clients[who] = Client()
        clients[who].force_login(user)
    lists = [
        "organizations:list",
        "beneficiaries:list",
        "beneficiaries:visit_list",
        "beneficiaries:overdue",
        "training:list",
        "projects:list",
        "projects:review_queue",
        "projects:missing_reports",
        "cases:list",
        "reports:report_list",
    ]
    all_ok = True
    for who, client in clients.items():
        for name in lists:
            if who == "member" and name.startswith(("projects:review", "projects:missing")):
                continue
            url = reverse(name)
            small, large = _queries(client, f"{url}?per_page=10"), _queries(client, f"{url}?per_page=100")
            all_ok &= small == large
            lines.append(
                f"  {name + ' (' + who + ')':<52} {small:4d} {large:5d}   {'OK' if small == large else 'DIFFERS'}"
            )

    def pair(queryset, related):
        ordered = queryset.annotate(n=Count(related)).filter(n__gt=0).order_by("n", "pk")
        return ordered.first(), ordered.last()

    details = [
        ("beneficiaries:detail", pair(Beneficiary.objects.all(), "visits")),
        ("training:detail", pair(TrainingSession.objects.all(), "attendances")),
        ("organizations:detail", pair(Organization.objects.all(), "visits")),
        (
            "projects:detail",
            (CharityProject.objects.order_by("pk").first(), CharityProject.objects.order_by("pk").last()),
        ),
        ("cases:detail", (MediationCase.objects.order_by("pk").first(), MediationCase.objects.order_by("pk").last())),
        ("beneficiaries:visit_detail", (Visit.objects.order_by("pk").first(), Visit.objects.order_by("pk").last())),
    ]
    lines.append("queries per detail page (fewest related rows; most)")
    bounded = False
    for name, (few, many) in details:
        a, b = (
            _queries(clients["staff"], reverse(name, args=[few.pk])),
            _queries(clients["staff"], reverse(name, args=[many.pk])),
        )
        # A constant difference is not growth: a person's timeline shows the latest 100 visits
        # and counts the rest only when there are more; an organization panel with nothing to
        # show (no projects) skips its queries.
        verdict = "OK" if a == b else ("BOUNDED" if abs(a - b) <= 2 else "DIFFERS")
        bounded |= verdict == "BOUNDED"
        all_ok &= verdict != "DIFFERS"
        lines.append(f"  {name:<52} {a:4d} {b:5d}   {verdict}")
    lines.append(
        "query counts: "
        + (
            "some grow with the rows (see above)"
            if not all_ok
            else "equal" + ("; BOUNDED = a fixed extra query for a capped list or an empty panel" if bounded else "")
        )
    )
    return lines


def run(options):
    from django.db import connection
    from django.test import override_settings

    from bench.fixtures import bench_users
    from beneficiaries.lists import BENEFICIARY_SEARCH_KEY, VISIT_SEARCH_KEY
    from organizations.models import Town

    scales = [int(s) for s in str(options.scales).split(",") if s.strip()]
    figures, labels, counts = {}, {}, {}
    for scale in scales:
        summary = _prepare_database(scale, options.seed)
        counts[scale] = summary["counts"]
        staff, member, _org = bench_users()
        targets = _targets(Town.objects.get(name="溪口镇").pk)
        cookie = _session_cookie(staff, {BENEFICIARY_SEARCH_KEY: "wxy", VISIT_SEARCH_KEY: "wxy"})
        figures[scale] = _measure(targets, cookie, options.repeat)
        labels.update({key: label for key, label, _path in targets if key not in labels or scale == scales[-1]})
    lines = [
        f"pages benchmark · {datetime.datetime.now():%Y-%m-%d %H:%M} · {connection.vendor} · {platform.machine()} · "
        f"{os.cpu_count()} cores · gunicorn 2 sync workers, one client · median of {options.repeat} rounds",
    ]
    lines += [f"data at scale {scale}: {counts[scale]}" for scale in scales]
    table, missed = _table(scales, labels, figures)
    lines += ["", *table]
    lines.append(
        "goals: all met" if not missed else f"goals missed at scale {scales[-1]}: {'; '.join(missed)} (see README)"
    )
    # In-process parts at the largest scale (its database is the current one).
    staff, member, _org = bench_users()
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        lines += ["", *row_rendering(staff)]
        if not options.no_queries:
            lines += ["", *query_counts(staff, member)]
    return "\n".join(lines)
