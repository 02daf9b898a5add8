from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.services import lockout_clear


class Command(BaseCommand):
    help = "Unlock one email from one IP address (recorded in the activity log)."

    def add_arguments(self, parser):
        parser.add_argument("ip", type=str, help="The IP address.")
        parser.add_argument("username", type=str, help="The email.")

    def handle(self, *args, **options):
        count = lockout_clear(email=options["username"], ip=options["ip"])
        self.stdout.write(f"{count} attempts removed." if count else "No attempts found.")
