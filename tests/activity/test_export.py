"""Exports stream in chunks of many rows, with the same bytes as one line at a time."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from datetime import timezone as timezone_offset

import pytest
from django.utils import timezone

from activity.chain import content_hash, utc_timestamp
from activity.export import CHUNK_ROWS, csv_lines, jsonl_lines
from activity.models import Event
from activity.selectors import EXPORT_COLUMNS, event_export_rows

pytestmark = pytest.mark.django_db

ROWS = [
    {name: f"{name}-{n}" for name in EXPORT_COLUMNS} | {"changes": {"n": n}, "target_label": "=1+1"}
    for n in range(CHUNK_ROWS * 2 + 7)
]


def test_csv_chunks_hold_many_rows_and_join_to_the_same_text_as_row_by_row():
    chunks = list(csv_lines(ROWS))
    assert len(chunks) == 3  # header and 500 rows, 500 rows, the last 7
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(EXPORT_COLUMNS)
    for row in ROWS:
        writer.writerow([json.dumps(row["changes"]) if name == "changes" else row[name] for name in EXPORT_COLUMNS])
    assert "".join(chunks) == expected.getvalue().replace("=1+1", "'=1+1")


def test_jsonl_chunks_hold_many_rows_one_line_each():
    chunks = list(jsonl_lines(ROWS))
    assert len(chunks) == 3
    lines = "".join(chunks).splitlines()
    assert [json.loads(line) for line in lines] == ROWS


def test_the_csv_export_streams_chunks_of_rows(client, auditor):
    from tests.conftest import force_sign_in

    now = timezone.now()
    events = [Event(created_at=now, action="activity.seeded", target_label=f"n{n}") for n in range(CHUNK_ROWS + 1)]
    for event in events:
        event.hash = content_hash(event)
    Event.objects.bulk_create(events)
    force_sign_in(client, auditor)
    response = client.get("/activity/export.csv", {"action": "activity.seeded"})
    chunks = list(response.streaming_content)
    assert len(chunks) == 2
    assert sum(chunk.count(b"\n") for chunk in chunks) == CHUNK_ROWS + 2


def test_exported_times_are_the_hashed_times_on_every_database():
    moments = [
        datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC),  # no microseconds: still six digits
        datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=UTC),
        datetime(2025, 3, 1, 23, 30, 0, 7, tzinfo=timezone_offset(timedelta(hours=-5))),  # the next day in UTC
    ]
    events = [Event(created_at=moment, action="activity.seeded", target_label="t") for moment in moments]
    for event in events:
        event.hash = content_hash(event)
    Event.objects.bulk_create(events)

    for order in ("time", "chain"):
        exported = {row["sequence"]: row["created_at"] for row in event_export_rows(Event.objects.all(), order=order)}
        stored = {event.sequence: utc_timestamp(event.created_at) for event in Event.objects.all()}
        assert exported == stored
        assert sorted(exported.values()) == [
            "2025-03-01T12:00:00.000000Z",
            "2025-03-01T12:00:00.123456Z",
            "2025-03-02T04:30:00.000007Z",
        ]


def test_an_export_in_small_batches_follows_its_cursor_through_events_of_the_same_microsecond():
    now = timezone.now()
    events = [Event(created_at=now - timedelta(seconds=n // 3), action="activity.seeded") for n in range(10)]
    for event in events:
        event.hash = content_hash(event)
    Event.objects.bulk_create(events)
    rows = list(event_export_rows(Event.objects.all(), batch_size=2))
    assert [row["sequence"] for row in rows] == list(
        Event.objects.order_by("-created_at", "-sequence").values_list("sequence", flat=True)
    )
