"""Recording activity events: the one function every other app calls."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import context, registry
from .chain import GENESIS_HASH, compute_hash
from .models import ChainHead, Event

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
    """Append one event to the chain, in the caller's transaction.

    ``target`` may be a model instance, or the target may be described with
    the three ``target_*`` strings. ``changes`` holds before/after values;
    values under secret-sounding keys are replaced by ``[redacted]``.
    """
    registry.get(action)  # an unregistered type is a programming error
    if target is not None:
        target_type, target_id, target_label = _target_fields(target)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    request = context.current()
    with transaction.atomic():
        head = _locked_head()
        event = Event(
            sequence=head.last_sequence + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_label=(actor.email if actor is not None else "")[:320],
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            target_label=str(target_label)[:300],
            changes=_redact(dict(changes or {})),
            ip_address=request.ip_address,
            user_agent=request.user_agent,
            request_id=request.request_id,
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(head.last_hash, event)
        event.save(force_insert=True)
        ChainHead.objects.filter(pk=head.pk).update(last_sequence=event.sequence, last_hash=event.hash)
    return event


def _locked_head() -> ChainHead:
    """Return the chain head, locked until the transaction ends.

    The lock orders concurrent writers, so the chain never forks.
    """
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH})
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head
