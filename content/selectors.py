"""Reads of content shared by the pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Entry


def entry_list(*, include_private: bool) -> QuerySet[Entry]:
    """Return the entries a reader may see: public ones, and private ones only if allowed."""
    entries = Entry.objects.order_by("title", "pk")
    if not include_private:
        entries = entries.filter(visibility=Entry.Visibility.PUBLIC)
    return entries


def entry_list_for_management() -> QuerySet[Entry]:
    return Entry.objects.select_related("updated_by").order_by("title", "pk")
