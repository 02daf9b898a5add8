from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from activity.services import events_seed


class Command(BaseCommand):
    help = (
        "Append realistic fake events (many actors, actions and targets, spread over two years) to the "
        "activity log, in batches, for benchmarks and demos. Fake actors are inactive users named after "
        "example.invalid addresses."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="How many events to create.")
        parser.add_argument("--actors", type=int, default=40, help="How many fake actors (default 40).")
        parser.add_argument("--days", type=int, default=730, help="Spread the events over this many days (730).")
        parser.add_argument("--batch-size", type=int, default=5000, help="Events per insert batch (5000).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for repeatable data.")

    def handle(self, *args, count: int, actors: int, days: int, batch_size: int, seed: int | None, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if actors < 1 or days < 1 or batch_size < 1:
            raise CommandError("--actors, --days and --batch-size must each be at least 1.")
        started = time.perf_counter()
        made = events_seed(count=count, actors=actors, days=days, batch_size=batch_size, seed=seed)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Created {made} fake events in {elapsed:.1f} s."))
