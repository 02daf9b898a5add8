"""Sealing: committed events become seals, in batches, each seal linked to the one before.

Writers never wait for each other: `event_record` inserts an event with its
own hash and, once the caller's transaction commits, calls `seal_after_commit`.
One process seals at a time (a PostgreSQL advisory lock; the others return at
once, and the one sealing looks again before it stops, so no commit is missed).

Ids come from the database in insert order but commit in any order, so an id
below a committed one may still be in flight. The sealer never skips one: it
seals every committed event up to the newest, and lists each missing id as
pending; a later seal covers it once it commits, or records it as a gap once an
insert of that id no longer meets a row (its transaction rolled back). A slow
transaction therefore delays no seal but its own, and a later insert into a
recorded gap breaks the seal's root.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from . import conf
from .chain import Position, next_position, parse_timestamp, seal_hash, seal_root, utc_timestamp
from .models import Event, Seal

logger = logging.getLogger(__name__)

# The key of the PostgreSQL advisory lock held while sealing (and pruning): "actvseal".
SEAL_LOCK_KEY = int.from_bytes(b"actvseal", "big")
# How long a probe insert waits for a transaction that holds the id (PostgreSQL).
PROBE_LOCK_TIMEOUT = "5ms"
SEALING_FAILED = "Sealing activity events failed; the next commit or `activity_seal` seals them."


@dataclass(frozen=True)
class SealRun:
    """What one call of `seal_pending` did."""

    seals: int = 0
    events: int = 0
    gaps: int = 0
    pending: int = 0
    busy: bool = False  # another process held the lock

    def __add__(self, other: SealRun) -> SealRun:
        return SealRun(
            self.seals + other.seals,
            self.events + other.events,
            self.gaps + other.gaps,
            other.pending,
            other.busy,
        )


def seal_after_commit() -> None:
    """Seal what is due after a commit; never raise, as the caller's transaction has committed already.

    On PostgreSQL (see ``conf.seal_in_background``) this only wakes the
    process's sealer thread, so that no request waits for sealing; otherwise it
    seals here. A failure is logged; the next commit, or `manage.py
    activity_seal`, seals the same events.
    """
    if conf.seal_in_background():
        _sealer.wake()
        return
    try:
        seal_pending()
    except DatabaseError:
        logger.warning(SEALING_FAILED, exc_info=True)


class _BackgroundSealer:
    """One daemon thread per process that seals whenever a commit wakes it, on its own connection.

    It waits a moment (``conf.seal_delay_seconds``) before each round, and
    commits that come meanwhile or while it seals join that round or the next,
    so one seal covers many events and a busy process seals a few times a
    second, not once per event. It is started on first use in each process
    (and again after a fork).
    """

    def __init__(self) -> None:
        self._guard = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._requested = self._done = 0

    def wake(self) -> None:
        with self._guard:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid, self._requested, self._done = os.getpid(), 0, 0
                self._thread = threading.Thread(target=self._run, name="activity-sealer", daemon=True)
                self._thread.start()
            self._requested += 1
            self._guard.notify_all()

    def wait(self, timeout: float = 10.0) -> bool:
        """Wait until every wake-up so far has been handled; return False on timeout (for tests and benchmarks)."""
        with self._guard:
            target = self._requested
            return self._guard.wait_for(lambda: self._done >= target, timeout)

    def _run(self) -> None:
        while True:
            with self._guard:
                self._guard.wait_for(lambda: self._requested > self._done)
            with self._guard:
                handling = self._requested
            self._seal_what_was_committed()
            with self._guard:
                if self._requested == handling:
                    # Nothing more to seal: an idle process holds no connection.
                    connections.close_all()
                self._done = handling
                self._guard.notify_all()

    def _seal_what_was_committed(self) -> None:
        """Seal after a short wait, and again while another process holds the sealer's lock.

        The commits of the wait join this round, so one seal covers them all.
        Commits that arrive while it seals woke this thread again and wait for
        the next round: under steady load a process makes a few seals a second,
        each covering many events, instead of sealing continuously. When another
        process is sealing, that one may have read the events before these
        commits, so this thread tries again after the same wait.
        """
        while True:
            time.sleep(conf.seal_delay_seconds())
            try:
                if not seal_pending(look_again=False).busy:
                    return
            except DatabaseError:
                logger.warning(SEALING_FAILED, exc_info=True)
                return
            except Exception:
                logger.exception(SEALING_FAILED)
                return


_sealer = _BackgroundSealer()


def background_sealer_wait(timeout: float = 10.0) -> bool:
    """Wait until the sealer thread has handled every commit so far (True at once without one)."""
    return _sealer.wait(timeout) if conf.seal_in_background() and _sealer._thread is not None else True


def seal_pending(
    *, now: datetime | None = None, max_rounds: int | None = 20, wait: bool = False, look_again: bool = True
) -> SealRun:
    """Seal the committed events that no seal covers yet, in batches; return what was done.

    Returns at once when another process is sealing (unless ``wait``): that
    process looks for new events once more after it releases the lock (unless
    ``look_again`` is off: the background sealer tries again itself instead).
    """
    total = SealRun()
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        made, position, full = _seal_round(now or timezone.now(), wait=wait)
        total += made
        if made.busy:
            break
        # Look again after releasing the lock: a commit made meanwhile found it taken and left its events here.
        if not full and not (look_again and _due(position)):
            break
    return total


def _due(position: Position | None) -> bool:
    if position is None:
        return False
    due = Q(sequence__gte=position.first_sequence) if position.first_sequence is not None else Q()
    if position.pending:
        due |= Q(sequence__in=position.pending_ids)
    # In id order, so that the look-up walks the primary key from there: a bare EXISTS ... LIMIT 1 made
    # PostgreSQL scan the table from its start (the sealed events) whenever many events were due.
    return Event.objects.filter(due).order_by("sequence").values_list("sequence", flat=True).first() is not None


def _seal_round(now: datetime, *, wait: bool) -> tuple[SealRun, Position | None, bool]:
    """Make at most one seal; return what it did, where the next seal starts, and whether a full batch was sealed."""
    with transaction.atomic():
        if not _lock(wait=wait):
            return SealRun(busy=True), None, False
        position = next_position()
        batch = conf.seal_batch_size()
        due = Q(sequence__gte=position.first_sequence) if position.first_sequence is not None else Q()
        if position.pending:
            due |= Q(sequence__in=position.pending_ids)
        rows = list(
            Event.objects.filter(due)
            .order_by("sequence")
            .values_list("sequence", "hash", "created_at")[: batch + len(position.pending)]
        )
        pending_ids = set(position.pending_ids)
        late = [row for row in rows if row[0] in pending_ids]
        new = [row for row in rows if row[0] not in pending_ids][:batch]
        first = position.first_sequence
        if first is None:
            # The very first seal starts at the oldest committed event, once no id below it can still commit.
            if not new:
                return SealRun(), position, False
            if not _no_other_event_writer():
                return SealRun(busy=True), None, False
            first = new[0][0]
        last = new[-1][0] if new else first - 1
        missing = _missing(position, new, late, first, last)
        gaps, still_pending = [], []
        for sequence, since in missing:
            if now - since >= timedelta(seconds=conf.seal_gap_grace_seconds()) and _id_is_free(sequence):
                gaps.append(sequence)
            else:
                still_pending.append([sequence, utc_timestamp(since)])
        if not new and not late and not gaps:
            return SealRun(pending=len(still_pending)), position, False
        sealed = sorted(late + new)
        seal = Seal(
            number=position.number,
            first_sequence=first,
            last_sequence=last,
            pending=still_pending,
            gaps=gaps,
            count=len(sealed),
            root=seal_root((sequence, event_hash) for sequence, event_hash, _ in sealed),
            sealed_at=now,
            prev_hash=position.prev_hash,
        )
        seal.hash = seal_hash(seal)
        if connection.vendor == "postgresql":
            seal.save(force_insert=True)  # the advisory lock keeps every other sealer out
        else:
            try:
                with transaction.atomic():
                    seal.save(force_insert=True)
            except IntegrityError:
                # Another sealer made this seal first (SQLite has no advisory lock).
                return SealRun(busy=True), None, False
    after = Position(seal.number + 1, last + 1, seal.hash, tuple((s, t) for s, t in still_pending))
    return SealRun(1, len(sealed), len(gaps), len(still_pending)), after, len(new) == batch


def _missing(position: Position, new: list, late: list, first: int, last: int) -> list[tuple[int, datetime]]:
    """Return the ids this seal settles that have no committed event, each with when it was first seen missing.

    An id missing below a committed one was drawn before that event's, so that
    event's time bounds how long the id has been in use; an id carried from an
    earlier seal keeps the time that seal gave it.
    """
    late_ids = {row[0] for row in late}
    missing = [(sequence, parse_timestamp(since)) for sequence, since in position.pending if sequence not in late_ids]
    present = iter(new)
    following = next(present, None)
    for sequence in range(first, last + 1):
        while following is not None and following[0] < sequence:
            following = next(present, None)
        if following is not None and following[0] == sequence:
            continue
        missing.append((sequence, following[2]))
    return missing


def _lock(*, wait: bool) -> bool:
    """Take the sealer's lock for this transaction; False when another process holds it."""
    if connection.vendor != "postgresql":
        return True  # SQLite has one writer at a time; a second sealer fails on the seal's number
    with connection.cursor() as cursor:
        function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        # A seal can be made again from the committed events, so its commit need not wait for the
        # disk; the next synchronous commit (any event's) flushes it with its own.
        cursor.execute(f"SELECT {function}(%s), set_config('synchronous_commit', 'off', true)", [SEAL_LOCK_KEY])
        return cursor.fetchone()[0] is not False  # the blocking form returns void


