"""Benchmark the activity log on PostgreSQL at 1,000 and 1,000,000 events.

Run: .venv/bin/python bench/activity_log.py   (PostgreSQL at 127.0.0.1:5432, user postgres)

Measures server time (the whole Django request in process: middleware, query,
template) for the first page, the page reached after following the cursor 500
times, a filtered page (actor + action + 30-day range), and a CSV export of
100,000 rows with its memory growth; then the first page again at 1,000 events.
Two databases are kept between runs (bench_activity_1k, bench_activity_1m), so
only the first run pays for seeding. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import os
import re
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SIZES = {"1k": 1_000, "1m": 1_000_000}
TARGET_PAGE_MS = 50
TARGET_RATIO = 2
TARGET_EXPORT_MB = 50
EXPORT_ROWS = 100_000
REPEAT = 15


def _ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup_django(database: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="modyo_admin.settings",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"{PG}/{database}",
        DJANGO_SECURE_COOKIES="0",
    )
    os.environ.pop("REDIS_URL", None)
    import django
    from django.conf import settings

    django.setup()
    # The hashed-name manifest needs collectstatic; page templates only need URLs here.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _timed(client, url: str) -> float:
    """Return the median server time of ``url`` in milliseconds."""
    for _ in range(3):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def _prepare(size: int):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    from accounts.roles import Role
    from accounts.services import member_create
    from activity.models import Event

    call_command("migrate", verbosity=0)
    have = Event.objects.exclude(target_type="activity_log").count()
    if have < size or have > size + 100:
        print(f"  seeding {size:,} events (have {have:,})...", flush=True)
        # The bench database is throw-away: empty it the way `manage.py flush` may.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL activity.flushing = 'on'")
            cursor.execute("TRUNCATE activity_event, activity_seal")
        call_command("activity_seed", "--count", str(size), "--actors", "200", "--batch-size", "10000", "--seed", "5")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE activity_event")
    password = secrets.token_urlsafe(16) + "aA1!"
    user = get_user_model().objects.filter(email="bench-auditor@example.com").first()
    if user is None:
        user = member_create(email="bench-auditor@example.com", password=password, role=Role.AUDITOR)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def run_1m() -> dict:
    from django.utils import timezone

    from activity.models import Event

    client = _prepare(SIZES["1m"])
    figures = {"first_page_ms": _timed(client, "/activity/")}

    url = "/activity/"
    for _ in range(500):
        cursor = re.search(r"after=([0-9]+-[0-9]+)", client.get(url).content.decode())[1]
        url = "/activity/?" + urlencode({"after": cursor})
    figures["after_500_pages_ms"] = _timed(client, url)

    busiest = (
        Event.objects.filter(action="auth.signed_in", actor_label__startswith="seed-actor-")
        .values_list("actor_label", flat=True)
        .first()
    )
    today = timezone.now().date()
    filtered = {
        "actor": busiest,
        "action": "auth.signed_in",
        "date_from": (today - timedelta(days=29)).isoformat(),
        "date_to": today.isoformat(),
    }
    figures["filtered_page_ms"] = _timed(client, "/activity/?" + urlencode(filtered))
    figures["filtered_page_rows"] = client.get("/activity/?" + urlencode(filtered)).content.decode().count("<tr><td>")

    rss_before = peak = _rss_mb()
    started = time.perf_counter()
    response = client.get("/activity/export.csv")
    rows = -1  # the header
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        if rows % 10_000 == 0:
            peak = max(peak, _rss_mb())
        if rows >= EXPORT_ROWS:
            break
    response.close()
    figures["export_ms"] = (time.perf_counter() - started) * 1000
    figures["export_rows"] = rows
    figures["export_memory_growth_mb"] = max(peak, _rss_mb()) - rss_before
    return figures


def run_1k() -> dict:
    client = _prepare(SIZES["1k"])
    return {"first_page_ms": _timed(client, "/activity/")}


def main() -> int:
    if len(sys.argv) == 2 and sys.argv[1] in SIZES:
        name = f"bench_activity_{sys.argv[1]}"
        _ensure_database(name)
        _setup_django(name)
        figures = run_1m() if sys.argv[1] == "1m" else run_1k()
        print(repr(figures))
        return 0
    # Each size in its own process: Django binds one database per process.
    import ast
    import subprocess

    results = {}
    for size in ("1k", "1m"):
        print(f"== {SIZES[size]:,} events", flush=True)
        out = subprocess.run(
            [sys.executable, __file__, size], check=True, capture_output=True, text=True, cwd=ROOT
        ).stdout
        for line in out.splitlines()[:-1]:
            print(line)
        results[size] = ast.literal_eval(out.splitlines()[-1])
    big, small = results["1m"], results["1k"]
    ratio = big["first_page_ms"] / small["first_page_ms"]
    checks = [
        ("first page, 1,000,000 events", big["first_page_ms"], "ms", big["first_page_ms"] < TARGET_PAGE_MS),
        (
            "page after following the cursor 500 times",
            big["after_500_pages_ms"],
            "ms",
            big["after_500_pages_ms"] < TARGET_PAGE_MS,
        ),
        (
            f"filtered page (actor + action + 30 days, {big['filtered_page_rows']} rows)",
            big["filtered_page_ms"],
            "ms",
            big["filtered_page_ms"] < TARGET_PAGE_MS,
        ),
        ("first page, 1,000 events", small["first_page_ms"], "ms", small["first_page_ms"] < TARGET_PAGE_MS),
        ("first page ratio 1M / 1k", ratio, "x", ratio <= TARGET_RATIO),
        (f"CSV export of {big['export_rows']:,} rows, time", big["export_ms"], "ms", True),
        (
            "CSV export memory growth",
            big["export_memory_growth_mb"],
            "MB",
            big["export_memory_growth_mb"] < TARGET_EXPORT_MB,
        ),
    ]
    print()
    for label, value, unit, ok in checks:
        print(f"{'ok  ' if ok else 'MISS'} {label:58} {value:10.2f} {unit}")
    return 0 if all(ok for *_, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
