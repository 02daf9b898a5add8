"""Settings of the checkup, read lazily with their defaults (each may be set from the environment)."""

from __future__ import annotations

from django.conf import settings


def max_administrators() -> int:
    """Owners and admins the checkup accepts, or 10 % of the active members when that is more."""
    return int(getattr(settings, "CHECKUP_MAX_ADMINISTRATORS", 3))


def delivery_key_max_age_days() -> int:
    """Age past which the content-delivery key should be rotated."""
    return int(getattr(settings, "CHECKUP_DELIVERY_KEY_MAX_AGE_DAYS", 365))


def review_max_age_days() -> int:
    """How recent an auditor's sign-off of the activity log must be."""
    return int(getattr(settings, "CHECKUP_REVIEW_MAX_AGE_DAYS", 30))


def verification_max_age_days() -> int:
    """How recent the last verification of the activity log must be."""
    return int(getattr(settings, "CHECKUP_VERIFICATION_MAX_AGE_DAYS", 7))


def backup_max_age_hours() -> int:
    """How recent the last successful backup must be."""
    return int(getattr(settings, "CHECKUP_BACKUP_MAX_AGE_HOURS", 26))


def token_unused_days() -> int:
    """Days after which an API token nobody used should be revoked."""
    return int(getattr(settings, "CHECKUP_TOKEN_UNUSED_DAYS", 90))


def history_days() -> int:
    """Days of daily results the page draws."""
    return 90
