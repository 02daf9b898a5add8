"""Settings of the security app, read lazily; their defaults live here and nowhere else."""

from __future__ import annotations

from django.conf import settings

from accounts import conf as accounts_conf

# Delivery-token lifetimes and grace periods, in seconds.
MIN_TOKEN_TTL = 60
MAX_TOKEN_TTL = 604_800  # one week
DEFAULT_TOKEN_TTL = 3600
SHORT_TOKEN_TTL = 300  # below this, the page warns that tokens are re-issued too often
MAX_GRACE_PERIOD = MAX_TOKEN_TTL


def cors_process_cache_seconds() -> float:
    """How long one process reuses the allowed-origin set before asking the shared cache again.

    Other processes see a change within this time; the process that made the
    change sees it at once.
    """
    return float(getattr(settings, "SECURITY_CORS_PROCESS_CACHE_SECONDS", 1.0))


def delivery_keys_process_cache_seconds() -> float:
    """How long one process reuses its copy of the delivery keys before asking the shared cache for their version.

    Other processes stop signing with a rotated key, and stop accepting a key
    whose grace period was cut short, within this time; the rotating process at once.
    """
    return float(getattr(settings, "SECURITY_DELIVERY_KEYS_PROCESS_CACHE_SECONDS", 1.0))


def delivery_members_process_cache_seconds() -> float:
    """How long one process trusts what it read of the member behind a delivery token (0: not at all).

    Other processes refuse the tokens of a member signed out everywhere or
    deactivated within this time; the process that did it at once.
    """
    return float(getattr(settings, "SECURITY_DELIVERY_MEMBERS_PROCESS_CACHE_SECONDS", 1.0))


def cors_cache_timeout() -> int:
    """Seconds the shared cache keeps the allowed-origin set.

    Changes replace it at once; the expiry bounds how long a lost replacement
    leaves a removed origin allowed, like every cached security setting.
    """
    return int(getattr(settings, "SECURITY_CORS_CACHE_TIMEOUT", getattr(settings, "SETTINGS_CACHE_SECONDS", 5)))


def delivery_token_default_ttl() -> int:
    """TTL of delivery tokens of a new installation, stored with its delivery settings on first use."""
    return getattr(settings, "SECURITY_DELIVERY_TOKEN_DEFAULT_TTL", DEFAULT_TOKEN_TTL)


def delivery_token_issuer() -> str:
    """The ``iss`` claim of delivery tokens: the panel's own address unless set."""
    issuer = getattr(settings, "SECURITY_DELIVERY_TOKEN_ISSUER", "") or accounts_conf.panel_base_url()
    return issuer.rstrip("/")
