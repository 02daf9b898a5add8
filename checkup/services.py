"""The one write of the checkup: the day's results, kept as history."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from .models import DailyResult
from .selectors import Report


@transaction.atomic
def history_record(*, report: Report, now: datetime, replace: bool) -> int:
    """Keep ``report`` as the results of the day of ``now`` (UTC); return how many rows were written.

    ``replace=False`` (a page's first visit of the day) keeps results already taken that day;
    ``replace=True`` (the ``security_checkup`` command) replaces them with these.
    """
    day = now.date()
    rows = [
        DailyResult(
            day=day,
            check_id=outcome.check.id,
            status=outcome.status.value,
            measured=outcome.result.measured[:300],
            recorded_at=now,
        )
        for outcome in report.outcomes
    ]
    if replace:
        DailyResult.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["day", "check_id"],
            update_fields=["status", "measured", "recorded_at"],
        )
    else:
        DailyResult.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
