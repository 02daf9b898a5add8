from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.archive import ArchiveError, archive_verify
from backups.services import RestoreRefused, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the whole database and the shared files with those of a backup archive. The archive is "
        "verified against its manifest first: a damaged one is refused and nothing changes. The rows are "
        "restored in one transaction, and only if the activity log then verifies."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive written by manage.py backup.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation (restore is destructive).")

    def handle(self, *args, path: Path, yes: bool = False, **options):
        try:
            manifest = archive_verify(path)
        except ArchiveError as error:
            raise CommandError(f"Refused: {error}") from None
        if not yes:
            answer = input(
                f"This replaces EVERY row of the database and the shared files with the backup of "
                f"{manifest.get('created_at')} ({manifest.get('rows', 0):,} rows). Changes made since are lost.\n"
                "Type 'yes' to continue, or 'no' to cancel: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        verbose = options["verbosity"] > 0
        try:
            backup_restore(path=path, progress=self.stdout.write if verbose else lambda message: None)
        except (ArchiveError, RestoreRefused) as error:
            raise CommandError(f"Refused: {error}") from None
