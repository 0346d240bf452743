"""The district's monthly figures, dashboard and PDF over a year of data, at scale 1 and scale
10 side by side (``--scales``): the figures computed, the nightly precompute of every scope,
the dashboard's first hit and its second (cached) hit, and the PDF built in a fresh process
(its time and peak memory), with the figures computed or precomputed.

Goals (issue 17, at scale 10): the dashboard's first hit within 3x a cached one; the PDF under
5 s and 300 MB.  In-process timings (Django's test client, no HTTP server): ratios between rows
measured in the same run are what to read, not the milliseconds on a shared machine."""

import datetime
import gc
import json
import os
import platform
import re
import statistics as stats
import subprocess
import sys
import time
from pathlib import Path

DESCRIPTION = "月度报告：统计、预计算、看板首次与缓存访问、PDF 耗时与内存（规模 1 与 10 对比）"
ROOT = Path(__file__).resolve().parent.parent
PDF_SECONDS_GOAL = 5.0
PDF_MB_GOAL = 300
FIRST_HIT_GOAL = 3.0


def add_arguments(parser):
    parser.add_argument("--scales", default="1,10", help="comma-separated scales, side by side (default 1,10)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--repeat", type=int, default=5, help="rounds of each in-process step; medians")
    parser.add_argument("--pdf-repeat", type=int, default=3, help="fresh processes per PDF figure; medians")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if present")


def _median_of(fn, repeat):
    times = []
    for _n in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return stats.median(times)


# --- one PDF in a fresh process (peak memory only grows, so each figure needs its own) --------


def _status_kb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _pages(pdf):
    """The PDF's page count (pdfinfo, from poppler-utils: the page tree may be compressed)."""
    import shutil
    import tempfile

    if not shutil.which("pdfinfo"):
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=False).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(found.group(1)) if found else "?"


def child(database, month_text, mode):
    """``python -m bench.reports --child DB MONTH MODE``: builds the district's PDF as the worker
    does (figures for the report, the context, the render) and prints its seconds, the pages,
    the process's peak resident memory and its resident memory before the build."""
    from bench.database import configure

    configure()
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict["NAME"] = database
    import weasyprint  # noqa: F401  # loaded by a worker before its first report

    from core.months import parse_month
    from reports import figures
    from reports.models import FigureSnapshot
    from reports.pdf import render_pdf
    from reports.presentation import report_context
    from reports.statistics import Scope

    month, scope = parse_month(month_text), Scope.district()
    if mode == "computed":
        FigureSnapshot.objects.filter(scope_key=scope.key, month=month).delete()
    else:
        figures.refresh(month, scope)
    connections["default"].ensure_connection()
    gc.collect()
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    context = report_context(month, scope, figures=figures.figures_for_report(month, scope))
    figures_s = time.perf_counter() - started
    pdf = render_pdf(context)
    seconds = time.perf_counter() - started
    pages = _pages(pdf)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "figures_seconds": figures_s,
                "peak_kb": _status_kb("VmHWM"),
                "before_kb": before,
                "pages": pages,
                "organizations": len(context["by_organization"]),
            }
        )
    )


