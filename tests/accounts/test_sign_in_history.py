"""A member's sign-in history: their own sign-ins, failures and sign-outs, newest first."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts.selectors import sign_in_history
from activity.services import event_record, events_seed
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_history_holds_the_members_own_sign_in_events_newest_first(client, member, admin):
    client.post("/login/", {"username": member.email, "password": "wrong"}, REMOTE_ADDR="203.0.113.10")
    sign_in(client, member)
    event_record(action="auth.signed_in", actor=admin, target=admin)
    event_record(action="member.role_changed", actor=admin, target=member)
    history = sign_in_history(user=member)
    assert [event.action for event in history] == ["auth.signed_in", "auth.sign_in_failed"]
    assert {event.target_id for event in history} == {str(member.pk)}


def test_history_is_limited_to_the_newest(member):
    for _ in range(5):
        event_record(action="auth.signed_out", actor=member, target=member)
    newest = sign_in_history(user=member, limit=3)
    assert len(newest) == 3
    assert [event.sequence for event in newest] == sorted((event.sequence for event in newest), reverse=True)


def test_history_of_a_seeded_actor_holds_only_their_sign_in_events():
    events_seed(count=400, actors=3, seed=7)
    user_model = get_user_model()
    person = user_model._default_manager.get(**{user_model.USERNAME_FIELD: "seed-actor-001@example.invalid"})
    history = sign_in_history(user=person, limit=400)
    assert history
    assert all(event.action.startswith("auth.") and event.target_id == str(person.pk) for event in history)
    assert "auth.signed_in" in {event.action for event in history}
