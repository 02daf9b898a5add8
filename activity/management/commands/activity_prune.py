from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from activity import conf
from activity.pruning import events_prune
from activity.selectors import retention_get


class Command(BaseCommand):
    help = (
        "Archive the seals whose events are all older than the retention (Settings > Security), with "
        "their events, to a gzip-compressed JSON Lines file, then remove them and record an activity.pruned "
        "event. Does nothing when events are kept forever."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--archive-dir",
            type=Path,
            default=None,
            help="Directory for the archive files (default: ACTIVITY_ARCHIVE_DIR, or var/activity-archive).",
        )

    def handle(self, *args, archive_dir: Path | None = None, **options):
        keep_days = retention_get().keep_days
        if keep_days is None:
            self.stdout.write("Retention is set to keep events forever; nothing to prune.")
            return
        result = events_prune(archive_dir=archive_dir or conf.archive_dir())
        if result is None:
            self.stdout.write(f"No event is older than {keep_days} days; nothing to prune.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Archived {result.count} events (sequence {result.first_sequence} to {result.through_sequence}, "
                f"seals {result.first_seal} to {result.through_seal}) to {result.archive} and removed them from "
                "the log."
            )
        )
