"""Reads of the activity log shared by pages, exports and commands."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Concat, TruncDate
from django.utils import timezone

from singletons.selectors import singleton_get

from . import registry
from .chain import (
    EVENT_COLUMNS,
    SEAL_FIELDS,
    parse_timestamp,
    portable_values,
    time_as_hashed,
    utc_timestamp,
    values_for_hashing,
)
from .models import ACTOR_SYSTEM, ACTOR_VISITOR, Event, RetentionSetting, Seal, actor_type_of
from .verification import REVIEW_SIGNED_OFF

# Values of the actor filter that stand for events without an actor.
SYSTEM_ACTOR = ACTOR_SYSTEM
VISITOR_ACTOR = ACTOR_VISITOR
# What an export row holds: the id, the hashed fields and the event's hash, the
# number of the seal that covers it (empty while not sealed yet), so that an
# export can be checked against the seals, then who acted. New columns go at the end.
EXPORT_FIELDS = EVENT_COLUMNS
EXPORT_COLUMNS = (*EXPORT_FIELDS[: EXPORT_FIELDS.index("hash") + 1], "seal", "actor_type", "credential")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"^(\d{1,20})-(\d{1,20})$")
logger = logging.getLogger(__name__)


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class EventFilters:
    """What an auditor narrowed the log to; empty values do not filter.

    ``since`` is inclusive and ``until`` exclusive, both timezone-aware.
    ``actor`` is an email address, ``"system"`` for events without an actor or
    request, or ``"visitor"`` for events of a request without a signed-in user.
    """

    actor: str = ""
    action: str = ""
    group: str = ""
    target_type: str = ""
    target_id: str = ""
    since: datetime | None = None
    until: datetime | None = None
    ip_address: str = ""
    text: str = ""


@dataclass(frozen=True)
class Cursor:
    """Position after which the next (older) page starts: time first, sequence for ties."""

    created_at: datetime
    sequence: int

    def encode(self) -> str:
        micros = (self.created_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.sequence}"

    @classmethod
    def decode(cls, value: str) -> Cursor:
        match = _CURSOR.match(value or "")
        if not match:
            raise InvalidCursor("This page link is damaged; start again from the newest events.")
        try:
            created_at = _EPOCH + timedelta(microseconds=int(match[1]))
        except OverflowError:
            raise InvalidCursor("This page link is damaged; start again from the newest events.") from None
        return cls(created_at=created_at, sequence=int(match[2]))


@dataclass(frozen=True)
class Page:
    events: list[Event]
    next_cursor: Cursor | None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


def events_filtered(filters: EventFilters) -> QuerySet[Event]:
    """Return the events matching ``filters``, newest first."""
    events = Event.objects.all()
    if filters.actor:
        events = events.filter(_actor_q(filters.actor))
    if filters.action:
        events = events.filter(action=filters.action)
    elif filters.group:
        events = events.filter(action__in=[t.name for t in registry.all_types() if t.group == filters.group])
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.since:
        events = events.filter(created_at__gte=filters.since)
    if filters.until:
        events = events.filter(created_at__lt=filters.until)
    if filters.ip_address:
        events = events.filter(ip_address=filters.ip_address)
    if filters.text:
        events = events.filter(target_label__icontains=filters.text)
    return events.order_by("-created_at", "-sequence")


def _actor_q(actor: str) -> Q:
    # The same rule as Event.actor_type: without an actor, a request id marks a visitor.
    if actor == SYSTEM_ACTOR:
        return Q(actor__isnull=True, actor_label="", request_id="")
    if actor == VISITOR_ACTOR:
        return Q(actor__isnull=True, actor_label="") & ~Q(request_id="")
    user_model = get_user_model()
    user = user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": actor}).only("pk").first()
    if user is not None:
        return Q(actor_id=user.pk)
    # A former address: the label kept the email as it was at the time.
    return Q(actor_label=actor.lower())


def _after(events: QuerySet[Event], cursor: Cursor) -> QuerySet[Event]:
    # The redundant created_at__lte bounds the index range scan; the OR only
    # separates events that share the cursor's microsecond.
    return events.filter(created_at__lte=cursor.created_at).filter(
        Q(created_at__lt=cursor.created_at) | Q(sequence__lt=cursor.sequence)
    )


def event_page(filters: EventFilters, *, cursor: Cursor | None = None, limit: int = 50) -> Page:
    """Return one page of matching events, and the cursor of the next one if there is more.

    Keyset pagination: no OFFSET and no count, so every page costs the same
    however deep it is and however large the log.
    """
    events = events_filtered(filters)
    if cursor is not None:
        events = _after(events, cursor)
    rows = list(events.defer("user_agent")[: limit + 1])
    if len(rows) <= limit:
        return Page(rows, None)
    last = rows[limit - 1]
    return Page(rows[:limit], Cursor(last.created_at, last.sequence))


def event_feed(filters: EventFilters, *, after: int, limit: int = 100) -> tuple[list[Event], int]:
    """Return the matching events after the id ``after``, oldest first, and the id a collector asks after next.

    Only ids that a seal has settled are returned: ids are drawn at insert time
    and commit in any order, so a newer id may be visible while an older one is
    still in an open transaction. Stopping before the first id not settled yet
    means a collector that always asks after the id returned here gets every
    event once, in order, without a gap or a repeat.
    """
    sealed = sealed_up_to()
    bound = min([sealed.last_sequence + 1, *sealed.pending])  # the first id not settled
    events = list(events_filtered(filters).filter(sequence__gt=after, sequence__lt=bound).order_by("sequence")[:limit])
    if len(events) == limit:
        return events, events[-1].sequence
    return events, max(after, bound - 1)


def event_get(sequence: int) -> Event:
    return Event.objects.select_related("actor").get(sequence=sequence)


def event_newest_sequence() -> int | None:
    """Return the id of the newest event (one look at the primary key's index), or None in an empty log.

    Every recorded action raises it: pages that show only what actions change can be reused while it stays.
    """
    return Event.objects.order_by("-sequence").values_list("sequence", flat=True).first()


def event_list(*, actor=None, limit: int | None = None) -> QuerySet[Event]:
    events = Event.objects.order_by("-created_at", "-sequence")
    if actor is not None:
        events = events.filter(actor=actor)
    if limit is not None:
        events = events[:limit]
    return events


def event_export_rows(events: QuerySet[Event], *, order: str = "time", batch_size: int = 2000) -> Iterator[dict]:
    """Yield the events as plain dicts, in batches by keyset, so memory stays flat for any size.

    ``order`` is ``"time"`` (newest first, as the pages) or ``"chain"`` (oldest first by sequence).
    """
    if order == "chain":
        events = events.order_by("sequence")
        last_sequence = None
        while True:
            batch = events if last_sequence is None else events.filter(sequence__gt=last_sequence)
            rows = list(_export_values(batch)[:batch_size])
            yield from _export_rows(rows)
            if len(rows) < batch_size:
                return
            last_sequence = rows[-1]["sequence"]
    events = events.order_by("-created_at", "-sequence")
    cursor = None
    while True:
        batch = events if cursor is None else _after(events, cursor)
        rows = list(_export_values(batch)[:batch_size])
        yield from _export_rows(rows)
        if len(rows) < batch_size:
            return
        cursor = Cursor(parse_timestamp(rows[-1]["created_at"]), rows[-1]["sequence"])


def _export_values(events: QuerySet[Event]) -> QuerySet:
    return values_for_hashing(events, EXPORT_FIELDS)


def _seal_ranges(sequences: list[int]) -> dict[int, int | None]:
    """Return, for each event id, the number of the newest seal starting at or before it (whose range reaches it).

    Two queries for a whole batch of ids (rather than a subquery per row): the
    seals that start between the one reaching the lowest id and the highest id.
    """
    if not sequences:
        return {}
    low, high = min(sequences), max(sequences)
    seals = Seal.objects.filter(first_sequence__lte=high)
    start = (
        seals.filter(first_sequence__lte=low)
        .order_by("-first_sequence", "-number")
        .values_list("first_sequence", flat=True)
        .first()
    )
    if start is not None:
        seals = seals.filter(first_sequence__gte=start)
    ordered = sorted(seals.values_list("first_sequence", "number"))
    firsts = [first for first, _number in ordered]
    ranges = {}
    for sequence in sequences:
        reached = bisect.bisect_right(firsts, sequence)
        ranges[sequence] = ordered[reached - 1][1] if reached else None
    return ranges


def _export_rows(rows: list[dict]) -> Iterator[dict]:
    seals = seal_numbers(_seal_ranges([row["sequence"] for row in rows]))
    for row in rows:
        row = portable_values(time_as_hashed(row))
        row["seal"] = seals.get(row["sequence"])
        row["actor_type"] = actor_type_of(
            actor_id=row["actor_id"], actor_label=row["actor_label"], request_id=row["request_id"]
        )
        yield row


def seal_numbers(ranges: dict[int, int | None]) -> dict[int, int | None]:
    """Return the number of the seal that covers each event id, or None while it is not sealed yet.

    ``ranges`` maps each id to the seal whose range reaches it (see
    ``_seal_range``). That seal covers the id unless the id lies beyond its
    range or was still pending then; a pending id is covered by the first
    later seal that no longer lists it.
    """
    numbers = {number for number in ranges.values() if number is not None}
    seals = {
        seal["number"]: seal
        for seal in Seal.objects.filter(number__in=numbers).values("number", "last_sequence", "pending")
    }
    covered: dict[int, int | None] = {}
    for sequence, number in ranges.items():
        seal = seals.get(number)
        if seal is None or sequence > seal["last_sequence"]:
            covered[sequence] = None
        elif any(int(pending) == sequence for pending, _since in seal["pending"]):
            covered[sequence] = _settling_seal(sequence, after=number)
        else:
            covered[sequence] = number
    return covered


def _settling_seal(sequence: int, *, after: int) -> int | None:
    for seal in Seal.objects.filter(number__gt=after).order_by("number").values("number", "pending").iterator():
        if not any(int(pending) == sequence for pending, _since in seal["pending"]):
            return seal["number"]
    return None


def event_seal(event: Event) -> Seal | None:
    """Return the seal that covers ``event``, or None while it is not sealed yet."""
    number = Seal.objects.filter(first_sequence__lte=event.sequence).order_by("-first_sequence", "-number")
    number = number.values_list("number", flat=True).first()
    covering = seal_numbers({event.sequence: number}).get(event.sequence)
    return None if covering is None else Seal.objects.get(number=covering)


@dataclass(frozen=True)
class SealedUpTo:
    """What the newest seal covers: every id up to ``last_sequence`` but those still ``pending``."""

    last_sequence: int
    pending: frozenset[int]

    def covers(self, sequence: int) -> bool:
        return sequence <= self.last_sequence and sequence not in self.pending


def sealed_up_to() -> SealedUpTo:
    newest = Seal.objects.order_by("-number").values("last_sequence", "pending").first()
    if newest is None:
        return SealedUpTo(0, frozenset())
    return SealedUpTo(newest["last_sequence"], frozenset(int(sequence) for sequence, _since in newest["pending"]))


def seal_export_rows(seals: QuerySet[Seal]) -> Iterator[dict]:
    """Yield seals as plain dicts with every hashed field and the hash, in number order."""
    for row in seals.order_by("number").values(*SEAL_FIELDS, "hash").iterator():
        row["sealed_at"] = utc_timestamp(row["sealed_at"])
        yield row


# How long the counts of past days are reused. Past days gain no events (an event is dated
# when it is written), except one whose transaction was open across midnight: this bounds
# how long such a late event can be missing from its day's count.
DAY_COUNTS_CACHE_SECONDS = 600


def events_per_day(filters: EventFilters, *, start: date, end: date, tz: tzinfo) -> list[tuple[date, int]]:
    """Return (day, count) for every day from ``start`` to ``end`` inclusive, in ``tz``, zeros included.

    Today is counted at each call; the days before it are counted once and
    reused from the cache (see ``DAY_COUNTS_CACHE_SECONDS``), so that a chart of
    90 days over millions of events does not count them all on every page.
    A prune changes the key: its counts are never reused.
    """
    events = events_filtered(filters).order_by()
    midnight = datetime.combine(timezone.now().astimezone(tz).date(), time.min, tzinfo=tz)
    counts = _day_counts(_today(filters, midnight), tz)
    if start < midnight.date():
        counts.update(_past_day_counts(events.filter(created_at__lt=midnight), filters, start, midnight, tz))
    return [
        (start + timedelta(days=n), counts.get(start + timedelta(days=n), 0)) for n in range((end - start).days + 1)
    ]


def _today(filters: EventFilters, midnight: datetime) -> QuerySet[Event]:
    """Return the matching events since ``midnight``, the free text matched without the trigram index.

    A day's events are few enough to filter one by one; intersecting them with
    the trigram index reads its whole posting lists, which for a common text
    span the whole log (290 ms at 10,000,000 events, where filtering takes 10).
    """
    events = events_filtered(dataclasses.replace(filters, text="")).order_by().filter(created_at__gte=midnight)
    if not filters.text:
        return events
    # The same match as icontains, over an expression the trigram index does not cover.
    return events.annotate(label_text=Concat("target_label", Value(""))).filter(label_text__icontains=filters.text)


def _day_counts(events: QuerySet[Event], tz: tzinfo) -> dict[date, int]:
    return dict(
        events.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )


def _past_day_counts(
    events: QuerySet[Event], filters: EventFilters, start: date, midnight: datetime, tz: tzinfo
) -> dict[date, int]:
    pruned = Event.objects.filter(action="activity.pruned").order_by("-created_at", "-sequence")
    marker = (repr(filters), str(tz), start.isoformat(), midnight.isoformat(), pruned.values_list("pk").first())
    key = "activity:day_counts:" + hashlib.sha256(repr(marker).encode()).hexdigest()
    try:
        counts = cache.get(key)
    except Exception:
        counts = None
    if counts is None:
        counts = _day_counts(events, tz)
        try:
            cache.set(key, counts, DAY_COUNTS_CACHE_SECONDS)
        except Exception:
            logger.warning("Cache unavailable; the activity chart's counts are not kept.", exc_info=True)
    return counts


def review_signoff_last() -> Event | None:
    """Return the newest sign-off of a review of the log (one index look-up), or None."""
    return Event.objects.filter(action=REVIEW_SIGNED_OFF).order_by("-created_at", "-sequence").first()


def events_after_count(sequence: int, *, limit: int = 1000) -> int:
    """Return how many events have an id above ``sequence``, counting at most ``limit + 1`` of them."""
    return Event.objects.filter(sequence__gt=sequence)[: limit + 1].count()


def chain_last_verification() -> Event | None:
    return Event.objects.filter(action="activity.verified").order_by("-created_at", "-sequence").first()


def retention_get(*, cached: bool = True) -> RetentionSetting:
    """Return how long events are kept (cached; refreshed when it changes)."""
    return singleton_get(RetentionSetting, cached=cached)
