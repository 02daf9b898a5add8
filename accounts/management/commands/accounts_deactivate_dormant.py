from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.services import dormant_members_deactivate


class Command(BaseCommand):
    help = (
        "Deactivate the members who have not signed in for the number of days set under Settings > Security > "
        "Dormant accounts (never the last active owner, never an exempted service account), record one event "
        "per account and email each member. Run it daily (cron or a systemd timer); a second run the same day "
        "changes nothing."
    )

    def handle(self, *args, **options):
        run = dormant_members_deactivate()
        if run.days is None:
            self.stdout.write("Dormant accounts are not deactivated (the setting is off); nothing to do.")
            return
        for user in run.deactivated:
            self.stdout.write(f"Deactivated {user.email} (no sign-in for {run.days} days).")
        for user in run.kept_last_owner:
            self.stdout.write(f"Kept {user.email}: the last active owner is never deactivated.")
        self.stdout.write(
            self.style.SUCCESS(f"{len(run.deactivated)} dormant account(s) deactivated (limit: {run.days} days).")
        )
