from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.services import lockout_clear


class Command(BaseCommand):
    help = "Unlock every account: clear all failed sign-in attempts and lockouts (recorded in the activity log)."

    def handle(self, *args, **options):
        count = lockout_clear(email=None)
        self.stdout.write(f"{count} attempts removed." if count else "No attempts found.")
