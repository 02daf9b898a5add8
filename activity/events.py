from __future__ import annotations

from .registry import register

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
)
register(
    "settings.activity_retention.updated",
    "Activity log retention updated",
    "{actor} changed the activity log retention",
    target="retentionsetting",
)
