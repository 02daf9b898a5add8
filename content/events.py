from __future__ import annotations

from activity.registry import register
from activity.wording import describe

register("content.entry.created", "Content entry created", "{actor} created the entry {target}", target="entry")
register("content.entry.updated", "Content entry updated", "{actor} updated the entry {target}", target="entry")
register("content.entry.deleted", "Content entry deleted", "{actor} deleted the entry {target}", target="entry")

# What these events' target and changed fields are called on the activity pages.
describe(
    "entry",
    name="content entry",
    fields={
        "title": "title",
        "slug": "address (slug)",
        "visibility": "visibility",
        "body_length": "text length (characters)",
        "body_changed": "text changed",
    },
)
