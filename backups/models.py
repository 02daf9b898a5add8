from __future__ import annotations

from django.db import models


class BackupRun(models.Model):
    """One successful ``manage.py backup``: where the archive went and how to recognise it."""

    started_at = models.DateTimeField(help_text="When the backup began reading the database (UTC).")
    finished_at = models.DateTimeField(help_text="When the archive was complete on disk (UTC).")
    path = models.CharField(max_length=1000, help_text="Where the archive was written, as the command was told.")
    size_bytes = models.PositiveBigIntegerField(help_text="Size of the archive in bytes.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the whole archive file, hex.")
    objects_count = models.PositiveIntegerField(help_text="Database rows in the archive.")
    files_count = models.PositiveIntegerField(help_text="Shared files in the archive.")

    class Meta:
        ordering = ["-finished_at"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} UTC ({self.path})"
