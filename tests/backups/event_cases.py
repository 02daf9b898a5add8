"""Activity events of the backups app's commands (see tests/activity/event_contract.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from backups.services import backup_create
from tests.activity.event_contract import EventCase


def _output(name: str) -> str:
    # Next to the test's own archive directory (tmp_path), never inside a directory the backup holds.
    return str(Path(settings.ACTIVITY_ARCHIVE_DIR).with_name(f"{Path(settings.ACTIVITY_ARCHIVE_DIR).name}-{name}"))


def _archive(world):
    return backup_create(output=_output("restore.tar.gz")).path


def _restored(events):
    # The restore replaces the whole log with the archive's, so ids after the backup are used again:
    # the restore's own record is the one event the archive did not hold.
    return events.model.objects.filter(action__startswith="backup.")


EVENT_CASES = [
    EventCase(
        "backup",
        "backup.created",
        lambda client, world: call_command("backup", "--output", _output("backup.tar.gz"), verbosity=0),
        command=True,
    ),
    EventCase(
        "restore",
        "backup.restored",
        lambda client, world: call_command("restore", world["prepared"], "--yes", verbosity=0),
        command=True,
        setup=_archive,
        counted=_restored,
    ),
]
