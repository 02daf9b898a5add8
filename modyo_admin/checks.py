"""Deployment checks of the services the panel needs (ids modyo_admin.E00x).

They connect, so they run with ``manage.py check --deploy`` only: a database or
Redis that cannot be reached is reported before the server starts, not at the
first request. They live here, with the settings that name those services
(DATABASE_URL, REDIS_URL), rather than in an app, which knows no deployment.
"""

from __future__ import annotations

from django.core.checks import Error, register

from . import health

TAG = "connections"


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__


@register(TAG, deploy=True)
def check_database_reachable(app_configs, **kwargs):
    try:
        health.database_probe()
    except Exception as error:  # whatever the driver raises, the answer is "unreachable"
        return [
            Error(
                f"The database cannot be reached ({_first_line(error)}).",
                hint="Check DATABASE_URL, and that the database server runs and accepts connections from here.",
                id="modyo_admin.E001",
            )
        ]
    return []


@register(TAG, deploy=True)
def check_cache_reachable(app_configs, **kwargs):
    try:
        health.cache_probe()
    except Exception as error:
        return [
            Error(
                f"Redis (the shared cache) cannot be reached ({_first_line(error)}).",
                hint="Check REDIS_URL, and that Redis runs and accepts connections from here.",
                id="modyo_admin.E002",
            )
        ]
    return []
