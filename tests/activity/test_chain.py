from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection

from activity.chain import GENESIS_HASH, canonical, chain_verify, compute_hash
from activity.models import ChainHead, Event
from activity.services import event_record

pytestmark = pytest.mark.django_db


def _record(n: int) -> list[Event]:
    return [
        event_record(action="activity.seeded", target_type="activity_log", target_label=f"run {i}", changes={"i": i})
        for i in range(n)
    ]


def _raw(sql: str, params=()) -> None:
    """Tamper with the table behind the ORM's back, as someone with database access could."""
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a superuser could: replica mode skips ordinary triggers, the append-only one included.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql.format(table=table), params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_events_form_a_chain_from_the_genesis_hash():
    first, second = _record(2)
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert second.hash == compute_hash(first.hash, second)
    head = ChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (2, second.hash)


def test_verify_passes_on_a_clean_chain():
    _record(5)
    result = chain_verify(batch_size=2)
    assert result.ok
    assert result.checked == 5


def test_verify_passes_on_an_empty_log():
    assert chain_verify().ok


def test_verify_finds_a_changed_row():
    _record(5)
    _raw("UPDATE {table} SET target_label = %s WHERE sequence = 3", ["forged"])
    result = chain_verify(batch_size=2)
    assert not result.ok
    assert result.broken_at == 3
    assert "changed" in result.problem


def test_verify_finds_a_changed_row_even_when_its_hash_was_recomputed():
    events = _record(5)
    forged = Event.objects.get(sequence=3)
    forged.target_label = "forged"
    new_hash = compute_hash(events[1].hash, forged)
    _raw("UPDATE {table} SET target_label = %s, hash = %s WHERE sequence = 3", ["forged", new_hash])
    result = chain_verify()
    assert not result.ok
    assert result.broken_at == 4
    assert "link" in result.problem


def test_verify_finds_a_deleted_row_in_the_middle():
    _record(5)
    _raw("DELETE FROM {table} WHERE sequence = 2")
    result = chain_verify()
    assert not result.ok
    assert result.broken_at == 3
    assert "event 2 is missing" in result.problem


def test_verify_finds_the_newest_row_deleted():
    _record(5)
    _raw("DELETE FROM {table} WHERE sequence = 5")
    result = chain_verify()
    assert not result.ok
    assert result.broken_at == 5
    assert "missing" in result.problem


def test_verify_finds_an_inserted_row():
    events = _record(3)
    fake = Event(
        sequence=4,
        created_at=events[-1].created_at,
        action="activity.seeded",
        target_type="activity_log",
        target_label="smuggled",
        changes={},
        prev_hash=events[-1].hash,
    )
    fake.hash = compute_hash(fake.prev_hash, fake)
    fake.save(force_insert=True)  # the chain head is not moved, as a writer behind the log's back would not
    result = chain_verify()
    assert not result.ok
    assert result.broken_at == 4
    assert "not in the chain" in result.problem


def test_verify_finds_a_row_inserted_in_the_middle_by_renumbering():
    events = _record(4)
    _raw("UPDATE {table} SET sequence = sequence + 100 WHERE sequence >= 3")
    _raw("UPDATE {table} SET sequence = sequence - 99 WHERE sequence >= 100")
    fake = Event(
        sequence=3,
        created_at=events[1].created_at,
        action="activity.seeded",
        target_type="activity_log",
        target_label="smuggled",
        changes={},
        prev_hash=events[1].hash,
    )
    fake.hash = compute_hash(fake.prev_hash, fake)
    fake.save(force_insert=True)
    result = chain_verify()
    assert not result.ok
    assert result.broken_at == 4


@pytest.mark.parametrize(
    ("actor_id", "actor_label", "expected"),
    [
        (42, "olivia@example.com", "e7f9451aa6b4db378ed8944d8e619a72f45777a3098048caad1b5005ee04f9fc"),
        (None, "", "7eb585e7d9eed1dee8f0a9cc7faffe91cf499b43ed414f9fa2ff21ef3ba915f7"),
    ],
    ids=["user", "system"],
)
def test_hash_of_an_existing_event_never_changes(actor_id, actor_label, expected):
    # Pinned digests: a change to the canonical serialisation would break every recorded chain.
    event = Event(
        sequence=7,
        created_at=datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-3))),
        actor_id=actor_id,
        actor_label=actor_label,
        action="member.role_changed",
        target_type="user",
        target_id="9",
        target_label="Zoë <zoe@example.com>",
        changes={"role": ["member", "admin"], "n": [1, None]},
        ip_address="2001:db8::1",
        user_agent="UA/1 ü",
        request_id="req-7",
    )
    assert compute_hash("ab" * 32, event) == expected
    assert b'"created_at":"2025-03-01T12:30:15.123456Z"' in canonical(event)
