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
from activity.chain import chain_verify
from activity.models import Event, RetentionSetting
from activity.selectors import chain_last_verification, retention_get
from activity.services import event_record, retention_update
from tests.factories import make_user_via_service

pytestmark = pytest.mark.django_db


def _events_at(*days_ago: int) -> list[Event]:
    now = timezone.now()
    made = []
    for days in days_ago:
        with time_machine.travel(now - timedelta(days=days), tick=False):
            made.append(event_record(action="activity.seeded", target_label=f"{days} days ago"))
    return made


def test_activity_verify_passes_and_records_when_it_ran(capsys):
    _events_at(3, 2, 1)
    call_command("activity_verify")
    assert "Chain intact: 3 events verified" in capsys.readouterr().out
    last = chain_last_verification()
    assert last.changes == {"result": "intact", "checked": 3}
    assert last.actor_id is None


def test_activity_verify_exits_with_status_1_and_names_the_broken_event():
    _events_at(3, 2, 1)
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"UPDATE {table} SET changes = %s WHERE sequence = 2", ['{"forged": true}'])  # noqa: S608
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match="broken at event 2") as error:
        call_command("activity_verify")
    assert error.value.returncode == 1
    assert chain_last_verification().changes["result"] == "broken"


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
    call_command("activity_prune", "--archive-dir", str(tmp_path))

    assert not Event.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert Event.objects.filter(action="member.created").exists()
    pruned = Event.objects.get(action="activity.pruned")
    assert pruned.actor_id is None
    assert pruned.target_label == "events 1 to 3"
    assert pruned.changes["through_sequence"] == 3
    assert pruned.changes["last_hash"] == old[-1].hash
    assert chain_verify().ok

    (archive,) = tmp_path.iterdir()
    with gzip.open(archive, "rt") as lines:
        archived = [json.loads(line) for line in lines]
    assert [row["hash"] for row in archived] == [e.hash for e in old]
    assert pruned.changes["archive"] == archive.name


def test_prune_removes_only_a_prefix_of_the_chain(tmp_path):
    """An old event recorded after a recent one is kept, so the chain has no hole."""
    first_old, _recent, late_old = _events_at(400, 1, 300)
    RetentionSetting.objects.create(pk=1, keep_days=180)
    call_command("activity_prune", "--archive-dir", str(tmp_path))
    assert not Event.objects.filter(pk=first_old.pk).exists()
    assert Event.objects.filter(pk=late_old.pk).exists()
    assert chain_verify().ok


def test_pruning_twice_keeps_the_chain_verifiable(tmp_path):
    _events_at(500, 400)
    RetentionSetting.objects.create(pk=1, keep_days=450)
    call_command("activity_prune", "--archive-dir", str(tmp_path))
    assert chain_verify().ok
    RetentionSetting.objects.filter(pk=1).update(keep_days=90)
    with time_machine.travel(timezone.now() + timedelta(days=100), tick=False):
        call_command("activity_prune", "--archive-dir", str(tmp_path))
    assert Event.objects.filter(action="activity.pruned").count() == 1  # the first one was pruned too
    assert chain_verify().ok
    assert len(list(tmp_path.iterdir())) == 2


def test_deleting_the_oldest_kept_event_after_a_prune_is_detected(tmp_path):
    _events_at(400, 300, 10, 5)
    RetentionSetting.objects.create(pk=1, keep_days=180)
    call_command("activity_prune", "--archive-dir", str(tmp_path))
    table = connection.ops.quote_name(Event._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL activity.pruning = 'on'")
        cursor.execute(f"DELETE FROM {table} WHERE sequence = 3")  # noqa: S608
    result = chain_verify()
    assert not result.ok
    assert result.broken_at == 4


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
    assert chain_verify().ok


def test_seed_refuses_a_count_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("activity_seed", "--count", "0")
