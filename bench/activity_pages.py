"""The activity log at N events against 1,000: pages, deep cursor, filters and their plans, export, index size."""

from __future__ import annotations

import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from bench.common import Row, abba, rss_mb

AUDITOR = "bench-auditor@example.com"
ACTOR = "seed-actor-042@example.invalid"
DEEP_PAGES = 10_000
EXPORT_SAMPLE_ROWS = 100_000


def _switch(name: str):
    from django.db import connections

    def switch() -> None:
        connection = connections["default"]
        if connection.settings_dict["NAME"] != name:
            connection.close()
            connection.settings_dict["NAME"] = name

    return switch


def _signed_in_client():
    from django.test import Client

    from accounts.roles import Role
    from bench.stack import _member

    password = secrets.token_urlsafe(16) + "aA1!"
    user = _member(AUDITOR, password, role=Role.AUDITOR)
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def _get(client, url: str):
    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def _queries(client, url: str) -> tuple[int, bool]:
    """Return how many queries a page makes and whether one of them counts rows of the event table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # The chart counts today's events on each page (a bounded range); a count without a lower time bound reads all.
    counts = any(
        "COUNT(" in q["sql"].upper() and "activity_event" in q["sql"] and '"created_at" >=' not in q["sql"]
        for q in captured.captured_queries
    )
    return len(captured.captured_queries), counts


def _filters(today) -> dict[str, dict]:
    week = {"date_from": (today - timedelta(days=6)).isoformat(), "date_to": today.isoformat()}
    return {
        "actor + action + 7 days": {"actor": ACTOR, "action": "auth.signed_in", **week},
        "free text (common)": {"q": "actor-042"},
        "free text (rare)": {"q": "no-such-label-anywhere"},
    }


def _plans(size_label: str) -> Row:
    """EXPLAIN every filter the page offers, alone: none may read the event table whole."""
    from django.utils import timezone

    from activity.selectors import EventFilters, events_filtered

    now = timezone.now()
    offered = {
        "actor": EventFilters(actor=ACTOR),
        "actor=system": EventFilters(actor="system"),
        "actor=visitor": EventFilters(actor="visitor"),
        "action": EventFilters(action="auth.signed_in"),
        "group": EventFilters(group="auth"),
        "target type + id": EventFilters(target_type="user", target_id="7"),
        "target type": EventFilters(target_type="user"),
        "date range": EventFilters(since=now - timedelta(days=7), until=now),
        "IP address": EventFilters(ip_address="192.0.2.77"),
        "free text": EventFilters(text="no-such-label-anywhere"),
    }
    scans = [
        name
        for name, filters in offered.items()
        if "Seq Scan on activity_event" in events_filtered(filters)[:51].explain()
    ]
    return Row(
        "7 EXPLAIN of every filter",
        f"{len(offered)} filters at {size_label}",
        "",
        len(scans),
        0,
        "seq scans",
        0.0,
        "no Seq Scan on activity_event",
        not scans,
        note="sequential scans: " + (", ".join(scans) or "none"),
    )


def _export_rows_per_second(client, query: str, rows: int, since) -> dict:
    """ABBA: rows/s of the CSV export view against a bare values_list().iterator() loop over the same rows."""
    from activity.selectors import EventFilters, events_filtered

    def export() -> None:
        response = client.get("/activity/export.csv?" + query)
        seen = -1
        for chunk in response.streaming_content:
            seen += chunk.count(b"\n")
            if seen >= rows:
                break
        response.close()

    def bare() -> None:
        events = events_filtered(EventFilters(since=since)).values_list()
        for n, _row in enumerate(events.iterator(chunk_size=2000)):
            if n + 1 >= rows:
                break

    # A warm-up before each timed call: the first read of a range of the table pays for the disk and the buffers.
    return abba(export, bare, rounds=3, calls=1, warmup=1)


def _export_peak_rss(client, query: str) -> tuple[float, int, float]:
    """Return the peak RSS (MB) while streaming a whole export, the rows, and the seconds it took."""
    before = peak = rss_mb()
    started = time.perf_counter()
    response = client.get("/activity/export.csv?" + query)
    rows = -1
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        if rows % 20_000 == 0:
            peak = max(peak, rss_mb())
    response.close()
    return max(peak, rss_mb(), before), rows, time.perf_counter() - started


def _index_ratio() -> tuple[float, float, list[tuple[str, float]]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_table_size('activity_event'), pg_indexes_size('activity_event')")
        table, indexes = cursor.fetchone()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid = 'activity_event'::regclass ORDER BY 2 DESC"
        )
        each = [(name, size / 2**20) for name, size in cursor.fetchall()]
    return table / 2**20, indexes / 2**20, each


def run(*, big: str, small: str, size: int, rounds: int, log=print) -> list[Row]:
    from django.core.management import call_command
    from django.utils import timezone

    from bench import seed

    label = f"{size / 1e6:g}M" if size >= 1_000_000 else f"{size:,}"
    switch_big, switch_small = _switch(big), _switch(small)
    clients = {}
    for name, count in ((small, 1_000), (big, size)):
        _switch(name)()
        call_command("migrate", verbosity=0)
        seed.seed(count, log=log)
        clients[name] = _signed_in_client()
    rows: list[Row] = []

    # 5. First page.
    switch_big()
    q_big, counts_big = _queries(clients[big], "/activity/")
    r = abba(
        _get(clients[big], "/activity/"),
        _get(clients[small], "/activity/"),
        rounds=rounds,
        switch_subject=switch_big,
        switch_baseline=switch_small,
    )
    rows.append(
        Row(
            "5 activity first page",
            f"{label} events",
            "1,000 events",
            r["subject"],
            r["baseline"],
            "ms",
            r["ratio"],
            "≤ 2, no COUNT over the table",
            r["ratio"] <= 2 and not counts_big,
            r["spread"],
            f"{q_big}",
            "a query counts events without a time bound" if counts_big else "",
        )
    )

    # 6. Deep page: the cursor of page 10,000 (or the deepest there is), found directly.
    switch_big()
    from activity.models import Event
    from activity.selectors import Cursor

    depth = min(DEEP_PAGES * 50, size - 51)
    last = Event.objects.order_by("-created_at", "-sequence").values_list("created_at", "sequence")[depth - 1]
    deep_url = "/activity/?" + urlencode({"after": Cursor(*last).encode()})
    r = abba(_get(clients[big], deep_url), _get(clients[big], "/activity/"), rounds=rounds, switch_subject=switch_big)
    rows.append(
        Row(
            "6 page 10,000 deep ÷ first page",
            f"page {depth // 50:,} at {label}",
            f"first page at {label}",
            r["subject"],
            r["baseline"],
            "ms",
            r["ratio"],
            "≤ 1.5",
            r["ratio"] <= 1.5,
            r["spread"],
        )
    )

    # 7. Filtered pages, and the plan of every filter.
    today = timezone.now().date()
    for name, params in _filters(today).items():
        url = "/activity/?" + urlencode(params)
        switch_big()
        q_count, _ = _queries(clients[big], url)
        r = abba(
            _get(clients[big], url),
            _get(clients[small], url),
            rounds=rounds,
            switch_subject=switch_big,
            switch_baseline=switch_small,
        )
        rows.append(
            Row(
                f"7 filter: {name}",
                f"{label} events",
                "1,000 events",
                r["subject"],
                r["baseline"],
                "ms",
                r["ratio"],
                "≤ 3",
                r["ratio"] <= 3,
                r["spread"],
                str(q_count),
            )
        )
    switch_big()
    rows.append(_plans(label))

    # 9. Export: rows/s against a bare loop, and peak memory at N against 1,000.
    days = 365 * min(1_000_000, size) / size
    since_day = (timezone.now() - timedelta(days=days)).date()
    since = datetime.combine(since_day, datetime.min.time(), tzinfo=UTC)
    query = urlencode({"date_from": since_day.isoformat()})
    sample = min(EXPORT_SAMPLE_ROWS, size)
    switch_big()
    r = _export_rows_per_second(clients[big], query, sample, since)
    rows.append(
        Row(
            "9 CSV export rows/s ÷ bare iterator",
            f"export view, {sample:,} rows",
            "values_list().iterator()",
            sample / r["subject"] * 1000,
            sample / r["baseline"] * 1000,
            "rows/s",
            r["baseline"] / r["subject"],
            "≥ 0.7",
            r["baseline"] / r["subject"] >= 0.7,
            f"{1 / max(r['ratios']):.2f}–{1 / min(r['ratios']):.2f}",
        )
    )
    switch_small()
    small_peak, small_rows, _ = _export_peak_rss(clients[small], "")
    switch_big()
    big_peak, big_rows, seconds = _export_peak_rss(clients[big], query)
    rows.append(
        Row(
            "9 CSV export peak memory",
            f"{big_rows:,} rows",
            f"{small_rows:,} rows",
            big_peak,
            small_peak,
            "MB RSS",
            big_peak / small_peak,
            "≤ 1.5",
            big_peak / small_peak <= 1.5,
            note=f"{big_rows / seconds:,.0f} rows/s over the whole export",
        )
    )

    # 12. Index size against table size.
    switch_big()
    table, indexes, each = _index_ratio()
    rows.append(
        Row(
            "12 index size ÷ table size",
            f"indexes at {label}",
            "table",
            indexes,
            table,
            "MB",
            indexes / table,
            "≤ 0.8",
            indexes / table <= 0.8,
            note=", ".join(f"{name} {mb:.0f}" for name, mb in each),
        )
    )
    return rows


def median(values):
    return statistics.median(values)
