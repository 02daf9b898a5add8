"""Pruning the activity log: whole seals older than the retention are archived, then removed with their events.

`activity_prune` runs it; the kept seals still verify, linked to the last
removed one through the ``activity.pruned`` event.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from . import conf
from .models import Event, Seal
from .sealing import SEAL_LOCK_KEY
from .selectors import event_export_rows, retention_get, seal_export_rows
from .services import event_record


@dataclass(frozen=True)
class PruneResult:
    first_sequence: int
    through_sequence: int
    count: int
    archive: Path
    event: Event
    first_seal: int = 0
    through_seal: int = 0


def events_prune(*, now: datetime | None = None, archive_dir: Path | None = None) -> PruneResult | None:
    """Archive and remove the seals older than the retention, with their events; None when nothing is due.

    Only whole seals are removed, oldest first, and only those whose events
    are all older than the retention, so the kept seals still verify: the
    ``activity.pruned`` event records the last removed seal's hash (and the ids
    it left pending) for the first kept seal to link to. The archive, a
    gzip-compressed JSON Lines file of the events and then their seals, is
    complete on disk before any row is removed.
    """
    # The database, not a cached copy: removing events must follow the retention as saved.
    keep_days = retention_get(cached=False).keep_days
    if keep_days is None:
        return None
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    span = _prune_span(cutoff)
    if span is None:
        return None
    first_seal, through = span
    archive = _archive_write(first_seal=first_seal, through=through, directory=archive_dir or conf.archive_dir())
    try:
        with transaction.atomic():
            _lock_sealer()
            if _prune_span(cutoff) != span:
                raise RuntimeError("Another prune ran at the same time; run activity_prune again.")
            removed = _removed_events(through)
            bounds = removed.aggregate(first=Min("sequence"), first_time=Min("created_at"), last_time=Max("created_at"))
            count = _raw_delete_through(through)
            first = bounds["first"] if bounds["first"] is not None else first_seal.first_sequence
            event = event_record(
                action="activity.pruned",
                target_type="activity_log",
                target_label=f"events {first} to {through.last_sequence}",
                changes={
                    "first_sequence": first,
                    "through_sequence": through.last_sequence,
                    "first_seal": first_seal.number,
                    "through_seal": through.number,
                    "last_seal_hash": through.hash,
                    "pending": through.pending,
                    "count": count,
                    "first_created_at": bounds["first_time"].isoformat() if bounds["first_time"] else None,
                    "through_created_at": bounds["last_time"].isoformat() if bounds["last_time"] else None,
                    "keep_days": keep_days,
                    "archive": archive.name,
                    "archive_sha256": _file_sha256(archive),
                },
            )
    except BaseException:
        archive.unlink(missing_ok=True)
        raise
    return PruneResult(first, through.last_sequence, count, archive, event, first_seal.number, through.number)


def _prune_span(cutoff: datetime) -> tuple[Seal, Seal] | None:
    """Return the oldest seal and the newest one that may go: every event up to it is older than ``cutoff``."""
    first_seal = Seal.objects.order_by("number").first()
    if first_seal is None:
        return None
    young = Event.objects.filter(created_at__gte=cutoff).aggregate(first=Min("sequence"))["first"]
    seals = Seal.objects.order_by("-number")
    if young is not None:
        seals = seals.filter(last_sequence__lt=young)
    through = seals.first()
    if through is None:
        return None
    return first_seal, through


def _lock_sealer() -> None:
    """Wait for any sealer to finish and keep others out until this transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])


def _removed_events(through: Seal):
    """Return the events that seals up to ``through`` cover: every id up to its range's end but those still pending."""
    pending = [int(sequence) for sequence, _since in through.pending]
    return Event.objects.filter(sequence__lte=through.last_sequence).exclude(sequence__in=pending)


def _archive_write(*, first_seal: Seal, through: Seal, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"activity-{first_seal.first_sequence:012d}-{through.last_sequence:012d}-{stamp}.jsonl.gz"
    partial = path.with_suffix(".partial")
    seals = Seal.objects.filter(number__gte=first_seal.number, number__lte=through.number)
    with gzip.open(partial, "wt", encoding="utf-8") as archive:
        for row in event_export_rows(_removed_events(through), order="chain"):
            archive.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        for row in seal_export_rows(seals):
            archive.write(json.dumps({"seal": row}, ensure_ascii=False, sort_keys=True) + "\n")
    with partial.open("rb") as written:
        os.fsync(written.fileno())
    partial.replace(path)
    return path


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _raw_delete_through(through: Seal) -> int:
    """Delete the seals up to ``through`` and their events; the ORM refuses, and PostgreSQL's triggers need the flag."""
    events = connection.ops.quote_name(Event._meta.db_table)
    seals = connection.ops.quote_name(Seal._meta.db_table)
    pending = [int(sequence) for sequence, _since in through.pending]
    keep = f" AND sequence NOT IN ({', '.join(['%s'] * len(pending))})" if pending else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL activity.pruning = 'on'")
        cursor.execute(f"DELETE FROM {events} WHERE sequence <= %s{keep}", [through.last_sequence, *pending])  # noqa: S608
        count = cursor.rowcount
        cursor.execute(f"DELETE FROM {seals} WHERE number <= %s", [through.number])  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL activity.pruning = 'off'")
    return count
