"""Running the registered checks, and reading the history of their results."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from . import conf
from .models import DailyResult
from .registry import Check, CheckContext, Result, Status, all_checks

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    check: Check
    result: Result

    @property
    def status(self) -> Status:
        return self.result.status

    def as_dict(self) -> dict:
        fix = self.result.fix
        return {
            "id": self.check.id,
            "title": self.check.title,
            "status": self.status.value,
            "why": self.check.why,
            "measured": self.result.measured,
            "fix": {"label": fix.label, "url": fix.url, "hint": fix.hint} if fix else None,
        }


@dataclass(frozen=True)
class Report:
    outcomes: tuple[Outcome, ...]

    @property
    def applicable(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status != Status.NOT_APPLICABLE)

    @property
    def passed(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == Status.PASS)

    @property
    def failing(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == Status.FAIL]

    @property
    def warnings(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == Status.WARNING]

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.applicable) if self.applicable else 100

    @property
    def by_severity(self) -> list[Outcome]:
        """Return the outcomes failing first, then warnings, passes, and those that do not apply."""
        order = [Status.FAIL, Status.WARNING, Status.PASS, Status.NOT_APPLICABLE]
        return sorted(self.outcomes, key=lambda outcome: order.index(outcome.status))

    def as_dict(self) -> dict:
        return {
            "score": {"passed": self.passed, "applicable": self.applicable},
            "checks": [outcome.as_dict() for outcome in self.outcomes],
        }


def _run_one(check: Check, context: CheckContext) -> Result:
    try:
        return check.function(context)
    except Exception as error:
        # One broken check must not hide the others; it counts as failing so that monitoring sees it.
        logger.exception("Security check %s could not run.", check.id)
        return Result(Status.FAIL, f"The check could not run ({type(error).__name__}); see the server log.")


def checkup_run(*, context: CheckContext, checks: list[Check] | None = None) -> Report:
    """Run every registered check (or ``checks``) and return their results in order."""
    return Report(tuple(Outcome(check, _run_one(check, context)) for check in (checks or all_checks())))


@dataclass(frozen=True)
class DayScore:
    day: date
    passed: int
    applicable: int

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.applicable) if self.applicable else 100


def score_history(*, today: date, days: int | None = None) -> list[DayScore]:
    """Return the score of each recorded day of the last ``days`` (90 by default), oldest first (one query)."""
    days = days or conf.history_days()
    rows = (
        DailyResult.objects.filter(day__gt=today - timedelta(days=days), day__lte=today)
        .values("day")
        .annotate(
            passed=Count("pk", filter=Q(status=Status.PASS)),
            applicable=Count("pk", filter=~Q(status=Status.NOT_APPLICABLE)),
        )
        .order_by("day")
    )
    return [DayScore(row["day"], row["passed"], row["applicable"]) for row in rows]


def history_recorded(*, day: date) -> bool:
    return DailyResult.objects.filter(day=day).exists()
