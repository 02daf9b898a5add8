"""Canonical serialisation and hashing of events."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64

CHAINED_FIELDS = (
    "sequence",
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
# What a stored event holds of the chain: the hashed fields and the two links.
CHAIN_COLUMNS = (*CHAINED_FIELDS, "prev_hash", "hash")


def utc_timestamp(moment: datetime) -> str:
    """Return ``moment`` in UTC to the microsecond, as hashed and exported: ``2025-03-01T12:00:00.000000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def portable_values(values: dict) -> dict:
    """Return the chained fields of ``values`` with the time and actor id as the same strings on every database."""
    values["created_at"] = utc_timestamp(values["created_at"])
    values["actor_id"] = None if values["actor_id"] is None else str(values["actor_id"])
    return values


def canonical(event) -> bytes:
    """Return the bytes that an event's hash covers, independent of database."""
    data = portable_values({name: getattr(event, name) for name in CHAINED_FIELDS})
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def compute_hash(prev_hash: str, event) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(event)).hexdigest()


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain: intact, or the first event that breaks it."""

    ok: bool
    checked: int
    first_sequence: int | None = None
    last_sequence: int | None = None
    broken_at: int | None = None
    problem: str = ""

    def summary(self) -> str:
        if self.ok:
            if not self.checked:
                return "The activity log is empty; nothing to verify."
            span = f"sequence {self.first_sequence} to {self.last_sequence}"
            return f"Chain intact: {self.checked} events verified ({span})."
        return f"Chain broken at event {self.broken_at}: {self.problem}"


def chain_anchor(events) -> tuple[int, str]:
    """Return the sequence and previous hash the oldest kept event must have.

    With no pruning that is event 1 after the genesis hash. After pruning it is
    the event right after the range that the newest ``activity.pruned`` event
    names, linked to the last removed hash that event recorded (and hashed).
    """
    pruned = events.filter(action="activity.pruned").order_by("-sequence").values_list("changes", flat=True).first()
    if pruned:
        return int(pruned["through_sequence"]) + 1, str(pruned["last_hash"])
    return 1, GENESIS_HASH


def chain_verify(*, batch_size: int = 5000) -> Verification:
    """Walk every kept event in chain order and report the first one that does not match.

    A changed row fails its own hash; a deleted or inserted row breaks the
    sequence or the link to the previous hash; a deleted newest row no longer
    matches the chain head.
    """
    from .models import ChainHead, Event

    events = Event.objects.all()
    expected_sequence, expected_prev = chain_anchor(events)
    checked = 0
    first = last = None
    after = 0
    while True:
        rows = list(events.filter(sequence__gt=after).order_by("sequence").only(*CHAIN_COLUMNS)[:batch_size])
        for event in rows:
            first = event.sequence if first is None else first
            problem = _link_problem(event, expected_sequence, expected_prev)
            if problem:
                return Verification(False, checked, first, last, event.sequence, problem)
            checked += 1
            last = event.sequence
            expected_sequence, expected_prev = event.sequence + 1, event.hash
        if len(rows) < batch_size:
            break
        after = rows[-1].sequence
    head = ChainHead.objects.filter(pk=1).first()
    problem = _head_problem(head, expected_sequence - 1, expected_prev)
    if problem:
        return Verification(False, checked, first, last, *problem)
    return Verification(True, checked, first, last)


def _link_problem(event, expected_sequence: int, expected_prev: str) -> str:
    if event.sequence > expected_sequence:
        gap = str(expected_sequence)
        if event.sequence - expected_sequence > 1:
            gap += f"-{event.sequence - 1}"
        return f"event {gap} is missing (deleted), so this event does not follow the one before it."
    if event.sequence < expected_sequence:
        return "this event precedes the oldest kept event or repeats a position (inserted)."
    if event.prev_hash != expected_prev:
        return "its link to the previous event does not match (an event was inserted or removed before it)."
    if compute_hash(event.prev_hash, event) != event.hash:
        return "its content does not match its hash (the row was changed)."
    return ""


def _head_problem(head, table_last: int, table_last_hash: str) -> tuple[int, str] | None:
    head_sequence = head.last_sequence if head else 0
    if head_sequence > table_last:
        return table_last + 1, (
            f"event {table_last + 1} is missing: the chain head records event {head_sequence} as the newest, "
            f"but the log ends at {table_last} (events were removed from the end)."
        )
    if head_sequence < table_last:
        return head_sequence + 1, (
            f"this event is not in the chain: the chain head records event {head_sequence} as the newest "
            "(events were added behind the log's back)."
        )
    if head_sequence and head.last_hash != table_last_hash:
        return head_sequence, "its hash differs from the one the chain head recorded (the newest event was replaced)."
    return None
