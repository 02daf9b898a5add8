from __future__ import annotations

from django.core.management.base import BaseCommand

from activity.sealing import seal_pending


class Command(BaseCommand):
    help = (
        "Seal every committed activity event that no seal covers yet. Events are sealed when they are "
        "saved; this catches up after a failure (run it from cron, e.g. every minute). Waits for a "
        "sealer running elsewhere instead of returning at once."
    )

    def handle(self, *args, **options):
        run = seal_pending(max_rounds=None, wait=True)
        message = f"Sealed {run.events} events in {run.seals} seals"
        if run.gaps:
            message += f", recorded {run.gaps} unused ids as gaps"
        message += "."
        if run.pending:
            message += (
                f" {run.pending} ids below the newest are not committed yet (an open transaction, or one rolled "
                "back moments ago); a later seal settles them."
            )
        self.stdout.write(self.style.SUCCESS(message))
