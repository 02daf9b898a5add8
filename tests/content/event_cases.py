"""Activity events of the content app's URLs (see tests/activity/event_contract.py)."""

from __future__ import annotations

PENDING = {
    "content:list": "content.entry.created on POST: event test to write (issue 4).",
    "content:edit": "content.entry.updated: event test to write (issue 4).",
    "content:delete": "content.entry.deleted: event test to write (issue 4).",
    "content_api:entry_list": "public read API: declare read-only once checked (issue 4).",
    "content_api:entry_detail": "public read API: declare read-only once checked (issue 4).",
}