def _in_child(database, month, mode):
    from django.db import connections

    connections.close_all()
    done = subprocess.run(
        [sys.executable, "-m", "bench.reports", "--child", database, f"{month:%Y-%m}", mode],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"PDF child {mode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pdf(database, month, mode, repeat):
    runs = [_in_child(database, month, mode) for _n in range(repeat)]
    return {
        "seconds": stats.median(r["seconds"] for r in runs),
        "figures_seconds": stats.median(r["figures_seconds"] for r in runs),
        "peak_mb": stats.median(r["peak_kb"] for r in runs) / 1024,
        "before_mb": stats.median(r["before_kb"] for r in runs) / 1024,
        "pages": runs[0]["pages"],
        "organizations": runs[0]["organizations"],
    }


# --- one scale ----------------------------------------------------------------------------------


def measure(scale, options, log):
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from bench import database
    from bench.fixtures import bench_users
    from core.months import parse_month
    from reports import figures
    from reports.models import FigureSnapshot
    from reports.pdf import html_to_pdf, render_html
    from reports.presentation import all_scopes, report_context
    from reports.statistics import Scope, compute, trend

    name = database.name_for(scale)
    summary = database.ensure_data(scale, options.seed, fresh=options.fresh, name=name, log=log)
    month, scope = parse_month(summary["month"]), Scope.district()
    out = {"summary": summary}

    compute(month, scope)  # warm the connection and the database's caches
    out["figures"] = _median_of(lambda: (compute(month, scope), trend(month, scope)), options.repeat)

    # The night's job: every scope's figures for the month.
    FigureSnapshot.objects.filter(month=month).delete()
    scopes = all_scopes()
    started = time.perf_counter()
    figures.refresh_all(scopes, [month])
    out["precompute"] = time.perf_counter() - started
    out["scopes"] = len(scopes)

    # The dashboard, in-process (Django's test client), district, the data's last month.
    staff, _member, _org = bench_users()
    url = reverse("reports:dashboard") + f"?month={month:%Y-%m}"
    with override_settings(ALLOWED_HOSTS=["*"]):
        client = Client()
        client.force_login(staff)
        assert client.get(url).status_code == 200  # templates and the session warm

        def drop():
            FigureSnapshot.objects.filter(scope_key=scope.key, month=month).delete()

        computed, first, cached = [], [], []
        for _n in range(options.repeat):
            drop()
            started = time.perf_counter()
            client.get(url)
            computed.append(time.perf_counter() - started)
            drop()
            figures.refresh(month, scope)  # what the night (or the worker after an import) did
            started = time.perf_counter()
            client.get(url)
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            client.get(url)
            cached.append(time.perf_counter() - started)
    out["dashboard_computed"] = stats.median(computed)
    out["dashboard_first"] = stats.median(first)
    out["dashboard_cached"] = stats.median(cached)

    # WeasyPrint alone on the report's HTML (what the appendix saved is visible here).
    context = report_context(month, scope, figures=figures.fresh_figures(month, scope))
    html = render_html(context)
    out["weasyprint"] = _median_of(lambda: html_to_pdf(html), max(1, options.repeat // 2))

    db_name = str(connection.settings_dict["NAME"])
    out["pdf_computed"] = _pdf(db_name, month, "computed", options.pdf_repeat)
    out["pdf_precomputed"] = _pdf(db_name, month, "precomputed", options.pdf_repeat)
    database.use(name)
    return out


def _row(label, values, fmt, goal=""):
    cells = "".join(f"{fmt(v):>14}" for v in values)
    return f"{label:<52}{cells}   {goal}"


def run(options):
    from bench.__main__ import machine

    scales = [int(s) for s in str(options.scales).split(",") if s.strip()]
    logs: list[str] = []
    results = [measure(scale, options, logs.append) for scale in scales]
    ms = lambda v: f"{v * 1000:,.0f} ms"  # noqa: E731
    s = lambda v: f"{v:,.2f} s"  # noqa: E731
    x = lambda v: f"{v:,.2f}x"  # noqa: E731
    mb = lambda v: f"{v:,.0f} MB"  # noqa: E731

    def ok(flag):
        return "OK" if flag else "MISSED"

    first_ratio = [r["dashboard_first"] / r["dashboard_cached"] for r in results]
    pdf_c, pdf_p = [r["pdf_computed"] for r in results], [r["pdf_precomputed"] for r in results]
    lines = [
        f"reports benchmark · {datetime.datetime.now():%Y-%m-%d %H:%M} · {machine()}",
        f"district, {results[0]['summary']['month']} · medians of {options.repeat} in-process rounds; "
        f"PDFs: medians of {options.pdf_repeat} fresh processes · {platform.python_version()}",
        *[f"data at scale {sc}: {r['summary']['counts']}" for sc, r in zip(scales, results, strict=True)],
        "",
        f"{'':<52}" + "".join(f"{'scale ' + str(sc):>14}" for sc in scales) + f"   goal (at scale {scales[-1]})",
        _row("figures: compute() + trend(), district", [r["figures"] for r in results], ms),
        _row("precompute every scope (the night's job)", [r["precompute"] for r in results], s),
        _row("  scopes (district, towns, organizations)", [r["scopes"] for r in results], str),
        _row("dashboard, computed in the request (before)", [r["dashboard_computed"] for r in results], ms),
        _row("dashboard, first hit after the precompute", [r["dashboard_first"] for r in results], ms),
        _row("dashboard, second (cached) hit", [r["dashboard_cached"] for r in results], ms),
        _row(
            "dashboard first hit / cached hit",
            first_ratio,
            x,
            f"<= {FIRST_HIT_GOAL:.0f}x  {ok(first_ratio[-1] <= FIRST_HIT_GOAL)}",
        ),
        _row(
            "dashboard computed-in-request / cached (before)",
            [r["dashboard_computed"] / r["dashboard_cached"] for r in results],
            x,
        ),
        _row("WeasyPrint alone on the report's HTML", [r["weasyprint"] for r in results], s),
        _row("PDF pages (body + appendix)", [p["pages"] for p in pdf_c], str),
        _row("  organizations in the appendix", [p["organizations"] for p in pdf_c], str),
        _row(
            "PDF built, figures computed (data changed)",
            [p["seconds"] for p in pdf_c],
            s,
            f"<= {PDF_SECONDS_GOAL:.0f} s  {ok(pdf_c[-1]['seconds'] <= PDF_SECONDS_GOAL)}",
        ),
        _row("  of which figures", [p["figures_seconds"] for p in pdf_c], s),
        _row(
            "PDF built, figures precomputed and current",
            [p["seconds"] for p in pdf_p],
            s,
            f"<= {PDF_SECONDS_GOAL:.0f} s  {ok(pdf_p[-1]['seconds'] <= PDF_SECONDS_GOAL)}",
        ),
        _row(
            "PDF process peak memory (VmHWM), figures computed",
            [p["peak_mb"] for p in pdf_c],
            mb,
            f"<= {PDF_MB_GOAL} MB  {ok(pdf_c[-1]['peak_mb'] <= PDF_MB_GOAL)}",
        ),
        _row("  resident before the build (Django, WeasyPrint)", [p["before_mb"] for p in pdf_c], mb),
        _row(
            "PDF process peak memory, figures precomputed",
            [p["peak_mb"] for p in pdf_p],
            mb,
            f"<= {PDF_MB_GOAL} MB  {ok(pdf_p[-1]['peak_mb'] <= PDF_MB_GOAL)}",
        ),
        _row(
            f"growth scale {scales[0]} -> {scales[-1]}: PDF time, figures computed",
            [pdf_c[-1]["seconds"] / pdf_c[0]["seconds"]],
            x,
        ),
    ]
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(*argv[1:4])
        return 0
    raise SystemExit("run it as: python -m bench reports [options]")


if __name__ == "__main__":
    sys.exit(main())
