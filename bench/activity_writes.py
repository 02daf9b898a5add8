"""Benchmark activity event writes on PostgreSQL: do they scale with writers, and what do they add to a change?

Run: .venv/bin/python bench/activity_writes.py   (PostgreSQL at 127.0.0.1:5432, user postgres)

1. Event write throughput with 1 and with 4 writers: separate processes, each
   with its own connection, each recording events through ``event_record``,
   one transaction per event, for a few seconds, sealed as in production (each
   process's sealer thread; the advisory lock lets one seal at a time). Target:
   4 writers reach at least 3 times the events per second of one. For
   reference, the same rows written by a bare INSERT into a copy of the table
   (same indexes, no seal): what the machine allows. The share of the machine's
   CPU kept busy during each run is printed too: once 4 writers keep it all
   busy, 4 ÷ 1 cannot exceed 100 % ÷ the share one writer used. The sealing lag
   (time from an event's creation to the seal that covers it) is printed too
   (target: ≤ 2 s).
2. A settings change with its event divided by the same change without: the
   retention setting saved through ``retention_update`` (row update and event
   in one transaction, then the seal), against the same single-row update
   through ``singleton_update`` alone. Rounds rotate the order. Target: ≤ 1.3.
   For reference, the same change with a bare INSERT of an event-sized row in
   its transaction: what one more statement costs a change here.

It uses its own database, bench_activity_writes, emptied at each run (BENCH_PG,
default postgres://postgres@127.0.0.1:5432). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Row, database_url  # noqa: E402

PG = database_url("postgres").rsplit("/", 1)[0]
DATABASE = "bench_activity_writes"
TARGET_SCALING = 3.0
TARGET_CHANGE_RATIO = 1.3
TARGET_LAG_S = 2.0


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def _setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="modyo_admin.settings",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_DEBUG="0",
        DATABASE_URL=f"{PG}/{DATABASE}",
        LOG_LEVEL="ERROR",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def _empty_log() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # A throw-away database: emptied the way `manage.py flush` may.
        cursor.execute("SET LOCAL activity.flushing = 'on'")
        cursor.execute("TRUNCATE activity_event, activity_seal")
        # The reference: the same rows and indexes, written by a bare INSERT, never sealed.
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_plain_insert (LIKE activity_event INCLUDING ALL)")
        cursor.execute("TRUNCATE bench_plain_insert")


def _record(index: int, n: int) -> None:
    from django.db import transaction

    from activity.services import event_record

    with transaction.atomic():
        event_record(action="activity.seeded", target_label=f"writer {index}", changes={"n": n})


# The reference row: the event table's columns and indexes, written by a bare INSERT (no hash, no seal).
PLAIN_INSERT = (
    "INSERT INTO bench_plain_insert (created_at, actor_id, actor_label, action, target_type, target_id, "
    "target_label, changes, user_agent, request_id, hash) "
    "VALUES (now(), %s, %s, %s, %s, %s, %s, %s, '', '', %s) RETURNING sequence"
)


def _plain_insert(index: int, n: int) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            PLAIN_INSERT, [None, "", "activity.seeded", "", "", f"writer {index}", f'{{"n": {n}}}', "0" * 64]
        )
        cursor.fetchone()


WRITES = {"events": _record, "plain": _plain_insert}


def _writer(kind: str, start, deadline, counts, index: int) -> None:
    """Write one row per transaction until the shared deadline; report how many."""
    from django.db import connections

    from activity.sealing import background_sealer_wait

    connections.close_all()  # never the parent's connection
    write = WRITES[kind]
    write(index, -1)  # connect, warm up
    start.wait()
    time.sleep(0.1)  # the deadline is set meanwhile
    made = 0
    while time.time() < deadline.value:
        write(index, made)
        made += 1
    counts[index] = made
    background_sealer_wait()  # the process's sealer thread finishes before the process ends
    connections.close_all()


def _throughput(kind: str, writers: int, seconds: float) -> tuple[float, float]:
    """Return rows per second written by ``writers`` processes, each on its own connection, and the machine's load.

    The share (0 to 1) is of all the machine's cores, database and writers
    alike, while they wrote: 1 means the machine could do no more.
    """
    from django.db import connections

    from activity.sealing import seal_pending
    from activity.services import event_record

    _empty_log()
    # A log in use: its first seal exists (the very first one waits until no event is being written).
    event_record(action="activity.seeded", target_label="first")
    seal_pending()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(writers + 1)
    deadline = context.Value("d", 0.0)
    counts = context.Array("i", writers)
    processes = [context.Process(target=_writer, args=(kind, start, deadline, counts, n)) for n in range(writers)]
    for process in processes:
        process.start()
    start.wait()
    deadline.value = time.time() + 0.1 + seconds  # set before any writer can look: they wait 0.1 s
    time.sleep(0.1)
    busy_before, total_before = _machine_cpu()
    time.sleep(max(0.0, deadline.value - time.time()))
    busy_after, total_after = _machine_cpu()
    busy = (busy_after - busy_before) / max(total_after - total_before, 1e-9)
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a writer failed with exit status {process.exitcode}")
    return sum(counts) / seconds, busy


def _machine_cpu() -> tuple[float, float]:
    """Return the machine's CPU time so far, busy and in all, from /proc/stat (Linux)."""
    with open("/proc/stat") as stat:
        # The columns after these (guest, guest_nice) are already counted in user and nice. Time stolen by the
        # hypervisor counts as busy: the writers could not have had it.
        user, nice, system, idle, iowait, irq, softirq, steal = (float(v) for v in stat.readline().split()[1:9])
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def _sealing_lag() -> tuple[float, int]:
    """Return the longest time from an event's creation to its seal, and how many events are not sealed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COALESCE(MAX(EXTRACT(EPOCH FROM s.sealed_at - e.created_at)), 0)
            FROM activity_event e
            JOIN activity_seal s ON e.sequence BETWEEN s.first_sequence AND s.last_sequence
            """
        )
        lag = float(cursor.fetchone()[0])
        cursor.execute(
            "SELECT COUNT(*) FROM activity_event "
            "WHERE sequence > COALESCE((SELECT MAX(last_sequence) FROM activity_seal), 0)"
        )
        unsealed = cursor.fetchone()[0]
    return lag, unsealed


