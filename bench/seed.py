"""Bulk-load N fake events with valid hashes and seals into a benchmark database, in minutes.

The events are those ``manage.py activity_seed`` makes (the same mix of types
and fake actors), but written by one COPY with the table's secondary indexes
dropped and rebuilt afterwards, and sealed in the same pass: every event gets
its content hash and every 10,000 events one seal (root, link, hash), so
``manage.py activity_verify`` passes on the result. A database that already
holds the seeded events is left as it is; benchmarks may append to it.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

SEAL_SIZE = 10_000
DAYS = 365
ACTORS = 200
SEED = 17


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def is_seeded(count: int) -> bool:
    """Return whether the seal closing the ``count`` seeded events exists (one index look-up)."""
    from activity.models import Seal

    return Seal.objects.filter(number=-(-count // SEAL_SIZE), last_sequence=count).exists()


def seed(count: int, *, log=print) -> bool:
    """Empty the event log and load ``count`` sealed events, unless already there; return whether it seeded."""
    import json

    from django.db import connection, transaction
    from django.utils import timezone

    from activity import registry
    from activity.chain import (
        GENESIS_HASH,
        HASHED_FIELDS,
        OPTIONAL_HASHED_FIELDS,
        content_hash,
        seal_hash,
        seal_root,
    )
    from activity.services import _seed_actors, _seed_event

    if is_seeded(count):
        return False
    started = time.perf_counter()
    log(f"  seeding {count:,} events (COPY, indexes rebuilt after; once per database)...")
    rng = random.Random(SEED)  # noqa: S311  fake data
    people = _seed_actors(ACTORS)
    types = [t for t in registry.all_types() if t.weight > 0]
    weights = [t.weight for t in types]
    now = timezone.now() - timedelta(minutes=1)
    start = now - timedelta(days=DAYS)
    step = (now - start) / count
    # The columns COPY fills: the id, the fields the hash covers in the order it reads them, then the hash.
    columns = ["sequence", *HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS, "hash"]
    seals = []
    with transaction.atomic(), connection.cursor() as cursor:
        # A benchmark database is throw-away: emptied the way `manage.py flush` may.
        cursor.execute("SET LOCAL activity.flushing = 'on'")
        # One COPY of millions of rows: no request's time limit applies.
        cursor.execute("SET LOCAL statement_timeout = 0")
        # The actor's foreign key is checked row by row, not queued until commit (a queue of
        # millions, and CREATE INDEX refuses to run while one is pending).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE activity_event, activity_seal")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'activity_event' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'activity_event'::regclass)"
        )
        indexes = cursor.fetchall()
        # Statistics set on an index's columns (the free-text filter's expression) go with a DROP: kept to set again.
        cursor.execute(
            "SELECT c.relname, a.attnum, a.attstattarget FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_attribute a ON a.attrelid = i.indexrelid "
            "WHERE i.indrelid = 'activity_event'::regclass AND a.attstattarget > 0"
        )
        statistics = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        raw = cursor.connection  # psycopg's connection: COPY streams the rows
        prev_hash, pairs, first = GENESIS_HASH, [], 1
        with raw.cursor() as pg, pg.copy(f"COPY activity_event ({', '.join(columns)}) FROM STDIN") as copy:
            buffer = []
            for sequence in range(1, count + 1):
                event = _seed_event(rng, people, types, weights, start + step * (sequence - 1 + rng.random() * 0.5))
                event.hash = content_hash(event)
                pairs.append((sequence, event.hash))
                values = (
                    sequence,
                    event.created_at.isoformat(),
                    event.actor_id,
                    event.actor_label,
                    event.action,
                    event.target_type,
                    event.target_id,
                    event.target_label,
                    json.dumps(event.changes),
                    event.ip_address,
                    event.user_agent,
                    event.request_id,
                    "",
                    event.hash,
                )
                buffer.append("\t".join(map(_copy_text, values)))
                if len(pairs) == SEAL_SIZE or sequence == count:
                    copy.write("\n".join(buffer) + "\n")
                    buffer = []
                    seal = {
                        "number": len(seals) + 1,
                        "first_sequence": first,
                        "last_sequence": sequence,
                        "pending": [],
                        "gaps": [],
                        "count": len(pairs),
                        "root": seal_root(pairs),
                        "sealed_at": now,
                        "prev_hash": prev_hash,
                    }
                    seal["hash"] = prev_hash = seal_hash(seal)
                    seals.append(seal)
                    pairs, first = [], sequence + 1
                    if len(seals) % 100 == 0:
                        log(f"    {sequence:,} events ({time.perf_counter() - started:.0f} s)")
        log(f"  rebuilding {len(indexes)} indexes ({time.perf_counter() - started:.0f} s)...")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, column, target in statistics:
            cursor.execute(f'ALTER INDEX "{name}" ALTER COLUMN {int(column)} SET STATISTICS {int(target)}')
        cursor.executemany(
            "INSERT INTO activity_seal (number, first_sequence, last_sequence, pending, gaps, count, root, "
            "sealed_at, prev_hash, hash) VALUES (%s, %s, %s, '[]', '[]', %s, %s, %s, %s, %s)",
            [
                [s["number"], s["first_sequence"], s["last_sequence"], s["count"], s["root"], s["sealed_at"]]
                + [s["prev_hash"], s["hash"]]
                for s in seals
            ],
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence('activity_event', 'sequence'), %s)", [count])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE activity_event")
        cursor.execute("ANALYZE activity_seal")
    log(f"  seeded {count:,} events in {time.perf_counter() - started:.0f} s")
    return True
