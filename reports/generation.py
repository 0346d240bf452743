"""The generation of the counted data: a number that every committed write to a table the
statistics read raises, so that figures computed at generation ``g`` are provably up to date
while the generation is still ``g``.

Database triggers raise it, not the ORM's signals: bulk inserts (imports), ``update()``,
raw SQL and the data generator all bypass signals, but not triggers.

* PostgreSQL: a statement-level trigger on each counted table inserts a row into
  ``reports_datachange`` (an append: concurrent writers never wait on a shared counter row, and a
  rolled-back write leaves no row).  The generation is ``reports_datageneration.value`` plus
  the number of change rows, read in one statement (one snapshot), so it counts exactly the
  committed writes; ``compact()`` folds the rows into the value in one transaction.
* SQLite (one writer at a time): row triggers add one to ``reports_datageneration.value``.

Figures are read as: generation first, then the figures.  If the generation is unchanged
afterwards, no write committed in between, and the figures are those of that generation.

``COUNTED_MODELS`` lists what ``compute()`` and ``trend()`` read; a test compares it with the
tables their SQL names, so a new figure over a new table cannot forget its trigger.  The
triggers are (re)installed after every ``migrate`` (``install_triggers``)."""

from django.apps import apps
from django.db import connection, transaction

COUNTED_MODELS = [
    "organizations.Town",
    "organizations.Organization",
    "projects.CharityProject",
    "beneficiaries.Beneficiary",
    "beneficiaries.Visit",
    "training.TrainingSession",
    "training.Attendance",
    "cases.MediationCase",
    "referrals.Referral",
]

GENERATION_TABLE = "reports_datageneration"
CHANGE_TABLE = "reports_datachange"
TRIGGER = "reports_generation"


def counted_tables() -> list[str]:
    return [apps.get_model(label)._meta.db_table for label in COUNTED_MODELS]


def install_triggers(using: str | None = None, **_kwargs: object) -> None:
    """Creates the generation row and the triggers on every counted table (idempotent)."""
    from django.db import connections

    conn = connections[using or "default"]
    tables = [t for t in counted_tables() if t in conn.introspection.table_names()]
    if GENERATION_TABLE not in conn.introspection.table_names():
        return
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(f"INSERT INTO {GENERATION_TABLE} (id, value) VALUES (1, 0) ON CONFLICT (id) DO NOTHING")
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN INSERT INTO {CHANGE_TABLE} DEFAULT VALUES; RETURN NULL; END $$"
            )
            for table in tables:
                cursor.execute(f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"')
                cursor.execute(
                    f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
                )
        elif conn.vendor == "sqlite":
            cursor.execute(f"INSERT OR IGNORE INTO {GENERATION_TABLE} (id, value) VALUES (1, 0)")
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = f"{TRIGGER}_{table}_{event.lower()}"
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                    cursor.execute(
                        f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" BEGIN '
                        f"INSERT INTO {GENERATION_TABLE} (id, value) VALUES (1, 1) "
                        f"ON CONFLICT (id) DO UPDATE SET value = value + 1; END"
                    )


def installed_on() -> set[str]:
    """The counted tables that carry the trigger (for the tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers WHERE trigger_name = %s",
                [TRIGGER],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER}_%"]
            )
        return {row[0] for row in cursor.fetchall()}


def current() -> int:
    """The generation now (one statement, so one snapshot)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT COALESCE((SELECT value FROM {GENERATION_TABLE} WHERE id = 1), 0) "
                f"+ (SELECT COUNT(*) FROM {CHANGE_TABLE})"
            )
        else:
            cursor.execute(f"SELECT COALESCE((SELECT value FROM {GENERATION_TABLE} WHERE id = 1), 0)")
        return int(cursor.fetchone()[0])


def compact() -> int:
    """PostgreSQL: folds the change rows into the value, in one transaction (every reader sees
    the same generation before and after).  Returns how many rows were folded."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {CHANGE_TABLE}")
        top = cursor.fetchone()[0]
        if top is None:
            return 0
        cursor.execute(f"DELETE FROM {CHANGE_TABLE} WHERE id <= %s", [top])
        folded: int = cursor.rowcount
        cursor.execute(f"UPDATE {GENERATION_TABLE} SET value = value + %s WHERE id = 1", [folded])
        return folded
