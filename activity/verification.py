"""Verification of the whole log: every event against its hash, every seal against its events and the seal before it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from . import conf
from .chain import (
    EVENT_COLUMNS,
    Position,
    chain_anchor,
    content_hash,
    parse_timestamp,
    pending_pairs,
    seal_hash,
    seal_root,
    time_as_hashed,
    utc_timestamp,
    values_for_hashing,
)
from .models import Event, Seal

# The event an auditor's sign-off records: it names the newest seal the review covered.
REVIEW_SIGNED_OFF = "activity.review_signed_off"


@dataclass(frozen=True)
class Verification:
    """The outcome of checking every event and seal: intact, or the first event or seal that breaks it."""

    ok: bool
    checked: int
    seals: int = 0
    unsealed: int = 0
    first_sequence: int | None = None
    last_sequence: int | None = None
    head: tuple[int, str] | None = None
    broken_at: int | None = None
    broken_seal: int | None = None
    problem: str = ""

    def summary(self) -> str:
        if self.ok:
            if not self.checked and not self.seals:
                return "The activity log is empty; nothing to verify."
            text = f"Log intact: {self.checked} events verified"
            if self.checked:
                text += f" (sequence {self.first_sequence} to {self.last_sequence})"
            text += f", {self.seals} seal{'s' if self.seals != 1 else ''}"
            if self.head:
                text += f"; newest seal {self.head[0]}, hash {self.head[1]}"
            if self.unsealed:
                text += f"; {self.unsealed} not sealed yet (content checked)"
            return text + "."
        where = f"event {self.broken_at}" if self.broken_at is not None else f"seal {self.broken_seal}"
        return f"Log broken at {where}: {self.problem}"


class _Broken(Exception):
    def __init__(self, problem: str, *, event: int | None = None, seal: int | None = None):
        super().__init__(problem)
        self.problem, self.event, self.seal = problem, event, seal


@dataclass
class _Walk:
    """What the walk has seen so far."""

    position: Position
    carried: dict[int, str] = field(default_factory=dict)
    held: dict[int, dict] = field(default_factory=dict)  # committed events at ids still pending
    checked: int = 0
    seals: int = 0
    unsealed: int = 0
    first: int | None = None
    last: int | None = None
    head: tuple[int, str] | None = None

    def count(self, event: dict) -> None:
        self.checked += 1
        self.first = event["sequence"] if self.first is None else min(self.first, event["sequence"])
        self.last = event["sequence"] if self.last is None else max(self.last, event["sequence"])


class _Events:
    """The events in id order, read in batches by keyset; ``through(n)`` takes those up to id ``n``."""

    def __init__(self, batch_size: int):
        self.batch_size = batch_size
        self.buffer: list[dict] = []
        self.after = 0
        self.done = False

    def _fill(self) -> None:
        events = Event.objects.filter(sequence__gt=self.after).order_by("sequence")
        rows = [time_as_hashed(row) for row in values_for_hashing(events, EVENT_COLUMNS)[: self.batch_size]]
        self.buffer.extend(reversed(rows))
        self.done = len(rows) < self.batch_size
        if rows:
            self.after = rows[-1]["sequence"]

    def through(self, last: int | None) -> Iterator[dict]:
        while True:
            if not self.buffer:
                if self.done:
                    return
                self._fill()
                continue
            if last is not None and self.buffer[-1]["sequence"] > last:
                return
            yield self.buffer.pop()


def _seals(batch_size: int) -> Iterator[Seal]:
    after = 0
    while True:
        rows = list(Seal.objects.filter(number__gt=after).order_by("number")[:batch_size])
        yield from rows
        if len(rows) < batch_size:
            return
        after = rows[-1].number


def chain_verify(
    *, batch_size: int = 5000, now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> Verification:
    """Check every kept event and seal and report the first one that does not match.

    Each event must match its own hash; each seal must match its hash, link to
    the seal before it, continue its range, and cover exactly the events its
    root hashes: a changed, deleted or inserted event, or a changed or deleted
    seal, breaks one of these. Events not sealed yet are checked against their
    own hash, and must not wait for a seal longer than the sealing could take.
    ``progress``, if given, is told how many events were checked after each seal.
    """
    walk = _Walk(position=chain_anchor())
    walk.carried = dict(walk.position.pending)
    events = _Events(batch_size)
    try:
        for seal in _seals(max(1, batch_size // 10)):
            _check_seal(seal, walk, events)
            if progress is not None:
                progress(walk.checked)
        _check_unsealed(walk, events, now or timezone.now())
        _check_last_verification(walk)
    except _Broken as broken:
        return Verification(
            False,
            walk.checked,
            walk.seals,
            walk.unsealed,
            walk.first,
            walk.last,
            walk.head,
            broken.event,
            broken.seal,
            broken.problem + _signed_off_history_changed(broken),
        )
    return Verification(True, walk.checked, walk.seals, walk.unsealed, walk.first, walk.last, walk.head)


def _check_seal(seal: Seal, walk: _Walk, events: _Events) -> None:
    expected = walk.position
    number = seal.number
    if seal_hash(seal) != seal.hash:
        raise _Broken("its fields do not match its hash (the seal was changed).", seal=number)
    if number != expected.number:
        missing = f"{expected.number}" if number == expected.number + 1 else f"{expected.number}-{number - 1}"
        raise _Broken(f"seal {missing} is missing (deleted): this seal does not follow the one before it.", seal=number)
    if seal.prev_hash != expected.prev_hash:
        raise _Broken("its link to the previous seal does not match (a seal before it was replaced).", seal=number)
    first = seal.first_sequence if expected.first_sequence is None else expected.first_sequence
    if seal.first_sequence != first or seal.last_sequence < first - 1:
        raise _Broken(f"its range does not continue the previous seal's, which ended at {first - 1}.", seal=number)
    pending = dict(pending_pairs(seal.pending))
    gaps = set(seal.gaps)
    allowed = set(walk.carried)
    outside = [n for n in (*pending, *gaps) if not (first <= n <= seal.last_sequence or n in allowed)]
    if outside or pending.keys() & gaps:
        raise _Broken("its pending ids or gaps lie outside the ids it settles.", seal=number)

    sealed = _sealed_events(seal, walk, events, pending, gaps)
    if len(sealed) != seal.count:
        raise _Broken(f"it records {seal.count} events but covers {len(sealed)}.", seal=number)
    for event in sealed:
        if content_hash(event) != event["hash"]:
            raise _Broken("its content does not match its hash (the row was changed).", event=event["sequence"])
        walk.count(event)
    if seal_root([(e["sequence"], e["hash"]) for e in sealed]) != seal.root:
        span = f"{sealed[0]['sequence']} to {sealed[-1]['sequence']}" if sealed else "none"
        raise _Broken(
            f"its root does not match the events it covers ({span}): an event was changed together with its hash, "
            "or replaced.",
            seal=number,
        )
    walk.seals += 1
    walk.head = (number, seal.hash)
    walk.carried = pending
    walk.position = Position(number + 1, seal.last_sequence + 1, seal.hash)


def _sealed_events(seal: Seal, walk: _Walk, events: _Events, pending: dict, gaps: set) -> list[dict]:
    """Return the events ``seal`` covers, in id order, after checking that none is missing or inserted."""
    first, last = seal.first_sequence, seal.last_sequence
    sealed: list[dict] = []
    for event in events.through(last):
        sequence = event["sequence"]
        if sequence < first and sequence not in walk.carried:
            raise _Broken("this event lies before the oldest kept seal (inserted).", event=sequence)
        if sequence in gaps:
            raise _Broken(
                f"seal {seal.number} recorded its id as empty (a rolled-back transaction); it was inserted later.",
                event=sequence,
            )
        if sequence in pending or sequence in walk.carried:
            walk.held[sequence] = event
            continue
        sealed.append(event)
    for sequence in walk.carried:
        if sequence in pending:
            continue
        event = walk.held.pop(sequence, None)
        if sequence in gaps:
            if event is not None:
                raise _Broken(f"seal {seal.number} recorded its id as empty; it was inserted later.", event=sequence)
        elif event is None:
            raise _Broken(f"event {sequence} is missing (deleted): seal {seal.number} covers it.", event=sequence)
        else:
            sealed.append(event)
    present = {event["sequence"] for event in sealed}
    for sequence in range(first, last + 1):
        if sequence not in present and sequence not in pending and sequence not in gaps:
            raise _Broken(f"event {sequence} is missing (deleted): seal {seal.number} covers it.", event=sequence)
    sealed.sort(key=lambda event: event["sequence"])
    return sealed


def _check_unsealed(walk: _Walk, events: _Events, now: datetime) -> None:
    overdue = now - timedelta(seconds=conf.seal_overdue_seconds())
    first = walk.position.first_sequence
    unsealed = [*walk.held.values(), *events.through(None)]
    for event in unsealed:
        sequence = event["sequence"]
        if first is not None and sequence < first and sequence not in walk.carried:
            raise _Broken("this event lies before the oldest kept seal (inserted).", event=sequence)
        if content_hash(event) != event["hash"]:
            raise _Broken("its content does not match its hash (the row was changed).", event=sequence)
        created_at = event["created_at"]  # text as hashed on PostgreSQL (see values_for_hashing)
        moment = parse_timestamp(created_at) if isinstance(created_at, str) else created_at
        if moment < overdue:
            raise _Broken(
                f"it has waited for a seal since {utc_timestamp(moment)}, longer than "
                f"{conf.seal_overdue_seconds()} s: the seal that covered it was removed, or sealing has stopped "
                "(`manage.py activity_seal` seals what is due).",
                event=sequence,
            )
        walk.count(event)
        walk.unsealed += 1


def _check_last_verification(walk: _Walk) -> None:
    """Compare the newest seal a past verification saw with the seal kept under that number.

    A seal removed or rewritten at the end of the chain leaves no broken link;
    the number and hash that an earlier `activity_verify` recorded (in an event
    that a later seal covers) still tell.
    """
    for action, what in (("activity.verified", "verification"), (REVIEW_SIGNED_OFF, "review signed off")):
        recorded = (
            Event.objects.filter(action=action)
            .filter(Q(changes__has_key="seal") & Q(changes__has_key="seal_hash"))
            .order_by("-sequence")
            .values_list("changes", "created_at")
            .first()
        )
        if recorded:
            _check_recorded_seal(*recorded, what=what)


def _check_recorded_seal(changes: dict, when: datetime, *, what: str) -> None:
    number, expected_hash = int(changes["seal"]), str(changes["seal_hash"])
    first_kept = chain_anchor().number
    if number < first_kept:
        return
    kept = Seal.objects.filter(number=number).values_list("hash", flat=True).first()
    if kept is None:
        newest = "the newest when the log was verified" if what == "verification" else "which a review signed off"
        raise _Broken(
            f"seal {number}, {newest} on {utc_timestamp(when)}, is missing (seals were removed from the end).",
            seal=number,
        )
    if kept != expected_hash:
        raise _Broken(
            f"it differs from the seal {number} that the {what} of {utc_timestamp(when)} recorded (replaced).",
            seal=number,
        )


def _signed_off_history_changed(broken: _Broken) -> str:
    """Return what to add to a problem found at or below the newest seal an auditor signed off, else "".

    Such a break means that history an auditor had reviewed and attested was changed afterwards.
    """
    try:
        signed = (
            Event.objects.filter(action=REVIEW_SIGNED_OFF)
            .order_by("-created_at", "-sequence")
            .values_list("changes", "created_at", "actor_label")
            .first()
        )
    except Exception:  # the event table itself may be what is damaged; the break is reported anyway
        return ""
    if not signed:
        return ""
    changes, when, who = signed
    try:
        seal, last_sequence = int(changes["seal"]), int(changes["last_sequence"])
    except (KeyError, TypeError, ValueError):
        return ""
    below = (broken.seal is not None and broken.seal <= seal) or (
        broken.event is not None and broken.event <= last_sequence
    )
    if not below:
        return ""
    return (
        f" History that an auditor had reviewed was changed: {who or 'an auditor'} signed off the review of the "
        f"events up to #{last_sequence} (seal {seal}) on {utc_timestamp(when)}, and the break lies within them."
    )
