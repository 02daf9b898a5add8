"""The free-text filter's plan rests on PostgreSQL's estimate of how many events match: it must be close.

A label PostgreSQL wrongly takes for rare is looked up through the trigram
index and every match sorted by time (1.6 s for a label of 41,000 events at
10,000,000); one taken for common walks the time index until a page is full.
With the default statistics (100 values) a team of a few hundred members
already has labels the estimate misses by a hundredfold.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.utils import timezone

from activity.models import Event
from activity.selectors import EventFilters, events_filtered

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"),
]

LABELS = 400
EACH = 75


def label(number: int) -> str:
    return f"person-{number:03d}@example.org"


def estimated_rows(queryset) -> int:
    plan = queryset.explain()
    return int(re.search(r"rows=(\d+)", plan).group(1))


def test_the_estimate_of_a_labels_events_is_close_with_hundreds_of_labels():
    now = timezone.now()
    Event.objects.bulk_create(
        (
            Event(created_at=now, action="auth.signed_in", target_label=label(n % LABELS), hash="0")
            for n in range(LABELS * EACH)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE activity_event")
    for number in (7, 123, 251, 399):
        estimate = estimated_rows(events_filtered(EventFilters(text=label(number))))
        assert EACH / 4 <= estimate <= EACH * 4, (number, estimate)
