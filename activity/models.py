from __future__ import annotations

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models.sql import InsertQuery

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


def _refusal(model, what: str) -> AppendOnlyError:
    return AppendOnlyError(f"Activity {model._meta.verbose_name_plural} are append-only{what}.")


class AppendOnlyQuerySet(models.QuerySet):
    """Refuse changes in bulk: rows of the activity log are only added (and pruned with raw SQL)."""

    def update(self, **kwargs):
        raise _refusal(self.model, " and cannot be updated")

    def delete(self):
        raise _refusal(self.model, "; use `manage.py activity_prune` to archive old ones")

    def bulk_update(self, objs, fields, batch_size=None):
        raise _refusal(self.model, " and cannot be updated")

    def append(self, row):
        """Insert ``row``, a new instance of this model, and return it with its id: ``save()`` for the hot path.

        The same INSERT as ``row.save(force_insert=True)`` (the fields' own
        conversions, the id returned by the statement), compiled once per
        process and database instead of at every row: every sign-in, API call
        and change writes an event, and Django compiling the statement again
        each time was a third of what an event cost. No signals are sent (no
        receiver listens to these models').
        """
        using = self._db or router.db_for_write(self.model, instance=row)  # as save() chooses
        connection = connections[using]
        sql, fields = _insert_statement(self.model, connection)
        params = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(sql, params)
            if connection.features.can_return_columns_from_insert:
                row.pk = cursor.fetchone()[0]
            else:  # SQLite before 3.35: the statement was compiled without RETURNING
                row.pk = connection.ops.last_insert_id(cursor, self.model._meta.db_table, self.model._meta.pk.column)
        row._state.adding = False
        row._state.db = using
        return row

    update.queryset_only = True
    delete.queryset_only = True


_insert_statements: dict[tuple[type, str, str], tuple[str, list]] = {}


def _insert_statement(model, connection) -> tuple[str, list]:
    """Return the INSERT that Django's ``save()`` would run for ``model`` on ``connection``, and its fields."""
    key = (model, connection.alias, connection.settings_dict["ENGINE"])
    if key not in _insert_statements:
        meta = model._meta
        fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
        query = InsertQuery(model)
        query.insert_values(fields, [model()])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [meta.pk]
        ((sql, _),) = compiler.as_sql()
        _insert_statements[key] = (sql, fields)
    return _insert_statements[key]


EventQuerySet = AppendOnlyQuerySet


class AppendOnlyModel(models.Model):
    """A row written once: saving it again or deleting it raises ``AppendOnlyError``."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _refusal(type(self), " and cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refusal(type(self), " and cannot be deleted")


class Event(AppendOnlyModel):
    """One recorded action: who did what to which object, from where, and when.

    ``hash`` covers the event's own canonical fields and is written with the
    row, without any lock; a ``Seal`` later covers a batch of events in
    ``sequence`` order and links to the seal before it (see ``activity.sealing``).
    """

    sequence = models.BigAutoField(
        primary_key=True,
        help_text="The event's id and its position in the log: allocated by the database in insert order. "
        "Ids of rolled-back transactions stay unused; the seals record them as gaps.",
    )
    created_at = models.DateTimeField(help_text="When the event happened (UTC).")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # activity_actor_time_idx starts with the actor and serves every look-up by it.
        db_index=False,
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
    credential = models.CharField(
        max_length=40,
        blank=True,
        default="",
        # Also in the database: rows inserted by SQL (the sealer's probe, old archives) need no value.
        db_default="",
        help_text="The credential the request acted with other than a session: an API token's visible prefix. "
        "Hashed only when not empty, so events from before it existed keep their hashes.",
    )
    hash = models.CharField(
        max_length=64, help_text="SHA-256 over this event's canonical fields (activity.chain.content_hash)."
    )

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
            models.Index(fields=["ip_address", "created_at", "sequence"], name="activity_ip_time_idx"),
            # Events of the system (commands, expiry) are rare among millions of visitors' and members':
            # a small partial index finds them, where the actor index would walk every anonymous event.
            models.Index(
                fields=["created_at", "sequence"],
                condition=models.Q(actor__isnull=True, actor_label="", request_id=""),
                name="activity_system_time_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} by {self.actor_display}"

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


class Seal(AppendOnlyModel):
    """A signed tree head, in Certificate Transparency's words: one batch of events, sealed.

    Seal ``n`` covers the ids from ``first_sequence`` to ``last_sequence`` and
    the ids the seal before it left pending. Of those, ``pending`` lists the ids
    not committed yet (their transaction still open, or rolled back too
    recently to tell), ``gaps`` the ids found empty for good (rolled back), and
    every other id is an event of this seal: ``root`` hashes their ids and
    content hashes in order. ``hash`` covers all of it and ``prev_hash``, the
    hash of seal ``n - 1``.
    """

    number = models.PositiveBigIntegerField(primary_key=True, help_text="Position in the chain of seals, from 1.")
    first_sequence = models.PositiveBigIntegerField(help_text="First event id of this seal's range.")
    last_sequence = models.PositiveBigIntegerField(
        help_text="Last event id of this seal's range (first - 1 when the seal only settles pending ids)."
    )
    pending = models.JSONField(
        default=list,
        blank=True,
        help_text="[id, since] of the ids up to last_sequence not committed when sealed; a later seal settles them.",
    )
    gaps = models.JSONField(
        default=list, blank=True, help_text="Ids settled by this seal as empty for good (rolled-back transactions)."
    )
    count = models.PositiveIntegerField(help_text="How many events this seal covers.")
    root = models.CharField(max_length=64, help_text="SHA-256 over the sealed events' ids and hashes, in id order.")
    sealed_at = models.DateTimeField(help_text="When the seal was made (UTC).")
    prev_hash = models.CharField(max_length=64, help_text="Hash of the previous seal (the genesis hash for the first).")
    hash = models.CharField(max_length=64, help_text="SHA-256 over this seal's fields, prev_hash included.")

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["first_sequence", "number"], name="activity_seal_range_idx")]

    def __str__(self) -> str:
        return f"seal {self.number} (events {self.first_sequence} to {self.last_sequence})"


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
