from __future__ import annotations

from activity.registry import register

register("content.entry.created", "Content entry created", "{actor} created the entry {target}", target="entry")
register("content.entry.updated", "Content entry updated", "{actor} updated the entry {target}", target="entry")
register("content.entry.deleted", "Content entry deleted", "{actor} deleted the entry {target}", target="entry")
