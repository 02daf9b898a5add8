from __future__ import annotations

from .registry import register

register("activity.pruned", "Activity log pruned", "{actor} archived and removed {target}")
register("activity.verified", "Activity log verified", "{actor} verified the hash chain of the {target}")
register("activity.seeded", "Fake events seeded", "{actor} added {target} for benchmarks or demos")
register(
    "settings.activity_retention.updated",
    "Activity log retention updated",
    "{actor} changed the activity log retention",
)