def _settings_change_ratio(changes: int, rounds: int) -> tuple[float, float, float, float]:
    """Return the median milliseconds of a change with its event and without, and the median per-round ratios.

    The second ratio is the reference: the same change with a bare INSERT of
    an event-sized row into the copy of the table (same indexes, no Python
    event, no seal) in its transaction, that is what one more statement costs
    a change on this machine.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from activity.models import RetentionSetting
    from activity.sealing import background_sealer_wait
    from activity.services import retention_update
    from singletons.services import singleton_update

    user_model = get_user_model()
    actor = user_model._default_manager.filter(email="bench-admin@example.com").first()
    if actor is None:
        actor = user_model._default_manager.create(email="bench-admin@example.com", is_active=True)

    def with_event(n: int) -> None:
        retention_update(acting_user=actor, keep_days=90 + n % 2)

    def without_event(n: int) -> None:
        with transaction.atomic():
            singleton_update(RetentionSetting, acting_user=actor, fields={"keep_days": 90 + n % 2})

    def with_bare_insert(n: int) -> None:
        with transaction.atomic():
            singleton_update(RetentionSetting, acting_user=actor, fields={"keep_days": 90 + n % 2})
            with connection.cursor() as cursor:
                cursor.execute(
                    PLAIN_INSERT,
                    [
                        *(actor.pk, actor.email, "settings.activity_retention.updated", "retentionsetting", "1"),
                        *("activity retention", f'{{"keep_days": [{91 - n % 2}, {90 + n % 2}]}}', "0" * 64),
                    ],
                )
                cursor.fetchone()

    def timed(change) -> float:
        started = time.perf_counter()
        for n in range(changes):
            change(n)
        elapsed = time.perf_counter() - started
        # The seals these changes asked for are made before the next round is timed; their work
        # during this round (another thread of this process) slowed it like any other work would.
        background_sealer_wait()
        return elapsed * 1000 / changes

    variants = [with_event, without_event, with_bare_insert]
    for change in variants:
        timed(change)  # warm-up
    times: dict = {change: [] for change in variants}
    ratios, bare_ratios = [], []
    for round_ in range(rounds):
        # Each variant goes first, second and third in turn, so that drift hits them alike.
        order = variants[round_ % 3 :] + variants[: round_ % 3]
        if round_ % 2:
            order.reverse()
        measured = {change: timed(change) for change in order}
        for change, ms in measured.items():
            times[change].append(ms)
        ratios.append(measured[with_event] / measured[without_event])
        bare_ratios.append(measured[with_bare_insert] / measured[without_event])
    return (
        statistics.median(times[with_event]),
        statistics.median(times[without_event]),
        statistics.median(ratios),
        statistics.median(bare_ratios),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=6.0, help="How long each writer count writes, over two runs (6)."
    )
    parser.add_argument("--changes", type=int, default=200, help="Settings changes per timed round (200).")
    parser.add_argument("--rounds", type=int, default=10, help="Rounds of the settings-change comparison (10).")
    parser.add_argument("--json", help="Also write the rows of bench/run.py's table to this file.")
    args = parser.parse_args()

    _ensure_database()
    _setup_django()
    from django.core.management import call_command

    from activity.verification import chain_verify

    call_command("migrate", verbosity=0)

    # Alternating runs (4, 1, 1, 4 writers) so that drift and other load hit both alike; the last, with 4
    # writers, is the one whose sealing lag is measured and whose log is verified.
    runs: dict[tuple[str, int], list[float]] = {}
    busy: dict[tuple[str, int], list[float]] = {}
    for kind in ("plain", "events"):
        for writers in (4, 1, 1, 4):
            rate, share = _throughput(kind, writers, args.seconds / 2)
            runs.setdefault((kind, writers), []).append(rate)
            busy.setdefault((kind, writers), []).append(share)
        if kind == "events":
            lag, unsealed = _sealing_lag()
            verified = chain_verify()
    plain_one, plain_four = statistics.mean(runs["plain", 1]), statistics.mean(runs["plain", 4])
    one, four = statistics.mean(runs["events", 1]), statistics.mean(runs["events", 4])
    busy_one, busy_four = statistics.mean(busy["events", 1]), statistics.mean(busy["events", 4])
    # The most 4 writers could reach here if each event kept its CPU cost: the whole machine ÷ what one writer used.
    ceiling = 1 / busy_one
    with_ms, without_ms, ratio, bare_ratio = _settings_change_ratio(args.changes, args.rounds)
    _empty_log()

    scaling = four / one
    checks = [
        ("reference: plain INSERT, 1 writer", plain_one, "rows/s", None),
        ("reference: plain INSERT, 4 writers", plain_four, "rows/s", None),
        ("reference: plain INSERT, 4 writers / 1 writer", plain_four / plain_one, "x", None),
        ("event writes, 1 writer", one, "events/s", None),
        ("event writes, 4 writers", four, "events/s", None),
        (f"4 writers / 1 writer (target ≥ {TARGET_SCALING:g})", scaling, "x", scaling >= TARGET_SCALING),
        ("  the same, relative to plain INSERT's", scaling / (plain_four / plain_one), "x", None),
        ("machine CPU busy, events, 1 writer", busy_one * 100, "%", None),
        ("machine CPU busy, events, 4 writers", busy_four * 100, "%", None),
        ("  most 4 ÷ 1 could reach here (100 % ÷ 1 writer's)", ceiling, "x", None),
        (f"sealing lag, 4 writers (target ≤ {TARGET_LAG_S:g} s)", lag, "s", lag <= TARGET_LAG_S and not unsealed),
        ("log verifies after the 4-writer run", float(verified.checked), "events", verified.ok),
        ("settings change with its event", with_ms, "ms", None),
        ("settings change without an event", without_ms, "ms", None),
        (f"with ÷ without (target ≤ {TARGET_CHANGE_RATIO:g})", ratio, "x", ratio <= TARGET_CHANGE_RATIO),
        ("  reference: with a bare INSERT ÷ without", bare_ratio, "x", None),
    ]
    print(f"PostgreSQL, {os.cpu_count()} cores; {args.seconds:g} s per writer count and kind\n")
    for label, value, unit, ok in checks:
        verdict = "    " if ok is None else ("PASS" if ok else "FAIL")
        print(f"{verdict} {label:48} {value:10.2f} {unit}")
    if unsealed:
        print(f"FAIL {unsealed} events were left without a seal")
    if args.json:
        rows = [
            Row(
                "8 event writes, 4 writers ÷ 1",
                "4 writers",
                "1 writer",
                four,
                one,
                "events/s",
                scaling,
                f"≥ {TARGET_SCALING:g}",
                scaling >= TARGET_SCALING,
                note=f"sealing lag {lag:.2f} s, {unsealed} unsealed, log verifies: {verified.ok}; one writer kept "
                f"{busy_one:.0%} of the machine's CPU busy, 4 writers {busy_four:.0%}: 4 ÷ 1 cannot pass "
                f"{ceiling:.2f} here",
            ),
            Row(
                "8 reference: bare INSERT, 4 ÷ 1",
                "4 writers",
                "1 writer",
                plain_four,
                plain_one,
                "rows/s",
                plain_four / plain_one,
                "(what 2 cores allow)",
                None,
                note=f"event writes scale {scaling / (plain_four / plain_one):.2f} x as well as a bare INSERT",
            ),
            Row(
                "8 settings change with event ÷ without",
                "with its event",
                "without",
                with_ms,
                without_ms,
                "ms",
                ratio,
                f"≤ {TARGET_CHANGE_RATIO:g}",
                ratio <= TARGET_CHANGE_RATIO,
                note=f"the same change with a bare INSERT of the row instead of its event: {bare_ratio:.2f}",
            ),
        ]
        Path(args.json).write_text(json.dumps([row.as_dict() for row in rows]))
    return 0 if all(ok is not False for *_, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
