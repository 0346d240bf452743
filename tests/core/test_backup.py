"""manage.py backup and restore: a round trip into a fresh PostgreSQL database gives back every
row of every table and every private file, byte for byte.  (The README's old `pg_restore
--clean` into a fresh database exited 1; dumpdata/loaddata clash with the rows the migrations
make.)  Issue 12, finding 6."""

import os
import subprocess
import sys
import tarfile

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from core.backup import sha256, table_counts
from tests.factories import BeneficiaryFactory, MediationCaseFactory, VisitFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def fresh_database():
    name = f"lanxin_faults_restore_{os.getpid()}"
    params = dict(connection.get_connection_params(), dbname="postgres")
    params.pop("options", None)
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    yield name, f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=dict(os.environ, **env), capture_output=True, text=True
    )


def test_backup_restores_into_a_fresh_database(fresh_database, settings, tmp_path):
    for visit in VisitFactory.create_batch(3):
        BeneficiaryFactory(organization=visit.organization)
    MediationCaseFactory()
    files = {
        settings.PRIVATE_STORAGE_ROOT / "cases" / "协议书.pdf": b"%PDF-1.7 agreement",
        settings.PRIVATE_STORAGE_ROOT / "imports" / "sheet": b"PK\x03\x04 sheet",
        settings.REPORT_STORAGE_ROOT / "2026-03" / "abc.pdf": b"%PDF-1.7 report",
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with connection.cursor() as cursor:
        before = table_counts(cursor, connection.introspection.table_names())
    assert before["beneficiaries_visit"] == 3 and before["organizations_town"] == 12

    call_command("backup", output=str(tmp_path))
    [archive] = tmp_path.glob("lanxin-backup-*.tar")
    assert {"manifest.json", "database.dump", "reports/2026-03/abc.pdf"} <= set(tarfile.open(archive).getnames())

    name, url = fresh_database
    target = {
        "DATABASE_URL": url,
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "restored-private"),
        "REPORT_STORAGE_ROOT": str(tmp_path / "restored-reports"),
    }
    done = manage("restore", str(archive), env=target)
    assert done.returncode == 0, done.stderr
    assert "已恢复并核对" in done.stdout

    params = dict(connection.get_connection_params(), dbname=name)
    with psycopg2.connect(**params) as restored, restored.cursor() as cursor:
        after = {}
        for table in before:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            after[table] = cursor.fetchone()[0]
    restored.close()
    assert after == before
    for path, content in files.items():
        private = settings.PRIVATE_STORAGE_ROOT in path.parents
        base = settings.PRIVATE_STORAGE_ROOT if private else settings.REPORT_STORAGE_ROOT
        copy = tmp_path / ("restored-private" if private else "restored-reports") / path.relative_to(base)
        assert sha256(copy) == sha256(path) and copy.read_bytes() == content

    # Restoring again over the data is refused unless asked for; nothing is touched.
    again = manage("restore", str(archive), env=target)
    assert again.returncode != 0 and "不是空的" in again.stderr
    replaced = manage("restore", str(archive), "--replace", env=target)
    assert replaced.returncode == 0, replaced.stderr
