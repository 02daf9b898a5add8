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


def seal_batch_size() -> int:
    """Return how many events one seal covers at most (ACTIVITY_SEAL_BATCH_SIZE)."""
    return max(1, int(getattr(settings, "ACTIVITY_SEAL_BATCH_SIZE", 500)))


def seal_gap_grace_seconds() -> float:
    """Return how long an unused id below a committed one waits before the sealer records it as a gap.

    The sealer records a gap only once an insert of that id no longer meets a
    row (the transaction rolled back); the grace only covers the moment between
    a writer drawing the id and inserting its row.
    """
    return float(getattr(settings, "ACTIVITY_SEAL_GAP_GRACE_SECONDS", 1.0))


def seal_overdue_seconds() -> int:
    """Return after how long an event still not sealed makes `activity_verify` fail (ACTIVITY_SEAL_OVERDUE_SECONDS)."""
    return int(getattr(settings, "ACTIVITY_SEAL_OVERDUE_SECONDS", 300))


def seal_delay_seconds() -> float:
    """Return how long the sealer thread lets commits gather before a round (ACTIVITY_SEAL_DELAY_SECONDS)."""
    return float(getattr(settings, "ACTIVITY_SEAL_DELAY_SECONDS", 0.1))


def seal_in_background() -> bool:
    """Return whether commits hand sealing to a thread of the process (ACTIVITY_SEAL_IN_BACKGROUND).

    The default is yes on PostgreSQL, where several processes write at once and
    a request should not wait for the seal, and no on SQLite, which has one
    writer at a time and seals in the committing thread.
    """
    configured = getattr(settings, "ACTIVITY_SEAL_IN_BACKGROUND", None)
    if configured is not None:
        return bool(configured)
    from django.db import connection

    return connection.vendor == "postgresql"


# A verification asked for from the activity page: how long the request waits for it to finish before the
# page shows it in progress, and how long its "in progress" mark outlives its last sign of life.
VERIFY_WAIT_SECONDS = 5.0
VERIFY_HEARTBEAT_SECONDS = 30.0


def verify_in_background() -> bool:
    """Return whether the activity page verifies the log in a thread of the process (ACTIVITY_VERIFY_IN_BACKGROUND).

    On by default: verification takes about 22 s per million events on two
    cores, longer than a request may. The test suite turns it off, so that a
    test sees the result at once.
    """
    return bool(getattr(settings, "ACTIVITY_VERIFY_IN_BACKGROUND", True))
