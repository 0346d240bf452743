"""Backup and restore of the whole portal: the database and the private files
(PRIVATE_STORAGE_ROOT: attachments, uploads; REPORT_STORAGE_ROOT: PDFs), in one tar archive.

The archive holds ``database.dump`` (PostgreSQL: ``pg_dump -Fc`` without owners or grants, so
it restores into any fresh database) or ``database.sqlite3`` (SQLite's online backup),
``private/`` and ``reports/``, and ``manifest.json`` with each table's row count and each file's
SHA-256.  The counts come from the very snapshot that pg_dump dumps (an exported snapshot), so
a restore can check that it got everything, and does."""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any, TypeAlias, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from . import generation

FORMAT = 1

# manifest.json as read and written: JSON ({"format", "created_at", "database": {"vendor",
# "file", "tables": {table: rows}}, "files": {name: sha256}}).
Manifest: TypeAlias = dict[str, Any]


class BackupError(Exception):
    """A message for the operator (Chinese first, with the English cause when there is one)."""


def _roots() -> dict[str, Path]:
    return {"private": Path(settings.PRIVATE_STORAGE_ROOT), "reports": Path(settings.REPORT_STORAGE_ROOT)}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_list(roots: Mapping[str, Path]) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for name, root in roots.items():
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    files[f"{name}/{path.relative_to(root).as_posix()}"] = path
    return files


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table_counts(cursor: CursorWrapper, tables: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(settings_dict: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    env["PGCONNECT_TIMEOUT"] = str(settings.DATABASE_CONNECT_TIMEOUT)
    return env


def _run(command: list[str], env: Mapping[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def backup(destination: str | Path) -> tuple[Path, Manifest]:
    """Writes the archive to ``destination`` (a .tar path, or a folder to put
    ``lanxin-backup-<time>.tar`` in) and returns its path and manifest."""
    path = Path(destination)
    if path.is_dir():
        path /= f"lanxin-backup-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar"
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        manifest: Manifest = {"format": FORMAT, "created_at": datetime.datetime.now(datetime.UTC).isoformat()}
        manifest["database"] = _dump_database(work)
        files = _file_list(_roots())
        manifest["files"] = {name: sha256(path) for name, path in files.items()}
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w") as archive:
            archive.add(work / "manifest.json", "manifest.json")
            archive.add(work / manifest["database"]["file"], manifest["database"]["file"])
            for name, source in files.items():
                archive.add(source, name)
        os.replace(partial, path)
    return path, manifest


def _dump_database(work: Path) -> dict[str, Any]:
    tables = [t for t in connection.introspection.table_names() if not t.startswith("sqlite_")]
    if connection.vendor == "sqlite":
        target = work / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        with sqlite3.connect(target) as copy:
            counts = {t: copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in sorted(tables)}
        return {"vendor": "sqlite", "file": target.name, "tables": counts}
    if connection.vendor != "postgresql":
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    target = work / "database.dump"
    # The counts and the dump read one snapshot: what the manifest says is what the dump holds.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(cursor, tables)
        settings_dict = connection.settings_dict
        _run(
            ["pg_dump", "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
            + ["-f", str(target), settings_dict["NAME"]],
            _pg_env(settings_dict),
        )
    return {"vendor": "postgresql", "file": target.name, "tables": counts}


def read_manifest(archive_path: str | Path) -> Manifest:
    with tarfile.open(archive_path) as archive:
        try:
            member = archive.getmember("manifest.json")
        except KeyError:
            raise BackupError("这不是兰馨HUI的备份文件（没有 manifest.json）。") from None
        manifest: Manifest = json.load(io.TextIOWrapper(cast(IO[bytes], archive.extractfile(member)), encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError("备份文件的格式版本不受支持。")
    return manifest


def _database_tables() -> list[str]:
    with connection.cursor():
        return [t for t in connection.introspection.table_names() if not t.startswith("sqlite_")]


def _files_present(roots: Mapping[str, Path]) -> list[Path]:
    return [root for root in roots.values() if root.is_dir() and any(p.is_file() for p in root.rglob("*"))]


def restore(archive_path: str | Path, *, replace: bool = False) -> Manifest:
    """Restores the archive into the configured database (which must be empty, or ``replace``:
    everything in it is dropped first) and into the private folders (empty, or ``replace``),
    then checks every table's row count and every file's checksum against the manifest.
    Returns the manifest; raises BackupError with what is wrong."""
    manifest = read_manifest(archive_path)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor} 数据库，当前配置的是 {connection.vendor}。")
    roots = _roots()
    occupied = _database_tables()
    if occupied and not replace:
        raise BackupError(
            f"目标数据库“{connection.settings_dict['NAME']}”不是空的（{len(occupied)} 张表）。"
            "请恢复到新建的空数据库，或加 --replace 覆盖其中的全部数据。"
        )
    if _files_present(roots) and not replace:
        names = "、".join(str(root) for root in _files_present(roots))
        raise BackupError(f"文件目录不是空的：{names}。请换用空目录，或加 --replace 覆盖。")
    with tempfile.TemporaryDirectory() as work_dir, tarfile.open(archive_path) as archive:
        work = Path(work_dir)
        archive.extractall(work, filter="data")
        _restore_database(work / manifest["database"]["file"], replace=replace)
        for name, root in roots.items():
            if replace and root.is_dir():
                shutil.rmtree(root)
            root.mkdir(parents=True, exist_ok=True)
            if (work / name).is_dir():
                shutil.copytree(work / name, root, dirs_exist_ok=True)
    # The restored data may carry a generation already seen: drop what was remembered.
    generation.forget()
    problems = verify(manifest)
    if problems:
        raise BackupError("恢复后的数据与备份不一致：\n" + "\n".join(problems))
    return manifest


def _restore_database(dump: Path, *, replace: bool) -> None:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.close()
        with sqlite3.connect(dump) as source, sqlite3.connect(settings_dict["NAME"]) as target:
            source.backup(target)
        return
    if replace:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        + ["-d", settings_dict["NAME"], str(dump)],
        _pg_env(settings_dict),
    )


def verify(manifest: Manifest) -> list[str]:
    """What differs between the manifest and the restored database and folders ([] when
    nothing)."""
    problems: list[str] = []
    with connection.cursor() as cursor:
        counts = table_counts(cursor, manifest["database"]["tables"])
    for table, expected in manifest["database"]["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"表 {table}：备份 {expected} 行，恢复后 {counts.get(table)} 行")
    files = _file_list(_roots())
    for name, digest in manifest["files"].items():
        if name not in files:
            problems.append(f"缺少文件 {name}")
        elif sha256(files[name]) != digest:
            problems.append(f"文件 {name} 内容不一致")
    return problems
