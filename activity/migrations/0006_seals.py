"""Seal the existing hash chain, then give every event its own content hash.

Forward: verify the old chain first (every event's link and hash, from the
anchor the newest prune recorded, and the chain head) and refuse to go on if
it is broken, naming the first broken event. Then replace each event's chained
hash by its content hash and cover the events with seals of 500, the first
linked to the genesis hash and starting at the oldest kept event.

Backward: chain the events again in sequence order and drop the seals.

The hashing here is a frozen copy of ``activity.chain`` as it was for each
format, so that this migration gives the same result whatever that module
becomes.
"""

import hashlib
import json
from datetime import UTC

from django.db import migrations, models
from django.utils import timezone

GENESIS_HASH = "0" * 64
BATCH = 500
OLD_FIELDS = (
    "sequence",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "changes",
    "ip_address",
    "user_agent",
    "request_id",
)
NEW_FIELDS = OLD_FIELDS[1:]
SEAL_FIELDS = ("number", "first_sequence", "last_sequence", "pending", "gaps", "count", "root", "sealed_at", "prev_hash")


def _timestamp(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(event, names):
    data = {name: getattr(event, name) for name in names}
    data["created_at"] = _timestamp(data["created_at"])
    data["actor_id"] = None if data["actor_id"] is None else str(data["actor_id"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def _chained_hash(prev_hash, event):
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(event, OLD_FIELDS)).hexdigest()


def _content_hash(event):
    return hashlib.sha256(b"activity-event\n" + _canonical(event, NEW_FIELDS)).hexdigest()


def _seal_root(events):
    digest = hashlib.sha256(b"activity-seal-root\n")
    for event in events:
        digest.update(f"{event.sequence}:{event.hash}\n".encode())
    return digest.hexdigest()


def _seal_hash(seal):
    data = {name: getattr(seal, name) for name in SEAL_FIELDS}
    data["sealed_at"] = _timestamp(data["sealed_at"])
    payload = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"activity-seal\n" + payload.encode()).hexdigest()


class BrokenChain(Exception):
    pass


def _batches(Event):
    after = 0
    while True:
        rows = list(Event.objects.filter(sequence__gt=after).order_by("sequence")[:BATCH])
        if not rows:
            return
        yield rows
        after = rows[-1].sequence


def _verify_old_chain(Event, ChainHead):
    pruned = Event.objects.filter(action="activity.pruned").order_by("-sequence").values_list("changes", flat=True)
    anchor = pruned.first()
    expected, prev = (int(anchor["through_sequence"]) + 1, str(anchor["last_hash"])) if anchor else (1, GENESIS_HASH)
    for rows in _batches(Event):
        for event in rows:
            if event.sequence != expected:
                raise BrokenChain(f"event {min(event.sequence, expected)} is missing or out of place")
            if event.prev_hash != prev:
                raise BrokenChain(f"event {event.sequence} does not link to the event before it")
            if _chained_hash(prev, event) != event.hash:
                raise BrokenChain(f"event {event.sequence} does not match its hash (the row was changed)")
            expected, prev = expected + 1, event.hash
    head = ChainHead.objects.filter(pk=1).first()
    head_sequence = head.last_sequence if head else 0
    if head_sequence != expected - 1:
        raise BrokenChain(f"the chain head records event {head_sequence} as the newest, the log ends at {expected - 1}")
    if head_sequence and head.last_hash != prev:
        raise BrokenChain(f"event {head_sequence} differs from the one the chain head recorded (replaced)")


def _triggers(schema_editor, state):
    if schema_editor.connection.vendor == "postgresql":
        if state == "ENABLE":
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE activity_event {state} TRIGGER activity_event_append_only")


def seal_events(apps, schema_editor):
    Event = apps.get_model("activity", "Event")
    Seal = apps.get_model("activity", "Seal")
    ChainHead = apps.get_model("activity", "ChainHead")
    try:
        _verify_old_chain(Event, ChainHead)
    except BrokenChain as broken:
        raise RuntimeError(
            f"The activity log's hash chain is broken: {broken}. `manage.py activity_verify` (before this "
            "upgrade) shows the same. Migration activity.0006 seals only an intact chain, so that a seal never "
            "vouches for a tampered event: restore the activity_event table from a backup or from the "
            "activity_prune archives, then migrate again."
        ) from None
    _triggers(schema_editor, "DISABLE")
    now = timezone.now()
    number, prev_hash = 1, GENESIS_HASH
    for rows in _batches(Event):
        for event in rows:
            event.hash = _content_hash(event)
        Event.objects.bulk_update(rows, ["hash"])
        seal = Seal(
            number=number,
            first_sequence=rows[0].sequence,
            last_sequence=rows[-1].sequence,
            pending=[],
            gaps=[],
            count=len(rows),
            root=_seal_root(rows),
            sealed_at=now,
            prev_hash=prev_hash,
        )
        seal.hash = _seal_hash(seal)
        seal.save(force_insert=True)
        number, prev_hash = number + 1, seal.hash
    _triggers(schema_editor, "ENABLE")


def chain_events(apps, schema_editor):
    Event = apps.get_model("activity", "Event")
    Seal = apps.get_model("activity", "Seal")
    ChainHead = apps.get_model("activity", "ChainHead")
    _triggers(schema_editor, "DISABLE")
    prev, last = GENESIS_HASH, 0
    for rows in _batches(Event):
        for event in rows:
            event.prev_hash = prev
            event.hash = prev = _chained_hash(prev, event)
            last = event.sequence
        Event.objects.bulk_update(rows, ["prev_hash", "hash"])
    _triggers(schema_editor, "ENABLE")
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("SET LOCAL activity.pruning = 'on'")
        cursor.execute("DELETE FROM activity_seal")
    ChainHead.objects.update_or_create(pk=1, defaults={"last_sequence": last, "last_hash": prev})


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0005_retention_singleton_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="Seal",
            fields=[
                (
                    "number",
                    models.PositiveBigIntegerField(
                        help_text="Position in the chain of seals, from 1.", primary_key=True, serialize=False
                    ),
                ),
                ("first_sequence", models.PositiveBigIntegerField(help_text="First event id of this seal's range.")),
                (
                    "last_sequence",
                    models.PositiveBigIntegerField(
                        help_text="Last event id of this seal's range (first - 1 when the seal only settles pending ids)."
                    ),
                ),
                (
                    "pending",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="[id, since] of the ids up to last_sequence not committed when sealed; a later seal settles them.",
                    ),
                ),
                (
                    "gaps",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Ids settled by this seal as empty for good (rolled-back transactions).",
                    ),
                ),
                ("count", models.PositiveIntegerField(help_text="How many events this seal covers.")),
                (
                    "root",
                    models.CharField(
                        help_text="SHA-256 over the sealed events' ids and hashes, in id order.", max_length=64
                    ),
                ),
                ("sealed_at", models.DateTimeField(help_text="When the seal was made (UTC).")),
                (
                    "prev_hash",
                    models.CharField(
                        help_text="Hash of the previous seal (the genesis hash for the first).", max_length=64
                    ),
                ),
                (
                    "hash",
                    models.CharField(help_text="SHA-256 over this seal's fields, prev_hash included.", max_length=64),
                ),
            ],
            options={"ordering": ["number"]},
        ),
        migrations.AddIndex(
            model_name="seal",
            index=models.Index(fields=["first_sequence", "number"], name="activity_seal_range_idx"),
        ),
        migrations.AlterField(
            model_name="event",
            name="hash",
            field=models.CharField(
                help_text="SHA-256 over this event's canonical fields (activity.chain.content_hash).", max_length=64
            ),
        ),
        migrations.RunPython(seal_events, chain_events, elidable=False),
    ]
