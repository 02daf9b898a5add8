"""Indexes that serve every filter of the page, and no index that another one covers.

The single-column index Django gives the actor foreign key repeats the first
column of activity_actor_time_idx: dropped. The free-text filter is Django's
``icontains``, which PostgreSQL runs as ``UPPER(target_label::text) LIKE
UPPER(...)``: a trigram index over the column itself never serves it, so the
index of migration 0003 becomes one over that expression. The IP address
filter gets an index ending in (created_at, sequence), as the others.
"""

from django.conf import settings
from django.db import migrations, models

FORWARD = [
    "DROP INDEX IF EXISTS activity_target_label_trgm",
    "CREATE INDEX IF NOT EXISTS activity_target_label_upper_trgm "
    "ON activity_event USING gin ((UPPER(target_label::text)) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS activity_target_label_upper_trgm",
    "CREATE INDEX IF NOT EXISTS activity_target_label_trgm ON activity_event USING gin (target_label gin_trgm_ops)",
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
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("activity", "0008_event_credential"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="Who acted; empty for the system (commands, expiry).",
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["ip_address", "created_at", "sequence"], name="activity_ip_time_idx"),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
