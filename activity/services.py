"""Every write of the activity log.

`event_record` is the one function every other app calls; the rest serve the
management commands, the review sign-off and the retention setting. Pruning
is in `activity.pruning`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from singletons.services import singleton_update

from . import conf, context, registry
from .chain import content_hash
from .models import Event, RetentionSetting, Seal
from .sealing import seal_after_commit, seal_pending
from .verification import REVIEW_SIGNED_OFF, Verification, chain_verify

REDACTED = "[redacted]"
# Keys whose values are secrets wherever they appear in ``changes``.
SECRET_KEYS = frozenset(
    {
        "password",
        "new_password",
        "old_password",
        "password1",
        "password2",
        "secret",
        "token",
        "otp_token",
        "code",
        "recovery_code",
        "recovery_codes",
        "key",
        "api_key",
    }
)


def _redact(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: (REDACTED if str(k).lower() in SECRET_KEYS else _redact(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v) for v in value]
    return value


def _target_fields(target: Any) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    target_type = target._meta.model_name
    label = getattr(target, "activity_label", None) or str(target)
    return target_type, str(target.pk), str(label)[:300]


def event_record(
    *,
    action: str,
    actor: Any = None,
    target: Any = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    changes: Mapping[str, Any] | None = None,
) -> Event:
    """Record one event in the caller's transaction; it is sealed once that commits.

    ``target`` may be a model instance, or the target may be described with
    the three ``target_*`` strings. ``changes`` holds before/after values;
    values under secret-sounding keys are replaced by ``[redacted]``. The
    event takes no lock: writers never wait for each other.
    """
    registry.get(action)  # an unregistered type is a programming error
    if target is not None:
        target_type, target_id, target_label = _target_fields(target)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    request = context.current()
    event = Event(
        created_at=timezone.now(),
        actor=actor,
        actor_label=(actor.get_username() if actor is not None else "")[:320],
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=str(target_label)[:300],
        changes=_redact(dict(changes or {})),
        ip_address=request.ip_address,
        user_agent=request.user_agent,
        request_id=request.request_id,
        credential=request.credential,
    )
    event.hash = content_hash(event)
    Event.objects.append(event)
    transaction.on_commit(seal_after_commit)
    return event


# Verification ------------------------------------------------------------------


def chain_verification_record(*, result: Verification, actor: Any = None) -> Event:
    """Record the outcome of a verification, so the log shows when it was last checked.

    An intact result also records the newest seal's number and hash: the next
    verification checks that this seal is still there, unchanged, which a
    removed or rewritten newest seal would otherwise not show.
    """
    changes: dict[str, Any] = {"result": "intact" if result.ok else "broken", "checked": result.checked}
    if result.ok and result.head:
        changes.update(seal=result.head[0], seal_hash=result.head[1])
    if not result.ok:
        changes.update(broken_at=result.broken_at, broken_seal=result.broken_seal, problem=result.problem)
    return event_record(
        action="activity.verified",
        actor=actor,
        target_type="activity_log",
        target_label="activity log",
        changes=changes,
    )


# Review sign-off ---------------------------------------------------------------

MAX_REVIEW_NOTE_LENGTH = 2000


def review_sign_off(*, acting_user: Any, filters: Mapping[str, str] | None = None, note: str = "") -> Event:
    """Attest that the log was reviewed up to its newest seal, after verifying it up to there.

    The ``activity.review_signed_off`` event names the seal (number and hash) and the last
    event it covers, the filters the reviewer looked at and their note. Later
    verifications check that this seal is unchanged, and a break found at or below it
    says that history an auditor had reviewed was changed. A broken log, or one with
    nothing sealed yet, cannot be signed off.
    """
    if not acting_user.has_perm("activity.sign_off"):
        raise PermissionDenied("Only auditors and owners may sign off a review of the activity log.")
    note = (note or "").strip()
    filters = {str(key): str(value) for key, value in (filters or {}).items()}
    if "\x00" in note or any("\x00" in text for item in filters.items() for text in item):
        raise ValidationError({"note": "Remove the NUL character from the note."}, code="nul_character")
    if len(note) > MAX_REVIEW_NOTE_LENGTH:
        raise ValidationError(
            {"note": f"Keep the note to {MAX_REVIEW_NOTE_LENGTH} characters; it has {len(note)}."},
            code="note_too_long",
        )
    result = chain_verify()
    if not result.ok:
        raise ValidationError(
            f"The log does not verify, so the review cannot be signed off. {result.summary()}", code="log_broken"
        )
    if result.head is None:
        raise ValidationError("No event is sealed yet: there is nothing to sign off.", code="nothing_sealed")
    number, seal_hash_value = result.head
    last_sequence = Seal.objects.filter(number=number).values_list("last_sequence", flat=True).get()
    with transaction.atomic():
        return event_record(
            action=REVIEW_SIGNED_OFF,
            actor=acting_user,
            target_type="activity_log",
            target_label=f"activity log up to event {last_sequence}",
            changes={
                "seal": number,
                "seal_hash": seal_hash_value,
                "last_sequence": last_sequence,
                "filters": filters,
                "note": note,
            },
        )


# Retention ---------------------------------------------------------------------


def retention_update(*, acting_user: Any, keep_days: int | None) -> RetentionSetting:
    """Keep events forever (``keep_days=None``) or for ``keep_days`` days."""
    if keep_days is not None and not conf.MIN_RETENTION_DAYS <= keep_days <= conf.MAX_RETENTION_DAYS:
        raise ValidationError(
            {
                "keep_days": f"Keep events for at least {conf.MIN_RETENTION_DAYS} days "
                f"and at most {conf.MAX_RETENTION_DAYS}; {keep_days} is out of range."
            },
            code="retention_out_of_range",
        )
    with transaction.atomic():
        setting, changes = singleton_update(RetentionSetting, acting_user=acting_user, fields={"keep_days": keep_days})
        if changes:
            event_record(
                action="settings.activity_retention.updated", actor=acting_user, target=setting, changes=changes
            )
    return setting


# Fake events for benchmarks and demos --------------------------------------------

_SEED_IP_PREFIXES = ("203.0.113.", "198.51.100.", "192.0.2.")
_SEED_USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
)


def events_seed(
    *,
    count: int,
    actors: int = 40,
    days: int = 730,
    batch_size: int = 5000,
    now: datetime | None = None,
    seed: int | None = None,
) -> int:
    """Append ``count`` realistic fake events spread over ``days`` up to now; return how many.

    The mix follows what the apps registered: each event type's ``weight``,
    whether it has an actor, and what it targets (a fake actor when it names the user model).
    Fake actors are inactive users named ``seed-actor-N@example.invalid`` with
    unusable passwords. The events are inserted in batches and sealed like any
    others, and one ``activity.seeded`` event records the run.
    """
    if count < 1:
        raise ValidationError("Give a positive number of events to create.")
    rng = random.Random(seed)  # noqa: S311  fake data, not security
    people = _seed_actors(actors)
    types = [t for t in registry.all_types() if t.weight > 0]
    weights = [t.weight for t in types]
    now = now or timezone.now()
    start = now - timedelta(days=days)
    step = (now - start) / count
    made = 0
    while made < count:
        size = min(batch_size, count - made)
        batch = []
        for offset in range(size):
            event = _seed_event(rng, people, types, weights, start + step * (made + offset + rng.random()))
            event.hash = content_hash(event)
            batch.append(event)
        Event.objects.bulk_create(batch)
        made += size
        seal_pending(max_rounds=None, wait=True)
    event_record(
        action="activity.seeded",
        target_type="activity_log",
        target_label=f"{count} fake events",
        changes={"count": count, "actors": len(people), "days": days},
    )
    return made


def _seed_actors(count: int) -> list:
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    users = user_model._default_manager
    names = [f"seed-actor-{n:03d}@example.invalid" for n in range(1, count + 1)]
    existing = set(users.filter(**{f"{field}__in": names}).values_list(field, flat=True))
    missing = []
    for name in names:
        if name in existing:
            continue
        person = user_model(**{field: name})
        person.is_active = False
        person.set_unusable_password()
        missing.append(person)
    users.bulk_create(missing)
    return list(users.filter(**{f"{field}__in": names}).order_by("pk"))


def _seed_event(
    rng: random.Random, people: list, types: list[registry.EventType], weights: list[int], when: datetime
) -> Event:
    event_type = rng.choices(types, weights)[0]
    action = event_type.name
    actor = rng.choice(people)
    if event_type.target == actor._meta.model_name:
        target = rng.choice(people) if rng.random() < 0.3 else actor
        target_type, target_id, target_label = _target_fields(target)
    else:
        target_type, target_id, target_label = (
            event_type.target or event_type.group,
            str(rng.randint(1, 500)),
            f"{action.rsplit('.', 1)[0]} #{rng.randint(1, 500)}",
        )
    changes = {}
    if action.endswith(("updated", "changed")):
        changes = {"value": [rng.randint(0, 100), rng.randint(0, 100)]}
    return Event(
        created_at=when,
        actor=None if event_type.anonymous else actor,
        actor_label="" if event_type.anonymous else actor.get_username(),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        changes=changes,
        ip_address=rng.choice(_SEED_IP_PREFIXES) + str(rng.randint(1, 254)),
        user_agent=rng.choice(_SEED_USER_AGENTS),
        request_id=f"{rng.getrandbits(128):032x}",
    )
