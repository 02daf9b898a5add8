"""Verification finds every change behind the log's back: to an event, to a seal, or to the ids between them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import hypothesis
import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone as django_timezone

from activity.chain import GENESIS_HASH, canonical, content_hash, parse_timestamp, seal_hash, seal_root, utc_timestamp
from activity.models import Event, Seal
from activity.services import chain_verification_record
from activity.verification import chain_verify
from tests.activity.tampering import burn_id, insert_copy, raw, record, seal

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed():
    """Eight events in three seals (3, 3 and 2 events), verified intact."""
    events = []
    for size in (3, 3, 2):
        events += record(size)
        seal()
    assert Seal.objects.count() == 3
    return events


def _broken(**expected):
    result = chain_verify(batch_size=2)
    assert not result.ok, result.summary()
    for name, value in expected.items():
        assert getattr(result, name) == value, result.summary()
    return result


def test_seals_cover_their_events_and_link_to_the_seal_before(sealed):
    first, second, third = Seal.objects.order_by("number")
    assert (first.first_sequence, first.last_sequence, first.count) == (sealed[0].sequence, sealed[2].sequence, 3)
    assert second.first_sequence == first.last_sequence + 1
    assert (first.prev_hash, second.prev_hash, third.prev_hash) == (GENESIS_HASH, first.hash, second.hash)
    assert first.root == seal_root((e.sequence, e.hash) for e in sealed[:3])
    assert all(seal_hash(s) == s.hash for s in (first, second, third))
    assert all(event.hash == content_hash(event) for event in sealed)


def test_verify_passes_on_sealed_and_recent_unsealed_events(sealed):
    record(2)
    result = chain_verify(batch_size=2)
    assert result.ok, result.summary()
    assert (result.checked, result.seals, result.unsealed) == (10, 3, 2)
    assert "not sealed yet" in result.summary()


def test_verify_passes_on_an_empty_log():
    assert chain_verify().ok


def test_a_changed_event_is_found(sealed):
    raw("UPDATE {events} SET target_label = %s WHERE sequence = %s", ["forged", sealed[4].sequence])
    result = _broken(broken_at=sealed[4].sequence)
    assert "changed" in result.problem
    assert result.summary().startswith(f"Log broken at event {sealed[4].sequence}")


def test_a_changed_event_is_found_even_when_its_hash_was_recomputed(sealed):
    forged = Event.objects.get(sequence=sealed[4].sequence)
    forged.target_label = "forged"
    raw(
        "UPDATE {events} SET target_label = %s, hash = %s WHERE sequence = %s",
        ["forged", content_hash(forged), forged.sequence],
    )
    result = _broken(broken_seal=2, broken_at=None)
    assert "root does not match" in result.problem


def test_a_changed_unsealed_event_is_found(sealed):
    (late,) = record(1)
    raw("UPDATE {events} SET changes = %s WHERE sequence = %s", ['{"forged": true}', late.sequence])
    _broken(broken_at=late.sequence)


@pytest.mark.parametrize("index", [0, 4, 7], ids=["oldest", "middle", "newest"])
def test_a_deleted_event_is_found(sealed, index):
    raw("DELETE FROM {events} WHERE sequence = %s", [sealed[index].sequence])
    result = _broken(broken_at=sealed[index].sequence)
    assert f"event {sealed[index].sequence} is missing" in result.problem


def test_an_event_inserted_into_a_sealed_range_is_found(sealed):
    """Room is made by moving the newer events up one id; the forged event takes the freed id."""
    at = sealed[4].sequence
    raw("UPDATE {events} SET sequence = sequence + 100 WHERE sequence >= %s", [at])
    raw("UPDATE {events} SET sequence = sequence - 99 WHERE sequence >= %s", [at + 100])
    insert_copy(sealed[3], sequence=at, target_label="smuggled")
    _broken(broken_seal=2)


def test_an_event_replaced_under_its_id_is_found(sealed):
    raw("DELETE FROM {events} WHERE sequence = %s", [sealed[1].sequence])
    insert_copy(sealed[1], sequence=sealed[1].sequence, target_label="replaced")
    _broken(broken_seal=1)


def test_an_event_inserted_before_the_first_seal_is_found(sealed):
    raw("DELETE FROM {events} WHERE sequence = %s", [sealed[0].sequence])
    raw("DELETE FROM {seals}")
    seal()  # a fresh chain now starts at the second event
    insert_copy(sealed[0], sequence=sealed[0].sequence, target_label="smuggled")
    result = _broken(broken_at=sealed[0].sequence)
    assert "before the oldest kept seal" in result.problem


def test_an_event_inserted_into_a_recorded_gap_is_found(sealed):
    burn_id()
    (after,) = record(1)
    with time_machine.travel(django_timezone.now() + timedelta(seconds=5)):
        seal()
    newest = Seal.objects.order_by("-number").first()
    assert newest.gaps == [after.sequence - 1]
    assert chain_verify().ok
    insert_copy(after, sequence=after.sequence - 1, target_label="smuggled")
    result = _broken(broken_at=after.sequence - 1)
    assert "recorded its id as empty" in result.problem


@pytest.mark.parametrize(
    ("column", "value"),
    [("root", "f" * 64), ("count", 2), ("last_sequence", 5), ("prev_hash", "e" * 64), ("gaps", "[1]")],
)
def test_a_changed_seal_is_found(sealed, column, value):
    raw(f"UPDATE {{seals}} SET {column} = %s WHERE number = 2", [value])  # noqa: S608  a test's own column names
    result = _broken(broken_seal=2)
    assert "seal was changed" in result.problem


def test_a_changed_seal_is_found_even_when_its_hash_was_recomputed(sealed):
    changed = Seal.objects.get(number=2)
    changed.count = 2
    raw("UPDATE {seals} SET count = 2, hash = %s WHERE number = 2", [seal_hash(changed)])
    _broken(broken_seal=2)  # its events no longer match; and seal 3 no longer links to it


def test_a_seal_rewritten_with_its_events_breaks_the_link_of_the_next(sealed):
    forged = Seal.objects.get(number=2)
    forged.sealed_at = forged.sealed_at + timedelta(seconds=1)
    raw("UPDATE {seals} SET sealed_at = %s, hash = %s WHERE number = 2", [forged.sealed_at, seal_hash(forged)])
    result = _broken(broken_seal=3)
    assert "link to the previous seal" in result.problem


@pytest.mark.parametrize("number", [1, 2])
def test_a_deleted_seal_is_found(sealed, number):
    raw("DELETE FROM {seals} WHERE number = %s", [number])
    result = _broken(broken_seal=number + 1)
    assert f"seal {number} is missing" in result.problem


def test_the_newest_seal_deleted_after_a_verification_is_found_even_once_sealed_again(sealed):
    chain_verification_record(result=chain_verify())
    raw("DELETE FROM {seals} WHERE number = 3")
    raw("UPDATE {events} SET target_label = 'forged' WHERE sequence = %s", [sealed[7].sequence])
    raw("UPDATE {events} SET hash = %s WHERE sequence = %s", [content_hash(_event(sealed[7])), sealed[7].sequence])
    seal()  # the forger lets the sealer cover the forged event
    result = _broken(broken_seal=3)
    assert "differs from the seal 3 that the verification" in result.problem


def test_the_newest_seal_deleted_is_found_once_its_events_are_overdue(sealed):
    raw("DELETE FROM {seals} WHERE number = 3")
    assert chain_verify().ok  # moments after: its events look like ones about to be sealed
    with time_machine.travel(django_timezone.now() + timedelta(minutes=6)):
        result = _broken(broken_at=sealed[6].sequence)
    assert "waited for a seal" in result.problem
    assert "activity_seal" in result.problem


@override_settings(ACTIVITY_SEAL_OVERDUE_SECONDS=30)
def test_events_left_unsealed_make_verification_fail_after_the_configured_time():
    (event,) = record(1)
    with time_machine.travel(event.created_at + timedelta(seconds=29)):
        assert chain_verify().ok
    with time_machine.travel(event.created_at + timedelta(seconds=31)):
        assert not chain_verify().ok


def _event(event: Event) -> Event:
    return Event.objects.get(sequence=event.sequence)


def test_content_hash_of_an_existing_event_never_changes():
    # Pinned digests: a change to the canonical serialisation would break every recorded seal.
    event = Event(
        sequence=7,
        created_at=datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-3))),
        actor_id=42,
        actor_label="olivia@example.com",
        action="member.role_changed",
        target_type="user",
        target_id="9",
        target_label="Zoë <zoe@example.com>",
        changes={"role": ["member", "admin"], "n": [1, None]},
        ip_address="2001:db8::1",
        user_agent="UA/1 ü",
        request_id="req-7",
    )
    assert content_hash(event) == "4053a65e250a04a310c193fe8475e91f3d9841eae060522d0dd201c9881a615e"
    assert b'"created_at":"2025-03-01T12:30:15.123456Z"' in canonical(event)
    assert b"sequence" not in canonical(event)  # the seal's root binds the id
    # Verification and exports hash the values read from the database, not models: the same digest.
    values = {field.attname: getattr(event, field.attname) for field in Event._meta.concrete_fields}
    assert content_hash(values) == "4053a65e250a04a310c193fe8475e91f3d9841eae060522d0dd201c9881a615e"
    # A credential (added later) is hashed only when there is one, so older events keep their digests.
    event.credential = values["credential"] = "mdy_ab12"
    assert (
        content_hash(event)
        == content_hash(values)
        == ("61f6638156570ef4bfe851cce25117696847280275cc5de89462dd5ae5986ea7")
    )


def test_seal_hash_never_changes():
    seal_row = Seal(
        number=3,
        first_sequence=10,
        last_sequence=14,
        pending=[[12, "2025-03-01T12:30:15.123456Z"]],
        gaps=[11],
        count=3,
        root=seal_root([(10, "a" * 64), (13, "b" * 64), (14, "c" * 64)]),
        sealed_at=datetime(2025, 3, 1, 12, 30, 16, tzinfo=UTC),
        prev_hash="d" * 64,
    )
    assert seal_row.root == "b2c86e1cd929585d882c00ea953da3d92219d9abe6c5018c7832de0f4ac3f1ca"
    assert seal_hash(seal_row) == "552ebd2759ca3aede3d36c33738cd8b1cef49bb743de9a55dee4e8547a71970e"
    values = {field.attname: getattr(seal_row, field.attname) for field in Seal._meta.concrete_fields}
    assert seal_hash(values) == "552ebd2759ca3aede3d36c33738cd8b1cef49bb743de9a55dee4e8547a71970e"


@hypothesis.given(
    moment=hypothesis.strategies.datetimes(
        # Hypothesis takes naive bounds; fixed offsets, since a wall time a DST change repeats compares unequal.
        min_value=datetime(1970, 1, 1),  # noqa: DTZ001
        max_value=datetime(9999, 12, 30),  # noqa: DTZ001
        timezones=hypothesis.strategies.sampled_from(
            [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
        ),
    )
)
def test_the_hashed_and_exported_time_is_utc_to_the_microsecond_in_one_fixed_format(moment):
    text = utc_timestamp(moment)
    # The format every event's hash was computed with since the first release; it must never drift.
    assert text == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert parse_timestamp(text) == moment
