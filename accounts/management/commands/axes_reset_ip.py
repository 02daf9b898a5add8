from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.services import lockout_clear


class Command(BaseCommand):
    help = "Unlock the given IP addresses for every account (recorded in the activity log)."

    def add_arguments(self, parser):
        parser.add_argument("ip", nargs="+", type=str, help="IP addresses to unlock.")

    def handle(self, *args, **options):
        count = sum(lockout_clear(ip=ip) for ip in options["ip"])
        self.stdout.write(f"{count} attempts removed." if count else "No attempts found.")
