"""Settings of the security app, read lazily with their defaults."""

from __future__ import annotations

from django.conf import settings

from .models import DEFAULT_TOKEN_TTL


def cors_process_cache_seconds() -> float:
    """How long one process reuses the allowed-origin set before asking the shared cache again.

    Other processes see a change within this time; the process that made the
    change sees it at once.
    """
    return float(getattr(settings, "SECURITY_CORS_PROCESS_CACHE_SECONDS", 1.0))


def cors_cache_timeout() -> int:
    """Seconds the shared cache keeps the allowed-origin set (a safety net; changes replace it at once)."""
    return int(getattr(settings, "SECURITY_CORS_CACHE_TIMEOUT", 300))


def delivery_token_default_ttl() -> int:
    """TTL of delivery tokens until an administrator sets one on the Security page."""
    return getattr(settings, "SECURITY_DELIVERY_TOKEN_DEFAULT_TTL", DEFAULT_TOKEN_TTL)


def delivery_token_issuer() -> str:
    """The ``iss`` claim of delivery tokens: the panel's own address unless set."""
    issuer = getattr(settings, "SECURITY_DELIVERY_TOKEN_ISSUER", "") or getattr(
        settings, "PANEL_BASE_URL", "http://127.0.0.1:8000"
    )
    return issuer.rstrip("/")
