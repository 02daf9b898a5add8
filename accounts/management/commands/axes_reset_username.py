from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.services import lockout_clear


class Command(BaseCommand):
    help = "Unlock the given emails: clear their failed sign-in attempts (recorded in the activity log)."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="+", type=str, help="Email addresses to unlock.")

    def handle(self, *args, **options):
        count = sum(lockout_clear(email=email) for email in options["username"])
        self.stdout.write(f"{count} attempts removed." if count else "No attempts found.")
