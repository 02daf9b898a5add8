"""Canonical serialisation and hashing of events."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

GENESIS_HASH = "0" * 64

CHAINED_FIELDS = (
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


def canonical(event) -> bytes:
    """Return the bytes that an event's hash covers, independent of database."""
    data = {name: getattr(event, name) for name in CHAINED_FIELDS}
    data["created_at"] = event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    data["actor_id"] = None if event.actor_id is None else str(event.actor_id)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def compute_hash(prev_hash: str, event) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(event)).hexdigest()
