"""What the activity page shows of the last review sign-off: ``{% review_signoff as review %}``."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from ..models import Event
from ..selectors import events_after_count, review_signoff_last

register = template.Library()

# Newer events are counted up to this many ("more than 1000" beyond).
NEWER_COUNT_LIMIT = 1000


@dataclass(frozen=True)
class ReviewState:
    last: Event | None
    newer: int = 0

    @property
    def last_sequence(self) -> int | None:
        return self.last.changes.get("last_sequence") if self.last else None

    @property
    def newer_capped(self) -> bool:
        return self.newer > NEWER_COUNT_LIMIT

    @property
    def newer_url(self) -> str:
        """The activity page from the day of the sign-off (UTC): the events since are among them."""
        if self.last is None:
            return ""
        return (
            reverse("activity:list") + "?" + urlencode({"date_from": f"{self.last.created_at:%Y-%m-%d}", "tz": "UTC"})
        )


@register.simple_tag
def review_signoff() -> ReviewState:
    """Return the newest sign-off and how many events came after the last event it covered (two queries)."""
    last = review_signoff_last()
    if last is None:
        return ReviewState(last=None)
    try:
        sequence = int(last.changes.get("last_sequence"))
    except (TypeError, ValueError):
        return ReviewState(last=last)
    return ReviewState(last=last, newer=events_after_count(sequence, limit=NEWER_COUNT_LIMIT))
