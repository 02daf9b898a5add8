"""Fake events follow what the apps registered, not names the activity app knows."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from activity import registry
from activity.models import Event
from activity.services import events_seed
from activity.verification import chain_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    events_seed(count=600, actors=6, days=30, batch_size=250, seed=11)
    return Event.objects.exclude(action="activity.seeded")


def _seed_actors() -> list:
    user_model = get_user_model()
    lookup = {f"{user_model.USERNAME_FIELD}__startswith": "seed-actor-"}
    return list(user_model._default_manager.filter(**lookup))


def test_seeded_actors_are_inactive_users_who_cannot_sign_in(seeded):
    actors = _seed_actors()
    assert len(actors) == 6
    assert all(not person.is_active and not person.has_usable_password() for person in actors)


def test_events_of_a_type_that_targets_users_target_a_seeded_actor(seeded):
    user_target = get_user_model()._meta.model_name
    user_types = {t.name for t in registry.all_types() if t.target == user_target and t.weight}
    assert user_types, "some registered event type targets users"
    actors = {str(person.pk): person.get_username() for person in _seed_actors()}
    about_users = seeded.filter(action__in=user_types)
    assert about_users.exists()
    for event in about_users:
        assert event.target_type == user_target
        assert actors[event.target_id] == event.target_label


def test_other_events_target_what_their_type_declares(seeded):
    declared = {t.name: t.target or t.group for t in registry.all_types()}
    user_target = get_user_model()._meta.model_name
    for event in seeded.exclude(target_type=user_target):
        assert event.target_type == declared[event.action]


def test_anonymous_types_have_no_actor_and_the_others_a_seeded_one(seeded):
    anonymous = {t.name for t in registry.all_types() if t.anonymous}
    assert seeded.filter(action__in=anonymous).exists()
    assert not seeded.filter(action__in=anonymous, actor__isnull=False).exists()
    assert not seeded.exclude(action__in=anonymous).filter(actor__isnull=True).exists()
    assert not seeded.exclude(action__in=anonymous).exclude(actor_label__startswith="seed-actor-").exists()


def test_the_mix_follows_the_registered_weights(seeded):
    never = {t.name for t in registry.all_types() if t.weight == 0}
    assert never, "the activity app's own events are never made up"
    assert not seeded.filter(action__in=never).exists()
    counts = Counter(seeded.values_list("action", flat=True))
    heaviest = max(registry.all_types(), key=lambda t: t.weight)
    assert counts.most_common(1)[0][0] == heaviest.name


def test_seeded_events_extend_a_chain_that_still_verifies(seeded):
    assert seeded.count() == 600
    assert chain_verify().ok


def test_seeding_again_reuses_the_same_actors(seeded):
    events_seed(count=10, actors=6, seed=12)
    assert len(_seed_actors()) == 6


def test_a_negative_weight_is_refused():
    with pytest.raises(ValueError, match="weight"):
        registry.register("test.weighed", "Weighed", "{actor} weighed", weight=-1)
