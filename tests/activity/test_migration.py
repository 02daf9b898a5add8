"""Migration 0006 seals a log written as a hash chain, after checking that chain, and refuses a broken one."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from activity.chain import content_hash
from activity.models import Event, Seal
from activity.sealing import seal_pending
from activity.verification import chain_verify

BEFORE = ("activity", "0005_retention_singleton_version")
# The newest migration: the tests leave the database where the rest of the suite expects it.
AFTER = ("activity", "0008_event_credential")
old = importlib.import_module("activity.migrations.0006_seals")


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _old_chain(*, count: int, first: int = 1, prev_hash: str = old.GENESIS_HASH, break_at: int | None = None):
    """Write ``count`` chained events from ``first`` as the code before seals did, and the chain head."""
    apps = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
    event_model, head_model = apps.get_model("activity", "Event"), apps.get_model("activity", "ChainHead")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    events = []
    for offset in range(count):
        sequence = first + offset
        pruned = sequence == first + count - 1 and first > 1
        event = event_model(
            sequence=sequence,
            created_at=start + timedelta(minutes=offset),
            action="activity.pruned" if pruned else "activity.seeded",
            target_type="activity_log",
            target_label=f"old {sequence}",
            changes={"through_sequence": first - 1, "last_hash": "a" * 64} if pruned else {"i": offset},
            prev_hash=prev_hash,
        )
        event.hash = old._chained_hash(prev_hash, event)
        if sequence == break_at:
            event.target_label = "changed after hashing"
        events.append(event)
        prev_hash = event.hash
    event_model.objects.bulk_create(events)
    head_model.objects.update_or_create(pk=1, defaults={"last_sequence": first + count - 1, "last_hash": prev_hash})


@pytest.fixture
def at_0005(django_db_blocker):
    _migrate(BEFORE)
    yield
    with connection.cursor() as cursor:
        # Leave no broken chain behind for the forward migration below.
        if "activity_chainhead" in connection.introspection.table_names(cursor):
            if connection.vendor == "postgresql":
                cursor.execute("SET activity.flushing = 'on'")
                cursor.execute("TRUNCATE activity_event, activity_chainhead")
                cursor.execute("SET activity.flushing = 'off'")
            else:
                cursor.execute("DELETE FROM activity_event")
                cursor.execute("DELETE FROM activity_chainhead")
    _migrate(AFTER)


@pytest.mark.django_db(transaction=True)
def test_an_intact_chain_becomes_seals_that_verify_and_new_events_follow(at_0005):
    _old_chain(count=1203)
    _migrate(AFTER)
    assert list(Seal.objects.values_list("count", flat=True)) == [500, 500, 203]
    assert all(event.hash == content_hash(event) for event in Event.objects.all())
    result = chain_verify()
    assert result.ok, result.summary()
    assert (result.checked, result.seals) == (1203, 3)

    from activity.services import event_record

    event = event_record(action="activity.seeded", target_label="after the upgrade")
    assert event.sequence == 1204
    seal_pending()
    assert chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_chain_pruned_before_the_upgrade_is_sealed_from_its_first_kept_event(at_0005):
    _old_chain(count=5, first=11, prev_hash="a" * 64)
    _migrate(AFTER)
    assert Seal.objects.get().first_sequence == 11
    assert chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_broken_chain_is_not_sealed_and_the_migration_says_where(at_0005):
    _old_chain(count=5, break_at=3)
    with pytest.raises(RuntimeError, match="hash chain is broken: event 3 does not match its hash"):
        _migrate(AFTER)
    assert "activity_seal" not in connection.introspection.table_names()
