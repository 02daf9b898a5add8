from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from activity.services import chain_verification_record
from activity.verification import chain_verify


class Command(BaseCommand):
    help = (
        "Check every activity event against its hash and every seal against its events and the seal before it; "
        "report the first event or seal that does not match (changed, inserted or deleted rows). Exit status 1 "
        "when the log is broken. Prints the newest seal's hash: keep it elsewhere to check the log against later."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="Do not append the outcome to the log (for read-only replicas); the activity page will not show it.",
        )

    def handle(self, *args, no_record: bool = False, **options):
        result = chain_verify()
        if not no_record:
            chain_verification_record(result=result)
        if not result.ok:
            raise CommandError(result.summary(), returncode=1)
        self.stdout.write(self.style.SUCCESS(result.summary()))
