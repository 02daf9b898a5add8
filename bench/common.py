"""What every benchmark shares: the databases, Django set up once, ABBA timing, and the result rows."""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def database_url(name: str) -> str:
    """Return DATABASE_URL (the local PostgreSQL by default) with the database ``name`` instead of its own."""
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"The benchmarks need PostgreSQL: DATABASE_URL names {parts.scheme}.")
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database: str) -> None:
    """Set Django up on ``database`` with Redis as the cache, as production runs, and migrate it."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="modyo_admin.settings",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DATABASE_URL=database_url(database),
        REDIS_URL=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL,
        CACHE_KEY_PREFIX=f"modyo_admin_bench_{os.getpid()}",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="ERROR",
        # Seeding and finding a cursor 10,000 pages deep take longer than a request may.
        DATABASE_STATEMENT_TIMEOUT_MS="0",
    )
    os.environ.setdefault("MODYO_VAR_DIR", tempfile.mkdtemp(prefix="modyo-admin-bench-"))
    os.makedirs(os.path.join(os.environ["MODYO_VAR_DIR"], "static"), exist_ok=True)
    ensure_database(database)
    import logging

    import django
    from django.conf import settings

    django.setup()
    # Refused sign-ins and locked-out attempts are the point here, not news.
    logging.disable(logging.WARNING)
    # The hashed-name manifest needs collectstatic; pages here only need the URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ROOT_URLCONF = "bench.urls"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def database(name: str):
    """Point the default connection at another database of the same server for a while."""
    from django.db import connections

    connection = connections["default"]
    old = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = old


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Row:
    """One line of the table: subject ÷ baseline against a target."""

    benchmark: str
    subject_label: str
    baseline_label: str
    subject: float
    baseline: float
    unit: str
    ratio: float
    target: str
    ok: bool | None
    spread: str = ""
    queries: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def timed(fn: Callable[[], object]) -> float:
    """Return how long one call of ``fn`` takes, in milliseconds."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def abba(
    subject: Callable[[], object],
    baseline: Callable[[], object],
    *,
    rounds: int = 7,
    calls: int = 5,
    warmup: int = 2,
    switch_subject: Callable[[], object] | None = None,
    switch_baseline: Callable[[], object] | None = None,
) -> dict:
    """Time ``subject`` and ``baseline`` alternately (A B B A per round); return medians and the ratios' spread.

    Each round times ``calls`` calls of each side in A, B, B, A order, so that a
    drift in speed (CPU frequency, other load) hits both alike; garbage
    collection is paused while timing. The ratio is the median of the per-round
    ratios of medians; the spread is their lowest and highest.
    """
    sides = {"a": (subject, switch_subject), "b": (baseline, switch_baseline)}

    def run(side: str, times: list[float]) -> None:
        fn, switch = sides[side]
        if switch is not None:
            switch()
        for _ in range(warmup):
            fn()
        for _ in range(calls):
            times.append(timed(fn))

    all_a, all_b, ratios = [], [], []
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            a, b = [], []
            run("a", a)
            run("b", b)
            run("b", b)
            run("a", a)
            all_a += a
            all_b += b
            ratios.append(statistics.median(a) / statistics.median(b))
    finally:
        gc.enable()
    return {
        "subject": statistics.median(all_a),
        "baseline": statistics.median(all_b),
        "ratio": statistics.median(ratios),
        "spread": f"{min(ratios):.2f}–{max(ratios):.2f}",
        "ratios": ratios,
    }


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)
