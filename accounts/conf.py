"""Settings of the accounts app, read lazily with their defaults."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def invitation_ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "ACCOUNTS_INVITATION_TTL_HOURS", 72))


def panel_base_url() -> str:
    return getattr(settings, "PANEL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def organisation_name() -> str:
    return getattr(settings, "ORGANISATION_NAME", "Modyo")


def lockout_failure_limit() -> int:
    return getattr(settings, "LOCKOUT_FAILURE_LIMIT", 5)


def lockout_cooloff() -> timedelta:
    return timedelta(minutes=getattr(settings, "LOCKOUT_COOLOFF_MINUTES", 15))


def reauthentication_max_age() -> timedelta:
    return timedelta(minutes=getattr(settings, "REAUTHENTICATION_MAX_AGE_MINUTES", 15))
