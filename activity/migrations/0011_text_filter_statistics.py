"""Finer statistics for the free-text filter's expression, so that PostgreSQL's estimate of its matches is close.

PostgreSQL picks the trigram index for a label it takes for rare and walks the
time index for one it takes for common; with the default statistics (the 100
most common labels and a 100-bucket histogram) any label outside the 100 most
common is taken for rare, and a page for one with tens of thousands of events
sorted them all (1.6 s at 10,000,000 events instead of 8 ms). 1,000 values is
PostgreSQL's own upper range for a column that needs it; ANALYZE samples 300,000
rows instead of 30,000 (a few seconds at 10,000,000 events).
"""

from django.db import migrations

STATISTICS = 1000
FORWARD = f"ALTER INDEX activity_target_label_upper_trgm ALTER COLUMN 1 SET STATISTICS {STATISTICS}"
BACKWARD = "ALTER INDEX activity_target_label_upper_trgm ALTER COLUMN 1 SET STATISTICS -1"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("activity", "0010_system_events_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
