"""Locks that die with the process holding them."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connections


def lock_key(name: str) -> int:
    """A stable signed 64-bit number for ``name`` (PostgreSQL's advisory lock space)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def advisory_lock(name: str, *, using: str = "default") -> Iterator[bool]:
    """Holds the PostgreSQL session advisory lock ``name`` while the block runs and yields
    whether it was acquired (False: another session holds it; the caller decides to wait or
    skip).  The lock belongs to the database session, so a worker killed mid-task releases it
    at once.  On other databases (SQLite in development: one process) it is always acquired."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:
                pass  # the session is gone, and its lock with it
