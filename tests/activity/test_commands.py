from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from activity.models import Event, RetentionSetting, Seal
from activity.selectors import chain_last_verification, retention_get
from activity.services import event_record, retention_update
from activity.verification import chain_verify
from tests.activity.tampering import raw, seal
from tests.factories import make_user_via_service

pytestmark = pytest.mark.django_db


def _events_at(*days_ago: int) -> list[Event]:
    """Record one event per age, each sealed on its own as its commit would (tests never commit)."""
    now = timezone.now()
    made = []
    for days in days_ago:
        with time_machine.travel(now - timedelta(days=days), tick=False):
            made.append(event_record(action="activity.seeded", target_label=f"{days} days ago"))
            seal()
    return made


def _prune(tmp_path) -> None:
    call_command("activity_prune", "--archive-dir", str(tmp_path))
    seal()  # as the commit of the prune's own event does


def test_activity_verify_passes_and_records_when_it_ran(capsys):
    first, _, last = _events_at(3, 2, 1)
    call_command("activity_verify")
    newest = Seal.objects.order_by("-number").first()
    assert (
        f"Log intact: 3 events verified (sequence {first.sequence} to {last.sequence}), 3 seals; "
        f"newest seal 3, hash {newest.hash}."
    ) in capsys.readouterr().out
    last_run = chain_last_verification()
    assert last_run.changes == {"result": "intact", "checked": 3, "seal": 3, "seal_hash": newest.hash}
    assert last_run.actor_id is None


def test_activity_verify_exits_with_status_1_and_names_the_broken_event():
    forged = _events_at(3, 2, 1)[1]
    raw("UPDATE {events} SET changes = %s WHERE sequence = %s", ['{"forged": true}', forged.sequence])
    with pytest.raises(CommandError, match=f"broken at event {forged.sequence}") as error:
        call_command("activity_verify")
    assert error.value.returncode == 1
    last = chain_last_verification().changes
    assert (last["result"], last["broken_at"]) == ("broken", forged.sequence)
    assert "seal" not in last


def test_activity_verify_no_record_leaves_the_log_alone():
    _events_at(1)
    call_command("activity_verify", "--no-record")
    assert Event.objects.count() == 1


def test_retention_below_90_days_is_refused_and_nothing_changes(owner):
    with pytest.raises(ValidationError, match="at least 90 days"):
        retention_update(acting_user=owner, keep_days=89)
    assert retention_get().keep_days is None
    assert not Event.objects.filter(action="settings.activity_retention.updated").exists()


def test_retention_change_records_before_and_after(owner):
    retention_update(acting_user=owner, keep_days=90)
    retention_update(acting_user=owner, keep_days=None)
    events = Event.objects.filter(action="settings.activity_retention.updated").order_by("sequence")
    assert [e.changes for e in events] == [{"keep_days": [None, 90]}, {"keep_days": [90, None]}]
    assert all(e.actor_id == owner.pk for e in events)


def test_prune_does_nothing_while_events_are_kept_forever(tmp_path, capsys):
    _events_at(1000, 1)
    call_command("activity_prune", "--archive-dir", str(tmp_path))
    assert "keep events forever" in capsys.readouterr().out
    assert Event.objects.filter(action="activity.seeded").count() == 2
    assert list(tmp_path.iterdir()) == []


def test_prune_archives_then_removes_old_events_and_the_chain_still_verifies(tmp_path):
    old = _events_at(400, 300, 200)
    owner = make_user_via_service(email="owner@example.com", role=Role.OWNER)  # a recent event: member.created
    retention_update(acting_user=owner, keep_days=180)
    last_removed = Seal.objects.get(number=3)
    _prune(tmp_path)

    assert not Event.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert Event.objects.filter(action="member.created").exists()
    assert list(Seal.objects.values_list("number", flat=True)) == [4]  # the kept events, sealed after the prune
    pruned = Event.objects.get(action="activity.pruned")
    assert pruned.actor_id is None
    assert pruned.target_label == f"events {old[0].sequence} to {old[-1].sequence}"
    assert (pruned.changes["through_sequence"], pruned.changes["through_seal"]) == (old[-1].sequence, 3)
    assert pruned.changes["last_seal_hash"] == last_removed.hash
    assert Seal.objects.get(number=4).prev_hash == last_removed.hash
    assert chain_verify().ok

    (archive,) = tmp_path.iterdir()
    with gzip.open(archive, "rt") as lines:
        archived = [json.loads(line) for line in lines]
    events, seals = archived[:3], [line["seal"] for line in archived[3:]]
    assert [row["hash"] for row in events] == [e.hash for e in old]
    assert [row["seal"] for row in events] == [1, 2, 3]
    assert [row["number"] for row in seals] == [1, 2, 3]
    assert seals[-1]["hash"] == last_removed.hash
    assert pruned.changes["archive"] == archive.name


