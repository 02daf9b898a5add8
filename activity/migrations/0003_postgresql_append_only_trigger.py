"""On PostgreSQL, refuse UPDATE and DELETE on the event table in the database itself.

The ORM already refuses both; the trigger also stops raw SQL. The one
exception is `manage.py activity_prune`, which sets `activity.pruning` for its
own transaction before removing archived events. A trigram index serves the
free-text filter over target labels. Other databases keep the ORM guard only.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE OR REPLACE FUNCTION activity_event_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND current_setting('activity.pruning', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'activity_event is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Old events are removed only by manage.py activity_prune.';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER activity_event_append_only
    BEFORE UPDATE OR DELETE ON activity_event
    FOR EACH STATEMENT EXECUTE FUNCTION activity_event_append_only()
    """,
    "CREATE INDEX IF NOT EXISTS activity_target_label_trgm ON activity_event USING gin (target_label gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS activity_target_label_trgm",
    "DROP TRIGGER IF EXISTS activity_event_append_only ON activity_event",
    "DROP FUNCTION IF EXISTS activity_event_append_only()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0002_time_ordered_indexes_and_retention"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
