"""Reads of the security settings shared by pages, the API and the CORS decision."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from singletons.selectors import singleton_get

from .models import CorsSettings, DeliveryKey, DeliverySettings


def cors_settings_get(*, cached: bool = True) -> CorsSettings:
    """Return the CORS settings (cached; refreshed when they change)."""
    return singleton_get(CorsSettings, cached=cached)


def delivery_settings_get() -> DeliverySettings:
    """Return the delivery-token options (cached; refreshed when they change)."""
    return singleton_get(DeliverySettings)


def delivery_key_current() -> DeliveryKey | None:
    """Return the key that signs new tokens, or None before the first one is generated."""
    return DeliveryKey.objects.select_related("created_by").filter(retired_at__isnull=True).first()


def delivery_key_for_verification(kid: str, *, now: datetime | None = None) -> DeliveryKey | None:
    """Return the key named ``kid`` if it may verify tokens at ``now`` (current, or retired in grace)."""
    key = DeliveryKey.objects.filter(kid=kid).first()
    if key is None or not key.verifies_at(now or timezone.now()):
        return None
    return key


def delivery_keys_in_grace(*, now: datetime | None = None) -> list[DeliveryKey]:
    """Return retired keys that still verify tokens, newest first."""
    return list(DeliveryKey.objects.filter(retired_at__isnull=False, verify_until__gt=now or timezone.now()))
