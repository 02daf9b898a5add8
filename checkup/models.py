from __future__ import annotations

from django.db import models

from .registry import Status


class DailyResult(models.Model):
    """One check's result on one day: the history the checkup page draws its score from."""

    day = models.DateField(help_text="The day (UTC) the result was taken.")
    check_id = models.CharField(max_length=100, help_text="The check's registered id, e.g. accounts.two_factor.")
    status = models.CharField(
        max_length=20, choices=[(status.value, status.label) for status in Status], help_text="What the check found."
    )
    measured = models.CharField(max_length=300, blank=True, help_text="What was measured, without anyone's name.")
    recorded_at = models.DateTimeField(help_text="When the result was taken.")

    class Meta:
        ordering = ["-day", "check_id"]
        constraints = [models.UniqueConstraint(fields=["day", "check_id"], name="checkup_one_result_per_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.check_id}: {self.status}"