def test_prune_removes_only_a_prefix_of_the_chain(tmp_path):
    """An old event recorded after a recent one is kept, so the chain has no hole."""
    first_old, _recent, late_old = _events_at(400, 1, 300)
    RetentionSetting.objects.create(pk=1, keep_days=180)
    _prune(tmp_path)
    assert not Event.objects.filter(pk=first_old.pk).exists()
    assert Event.objects.filter(pk=late_old.pk).exists()
    assert chain_verify().ok


def test_pruning_twice_keeps_the_chain_verifiable(tmp_path):
    _events_at(500, 400)
    RetentionSetting.objects.create(pk=1, keep_days=450)
    _prune(tmp_path)
    assert chain_verify().ok
    RetentionSetting.objects.filter(pk=1).update(keep_days=90)
    with time_machine.travel(timezone.now() + timedelta(days=100), tick=False):
        _prune(tmp_path)
        assert Event.objects.filter(action="activity.pruned").count() == 1  # the first one was pruned too
        assert chain_verify().ok
    assert len(list(tmp_path.iterdir())) == 2


def test_deleting_the_oldest_kept_event_after_a_prune_is_detected(tmp_path):
    kept = _events_at(400, 300, 10, 5)[2]
    RetentionSetting.objects.create(pk=1, keep_days=180)
    _prune(tmp_path)
    assert chain_verify().ok
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL activity.pruning = 'on'")
        cursor.execute(f"DELETE FROM {table} WHERE sequence = %s", [kept.sequence])  # noqa: S608
    result = chain_verify()
    assert not result.ok
    assert result.broken_at == kept.sequence


def test_deleting_the_oldest_kept_seal_after_a_prune_is_detected(tmp_path):
    _events_at(400, 300, 10, 5)
    RetentionSetting.objects.create(pk=1, keep_days=180)
    _prune(tmp_path)
    raw("DELETE FROM {seals} WHERE number = 3")
    result = chain_verify()
    assert (result.ok, result.broken_seal) == (False, 4)
    assert "seal 3 is missing" in result.problem


def test_prune_keeps_a_seal_that_covers_any_recent_event(tmp_path):
    """Seals are removed whole: an old event sealed together with a recent one stays."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=400), tick=False):
        old = event_record(action="activity.seeded", target_label="old")
    recent = event_record(action="activity.seeded", target_label="recent")
    seal()
    RetentionSetting.objects.create(pk=1, keep_days=180)
    call_command("activity_prune", "--archive-dir", str(tmp_path))
    assert Event.objects.filter(pk__in=[old.pk, recent.pk]).count() == 2
    assert list(tmp_path.iterdir()) == []


def test_seed_creates_a_valid_chain_of_varied_events_over_two_years(capsys):
    call_command("activity_seed", "--count", "500", "--actors", "7", "--batch-size", "120", "--seed", "1")
    assert "Created 500 fake events" in capsys.readouterr().out
    seeded = Event.objects.exclude(action="activity.seeded")
    assert seeded.count() == 500
    assert seeded.values("actor").distinct().count() >= 7
    assert seeded.values("action").distinct().count() >= 10
    span = max(seeded.values_list("created_at", flat=True)) - min(seeded.values_list("created_at", flat=True))
    assert span > timedelta(days=700)
    assert Event.objects.filter(action="activity.seeded").get().changes["count"] == 500
    assert Seal.objects.filter(count__gt=120).count() == 0  # sealed as they were written, in batches
    seal()  # the closing activity.seeded event, as its commit would
    assert chain_verify().ok


def test_seed_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("activity_seed", "--count", "0")
