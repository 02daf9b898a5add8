"""Activity events of the activity app's own URLs and commands (see event_contract.py)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.utils import timezone

from activity.models import RetentionSetting
from activity.sealing import seal_pending
from activity.services import event_record
from tests.activity.event_contract import EventCase


def _old_events(world):
    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        event_record(action="activity.seeded", target_label="old")
    seal_pending()  # as the commits would have: only sealed events are pruned
    # The fixtures' events are newer, so only a prefix is due: move the clock instead.
    RetentionSetting.objects.update_or_create(pk=1, defaults={"keep_days": 90})


def _prune(client, world):
    with time_machine.travel(timezone.now() + timedelta(days=100), tick=False):
        call_command("activity_prune")


EVENT_CASES = [
    EventCase(
        "activity_verify", "activity.verified", lambda client, world: call_command("activity_verify"), command=True
    ),
    EventCase("activity_prune", "activity.pruned", _prune, command=True, setup=_old_events),
    EventCase(
        "activity:verify",
        "activity.verified",
        lambda client, world: client.post("/activity/verify/"),
        as_role="auditor",
    ),
    EventCase(
        "activity_seed",
        "activity.seeded",
        lambda client, world: call_command("activity_seed", "--count", "20", "--actors", "3"),
        command=True,
        # The fake events are the command's data; its record of the run is the one activity_log event.
        counted=lambda events: events.filter(target_type="activity_log"),
    ),
]

READ_ONLY = {
    "activity:list": "GET only (require_safe); browsing changes nothing.",
    "activity:detail": "GET only (require_safe).",
    "activity:chart": "GET only (require_safe).",
    "activity:export_csv": "GET only (require_safe); an export changes nothing.",
    "activity:export_jsonl": "GET only (require_safe); an export changes nothing.",
    "api_schema": "The OpenAPI schema (drf-spectacular), GET only.",
    "healthz": "Load-balancer probe, GET only (require_safe); touches nothing.",
    "readyz": "Load-balancer probe, GET only (require_safe); reads the database and Redis, writes nothing.",
    "security_txt": "/.well-known/security.txt, GET only (require_safe); a static text from settings.",
    "command:activity_seal": (
        "Seals committed events: it adds seals, the log's own integrity record, and never an event "
        "(an event about sealing would need a seal in turn); every commit does the same."
    ),
    "command:flush": (
        "Django's flush, which activity only lets past its TRUNCATE guard: database maintenance that erases "
        "every table, the log included, so no event could outlive it."
    ),
}
