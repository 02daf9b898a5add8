"""Events are written without waiting for each other and sealed in batches right after they commit."""

from __future__ import annotations

import csv
import io
import logging
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activity import sealing
from activity.models import AppendOnlyError, Event, Seal
from activity.sealing import SEAL_LOCK_KEY, background_sealer_wait, seal_pending
from activity.selectors import sealed_up_to
from activity.services import event_record
from activity.verification import chain_verify
from tests.activity.tampering import burn_id, insert_copy, record, seal
from tests.conftest import force_sign_in
from tests.factories import make_user

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
# How long after its commit an event may wait for its seal, under load, on the reference machine (2 cores).
LAG_BOUND = timedelta(seconds=2)


def _newest() -> Seal:
    return Seal.objects.order_by("-number").first()


def _all_settled() -> bool:
    """Return True when the newest seal leaves no id pending and every event is sealed."""
    newest = _newest()
    last = Event.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    return newest is not None and not newest.pending and newest.last_sequence == last


@pytest.mark.django_db
def test_an_event_is_sealed_when_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (event,) = record(1)
        assert not Seal.objects.exists()  # nothing waits for a lock before the commit
    assert _newest().first_sequence == event.sequence
    assert sealed_up_to().covers(event.sequence)
    assert chain_verify().ok


@pytest.mark.django_db
@override_settings(ACTIVITY_SEAL_BATCH_SIZE=4)
def test_a_seal_covers_at_most_the_batch_size():
    events = record(10)
    run = seal()
    assert (run.seals, run.events) == (3, 10)
    assert list(Seal.objects.values_list("count", flat=True)) == [4, 4, 2]
    assert _newest().last_sequence == events[-1].sequence
    assert chain_verify().ok


@pytest.mark.django_db
def test_sealing_again_with_nothing_new_makes_no_seal():
    record(2)
    seal()
    assert seal().seals == 0
    assert Seal.objects.count() == 1


@pytest.mark.django_db
def test_an_unused_id_does_not_hold_back_later_events_and_becomes_a_gap_after_the_grace():
    (before,) = record(1)
    burn_id()  # a transaction that drew an id and rolled back, or has not committed yet
    (after,) = record(1)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        seal()
    newest = _newest()
    # The later event is sealed at once: the sealing lag does not wait for the unused id.
    assert sealed_up_to().covers(after.sequence)
    assert [sequence for sequence, _since in newest.pending] == [before.sequence + 1]
    assert newest.gaps == []
    assert chain_verify().ok

    with time_machine.travel(now + timedelta(seconds=0.5), tick=False):
        seal()  # still within the grace: the id may belong to a transaction about to insert it
    assert _newest().pending
    with time_machine.travel(now + LAG_BOUND, tick=False):
        seal()
    newest = _newest()
    assert (newest.gaps, newest.pending, newest.count) == ([before.sequence + 1], [], 0)
    assert newest.first_sequence == newest.last_sequence + 1  # it settles the id only
    assert _all_settled()
    assert chain_verify().ok


@pytest.mark.django_db
def test_an_id_still_pending_is_sealed_when_its_event_commits_later():
    (before,) = record(1)
    burn_id()
    (after,) = record(1)
    seal()
    insert_copy(before, sequence=after.sequence - 1, target_label="committed late")  # as its transaction would
    seal()
    newest = _newest()
    assert (newest.count, newest.pending, newest.gaps) == (1, [], [])
    assert chain_verify().ok


@pytest.mark.django_db
def test_activity_seal_catches_up(capsys):
    record(3)
    call_command("activity_seal")
    assert "Sealed 3 events in 1 seals." in capsys.readouterr().out
    assert _all_settled()


