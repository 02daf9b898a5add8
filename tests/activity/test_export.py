"""Exports stream in chunks of many rows, with the same bytes as one line at a time."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import timezone

from activity.chain import content_hash
from activity.export import CHUNK_ROWS, csv_lines, jsonl_lines
from activity.models import Event
from activity.selectors import EXPORT_COLUMNS

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
