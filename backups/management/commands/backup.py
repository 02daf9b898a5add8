from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from backups.services import backup_create


class Command(BaseCommand):
    help = (
        "Write one archive (tar.gz) with every row of the database, the shared-file directories (media, the "
        "activity log's archives) and a manifest with the SHA-256 of every member. The archive holds password "
        "hashes and secrets: keep it in encrypted storage. Records the run for the security checkup."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Where to write the archive (default: BACKUP_DIR/<time>).")

    def handle(self, *args, output: Path | None = None, **options):
        verbose = options["verbosity"] > 0
        run = backup_create(output=output, progress=self.stdout.write if verbose else lambda message: None)
        if not verbose:
            self.stdout.write(run.path)
