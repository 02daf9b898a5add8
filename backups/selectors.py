from __future__ import annotations

from .models import BackupRun


def backup_last_successful() -> BackupRun | None:
    """Return the newest completed backup run, or None when no backup was ever made."""
    return BackupRun.objects.order_by("-finished_at").first()
