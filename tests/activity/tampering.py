"""What someone with write access to the database could do behind the log's back, and sealing as commits do it."""

from __future__ import annotations

from django.db import connection

from activity.models import Event, Seal
from activity.sealing import SealRun, seal_pending
from activity.services import event_record


def seal() -> SealRun:
    """Seal what is due, as the commit of each event does (tests inside one transaction never commit)."""
    return seal_pending(max_rounds=None)


def record(n: int, *, label: str = "run") -> list[Event]:
    return [
        event_record(
            action="activity.seeded", target_type="activity_log", target_label=f"{label} {i}", changes={"i": i}
        )
        for i in range(n)
    ]


def raw(sql: str, params=()) -> None:
    """Run ``sql`` on the event table ``{events}`` or the seal table ``{seals}``, past the append-only triggers.

    As a superuser could: replica mode skips ordinary triggers, the append-only ones included.
    """
    tables = {
        "events": connection.ops.quote_name(Event._meta.db_table),
        "seals": connection.ops.quote_name(Seal._meta.db_table),
    }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql.format(**tables), params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def burn_id() -> None:
    """Use up the next event id without a row, as a rolled-back transaction does on PostgreSQL.

    SQLite gives a rolled-back id out again (its counter rolls back too), so there the counter is moved by hand.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('activity_event', 'sequence'))")
        return
    last = Event.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = 'activity_event'", [last + 1])
        if not cursor.rowcount:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('activity_event', %s)", [last + 1])


def insert_copy(event: Event, *, sequence: int, **changes) -> None:
    """Insert a forged event with ``sequence``, its hash computed as a forger would."""
    from activity.chain import content_hash

    forged = Event(**{f.attname: getattr(event, f.attname) for f in Event._meta.concrete_fields})
    forged.sequence = sequence
    for name, value in changes.items():
        setattr(forged, name, value)
    forged.hash = content_hash(forged)
    forged.save(force_insert=True)
