"""Pages and the PDF request with Redis up, refused and silent (a TCP proxy between the portal
and Redis, broker and cache alike): gunicorn with 2 sync workers, a few seconds of load per
case.  Prints requests per second and p50/p95 latency of each case against Redis up, measured
in the same run; a case that answered anything but 200/302 is named."""

import datetime
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.parse

from bench.load import ROOT, _csrf, _free_port, _session_cookie

DESCRIPTION = "Redis 正常、拒绝连接、无响应时：看板与申请月报 PDF 的延迟"


def add_arguments(parser):
    parser.add_argument("--seconds", type=float, default=4.0, help="load per case")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--database", default="bench_lanxin_faults", help="a database of its own, recreated")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", help="broker")
    parser.add_argument("--redis-cache", default=os.environ.get("REDIS_CACHE_URL") or "redis://127.0.0.1:6379/1")


def _serve(port, database_url, redis_url, cache_url, queue):
    from django.conf import settings

    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        REDIS_CACHE_URL=cache_url,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        SECRET_KEY=settings.SECRET_KEY,  # the session cookie was signed with it
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        AXES_ENABLED="0",
        LOG_LEVEL="ERROR",
    )
    command = [sys.executable, "-m", "gunicorn", "fenghua_portal.wsgi", "--workers", "2"]
    proc = subprocess.Popen(
        command + ["--bind", f"127.0.0.1:{port}", "--log-level", "error"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    import socket

    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def run(options):
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from bench import database
    from bench.loadgen import hammer
    from tests.faults.proxy import TcpProxy

    database.recreate(options.database)
    call_command("migrate", verbosity=0, interactive=False)
    staff = User.objects.create_user(email="bench-faults@bench.cn", role="staff", full_name="压测 工作人员")
    cookie = _session_cookie(staff)
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    if connection.vendor != "postgresql":
        database_url = f"sqlite:///{db['NAME']}"

    redis = urllib.parse.urlsplit(options.redis)
    proxy = TcpProxy(redis.hostname or "127.0.0.1", redis.port or 6379)
    queue = f"bench-faults-{os.getpid()}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    month = f"{datetime.date.today():%Y-%m}"
    proc = _serve(port, database_url, proxy.url_for(options.redis), proxy.url_for(options.redis_cache), queue)
    results = []
    try:
        csrf_cookie, token = _csrf(base, "/reports/monthly/", cookie)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "month": month})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"{cookie}; {csrf_cookie}"}
        targets = [
            (f"dashboard {month}", lambda i: ("GET", f"/reports/?month={month}", None, {"Cookie": cookie})),
            ("ask for the district PDF (POST)", lambda i: ("POST", "/reports/monthly/", body, headers)),
        ]
        for mode in ("pass", "refuse", "stall"):
            proxy.set_mode(mode)
            for label, make in targets:
                hammer(base, make, concurrency=2, seconds=1.0)  # warm both workers (and meet the timeouts)
                results.append(
                    (mode, label, hammer(base, make, concurrency=options.concurrency, seconds=options.seconds))
                )
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        proxy.close()
        _drop_queue(options.redis, queue)
    names = {"pass": "Redis up", "refuse": "Redis refused", "stall": "Redis silent"}
    baseline = {label: r for mode, label, r in results if mode == "pass"}
    lines = [
        f"faults benchmark · {datetime.datetime.now():%Y-%m-%d %H:%M} · {connection.vendor} · {platform.machine()} · "
        f"{os.cpu_count()} cores · gunicorn 2 sync workers · {options.concurrency} clients · {options.seconds:g} s per case",
        f"{'case':<50} {'req/s':>8} {'× up':>6} {'p50 ms':>8} {'p95 ms':>8} {'p95 × up':>9}  statuses",
    ]
    for mode, label, r in results:
        up = baseline[label]
        lines.append(
            f"{names[mode] + ': ' + label:<50} {r['rps']:8.1f} {r['rps'] / up['rps']:6.2f} {r['p50_ms']:8.1f} "
            f"{r['p95_ms']:8.1f} {r['p95_ms'] / up['p95_ms']:9.2f}  {r['statuses']}"
        )
    bad = [f"{names[m]}: {label}" for m, label, r in results if set(r["statuses"]) - {200, 302}]
    lines.append("all answered 200/302" if not bad else f"errors in: {', '.join(bad)}")
    return "\n".join(lines)


def _drop_queue(url, queue):
    """The PDF requests published while Redis was up wait in a queue no worker reads: removed."""
    import redis

    client = redis.Redis.from_url(url)
    client.delete(queue, f"_kombu.binding.{queue}")
    client.close()
