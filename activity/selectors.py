"""Reads of the activity log shared by pages, the API and exports."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Event


def event_list(*, actor=None, limit: int | None = None) -> QuerySet[Event]:
    events = Event.objects.select_related("actor").order_by("-sequence")
    if actor is not None:
        events = events.filter(actor=actor)
    if limit is not None:
        events = events[:limit]
    return events
