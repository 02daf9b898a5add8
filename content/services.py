"""Every write of the content app. Views and commands call these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from activity.services import event_record

from .models import Entry


def _validated(entry: Entry) -> None:
    if not entry.slug:
        entry.slug = slugify(entry.title)[:100]
        if not entry.slug:
            raise ValidationError({"slug": "Enter a slug: the title has no letters or digits to make one from."})
    if Entry.objects.filter(slug=entry.slug).exclude(pk=entry.pk).exists():
        raise ValidationError({"slug": f"Another entry already uses the slug “{entry.slug}”."}, code="slug_taken")
    entry.full_clean(exclude=["created_by", "updated_by"], validate_unique=False)


def _snapshot(entry: Entry) -> dict:
    # The body can be long, so events keep its length rather than the text.
    return {
        "title": entry.title,
        "slug": entry.slug,
        "visibility": entry.visibility,
        "body_length": len(entry.body),
    }


@transaction.atomic
def entry_create(*, acting_user, title: str, slug: str = "", body: str = "", visibility: str) -> Entry:
    """Create a content entry."""
    now = timezone.now()
    entry = Entry(
        title=title.strip(),
        slug=slug.strip().lower(),
        body=body,
        visibility=visibility,
        created_at=now,
        created_by=acting_user,
        updated_at=now,
        updated_by=acting_user,
    )
    _validated(entry)
    entry.save()
    after = _snapshot(entry)
    event_record(
        action="content.entry.created",
        actor=acting_user,
        target=entry,
        changes={name: [None, value] for name, value in after.items()},
    )
    return entry


@transaction.atomic
def entry_update(*, acting_user, entry: Entry, **fields) -> Entry:
    """Change some of an entry's title, slug, body and visibility."""
    unknown = set(fields) - set(Entry.EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown entry fields: {', '.join(sorted(unknown))}.")
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    before = _snapshot(entry)
    old_body = entry.body
    for name, value in fields.items():
        setattr(entry, name, value.strip() if name in {"title", "slug"} else value)
    entry.slug = entry.slug.lower()
    _validated(entry)
    after = _snapshot(entry)
    if after == before and entry.body == old_body:
        return entry
    entry.updated_at, entry.updated_by = timezone.now(), acting_user
    entry.save()
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if entry.body != old_body:
        changes["body_changed"] = True
    event_record(action="content.entry.updated", actor=acting_user, target=entry, changes=changes)
    return entry


@transaction.atomic
def entry_delete(*, acting_user, entry: Entry) -> None:
    """Delete an entry for good; the event keeps its title, slug and visibility."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    before = _snapshot(entry)
    target = {"target_type": "entry", "target_id": str(entry.pk), "target_label": entry.activity_label}
    entry.delete()
    event_record(
        action="content.entry.deleted",
        actor=acting_user,
        changes={name: [value, None] for name, value in before.items()},
        **target,
    )
