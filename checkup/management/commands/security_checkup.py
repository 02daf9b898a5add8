from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from checkup.registry import CheckContext, Status
from checkup.selectors import checkup_run
from checkup.services import history_record

MARKS = {Status.PASS: "PASS", Status.WARNING: "WARN", Status.FAIL: "FAIL", Status.NOT_APPLICABLE: "N/A"}


class Command(BaseCommand):
    help = (
        "Run the security checkup: print each check's status and what it measured, keep the results as "
        "today's history, and exit with status 1 when a check fails (for monitoring). --json prints the same "
        "as one JSON document."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the results as JSON.")
        parser.add_argument(
            "--no-record", action="store_true", help="Do not keep the results as today's history (read-only replicas)."
        )

    def handle(self, *args, as_json: bool = False, no_record: bool = False, **options):
        context = CheckContext.build()
        report = checkup_run(context=context)
        if not no_record:
            history_record(report=report, now=context.now, replace=True)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            self._table(report)
        if report.failing:
            names = ", ".join(outcome.check.id for outcome in report.failing)
            # With --json the document is the output; the reason goes to standard error only.
            raise CommandError(f"{len(report.failing)} failing check(s): {names}", returncode=1)

    def _table(self, report) -> None:
        width = max((len(outcome.check.id) for outcome in report.outcomes), default=0)
        for outcome in report.outcomes:
            line = f"{MARKS[outcome.status]:<4}  {outcome.check.id:<{width}}  {outcome.result.measured}"
            fix = outcome.result.fix
            if fix is not None and outcome.status in (Status.FAIL, Status.WARNING):
                line += f"  [{fix.hint or fix.url}]" if fix.hint or fix.url else ""
            self.stdout.write(line)
        self.stdout.write(f"Score: {report.passed} of {report.applicable} applicable checks pass.")
