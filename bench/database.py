"""The benchmark database, kept apart from the portal's own: ``bench_lanxin`` on the PostgreSQL
server of DATABASE_URL, or ``var/bench_lanxin.sqlite3`` when DATABASE_URL is not PostgreSQL.
``BENCH_DATABASE_NAME=bench_<something>`` names another one (engineers sharing a server each
keep their own); a benchmark comparing scales keeps each scale in ``<name>_s<scale>``
(``name_for(scale)``), the default scale 10 in ``<name>`` itself.

``configure()`` must run before ``django.setup()``; ``ensure_data(scale, seed)`` then gives a
migrated database holding exactly ``fenghua_portal.datagen.generate(scale, seed)``, reusing it when a
previous run built the same data (a marker file under var/ records what is there)."""

import json
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
NAME = os.environ.get("BENCH_DATABASE_NAME", "bench_lanxin")
# The database is dropped and recreated at will: never let the setting name a real one.
if not NAME.startswith("bench_") or not NAME.replace("_", "").isalnum():
    raise SystemExit(f"BENCH_DATABASE_NAME must start with bench_ and be letters, digits and _ (got {NAME!r})")
DEFAULT_SCALE = 10
SQLITE_PATH = ROOT / "var" / f"{NAME}.sqlite3"


def bench_database_url(base_url=None):
    base_url = base_url if base_url is not None else os.environ.get("DATABASE_URL", "")
    parts = urlsplit(base_url)
    if parts.scheme.startswith("postgres"):
        return urlunsplit(parts._replace(path="/" + NAME))
    return f"sqlite:///{SQLITE_PATH}"


def configure():
    """Points Django at the benchmark database (call before ``django.setup()``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenghua_portal.settings")
    # A throwaway key for the benchmark's own server and database (nothing it signs outlives the run).
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    url = bench_database_url()
    os.environ["DATABASE_URL"] = url
    os.environ["CONN_MAX_AGE"] = "600"
    return url


def _marker_path():
    from django.db import connection

    settings = connection.settings_dict
    key = f"{connection.vendor}-{settings.get('HOST') or 'local'}-{settings.get('PORT') or ''}-{settings['NAME']}"
    return ROOT / "var" / f"{NAME}.{''.join(c if c.isalnum() else '_' for c in key)}.json"


def recreate(name=NAME):
    """Drops and creates database ``name`` (PostgreSQL: on the same server; SQLite: the file
    var/<name>.sqlite3) and points the default connection at it, empty and not yet migrated.
    Any benchmark that wants a fresh database of its own can use it."""
    from django.db import connections

    connection = connections["default"]
    connections.close_all()
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg2

        params = {
            "dbname": "postgres",
            "user": db["USER"],
            "password": db["PASSWORD"],
            "host": db["HOST"],
            "port": db["PORT"],
        }
        admin = psycopg2.connect(**{k: v for k, v in params.items() if v})
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        db["NAME"] = name
    else:
        path = ROOT / "var" / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        db["NAME"] = str(path)
    return f"{connection.vendor} {db['NAME']}"


def _analyze():
    """Fresh planner statistics, as a database in use has (without them PostgreSQL guesses a
    few hundred rows per table after a bulk load and picks poor plans)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def name_for(scale):
    """The database that holds scale ``scale`` when a benchmark keeps several scales."""
    return NAME if scale == DEFAULT_SCALE else f"{NAME}_s{scale}"


def use(name):
    """Points the default connection at benchmark database ``name`` (on the same server)."""
    from django.db import connections

    connection = connections["default"]
    connections.close_all()
    if connection.vendor == "postgresql":
        connection.settings_dict["NAME"] = name
    else:
        connection.settings_dict["NAME"] = str(ROOT / "var" / f"{name}.sqlite3")


def ensure_data(scale, seed, *, log=print, fresh=False, name=None):
    """A migrated benchmark database holding ``generate(scale, seed)``; returns its summary.
    ``name``: another benchmark database than the default one (``name_for(scale)``)."""
    name = name or NAME
    use(name)
    from django.core.management import call_command

    from fenghua_portal import datagen

    marker = _marker_path()
    wanted = {"scale": scale, "seed": seed, "version": datagen.VERSION}
    if not fresh and marker.exists():
        recorded = json.loads(marker.read_text())
        if {k: recorded.get(k) for k in wanted} == wanted:
            call_command("migrate", verbosity=0, interactive=False)
            log(f"reusing {name} (scale {scale}, seed {seed})")
            return recorded
    marker.unlink(missing_ok=True)
    log(f"creating {name} (scale {scale}, seed {seed}) ...")
    started = time.perf_counter()
    recreate(name)
    call_command("migrate", verbosity=0, interactive=False)
    summary = datagen.generate(scale, seed)
    _analyze()
    summary.update(wanted, seconds=round(time.perf_counter() - started, 1))
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
    log(f"generated in {summary['seconds']} s: {summary['counts']}")
    return summary
