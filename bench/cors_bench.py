"""Measure what the database-backed CORS setting costs per API request.

Runs, in one process and one run, the same API request from an allowed origin
under two configurations and prints the requests per second of each and their
ratio:

- dynamic: origins saved on the Security page (security.cors, through
  django-cors-headers' check_request_enabled signal);
- static: the same origins hard-coded in CORS_ALLOWED_ORIGINS, with the
  signal receiver disconnected.

Rounds alternate between the two so that drift (CPU frequency, other load)
hits both alike (ABBA order, garbage collection paused while timing); the medians of each variant, and the median of the
per-round ratios, are compared. Target: the dynamic
setting costs at most 5 %.

    .venv/bin/python bench/cors_bench.py [--requests 1000] [--rounds 9]

It uses a throw-away test database: SQLite by default, or the one
DATABASE_URL names; REDIS_URL makes the shared cache Redis, as in production.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modyo_admin.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_DEBUG", "0")
# The test client speaks plain HTTP; production's redirect to HTTPS would answer every request with a 301.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("MODYO_VAR_DIR", tempfile.mkdtemp(prefix="modyo-admin-bench-"))
os.environ.setdefault("CACHE_KEY_PREFIX", f"modyo_admin_bench_{os.getpid()}")
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.makedirs(os.path.join(os.environ["MODYO_VAR_DIR"], "static"), exist_ok=True)

import django  # noqa: E402

django.setup()

from corsheaders.signals import check_request_enabled  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.roles import Role  # noqa: E402
from content import services as content_services  # noqa: E402
from security import cors  # noqa: E402
from security import services as security_services  # noqa: E402

ORIGINS = ["http://api.mydomain.com", "http://mysubdomain.mydomain.com", "http://mydomain.com"]
ORIGIN = "http://mydomain.com"
PATH = "/api/content/entries/welcome/"
TARGET_COST = 0.05


def _run(client: Client, count: int) -> float:
    """Return requests per second over ``count`` requests."""
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for _ in range(count):
            client.get(PATH, HTTP_ORIGIN=ORIGIN)
        return count / (time.perf_counter() - started)
    finally:
        gc.enable()


def _check(client: Client, variant: str) -> None:
    response = client.get(PATH, HTTP_ORIGIN=ORIGIN)
    if response.status_code != 200 or response.get("Access-Control-Allow-Origin") != ORIGIN:
        raise SystemExit(f"{variant}: the request did not get CORS headers; the comparison would be meaningless.")


class _Static:
    """The origins hard-coded in settings, with the database-backed decision switched off."""

    def __enter__(self):
        check_request_enabled.disconnect(dispatch_uid="security.cors_check_request_enabled")
        self._override = override_settings(CORS_ALLOWED_ORIGINS=ORIGINS)
        self._override.enable()

    def __exit__(self, *exc):
        self._override.disable()
        check_request_enabled.connect(
            cors.cors_check_request_enabled, dispatch_uid="security.cors_check_request_enabled"
        )


def _prepare() -> None:
    owner = account_services.member_create(
        email="bench@example.com", password=secrets.token_urlsafe(24) + "Aa1!", role=Role.OWNER
    )
    content_services.entry_create(acting_user=owner, title="Welcome", slug="welcome", body="Hi.", visibility="public")
    security_services.cors_settings_update(acting_user=owner, enabled=True, allowed_origins=", ".join(ORIGINS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per round (default 1000)")
    parser.add_argument("--rounds", type=int, default=9, help="rounds per variant (default 9)")
    parser.add_argument("--json", help="also write the row of bench/run.py's table to this file")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        _prepare()
        client = Client()
        _check(client, "dynamic")
        with _Static():
            _check(client, "static")
        _run(client, args.requests // 4)  # warm-up
        # What the origins from the settings page add to the request's own queries (the entry).
        with CaptureQueriesContext(connection) as captured:
            _check(client, "dynamic")
        with _Static(), CaptureQueriesContext(connection) as static_captured:
            _check(client, "static")
        warm_queries = len(captured.captured_queries) - len(static_captured.captured_queries)
        results: dict[str, list[float]] = {"dynamic": [], "static": []}
        for round_number in range(args.rounds):
            # ABBA order: neither variant always runs first, or always after the other's garbage.
            for variant in ("dynamic", "static") if round_number % 2 == 0 else ("static", "dynamic"):
                with _Static() if variant == "static" else contextlib.nullcontext():
                    results[variant].append(_run(client, args.requests))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    dynamic, static = statistics.median(results["dynamic"]), statistics.median(results["static"])
    rounds_ratios = [d / s for d, s in zip(results["dynamic"], results["static"], strict=True)]
    ratio = statistics.median(rounds_ratios)
    cache_backend = "Redis" if os.environ.get("REDIS_URL") else "local memory"
    print(f"GET {PATH} with Origin {ORIGIN}; {args.rounds} rounds x {args.requests} requests; cache: {cache_backend}")
    print(f"dynamic (Security page, cached):  {dynamic:9.1f} requests/s (median round)")
    print(f"static (CORS_ALLOWED_ORIGINS):    {static:9.1f} requests/s (median round)")
    print(
        f"ratio dynamic/static:             {ratio:9.3f}  (median of per-round ratios; cost {100 * (1 - ratio):+.1f} %)"
    )
    verdict = "within" if 1 - ratio <= TARGET_COST else "ABOVE"
    print(f"target: cost at most {100 * TARGET_COST:.0f} % -> {verdict} target")
    if args.json:
        import json

        from bench.common import Row

        # The table compares times: requests/s inverted, so that the ratio is subject time ÷ baseline time.
        row = Row(
            "3 CORS GET, origins from the settings page",
            "Security page origins",
            "hard-coded origins",
            1000 / dynamic,
            1000 / static,
            "ms",
            1 / ratio,
            "≤ 1.10, 0 queries warm",
            1 / ratio <= 1.10 and warm_queries == 0,
            f"{1 / max(rounds_ratios):.2f}–{1 / min(rounds_ratios):.2f}",
            f"+{warm_queries}",
            f"{args.rounds} rounds x {args.requests} requests; cache: {cache_backend}",
        )
        Path(args.json).write_text(json.dumps([row.as_dict()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
