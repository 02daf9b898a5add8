from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import signals
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from activity import context
from activity import models as activity_models
from activity.models import AppendOnlyError, Event
from activity.services import REDACTED, event_record
from activity.verification import chain_verify

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


@pytest.mark.django_db
def test_event_keeps_request_metadata_and_the_actor_email_as_it_was(owner):
    token = context.bind(context.RequestContext(ip_address="198.51.100.7", user_agent="UA/1", request_id="req-1"))
    try:
        event = event_record(action="member.invited", actor=owner, target=owner, changes={"role": [None, "admin"]})
    finally:
        context.unbind(token)
    owner.email = "renamed@example.com"
    owner.save(update_fields=["email"])
    event = Event.objects.get(pk=event.pk)
    assert (event.ip_address, event.user_agent, event.request_id) == ("198.51.100.7", "UA/1", "req-1")
    assert event.actor_label == "owner@example.com"
    assert (event.target_type, event.target_id, event.target_label) == ("user", str(owner.pk), "owner@example.com")
    assert event.created_at.utcoffset().total_seconds() == 0


@pytest.mark.django_db
def test_system_events_have_no_actor_and_say_so():
    event = event_record(action="activity.seeded", target_type="activity_log", target_label="10 fake events")
    assert event.actor_id is None
    assert event.actor_label == ""
    assert event.actor_display == "System"
    assert event.sentence.startswith("System ")


@pytest.mark.django_db
def test_secrets_in_changes_are_redacted_at_any_depth():
    event = event_record(
        action="activity.seeded",
        changes={"password": "hunter2", "nested": {"token": "abc", "ok": 1}, "list": [{"secret": "s"}]},
    )
    assert event.changes == {
        "password": REDACTED,
        "nested": {"token": REDACTED, "ok": 1},
        "list": [{"secret": REDACTED}],
    }


@pytest.mark.django_db
def test_unregistered_event_type_is_refused():
    with pytest.raises(LookupError):
        event_record(action="nothing.registered")


@pytest.mark.django_db
def test_rolled_back_change_takes_its_event_with_it(owner):
    before = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        owner.full_name = "Changed"
        owner.save(update_fields=["full_name"])
        event_record(action="member.role_changed", actor=owner, target=owner)
        raise RuntimeError("the change fails after the event was written")
    assert Event.objects.count() == before
    owner.refresh_from_db()
    assert owner.full_name == "Olivia Owner"
    assert chain_verify().ok


@pytest.mark.django_db
def test_change_fails_when_its_event_cannot_be_written(owner):
    def disk_full(execute, sql, params, many, context):
        if sql.startswith(f'INSERT INTO "{Event._meta.db_table}"'):
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    with pytest.raises(DatabaseError), transaction.atomic(), connection.execute_wrapper(disk_full):
        owner.full_name = "Changed"
        owner.save(update_fields=["full_name"])
        event_record(action="member.role_changed", actor=owner, target=owner)
    owner.refresh_from_db()
    assert owner.full_name == "Olivia Owner"


# Event.objects.append: the INSERT of save(), compiled once ----------------------------


def _event(**fields) -> Event:
    values = {
        "created_at": datetime(2026, 3, 1, 13, 4, 5, 678901, tzinfo=timezone(timedelta(hours=-3))),
        "actor_label": "ünïcode@example.com",
        "action": "member.invited",
        "target_type": "user",
        "target_id": "42",
        "target_label": "Zoë \N{EM DASH} «quoted» 'label'",
        "changes": {"role": [None, "admin"], "note": "naïve ✓", "nested": {"n": 1.5, "ok": True}},
        "ip_address": "2001:0db8:0000:0000:0000:0000:0000:0001",
        "user_agent": 'UA/1 ("quoted")',
        "request_id": "req-1",
        "credential": "mdy_ab12",
        "hash": "f" * 64,
    }
    return Event(**(values | fields))


def _stored(event: Event) -> dict:
    return {f.attname: getattr(event, f.attname) for f in Event._meta.concrete_fields if not f.primary_key}


@pytest.mark.django_db
@pytest.mark.parametrize("with_actor", [True, False])
def test_append_writes_the_row_save_would_write(owner, with_actor):
    appended = Event.objects.append(_event(actor=owner if with_actor else None))
    saved = _event(actor=owner if with_actor else None)
    saved.save(force_insert=True)

    assert appended.pk is not None and appended.pk == saved.pk - 1
    assert not appended._state.adding and appended._state.db == "default"
    # What was stored, read back, is the same for both ways of writing, field by field.
    assert _stored(Event.objects.get(pk=appended.pk)) == _stored(Event.objects.get(pk=saved.pk))
    assert Event.objects.get(pk=appended.pk).ip_address == "2001:db8::1"


