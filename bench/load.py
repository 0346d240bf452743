"""The dashboard and the "log a visit" form under concurrent load: gunicorn with 2 sync workers
on 127.0.0.1 serving the benchmark database, driven by a bounded load generator (bench/
loadgen.py) for a few seconds per target.  Prints requests per second and p50/p95 latency,
each against the bare page (same layout, no data) measured in the same run."""

import datetime
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

DESCRIPTION = "并发压测：看板与登记走访（gunicorn 2 个 worker）"
ROOT = Path(__file__).resolve().parent.parent


def add_arguments(parser):
    parser.add_argument("--scale", type=int, default=10, help="times the article's year (default 10)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--seconds", type=float, default=8.0, help="load per target (bounded)")
    parser.add_argument("--concurrency", type=int, default=8)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_cookie(user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _start_gunicorn(port):
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        url = f"sqlite:///{db['NAME']}"
    env = dict(
        os.environ,
        DATABASE_URL=url,
        PORTAL_URLCONF="bench.urls",
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        AXES_ENABLED="0",
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)
    env.pop("REDIS_CACHE_URL", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "fenghua_portal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                output = proc.stderr.read() if proc.stderr else b""
                raise RuntimeError(output.decode(errors="replace")) from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def _csrf(base, path, cookie):
    """(csrf cookie, form token) from one GET of the form page."""
    import http.client

    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read().decode()
    cookies = response.headers.get_all("Set-Cookie") or []
    assert response.status == 200, (path, response.status, body[:300])
    csrf_cookie = next(c.split(";")[0] for c in cookies if c.startswith("csrftoken="))
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert found, (path, "no CSRF token in the form")
    return csrf_cookie, found.group(1)


def run(options):
    from django.db import connection

    from bench import database
    from bench.fixtures import bench_users
    from bench.loadgen import hammer
    from beneficiaries.models import Beneficiary

    summary = database.ensure_data(options.scale, options.seed)
    staff, member, org = bench_users()
    person = Beneficiary.objects.filter(organization=org, active=True).order_by("pk").first()
    assert person is not None, "the bench data has beneficiaries for the bench organization"
    staff_cookie, member_cookie = _session_cookie(staff), _session_cookie(member)
    month = summary["month"]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = _start_gunicorn(port)
    try:

        def get(path):
            return lambda i: ("GET", path, None, {})

        form_path = f"/beneficiaries/visits/new/{person.pk}/"
        csrf_cookie, token = _csrf(base, form_path, member_cookie)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "organization": org.pk,
                "visit_date": datetime.date.today().isoformat(),
                "mode": "phone",
                "services": "1",
                "supplies_value": "0",
                "visitors": "压测",
                "notes": "",
            }
        )
        post_headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{member_cookie}; {csrf_cookie}",
        }
        targets = [
            ("bare page (same layout, no data)", staff_cookie, get("/_bench/bare/")),
            (f"dashboard, district {month} (staff)", staff_cookie, get(f"/reports/?month={month}")),
            ("log a visit: form (GET)", member_cookie, get(form_path)),
            ("log a visit: save (POST)", None, lambda i: ("POST", form_path, body, post_headers)),
        ]
        results = []
        for label, cookie, make in targets:
            hammer(base, make, concurrency=2, seconds=1.0, cookies=cookie or "")  # warm both workers
            results.append(
                (
                    label,
                    hammer(base, make, concurrency=options.concurrency, seconds=options.seconds, cookies=cookie or ""),
                )
            )
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    bare = results[0][1]
    lines = [
        f"load benchmark · {datetime.datetime.now():%Y-%m-%d %H:%M} · {connection.vendor} · {platform.machine()} · "
        f"{os.cpu_count()} cores · gunicorn 2 sync workers · {options.concurrency} concurrent clients · "
        f"{options.seconds:g} s per target · scale {options.scale}",
        f"{'target':<42} {'req/s':>8} {'× bare':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95 × bare':>10}  statuses",
    ]
    for label, r in results:
        lines.append(
            f"{label:<42} {r['rps']:8.1f} {r['rps'] / bare['rps']:7.2f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
            f"{r['p95_ms'] / bare['p95_ms']:10.2f}  {r['statuses']}"
        )
    bad = [label for label, r in results if set(r["statuses"]) - {200, 302}]
    lines.append("all answered 200/302" if not bad else f"errors in: {', '.join(bad)}")
    return "\n".join(lines)
