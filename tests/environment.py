"""Environment for the test run, loaded as an early pytest plugin.

It runs before pytest-django imports the settings, so the suite needs no
environment of its own. Variables already set (DATABASE_URL, REDIS_URL on CI)
are kept.

pytest-xdist workers (gw0, gw1, …) start with the environment of the process
that started them, so each takes its own directory and cache key prefix under
the shared ones, and on Redis its own database: the suite empties the cache
around every test, and django-redis empties a whole database (FLUSHDB),
whatever the key prefix. PostgreSQL test databases get a per-worker suffix
from pytest-django.
"""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16  # Redis' default number of databases


def _worker_redis_url(url: str, worker: int) -> str:
    """Return ``url`` moved ``worker`` databases down (gw0 keeps the database it names)."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database - worker) % REDIS_DATABASES}"))


os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("MODYO_VAR_DIR", tempfile.mkdtemp(prefix="modyo-admin-test-"))
os.environ.setdefault("CACHE_KEY_PREFIX", f"modyo_admin_test_{os.getpid()}")
# Activity events are sealed by the committing thread, so that a test sees the seal at once and no
# sealer thread outlives it; the tests of the background sealer turn it on themselves.
os.environ.setdefault("ACTIVITY_SEAL_IN_BACKGROUND", "0")
# Likewise a verification asked for from the activity page runs in the request; its own tests turn the thread on.
os.environ.setdefault("ACTIVITY_VERIFY_IN_BACKGROUND", "0")
# The suite runs with debug off, which is production: secure __Host- cookies and HSTS stay as
# production has them, but the test client and the live server speak plain HTTP, so only the
# redirect to HTTPS is turned off, explicitly, as an operator would behind a redirecting load
# balancer. tests/production checks the redirect itself and the settings of a clean environment.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

worker = os.environ.get("PYTEST_XDIST_WORKER")
if worker:
    os.environ["MODYO_VAR_DIR"] = os.path.join(os.environ["MODYO_VAR_DIR"], worker)
    os.environ["CACHE_KEY_PREFIX"] = f"{os.environ['CACHE_KEY_PREFIX']}_{worker}"
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = _worker_redis_url(os.environ["REDIS_URL"], int(worker.removeprefix("gw")))
os.makedirs(os.path.join(os.environ["MODYO_VAR_DIR"], "static"), exist_ok=True)
