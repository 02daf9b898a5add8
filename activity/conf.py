"""Settings of the activity app, read lazily with their defaults."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

# Below this an auditor could lose events before a quarterly review.
MIN_RETENTION_DAYS = 90
MAX_RETENTION_DAYS = 36500


def archive_dir() -> Path:
    """Return where `activity_prune` writes its compressed archives (ACTIVITY_ARCHIVE_DIR)."""
    configured = getattr(settings, "ACTIVITY_ARCHIVE_DIR", "")
    if configured:
        return Path(configured)
    return Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "activity-archive"


def page_size() -> int:
    return int(getattr(settings, "ACTIVITY_PAGE_SIZE", 50))


def export_batch_size() -> int:
    return int(getattr(settings, "ACTIVITY_EXPORT_BATCH_SIZE", 2000))
