"""The security checkup's check of backups (see checkup/registry.py)."""

from __future__ import annotations

from datetime import timedelta

from checkup import conf as checkup_conf
from checkup.registry import CheckContext, Fix, Result, Status, register

from .selectors import backup_last_successful


@register(
    "backups.recent",
    title="A recent backup",
    why="Only a recent backup brings the team, the settings and the activity log back after a lost disk or a "
    "bad change.",
)
def backup_check(context: CheckContext) -> Result:
    fix = Fix(
        "Backups",
        hint="Run python manage.py backup daily (cron or a systemd timer) and keep the archives off this machine.",
    )
    last = backup_last_successful()
    if last is None:
        return Result(Status.FAIL, "No backup has been made.", fix)
    max_age = checkup_conf.backup_max_age_hours()
    hours = int((context.now - last.finished_at) / timedelta(hours=1))
    measured = f"The last successful backup finished {hours} hour{'s' if hours != 1 else ''} ago"
    if context.now - last.finished_at > timedelta(hours=max_age):
        return Result(Status.FAIL, f"{measured}, longer than {max_age} hours.", fix)
    return Result(Status.PASS, f"{measured}.")
