"""Options of the backups, with their defaults (settings.py sets them only from the environment)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from activity import conf as activity_conf


def backup_dir() -> Path:
    """Return where ``manage.py backup`` writes its archive when no --output is given (BACKUP_DIR)."""
    return Path(getattr(settings, "BACKUP_DIR", Path(settings.VAR_DIR) / "backups"))


def file_dirs() -> dict[str, Path]:
    """Return the shared-file directories a backup holds, by the name they take in the archive.

    The media directory (MEDIA_ROOT: uploaded files) and the activity log's archives of
    pruned events, which exist nowhere else once ``activity_prune`` has removed the rows.
    """
    return {"media": Path(settings.MEDIA_ROOT), "activity-archive": Path(activity_conf.archive_dir())}
