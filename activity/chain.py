"""Hashing of events and seals, and where the chain of seals starts and continues.

An event's ``hash`` covers its own fields only, so writing one needs no lock.
A seal covers a batch of events: its ``root`` hashes their ids and hashes in
id order, and its ``hash`` covers its fields and the previous seal's hash, so
the seals form a chain, as Certificate Transparency's signed tree heads and
CloudTrail's digest files do. ``activity.sealing`` makes the seals and
``activity.verification`` checks them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections
from django.db.models import CharField, Func, QuerySet

from .models import Event, Seal

GENESIS_HASH = "0" * 64

# The fields an event's hash covers. Not its id: the database allocates that at
# insert time, and the seal's root binds each id to its event's hash.
HASHED_FIELDS = (
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "changes",
    "ip_address",
    "user_agent",
    "request_id",
)
# Fields an event's hash covers only when they are not empty: added after events were first
# hashed, so that the hashes of older events (which lack them) still verify.
OPTIONAL_HASHED_FIELDS = ("credential",)
# What verification reads of an event, and what an export row holds besides its seal and actor type.
EVENT_COLUMNS = ("sequence", *HASHED_FIELDS, "hash", *OPTIONAL_HASHED_FIELDS)
SEAL_FIELDS = (
    "number",
    "first_sequence",
    "last_sequence",
    "pending",
    "gaps",
    "count",
    "root",
    "sealed_at",
    "prev_hash",
)


def utc_timestamp(moment: datetime) -> str:
    """Return ``moment`` in UTC to the microsecond, as hashed and exported: ``2025-03-01T12:00:00.000000Z``."""
    # isoformat() is several times faster than strftime() (this runs for every exported and verified event);
    # in UTC it always ends in "+00:00".
    if moment.tzinfo is not UTC:  # PostgreSQL's and SQLite's rows already come in UTC
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")[:-6] + "Z"


def parse_timestamp(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class UtcTimestampText(Func):
    """An event's time as ``utc_timestamp`` writes it, formatted by PostgreSQL.

    Exports and verification then neither parse a datetime per row nor format
    it again: a fifth of an export's time in Python.
    """

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    output_field = CharField()


def values_for_hashing(events: QuerySet, fields: Sequence[str]) -> QuerySet:
    """Return ``events.values(*fields)``, the time already as hashed where the database writes it (PostgreSQL).

    There the time comes as ``created_at_text``: pass each row through ``time_as_hashed``.
    """
    if "created_at" not in fields or connections[events.db].vendor != "postgresql":
        return events.values(*fields)
    others = [name for name in fields if name != "created_at"]
    return events.annotate(created_at_text=UtcTimestampText("created_at")).values(*others, "created_at_text")


def time_as_hashed(row: dict) -> dict:
    """Return a row of ``values_for_hashing`` with its time under ``created_at`` (text or a datetime)."""
    text = row.pop("created_at_text", None)
    if text is not None:
        row["created_at"] = text
    return row


def portable_values(values: dict) -> dict:
    """Return ``values`` with the time and actor id as the same strings on every database."""
    created_at = values["created_at"]
    # Already text when the database formatted it (an export on PostgreSQL).
    values["created_at"] = created_at if created_at.__class__ is str else utc_timestamp(created_at)
    values["actor_id"] = None if values["actor_id"] is None else str(values["actor_id"])
    return values


# One encoder for every event: json.dumps() with these options builds a new one at each call.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical(event) -> bytes:
    """Return the bytes that an event's hash covers, independent of database (a model or a dict of values)."""
    # Verification and exports hash every event of the log: the kind of ``event`` is asked once, not per field.
    if not isinstance(event, Mapping):
        event = {name: getattr(event, name, "") for name in (*HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS)}
    data = portable_values({name: event[name] for name in HASHED_FIELDS})
    data.update({name: value for name in OPTIONAL_HASHED_FIELDS if (value := event.get(name, ""))})
    return _CANONICAL_JSON.encode(data).encode()


def content_hash(event) -> str:
    """Return the SHA-256 of an event's canonical fields."""
    return hashlib.sha256(b"activity-event\n" + canonical(event)).hexdigest()


def seal_root(pairs: Iterable[tuple[int, str]]) -> str:
    """Return the hash over ``(id, hash)`` pairs of the sealed events, which must come in id order."""
    digest = hashlib.sha256(b"activity-seal-root\n")
    for sequence, event_hash in pairs:
        digest.update(f"{sequence}:{event_hash}\n".encode())
    return digest.hexdigest()


def seal_hash(seal) -> str:
    """Return the hash over a seal's fields, the previous seal's hash included (a model or a dict of values)."""
    if isinstance(seal, Mapping):
        data = {name: seal[name] for name in SEAL_FIELDS}
    else:
        data = {name: getattr(seal, name) for name in SEAL_FIELDS}
    data["sealed_at"] = utc_timestamp(data["sealed_at"])
    payload = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"activity-seal\n" + payload.encode()).hexdigest()


# Where the chain of seals starts and continues ------------------------------------


@dataclass(frozen=True)
class Position:
    """Where the next seal starts: its number, first id, previous hash, and the ids still pending before it.

    ``first_sequence`` is None while nothing was ever sealed or pruned: the first
    seal starts at the oldest event.
    """

    number: int
    first_sequence: int | None
    prev_hash: str
    pending: tuple[tuple[int, str], ...] = ()

    @property
    def pending_ids(self) -> list[int]:
        return [sequence for sequence, _since in self.pending]


def pending_pairs(value) -> tuple[tuple[int, str], ...]:
    return tuple((int(sequence), str(since)) for sequence, since in value or ())


def chain_anchor() -> Position:
    """Return where the oldest kept seal must start.

    With no pruning that is seal 1 after the genesis hash. After pruning it is
    the seal right after the ones that the newest ``activity.pruned`` event
    removed, linked to the last removed seal's hash that event recorded (and
    that a later seal covers). A prune from before seals existed removed a
    prefix of events only; the seals made by migration 0006 start after it.
    """
    pruned = Event.objects.filter(action="activity.pruned").order_by("-sequence").values_list("changes", flat=True)
    changes = pruned.first()
    if not changes:
        return Position(1, None, GENESIS_HASH)
    if "through_seal" not in changes:
        return Position(1, int(changes["through_sequence"]) + 1, GENESIS_HASH)
    return Position(
        int(changes["through_seal"]) + 1,
        int(changes["through_sequence"]) + 1,
        str(changes["last_seal_hash"]),
        pending_pairs(changes.get("pending")),
    )


def next_position() -> Position:
    """Return where the next seal starts: after the newest seal, or at the anchor when none is kept."""
    last = Seal.objects.order_by("-number").first()
    if last is None:
        return chain_anchor()
    return Position(last.number + 1, last.last_sequence + 1, last.hash, pending_pairs(last.pending))
