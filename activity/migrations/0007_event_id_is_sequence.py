"""Events take their id from the database; the chain head and the per-event link go.

The sequence becomes the primary key (an identity column on PostgreSQL,
AUTOINCREMENT on SQLite), continuing after the highest existing one, so a
writer needs no lock to number its event. On PostgreSQL the seal table gets the
same guards as the event table: UPDATE, DELETE (but for activity_prune) and
TRUNCATE (but for flush) are refused in the database itself, and the messages
name the table refused.
"""

from django.db import migrations, models

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION activity_event_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND current_setting('activity.pruning', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Old events and seals are removed only by manage.py activity_prune.';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE OR REPLACE FUNCTION activity_event_refuse_truncate() RETURNS trigger AS $$
    BEGIN
        IF current_setting('activity.flushing', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Old events and seals are removed only by manage.py activity_prune.';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER activity_seal_append_only
    BEFORE UPDATE OR DELETE ON activity_seal
    FOR EACH STATEMENT EXECUTE FUNCTION activity_event_append_only()
    """,
    """
    CREATE TRIGGER activity_seal_refuse_truncate
    BEFORE TRUNCATE ON activity_seal
    FOR EACH STATEMENT EXECUTE FUNCTION activity_event_refuse_truncate()
    """,
    """
    SELECT setval(pg_get_serial_sequence('activity_event', 'sequence'), COALESCE(MAX(sequence), 1), MAX(sequence) IS NOT NULL)
    FROM activity_event
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS activity_seal_refuse_truncate ON activity_seal",
    "DROP TRIGGER IF EXISTS activity_seal_append_only ON activity_seal",
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
        ("activity", "0006_seals"),
    ]

    operations = [
        migrations.DeleteModel(name="ChainHead"),
        migrations.RemoveField(model_name="event", name="prev_hash"),
        migrations.RemoveField(model_name="event", name="id"),
        migrations.AlterField(
            model_name="event",
            name="sequence",
            field=models.BigAutoField(
                help_text="The event's id and its position in the log: allocated by the database in insert order. "
                "Ids of rolled-back transactions stay unused; the seals record them as gaps.",
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
