"""The checks behind /healthz, each on a connection of its own and under one deadline: a
database or broker that hangs makes the answer "down" within HEALTH_DEADLINE seconds instead of
hanging the health check (and the monitor that calls it)."""

import logging
from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# Seconds for all checks together: the answer, with the request around it, within 2 s on a
# loaded machine.
HEALTH_DEADLINE = 1.2
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")


def check_database():
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:  # SQLite: a local file cannot hang on a network
            cursor.execute("SELECT 1")
        return
    import psycopg2

    params = connection.get_connection_params()
    # libpq waits at least 2 s to connect; the deadline below answers first.
    params.update(connect_timeout=2, options="-c statement_timeout=1000")
    with psycopg2.connect(**params) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT 1")
    conn.close()


def check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # in-process mode: there is no broker to be down
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def _run(check):
    try:
        check()
    except Exception as exc:
        return False, exc.__class__.__name__
    return True, ""


def run_checks(deadline=HEALTH_DEADLINE):
    """{"database": (ok, detail), "broker": (ok, detail)}; a check still running at the
    deadline counts as down ("timeout")."""
    futures = {"database": _pool.submit(_run, check_database), "broker": _pool.submit(_run, check_broker)}
    wait(futures.values(), timeout=deadline)
    return {name: future.result() if future.done() else (False, "timeout") for name, future in futures.items()}