@pytest.mark.django_db
def test_a_failed_seal_is_logged_and_never_fails_the_committed_change(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(sealing, "seal_pending", broken)
    with caplog.at_level(logging.WARNING, logger="activity.sealing"), django_capture_on_commit_callbacks(execute=True):
        (event,) = record(1)
    assert Event.objects.filter(pk=event.pk).exists()
    assert "the next commit or `activity_seal` seals them" in caplog.text


@pytest.mark.django_db
def test_seals_are_append_only_in_the_orm():
    record(1)
    seal()
    newest = _newest()
    newest.count = 7
    with pytest.raises(AppendOnlyError):
        newest.save()
    with pytest.raises(AppendOnlyError):
        Seal.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Seal.objects.update(count=7)


@pytest.mark.django_db
def test_the_page_marks_events_not_sealed_yet(client, auditor):
    (older,) = record(1, label="sealing")
    seal()
    (fresh,) = record(1, label="sealing")
    force_sign_in(client, auditor)
    body = client.get("/activity/", {"q": "sealing"}).content.decode()
    rows = body.split("<tbody>")[1].split("</tr>")
    assert "badge--unsealed" in rows[0]  # the newest, not sealed yet
    assert "badge--unsealed" not in rows[1]
    assert "not sealed yet" in client.get(f"/activity/{fresh.sequence}/").content.decode()
    detail = client.get(f"/activity/{older.sequence}/").content.decode()
    assert "Seal 1 (" in detail
    assert _newest().hash in detail
    assert "not sealed yet" not in detail


@pytest.mark.django_db
def test_exports_name_the_seal_of_each_event_and_leave_it_empty_until_sealed(client, auditor):
    first = record(2, label="exported")
    with override_settings(ACTIVITY_SEAL_BATCH_SIZE=1):
        seal()
    (fresh,) = record(1, label="exported")
    force_sign_in(client, auditor)
    response = client.get("/activity/export.csv", {"q": "exported"})
    text = b"".join(response.streaming_content).decode()
    rows = {int(row["sequence"]): row for row in csv.DictReader(io.StringIO(text))}
    assert [rows[e.sequence]["seal"] for e in first] == ["1", "2"]
    assert rows[fresh.sequence]["seal"] == ""
    assert rows[first[0].sequence]["hash"] == first[0].hash


# PostgreSQL: real concurrency ----------------------------------------------------------


def _in_thread(target, *args) -> threading.Thread:
    def run():
        try:
            target(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
@override_settings(ACTIVITY_SEAL_IN_BACKGROUND=True)
def test_events_written_concurrently_by_several_writers_all_end_up_sealed_in_a_chain_that_verifies():
    actor = make_user(email="writer@example.com")
    writers, per_writer = 8, 15
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    event_record(action="member.role_changed", actor=actor, target=actor, changes={"n": [n, i]})
        except BaseException as error:  # surfaced below; a thread cannot fail the test itself
            errors.append(error)

    for thread in [_in_thread(write, n) for n in range(writers)]:
        thread.join()
    assert errors == []
    assert Event.objects.filter(action="member.role_changed").count() == writers * per_writer
    assert background_sealer_wait()
    # No catch-up was needed: the last sealer looked again after its last commit.
    assert _all_settled()
    assert Seal.objects.count() < writers * per_writer / 2  # in batches, not one seal per event
    result = chain_verify()
    assert result.ok, result.summary()
    assert result.unsealed == 0
    lag = max(
        seal_row.sealed_at - created_at
        for seal_row in Seal.objects.all()
        for created_at in Event.objects.filter(
            sequence__gte=seal_row.first_sequence, sequence__lte=seal_row.last_sequence
        ).values_list("created_at", flat=True)
    )
    assert lag <= LAG_BOUND


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
@override_settings(ACTIVITY_SEAL_IN_BACKGROUND=True, ACTIVITY_SEAL_DELAY_SECONDS=1)
def test_with_background_sealing_a_commit_only_wakes_the_sealer_thread():
    (event,) = record(1)
    assert not Seal.objects.exists()  # the commit returned without sealing; the thread gathers commits first
    assert background_sealer_wait()
    assert sealed_up_to().covers(event.sequence)
    assert _newest().sealed_at - event.created_at <= LAG_BOUND


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_a_recorded_gap_and_stalls_nothing():
    record(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        (rolled_back,) = record(1)
        raise RuntimeError("the change fails after its event was written")
    started = time.monotonic()
    (after,) = record(1)  # committed, and sealed by its own commit
    assert time.monotonic() - started < 1
    assert sealed_up_to().covers(after.sequence)
    assert [sequence for sequence, _since in _newest().pending] == [rolled_back.sequence]
    with time_machine.travel(timezone.now() + LAG_BOUND):
        record(1)
    assert rolled_back.sequence in _newest().gaps
    assert _all_settled()
    assert chain_verify().ok


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_slow_transaction_delays_only_its_own_seal_and_is_never_taken_for_a_gap():
    record(1)  # the log has begun: a first seal exists
    written, finish = threading.Event(), threading.Event()
    slow: list[Event] = []

    def slow_writer():
        with transaction.atomic():
            slow.extend(record(1, label="slow"))
            written.set()
            finish.wait(10)

    thread = _in_thread(slow_writer)
    try:
        assert written.wait(10)
        (fast,) = record(1, label="fast")
        assert sealed_up_to().covers(fast.sequence)  # the open transaction holds back no other event
        with time_machine.travel(timezone.now() + timedelta(minutes=1)):
            # Long past the grace: the id is still in use, so it stays pending.
            seal_pending()
            assert [sequence for sequence, _since in _newest().pending] == [slow[0].sequence]
    finally:
        finish.set()
        thread.join()
    assert _all_settled()
    assert _newest().count == 1
    assert chain_verify().ok


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_seal_waits_for_an_event_still_being_written_below_the_oldest_committed_one():
    written, finish = threading.Event(), threading.Event()

    def slow_writer():
        with transaction.atomic():
            record(1, label="slow")
            written.set()
            finish.wait(10)

    thread = _in_thread(slow_writer)
    try:
        assert written.wait(10)
        record(1, label="fast")
        assert not Seal.objects.exists()
    finally:
        finish.set()
        thread.join()
    assert _all_settled()
    assert chain_verify().ok


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_sealer_returns_at_once_while_another_seals():
    holding, release = threading.Event(), threading.Event()

    def sealer_elsewhere():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
            holding.set()
            release.wait(10)

    thread = _in_thread(sealer_elsewhere)
    assert holding.wait(10)
    try:
        started = time.monotonic()
        (event,) = record(1)  # its commit tries to seal
        assert time.monotonic() - started < 0.5
        assert seal_pending().busy
        assert not sealed_up_to().covers(event.sequence)
    finally:
        release.set()
        thread.join()
    assert seal_pending().events == 1


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
@override_settings(ACTIVITY_SEAL_IN_BACKGROUND=True, ACTIVITY_SEAL_DELAY_SECONDS=0.05)
def test_the_sealer_thread_tries_again_when_another_process_was_sealing():
    record(1)
    assert background_sealer_wait()  # the log has begun
    holding, release = threading.Event(), threading.Event()

    def sealer_elsewhere():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
            holding.set()
            release.wait(10)

    thread = _in_thread(sealer_elsewhere)
    assert holding.wait(10)
    try:
        (event,) = record(1)
        time.sleep(0.3)  # several tries, each finding the lock taken
        assert not sealed_up_to().covers(event.sequence)
    finally:
        release.set()
        thread.join()
    # No other commit comes: the thread's own next try seals the event.
    assert background_sealer_wait()
    assert sealed_up_to().covers(event.sequence)


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
# A batch never fills here, so every seal is one round's.
@override_settings(ACTIVITY_SEAL_IN_BACKGROUND=True, ACTIVITY_SEAL_DELAY_SECONDS=0.5, ACTIVITY_SEAL_BATCH_SIZE=100_000)
def test_under_steady_commits_a_process_seals_once_per_delay_not_continuously():
    record(1)
    assert background_sealer_wait()
    seals_before = Seal.objects.count()
    started = time.monotonic()
    written = 0
    while time.monotonic() - started < 1.5:
        with transaction.atomic():
            record(1)
        written += 1
    assert background_sealer_wait()
    assert _all_settled()
    seals = Seal.objects.count() - seals_before
    # At most one round per delay while the writes go on, and the one after them; sealing after each
    # commit instead would make about one seal per event.
    rounds = (time.monotonic() - started) / 0.5 + 1
    assert seals <= rounds + 1
    assert seals < written / 3


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db
@pytest.mark.parametrize("sql", ["UPDATE activity_seal SET count = 9", "DELETE FROM activity_seal"])
def test_postgresql_refuses_raw_changes_to_seals(sql):
    record(1)
    seal()
    with (
        pytest.raises(DatabaseError, match="activity_seal is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert Seal.objects.get().count == 1


@on_postgres
@pytest.mark.django_db
def test_looking_for_events_left_to_seal_never_reads_the_event_table_whole():
    # Half the log unsealed, as after an outage that `activity_seal` catches up on: PostgreSQL reckons
    # a plain "any event from this id on?" finds one at once in a sequential scan, but the newest
    # events are at the end of the table, so it reads the sealed half first.
    Event.objects.bulk_create(
        Event(created_at=timezone.now(), action="auth.signed_in", target_label=f"{n}", hash="0") for n in range(4000)
    )
    middle = Event.objects.order_by("sequence").values_list("sequence", flat=True)[2000]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE activity_event")
    position = sealing.Position(number=1, first_sequence=middle, prev_hash="")
    with CaptureQueriesContext(connection) as captured:
        assert sealing._due(position)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {query['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
