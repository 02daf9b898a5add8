from __future__ import annotations

from django.conf import settings
from django.db import models

from singletons.models import SingletonModel

ACTOR_USER = "user"
ACTOR_VISITOR = "visitor"
ACTOR_SYSTEM = "system"
ACTOR_TYPE_LABELS = {ACTOR_USER: "Signed-in user", ACTOR_VISITOR: "Anonymous visitor", ACTOR_SYSTEM: "System"}


def actor_type_of(*, actor_id, actor_label: str, request_id: str) -> str:
    """Return who caused an event: a signed-in user, an anonymous visitor or the system.

    Without an actor, the request id tells the two others apart: the middleware
    gives every web request one (a failed sign-in, a reset link), while commands
    and scheduled jobs run outside any request.
    """
    if actor_id is not None or actor_label:
        return ACTOR_USER
    return ACTOR_VISITOR if request_id else ACTOR_SYSTEM


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a recorded event."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Activity events are append-only and cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Activity events are append-only; use `manage.py activity_prune` to archive old ones.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Activity events are append-only and cannot be updated.")

    update.queryset_only = True
    delete.queryset_only = True


class Event(models.Model):
    """One recorded action: who did what to which object, from where, and when.

    Events form a hash chain: ``hash`` covers the previous event's hash and this
    event's canonical fields, so a changed, inserted or removed row is detected.
    """

    sequence = models.PositiveBigIntegerField(unique=True, help_text="Position in the hash chain, from 1, gap-free.")
    created_at = models.DateTimeField(help_text="When the event happened (UTC).")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who acted; empty for the system (commands, expiry).",
    )
    actor_label = models.CharField(
        max_length=320, blank=True, help_text="The actor's email as it was when the event happened."
    )
    action = models.CharField(
        max_length=100, help_text="Dotted event type name from the registry, e.g. member.invited."
    )
    target_type = models.CharField(max_length=100, blank=True, help_text="Kind of object acted on, e.g. user.")
    target_id = models.CharField(max_length=100, blank=True, help_text="Primary key of the object acted on.")
    target_label = models.CharField(max_length=300, blank=True, help_text="Human label of the object when acted on.")
    changes = models.JSONField(default=dict, blank=True, help_text="Before/after values; secrets are redacted.")
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="Client IP address, if any.")
    user_agent = models.TextField(blank=True, help_text="Client user agent, if any.")
    request_id = models.CharField(max_length=64, blank=True, help_text="Id of the request that caused the event.")
    prev_hash = models.CharField(max_length=64, help_text="Hash of the previous event in the chain.")
    hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 over prev_hash and this event's fields.")

    objects = EventQuerySet.as_manager()

    class Meta:
        # Newest first by time; the sequence breaks ties between events of the
        # same microsecond. Each index ends with (created_at, sequence) so that
        # a filtered page is one ordered index range scan, whatever the depth.
        ordering = ["-created_at", "-sequence"]
        indexes = [
            models.Index(fields=["created_at", "sequence"], name="activity_time_idx"),
            models.Index(fields=["actor", "created_at", "sequence"], name="activity_actor_time_idx"),
            models.Index(fields=["action", "created_at", "sequence"], name="activity_action_time_idx"),
            models.Index(
                fields=["target_type", "target_id", "created_at", "sequence"], name="activity_target_time_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} by {self.actor_display}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Activity events are append-only and cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Activity events are append-only and cannot be deleted.")

    @property
    def event_type(self):
        from .registry import UnknownEventType, get

        try:
            return get(self.action)
        except UnknownEventType:
            return None

    @property
    def actor_type(self) -> str:
        """Return ``"user"``, ``"visitor"`` or ``"system"``; see ``actor_type_of``."""
        return actor_type_of(actor_id=self.actor_id, actor_label=self.actor_label, request_id=self.request_id)

    @property
    def actor_display(self) -> str:
        """Return who acted: the email as it was, or who stands in when there was no actor."""
        if self.actor_label:
            return self.actor_label
        return ACTOR_TYPE_LABELS[self.actor_type]

    @property
    def sentence(self) -> str:
        event_type = self.event_type
        actor = self.actor_display
        target = self.target_label or self.target_id or ""
        if event_type is None:
            return f"{actor}: {self.action} {target}".strip()
        return event_type.sentence(actor=actor, target=target)


class ChainHead(models.Model):
    """The single row that serialises writers: the last sequence and hash."""

    last_sequence = models.PositiveBigIntegerField(default=0, help_text="Sequence of the newest event.")
    last_hash = models.CharField(max_length=64, help_text="Hash of the newest event (the genesis hash when empty).")

    def __str__(self) -> str:
        return f"chain head at {self.last_sequence}"


class RetentionSetting(SingletonModel):
    """How long events are kept: a single row; empty ``keep_days`` keeps them forever."""

    keep_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days an event is kept before `activity_prune` archives and removes it; empty keeps it forever.",
    )

    EDITABLE_FIELDS = ("keep_days",)

    def __str__(self) -> str:
        return "keep forever" if self.keep_days is None else f"keep {self.keep_days} days"

    @property
    def activity_label(self) -> str:
        return "Activity log retention"