class _ReadsFromAReplica:
    """A router that sends reads elsewhere: writes must still go where it sends writes."""

    def db_for_read(self, model, **hints):
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"


@pytest.mark.django_db
def test_append_writes_to_the_database_for_writes(settings):
    settings.DATABASE_ROUTERS = [_ReadsFromAReplica()]
    event = Event.objects.append(_event())
    assert event._state.db == "default"
    assert Event.objects.using("default").filter(pk=event.pk).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL always returns the new id")
@pytest.mark.django_db
def test_append_finds_the_new_id_where_the_database_cannot_return_it(monkeypatch):
    # SQLite before 3.35 (Django 5.2 supports 3.31) has no INSERT ... RETURNING.
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    monkeypatch.setattr(activity_models, "_insert_statements", {})
    first, second = Event.objects.append(_event()), Event.objects.append(_event(target_id="43"))
    assert second.pk > first.pk
    assert Event.objects.get(pk=second.pk).target_id == "43"


@pytest.mark.django_db
def test_append_is_one_statement():
    with CaptureQueriesContext(connection) as captured:
        Event.objects.append(_event())
    assert [query["sql"].split(" (")[0] for query in captured.captured_queries] == [
        f'INSERT INTO "{Event._meta.db_table}"'
    ]


def test_nothing_listens_for_saved_events_which_append_would_not_tell():
    # append() sends no pre_save/post_save: a receiver for events would silently miss every one of them.
    for signal in (signals.pre_save, signals.post_save):
        assert not signal.has_listeners(Event)


@pytest.mark.django_db
def test_a_failed_append_spoils_the_transaction_it_ran_in():
    with pytest.raises(TransactionManagementError), transaction.atomic():
        with pytest.raises(IntegrityError):
            Event.objects.append(_event(action=None))  # NOT NULL
        # Django's rule for any failed query in an atomic block, on every database.
        Event.objects.count()


@pytest.mark.django_db
def test_orm_refuses_to_update_or_delete_an_event():
    event = event_record(action="activity.seeded")
    event.target_label = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(target_label="changed")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.bulk_update([event], ["target_label"])
    assert Event.objects.get(pk=event.pk).target_label == ""


@on_postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    ["UPDATE activity_event SET target_label = 'forged'", "DELETE FROM activity_event"],
    ids=["update", "delete"],
)
def test_postgresql_trigger_refuses_raw_update_and_delete(sql):
    event_record(action="activity.seeded")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert Event.objects.get().target_label == ""


@pytest.mark.django_db
def test_event_without_actor_outside_a_request_is_the_system_even_for_sign_in_actions():
    # As `axes_reset` records it: an auth.* action, but no one and no request behind it.
    event = event_record(action="auth.unlocked", target_type="user", target_label="someone@example.com")
    assert (event.actor_type, event.actor_display) == ("system", "System")
    assert event.sentence == "System unlocked sign-in for someone@example.com"
    assert "system" in str(event).lower()


@pytest.mark.django_db
def test_event_without_actor_inside_a_request_is_an_anonymous_visitor():
    token = context.bind(context.RequestContext(ip_address="198.51.100.7", request_id="req-9"))
    try:
        event = event_record(action="member.joined", target_type="user", target_label="new@example.com")
    finally:
        context.unbind(token)
    assert (event.actor_type, event.actor_display) == ("visitor", "Anonymous visitor")


@pytest.mark.django_db
def test_event_with_an_actor_shows_the_email_as_it_was(owner):
    event = event_record(action="member.invited", actor=owner, target=owner)
    assert (event.actor_type, event.actor_display) == ("user", "owner@example.com")


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_trigger_refuses_raw_truncate():
    # Committed first: PostgreSQL refuses to truncate a table with pending (deferred) constraint checks anyway.
    event_record(action="activity.seeded")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE activity_event CASCADE")
    assert Event.objects.count() == 1


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_whole_database_on_postgresql():
    event_record(action="activity.seeded")
    call_command("flush", interactive=False, verbosity=0)
    assert not Event.objects.exists()
    assert chain_verify().ok
