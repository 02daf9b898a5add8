"""The per-day counts of the activity chart: today counted each time, past days counted once."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activity.chain import content_hash
from activity.models import Event
from activity.selectors import EventFilters, events_per_day

pytestmark = pytest.mark.django_db


def _events(*moments, action="activity.seeded"):
    events = [Event(created_at=moment, action=action, target_label="x") for moment in moments]
    for event in events:
        event.hash = content_hash(event)
    Event.objects.bulk_create(events)


def _days(**filters):
    today = timezone.now().astimezone(UTC).date()
    return dict(events_per_day(EventFilters(**filters), start=today - timedelta(days=6), end=today, tz=UTC))


def test_past_days_are_counted_once_and_today_every_time():
    now = timezone.now()
    today = now.astimezone(UTC).date()
    _events(now - timedelta(days=2), now - timedelta(days=2), now)
    first = _days()
    assert first[today - timedelta(days=2)] == 2
    assert first[today] == 1
    _events(now)
    # Never done by the panel (events are dated when written); here it shows the past days' counts are reused.
    _events(now - timedelta(days=2))
    with CaptureQueriesContext(connection) as captured:
        second = _days()
    assert second[today] == 2  # a new event today is counted at once
    assert second[today - timedelta(days=2)] == 2
    counting = [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counting) == 1, counting  # today's only


def test_each_filter_has_its_own_counts():
    now = timezone.now()
    today = now.astimezone(UTC).date()
    _events(now - timedelta(days=1))
    _events(now - timedelta(days=1), action="auth.signed_in")
    assert _days()[today - timedelta(days=1)] == 2
    assert _days(action="auth.signed_in")[today - timedelta(days=1)] == 1


def test_a_prune_is_never_answered_with_counts_from_before_it():
    now = timezone.now()
    today = now.astimezone(UTC).date()
    _events(now - timedelta(days=3))
    assert _days()[today - timedelta(days=3)] == 1
    # What activity_prune records once it removed events (their counts must not be reused).
    _events(now, action="activity.pruned")
    with CaptureQueriesContext(connection) as captured:
        _days()
    assert len([q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]) == 2


def test_the_free_text_filter_counts_today_and_past_days_alike():
    now = timezone.now()
    today = now.astimezone(UTC).date()
    events = [
        Event(created_at=moment, action="activity.seeded", target_label=label)
        for moment in (now, now - timedelta(days=1))
        for label in ("Alice@Example.com", "bob@example.com", "100%_match")
    ]
    for event in events:
        event.hash = content_hash(event)
    Event.objects.bulk_create(events)
    for text, expected in (("aLiCe", 1), ("example", 2), ("%_", 1), ("_", 1), ("nobody", 0)):
        days = _days(text=text)
        assert days[today] == days[today - timedelta(days=1)] == expected, text
