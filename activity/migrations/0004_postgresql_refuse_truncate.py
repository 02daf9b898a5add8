"""On PostgreSQL, refuse TRUNCATE of the event table too.

The append-only trigger of 0003 covers UPDATE and DELETE, which fire per
statement on rows; TRUNCATE fires only its own triggers. Pruning deletes and
needs no exception here. The one exception is `manage.py flush`, which erases
the whole database (the log with it) on purpose and sets `activity.flushing`
for its own transaction; Django's transactional tests rely on it.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION activity_event_refuse_truncate() RETURNS trigger AS $$
    BEGIN
        IF current_setting('activity.flushing', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'activity_event is append-only: TRUNCATE refused'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Old events are removed only by manage.py activity_prune.';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER activity_event_refuse_truncate
    BEFORE TRUNCATE ON activity_event
    FOR EACH STATEMENT EXECUTE FUNCTION activity_event_refuse_truncate()
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS activity_event_refuse_truncate ON activity_event",
    "DROP FUNCTION IF EXISTS activity_event_refuse_truncate()",
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
        ("activity", "0003_postgresql_append_only_trigger"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
