"""The district's December report over a year of data at ``--scale`` times the article's year:
time computing the figures, time rendering, the total, and WeasyPrint alone on the same HTML.

Goals: the figures cost under a fifth of the render; the whole report under 10 s."""

import datetime
import platform
import statistics as stats
import time

DESCRIPTION = "月度报告：统计与 PDF 渲染耗时"


def add_arguments(parser):
    parser.add_argument("--scale", type=int, default=10, help="times the article's year (default 10)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; the median is reported")
    parser.add_argument("--fresh", action="store_true", help="regenerate the data even if present")


def _timed(fn, repeat):
    times, result = [], None
    for _n in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return stats.median(times), result


def run(options):
    from django.db import connection

    from bench import database
    from core.months import parse_month
    from reports.figures import fresh_figures
    from reports.pdf import html_to_pdf, render_html
    from reports.presentation import report_context
    from reports.statistics import Scope, compute, trend

    summary = database.ensure_data(options.scale, options.seed, fresh=options.fresh)
    month = parse_month(summary["month"])
    scope = Scope.district()

    compute(month, scope)  # warm the connection and the database's caches
    figures_s, figures = _timed(lambda: (compute(month, scope), trend(month, scope)), options.repeat)
    context_s, context = _timed(lambda: report_context(month, scope, figures=fresh_figures(month, scope)), 1)
    template_s, html = _timed(lambda: render_html(context), options.repeat)
    weasy_s, pdf = _timed(lambda: html_to_pdf(html), options.repeat)
    total_s, _pdf = _timed(
        lambda: html_to_pdf(render_html(report_context(month, scope, figures=fresh_figures(month, scope)))),
        options.repeat,
    )

    m = figures[0]["month_figures"]
    y = figures[0]["ytd_figures"]
    ratio = figures_s / weasy_s
    lines = [
        f"reports benchmark · {datetime.datetime.now():%Y-%m-%d %H:%M} · {connection.vendor} · "
        f"{platform.processor() or platform.machine()} · scale {options.scale} · median of {options.repeat}",
        f"data: {summary['counts']}",
        f"district {summary['month']}: visits {m['visits']} (year {y['visits']}), served {y['beneficiaries_served']}, "
        f"key-care coverage {y['key_care_coverage']}, trainees {y['trainees_distinct']}, cases {y['cases_received']}",
        f"figures (compute + 12-month trend): {figures_s:8.3f} s",
        f"template (HTML, charts):           {template_s:8.3f} s",
        f"render (WeasyPrint alone):         {weasy_s:8.3f} s  ({len(pdf) // 1024} KB)",
        f"total report (figures+HTML+PDF):   {total_s:8.3f} s",
        f"figures / WeasyPrint render:       {ratio:8.3f}   goal < 0.200  {'OK' if ratio < 0.2 else 'MISSED'}",
        f"total:                             {total_s:8.3f} s goal < 10 s   {'OK' if total_s < 10 else 'MISSED'}",
    ]
    return "\n".join(lines)
