"""A trigram index on beneficiaries' names, so that a search for part of a name
(``name LIKE '%秀英%'``) reads an index instead of every row.  PostgreSQL only (``pg_trgm``, a
trusted extension since PostgreSQL 13: the database's owner may create it); on SQLite, which
has no such index, this migration does nothing."""

from django.db import migrations

INDEX = "beneficiary_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON beneficiaries_beneficiary USING gin (name gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other indexes may use it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0007_visit_person_date")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
