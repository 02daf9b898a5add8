"""Probes for the load balancer: ``/healthz`` (the process answers) and ``/readyz`` (it can serve).

``ProbeMiddleware`` answers both before the host check, the HTTPS redirect,
sessions and the sign-in steps: load balancers and orchestrators probe each
instance by its address over plain HTTP, and a probe must never read or write a
session, set a cookie or record an activity event. The same views are routed in
``urls.py`` (``urlpatterns`` below), so the names resolve and the probes still
answer, through the whole stack, without the middleware.

The deployment checks (``checks.py``) run the same dependency probes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def database_probe() -> None:
    """Connect to the database if needed and run ``SELECT 1``; raise whatever the database raised."""
    connection.ensure_connection()
    # ensure_connection() trusts an open connection; a query finds out whether it still works.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def redis_configured() -> bool:
    return settings.CACHES["default"]["BACKEND"].startswith("django_redis.")


def cache_probe() -> None:
    """PING the Redis behind the default cache (nothing to do without one); raise what the client raised.

    The raw client is used on purpose: the cache itself answers a miss when Redis
    is down (IGNORE_EXCEPTIONS). Its connect and read timeouts (settings.redis_cache)
    keep the probe short.
    """
    if not redis_configured():
        return
    from django_redis import get_redis_connection

    get_redis_connection("default").ping()


class MigrationState:
    # Once every migration is applied it stays so for the life of the process: new
    # migrations come with new code, which starts new processes. Remembering it keeps
    # /readyz at one query and one PING instead of reading every migration file.
    all_applied = False


migration_state = MigrationState()


def migrations_applied() -> bool:
    if not migration_state.all_applied:
        executor = MigrationExecutor(connection)
        migration_state.all_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return migration_state.all_applied


def readiness_problem() -> str | None:
    """Return what keeps the panel from serving ("database", "cache", "migrations"), or None."""
    # A probe must answer, whatever a dependency raises: every failure means "not ready".
    try:
        database_probe()
    except Exception:
        return "database"
    try:
        cache_probe()
    except Exception:
        return "cache"
    try:
        if not migrations_applied():
            return "migrations"
    except Exception:
        return "database"
    return None


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)


@login_not_required
@require_safe
@never_cache
def healthz_view(request):
    """Answer 200 while the process serves requests; touch no dependency."""
    return _plain("ok")


@login_not_required
@require_safe
@never_cache
def readyz_view(request):
    """Answer 200 when the database (and Redis, if configured) answer and every migration is applied, else 503.

    The body names the dependency only: no host, version or error text reaches the caller.
    """
    problem = readiness_problem()
    if problem is not None:
        return _plain(f"not ready: {problem}", status=503)
    return _plain("ready")


urlpatterns = [
    path("healthz", healthz_view, name="healthz"),
    path("readyz", readyz_view, name="readyz"),
]


class ProbeMiddleware:
    """Answer the probes before every middleware after this one (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = {f"/{pattern.pattern}": pattern.callback for pattern in urlpatterns}

    def __call__(self, request):
        view = self.views.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)
