from __future__ import annotations

from .registry import register
from .wording import describe

register(
    "activity.pruned", "Activity log pruned", "{actor} archived and removed {target}", target="activity_log", weight=0
)
register(
    "activity.verified",
    "Activity log verified",
    "{actor} verified the events and seals of the {target}",
    target="activity_log",
    weight=0,
)
register(
    "activity.review_signed_off",
    "Review signed off",
    "{actor} signed off a review of the {target}",
    target="activity_log",
    weight=0,
)
register(
    "activity.seeded",
    "Fake events seeded",
    "{actor} added {target} for benchmarks or demos",
    target="activity_log",
    weight=0,
    offered=False,
)
register(
    "settings.activity_retention.updated",
    "Activity log retention updated",
    "{actor} changed the activity log retention",
    target="retentionsetting",
)

# What these events' targets and changed fields are called on the activity pages.
describe(
    "activity_log",
    name="activity log",
    fields={
        "result": "result",
        "checked": "events checked",
        "seal": "newest seal",
        "seal_hash": "newest seal's hash",
        "broken_at": "broken at event",
        "broken_seal": "broken at seal",
        "problem": "problem",
        "first_sequence": "first event",
        "through_sequence": "last event",
        "first_seal": "first seal",
        "through_seal": "last seal",
        "last_seal_hash": "last removed seal's hash",
        "pending": "not committed yet",
        "count": "events",
        "first_created_at": "oldest removed event",
        "through_created_at": "newest removed event",
        "archive": "archive file",
        "archive_sha256": "archive file's SHA-256",
        "actors": "actors",
        "days": "over days",
        "keep_days": "days kept",
    },
)
describe("retentionsetting", name="activity log retention", fields={"keep_days": "days to keep events"})
# A review's sign-off (issue 15): the seal and hash are described above.
describe(
    "activity_log",
    fields={"last_sequence": "reviewed up to event", "filters": "filters looked at", "note": "note"},
)
