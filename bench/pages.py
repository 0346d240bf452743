"""List pages at scale N against a bare page with the same layout and no data, and the number
of queries of every list and detail page at 10 and 100 rows.

Goals: a filtered 50-row list page within 3 times the bare page; equal query counts."""

import datetime
import platform
import statistics as stats
import time

DESCRIPTION = "列表页耗时（对比空白页）与各页面查询次数"


def add_arguments(parser):
    parser.add_argument("--scale", type=int, default=10, help="times the article's year (default 10)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--repeat", type=int, default=15, help="requests per page; the median is reported")


def _median_ms(client, url, repeat):
    client.get(url)  # warm: templates, connection, caches
    times = []
    for _n in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return stats.median(times) * 1000


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def list_pages(town_pk, org_pk):
    """(label, URL name, query string) of the lists measured against the bare page."""
    return [
        (
            "visits (town, period)",
            "beneficiaries:visit_list",
            f"town={town_pk}&start=2025-06-01&end=2025-09-30&per_page=50",
        ),
        ("beneficiaries (town)", "beneficiaries:list", f"town={town_pk}&per_page=50"),
        ("cases (status)", "cases:list", "status=succeeded&per_page=50"),
    ]


def run(options):
    from django.db import connection
    from django.test import Client, override_settings
    from django.urls import reverse

    from bench import database
    from bench.fixtures import bench_users
    from beneficiaries.models import Beneficiary, Visit
    from cases.models import MediationCase
    from organizations.models import Town
    from projects.models import CharityProject
    from training.models import TrainingSession

    summary = database.ensure_data(options.scale, options.seed)
    staff, member, org = bench_users()
    town = Town.objects.get(name="溪口镇")
    lines = [
        f"pages benchmark · {datetime.datetime.now():%Y-%m-%d %H:%M} · {connection.vendor} · "
        f"{platform.machine()} · {__import__('os').cpu_count()} cores · scale {options.scale} · median of {options.repeat}",
        f"data: {summary['counts']}",
        "",
        "list page (50 rows, filtered)      time     × bare   goal ≤ 3",
    ]
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False):
        client = Client()
        client.force_login(staff)
        bare = _median_ms(client, reverse("bench_bare"), options.repeat)
        lines.append(f"{'bare page (same layout, no data)':<34} {bare:7.1f} ms   1.00")
        split = []
        for label, name, query in list_pages(town.pk, org.pk):
            ms = _median_ms(client, f"{reverse(name)}?{query}", options.repeat)
            one = _median_ms(client, f"{reverse(name)}?{query.replace('per_page=50', 'per_page=1')}", options.repeat)
            ratio = ms / bare
            lines.append(f"{label:<34} {ms:7.1f} ms  {ratio:5.2f}   {'OK' if ratio <= 3 else 'MISSED'}")
            split.append(f"{label}: {one - bare:.1f} ms filters+count+layout, {(ms - one) / 49:.2f} ms per row")
        lines.append("where the time goes (the same list with 1 row, against the bare page):")
        lines += [f"  {line}" for line in split]

        lines += ["", "queries per page at 10 and 100 rows (staff; member)        10   100   goal: equal"]
        member_client = Client()
        member_client.force_login(member)
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
        for who, c in (("staff", client), ("member", member_client)):
            for name in lists:
                if who == "member" and name.startswith(("projects:review", "projects:missing")):
                    continue
                url = reverse(name)
                small, large = _queries(c, f"{url}?per_page=10"), _queries(c, f"{url}?per_page=100")
                all_ok &= small == large
                lines.append(
                    f"  {name + ' (' + who + ')':<52} {small:4d} {large:5d}   {'OK' if small == large else 'DIFFERS'}"
                )

        # Detail pages: a record with few related rows against one with many.
        def pair(queryset, related):
            from django.db.models import Count

            ordered = queryset.annotate(n=Count(related)).filter(n__gt=0).order_by("n", "pk")
            return ordered.first(), ordered.last()

        details = [
            ("beneficiaries:detail", pair(Beneficiary.objects.all(), "visits")),
            ("training:detail", pair(TrainingSession.objects.all(), "attendances")),
            (
                "organizations:detail",
                pair(
                    __import__("organizations.models", fromlist=["Organization"]).Organization.objects.all(), "visits"
                ),
            ),
            (
                "projects:detail",
                (CharityProject.objects.order_by("pk").first(), CharityProject.objects.order_by("pk").last()),
            ),
            (
                "cases:detail",
                (MediationCase.objects.order_by("pk").first(), MediationCase.objects.order_by("pk").last()),
            ),
            ("beneficiaries:visit_detail", (Visit.objects.order_by("pk").first(), Visit.objects.order_by("pk").last())),
        ]
        lines.append("queries per detail page (fewest related rows; most)")
        bounded = False
        for name, (few, many) in details:
            a, b = _queries(client, reverse(name, args=[few.pk])), _queries(client, reverse(name, args=[many.pk]))
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
                else "equal"
                + ("; BOUNDED = a fixed extra query for a capped list or an empty panel" if bounded else "")
            )
        )
    return "\n".join(lines)
