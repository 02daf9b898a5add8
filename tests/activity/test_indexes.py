"""Every filter of the activity page is served by an index, and no index repeats another."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from activity.models import Event
from activity.selectors import EventFilters, event_page, events_filtered
from tests.factories import make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans and index DDL of PostgreSQL"),
]


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        # A table of a few rows is read whole by any planner; forbidding that
        # shows whether an index could serve the query at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
        cursor.execute("RESET enable_seqscan")
    return plan


@pytest.fixture
def member():
    return make_user(email="auditor@example.com")


@pytest.mark.parametrize(
    "filters",
    [
        EventFilters(),
        EventFilters(actor="auditor@example.com"),
        EventFilters(actor="system"),
        EventFilters(actor="visitor"),
        EventFilters(action="auth.signed_in"),
        EventFilters(group="auth"),
        EventFilters(target_type="user", target_id="1"),
        EventFilters(target_type="user"),
        EventFilters(since=timezone.now() - timedelta(days=7), until=timezone.now()),
        EventFilters(ip_address="192.0.2.1"),
        EventFilters(text="example"),
        EventFilters(
            actor="auditor@example.com",
            action="auth.signed_in",
            since=timezone.now() - timedelta(days=7),
        ),
    ],
    ids=lambda filters: ",".join(k for k, v in vars(filters).items() if v) or "none",
)
def test_no_filter_of_the_page_reads_the_event_table_whole(member, filters):
    with transaction.atomic():
        plan = _plan(events_filtered(filters)[:51])
    assert "Seq Scan on activity_event" not in plan, plan


def test_the_free_text_filter_can_use_the_trigram_index(member):
    with transaction.atomic(), connection.cursor() as cursor:
        # Walking the time index and filtering is the planner's other way (fine for a common
        # text, slow for a rare one); forbidding it shows the trigram index can serve the filter.
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = _plan(events_filtered(EventFilters(text="exam"))[:51])
    assert "activity_target_label_upper_trgm" in plan, plan


def test_the_system_filter_reads_its_small_partial_index(member):
    with transaction.atomic():
        plan = _plan(events_filtered(EventFilters(actor="system"))[:51])
    assert "activity_system_time_idx" in plan, plan


def test_the_free_text_filter_matches_any_case(member):
    Event.objects.create(created_at=timezone.now(), action="auth.signed_in", target_label="Alice@Example.com", hash="0")
    assert [e.target_label for e in event_page(EventFilters(text="aLICE@ex")).events] == ["Alice@Example.com"]


def test_no_index_of_the_event_table_is_a_prefix_of_another():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, array_agg(a.attname ORDER BY k.ord)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
            LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
            WHERE x.indrelid = 'activity_event'::regclass AND NOT x.indisprimary AND x.indexprs IS NULL
              AND x.indpred IS NULL
            GROUP BY i.relname
            """
        )
        columns = {name: list(cols) for name, cols in cursor.fetchall()}
    for name, cols in columns.items():
        for other, longer in columns.items():
            assert other == name or longer[: len(cols)] != cols, f"{name} {cols} repeats the start of {other} {longer}"
