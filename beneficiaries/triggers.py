"""``Visit.person_town``: the visited person's town, kept by the database.

The visit list is filtered by the *person's* town (a visit has no town of its own).  Read
through the join, a town's page walked the district's visits newest first and looked up each
one's person; with the town on the visit row the page is read from ``visit_town_list_order``
(person_town, visit_date, id).  A copy is only as good as what keeps it, so the database keeps
it, not Python: imports write visits in bulk, ``update()`` and raw SQL bypass signals, and a
person moved to another town takes all her visits with her in the same statement.

* PostgreSQL: a BEFORE INSERT OR UPDATE row trigger on visits sets ``person_town_id`` from the
  person (whatever the writer sent); an AFTER UPDATE OF town_id row trigger on people copies a
  new town to the person's visits.
* SQLite (no assignment to NEW): AFTER INSERT and AFTER UPDATE triggers on visits set it when it
  differs; the same trigger on people.

``install_triggers`` is idempotent and runs after every ``migrate`` (``BeneficiariesConfig``)
and in migration 0010, whose reversal drops them (``drop_triggers``).  On SQLite a migration that
rebuilds the visits or people table (SQLite alters a table by copying it) fails while a trigger
names the other table, so there they are dropped before every ``migrate`` (pre_migrate) and
installed again after it.  ``tests/beneficiaries/test_person_town.py`` checks every way a visit
or a person is written."""

from typing import Any

from django.db import connections

VISITS = "beneficiaries_visit"
PEOPLE = "beneficiaries_beneficiary"
NAME = "visit_person_town"

_POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.person_town_id := (SELECT town_id FROM {PEOPLE} WHERE id = NEW.beneficiary_id);
        RETURN NEW;
    END $$""",
    f'DROP TRIGGER IF EXISTS {NAME} ON "{VISITS}"',
    f'CREATE TRIGGER {NAME} BEFORE INSERT OR UPDATE ON "{VISITS}" FOR EACH ROW EXECUTE FUNCTION {NAME}()',
    f"""CREATE OR REPLACE FUNCTION {NAME}_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {VISITS} SET person_town_id = NEW.town_id
        WHERE beneficiary_id = NEW.id AND person_town_id IS DISTINCT FROM NEW.town_id;
        RETURN NULL;
    END $$""",
    f'DROP TRIGGER IF EXISTS {NAME}_moved ON "{PEOPLE}"',
    f'CREATE TRIGGER {NAME}_moved AFTER UPDATE OF town_id ON "{PEOPLE}" FOR EACH ROW '
    f"WHEN (OLD.town_id IS DISTINCT FROM NEW.town_id) EXECUTE FUNCTION {NAME}_moved()",
]

_TOWN_OF = f"(SELECT town_id FROM {PEOPLE} WHERE id = NEW.beneficiary_id)"
_SQLITE = [
    f'DROP TRIGGER IF EXISTS "{NAME}_insert"',
    f'CREATE TRIGGER "{NAME}_insert" AFTER INSERT ON "{VISITS}" BEGIN '
    f"UPDATE {VISITS} SET person_town_id = {_TOWN_OF} WHERE id = NEW.id; END",
    f'DROP TRIGGER IF EXISTS "{NAME}_update"',
    f'CREATE TRIGGER "{NAME}_update" AFTER UPDATE ON "{VISITS}" '
    f"WHEN NEW.person_town_id IS NOT {_TOWN_OF} BEGIN "
    f"UPDATE {VISITS} SET person_town_id = {_TOWN_OF} WHERE id = NEW.id; END",
    f'DROP TRIGGER IF EXISTS "{NAME}_moved"',
    f'CREATE TRIGGER "{NAME}_moved" AFTER UPDATE OF town_id ON "{PEOPLE}" '
    f"WHEN OLD.town_id IS NOT NEW.town_id BEGIN "
    f"UPDATE {VISITS} SET person_town_id = NEW.town_id WHERE beneficiary_id = NEW.id; END",
]


def drop_triggers(using: str | None = None, **_kwargs: Any) -> None:
    """Removes the triggers (and PostgreSQL's functions); the copies stay as they are."""
    conn = connections[using or "default"]
    tables = conn.introspection.table_names()
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for name, table in ((NAME, VISITS), (f"{NAME}_moved", PEOPLE)):
                if table in tables:
                    cursor.execute(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        elif conn.vendor == "sqlite":
            for suffix in ("insert", "update", "moved"):
                cursor.execute(f'DROP TRIGGER IF EXISTS "{NAME}_{suffix}"')


def drop_before_migrate(using: str | None = None, **_kwargs: Any) -> None:
    """pre_migrate, SQLite only: see the module."""
    if connections[using or "default"].vendor == "sqlite":
        drop_triggers(using)


def install_triggers(using: str | None = None, **_kwargs: Any) -> None:
    """Creates (or replaces) the triggers, then fills any visit whose copy is missing or wrong
    (visits written before the triggers existed)."""
    conn = connections[using or "default"]
    tables = conn.introspection.table_names()
    if VISITS not in tables or PEOPLE not in tables:
        return
    statements = {"postgresql": _POSTGRESQL, "sqlite": _SQLITE}.get(conn.vendor)
    if statements is None:
        return
    with conn.cursor() as cursor:
        if "person_town_id" not in {c.name for c in conn.introspection.get_table_description(cursor, VISITS)}:
            return  # migrated only part of the way
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(f"SELECT 1 FROM {VISITS} WHERE person_town_id IS NULL LIMIT 1")
        if cursor.fetchone() is None:
            return  # nothing to fill (and no write: the counted data's generation stays)
        cursor.execute(
            f"UPDATE {VISITS} SET person_town_id = "
            f"(SELECT town_id FROM {PEOPLE} WHERE {PEOPLE}.id = {VISITS}.beneficiary_id) "
            f"WHERE person_town_id IS NULL"
        )
