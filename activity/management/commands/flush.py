"""Django's `flush`, allowed past the activity log's guard against TRUNCATE.

`flush` erases every table on purpose, the log and its seals included, which
leaves an empty log that verifies. On PostgreSQL the event and seal tables refuse
TRUNCATE (migrations 0004, 0007) unless `activity.flushing` is on, so this sets it for
the flush's own transaction only. Django's transactional tests flush too.
"""

from __future__ import annotations

from django.core.management.commands import flush
from django.db import connections, transaction


class Command(flush.Command):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        with transaction.atomic(using=database):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL activity.flushing = 'on'")
            return super().handle(**options)