def _no_other_event_writer() -> bool:
    """Return True when no other transaction is inserting events: every id drawn so far has committed or rolled back.

    An INSERT takes its lock on the table before it draws an id, and keeps it
    until its transaction ends. SQLite has one writer at a time: this one.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_locks WHERE relation = %s::regclass "
            "AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid() "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
            [Event._meta.db_table],
        )
        return cursor.fetchone()[0]


class _Free(Exception):
    pass


def _id_is_free(sequence: int) -> bool:
    """Return True when no transaction holds ``sequence``: an insert of it would succeed.

    The insert is a probe, always rolled back. Against a row another
    transaction has inserted but not committed, it waits on that transaction
    (a few milliseconds at most here) or, once that commits, fails as a duplicate.
    """
    table = connection.ops.quote_name(Event._meta.db_table)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL lock_timeout = '{PROBE_LOCK_TIMEOUT}'")
            cursor.execute(
                f"INSERT INTO {table} (sequence, created_at, actor_label, action, target_type, target_id, "  # noqa: S608
                "target_label, changes, user_agent, request_id, hash) "
                "VALUES (%s, %s, '', '', '', '', '', '{}', '', '', '')",
                [sequence, timezone.now()],
            )
            raise _Free
    except _Free:
        return True
    except DatabaseError:
        return False
