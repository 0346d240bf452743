"""Exports through the export policy (spreadsheets/policy.py) against the bare exporter in the
same run: the same rows written as CSV without masks, identity checks or the audit record.

    python -m bench exports [--scale 10] [--repeat 3]

Measured: the visits and beneficiaries sheets, masked (an organization admin's; staff's) and
full (staff's, which records every exported person in the audit log; rolled back after each
run so the benchmark database stays as generated)."""

import datetime
import os
import platform
import statistics as stats
import time

DESCRIPTION = "导出：脱敏导出、完整导出（含逐人记录）对比不经导出规则的同一导出"


def add_arguments(parser):
    parser.add_argument("--scale", type=int, default=10, help="times the article's year (default 10)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--repeat", type=int, default=3, help="runs per export; the median is reported")


def _write_csv(rows):
    from spreadsheets.exporter import csv_stream

    size = 0
    for chunk in csv_stream(rows):
        size += len(chunk)
    return size


def _median_s(func, repeat):
    from django.db import transaction

    times = []
    for _n in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            func()
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)  # a full export's audit rows are not kept
    return stats.median(times)


def run(options):
    from django.db import connection

    from bench import database
    from bench.fixtures import bench_users
    from spreadsheets import exporter, policy
    from spreadsheets.resources import get_resource

    summary = database.ensure_data(options.scale, options.seed)
    staff, admin, org = bench_users()
    lines = [
        f"exports benchmark · {datetime.datetime.now():%Y-%m-%d %H:%M} · {connection.vendor} · "
        f"{platform.machine()} · {os.cpu_count()} cores · scale {options.scale} · median of {options.repeat}",
        f"data: {summary['counts']}",
        "",
        f"{'sheet · who · mode':<44} {'rows':>8} {'time':>9}  × bare",
    ]
    for name in ("visits", "beneficiaries"):
        resource = get_resource(name)
        for label, user, mode in (
            ("an organization's admin", admin, policy.Mode.MASKED),
            ("staff", staff, policy.Mode.MASKED),
            ("staff", staff, policy.Mode.FULL),
        ):
            queryset = resource.export_queryset(user)
            rows = queryset.count()
            bare = _median_s(lambda q=queryset, r=resource: _write_csv(exporter.export_rows(r, q)), options.repeat)
            timed = _median_s(
                lambda q=queryset, u=user, m=mode, r=resource: _write_csv(
                    policy.export_file_rows(r, q, u, mode=m, purpose="benchmark")
                ),
                options.repeat,
            )
            lines.append(f"{'  bare exporter, same rows':<44} {rows:8d} {bare:8.2f}s   1.00")
            lines.append(f"{f'{name} · {label} · {mode}':<44} {rows:8d} {timed:8.2f}s  {timed / bare:5.2f}")
    lines += [
        "",
        "bare: exporter.export_rows over the same queryset (no masks, no identity check, no record).",
        "The policy adds the masks, an EXISTS per visit row for organization users (is the person",
        "still theirs), one COUNT, and for a full export a few INSERTs per thousand exported people.",
    ]
    return "\n".join(lines)
