"""Delivery keys are cached per process and reloaded everywhere when a key rotates."""

from __future__ import annotations

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from security import services
from security.delivery import InvalidDeliveryToken, delivery_token_issue, delivery_token_verify
from security.keyring import CACHE_KEY, DeliveryKeyring, keyring
from tests.conftest import ManualClock

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared():
    return LocMemCache("keyring-test", {})


def _key_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "security_deliverykey" in q["sql"]]


def test_issuing_and_verifying_read_no_key_from_the_database_once_warm(owner, delivery_key):
    token, _ttl = delivery_token_issue(user=owner)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(5):
            token, _ttl = delivery_token_issue(user=owner)
            assert delivery_token_verify(token)["sub"] == str(owner.pk)
    assert _key_queries(captured) == []


def test_the_rotating_process_signs_with_the_new_key_at_once(owner, delivery_key):
    old_token, _ = delivery_token_issue(user=owner)
    new_key = services.delivery_secret_rotate(acting_user=owner)
    token, _ = delivery_token_issue(user=owner)
    assert delivery_token_verify(token)
    assert f'"kid":"{new_key.kid}"' in _header(token)
    with pytest.raises(InvalidDeliveryToken):
        delivery_token_verify(old_token)  # no grace period: the old key is cut off at once


def _header(token: str) -> str:
    import base64

    head = token.split(".")[0]
    return base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode()


def test_another_process_reloads_once_a_rotation_is_published(owner, delivery_key, shared):
    clock = ManualClock()
    other = DeliveryKeyring(shared=shared, clock=clock)
    assert other.get().current.kid == delivery_key.kid
    new_key = services.delivery_secret_rotate(acting_user=owner)
    DeliveryKeyring(shared=shared).publish()  # what the rotating process does on commit

    clock.now += 0.5  # within the process copy's second: still the copy
    assert other.get().current.kid == delivery_key.kid
    clock.now += 0.6
    keys = other.get()
    assert keys.current.kid == new_key.kid
    assert keys.by_kid.keys() == {new_key.kid}


def test_a_lost_publication_is_bounded_by_the_shared_version_expiring(owner, delivery_key, shared, settings):
    settings.SECURITY_CORS_CACHE_TIMEOUT = 5
    clock = ManualClock()
    other = DeliveryKeyring(shared=shared, clock=clock)
    other.get()
    new_key = services.delivery_secret_rotate(acting_user=owner)  # never published
    shared.delete(CACHE_KEY)  # the shared version expired
    clock.now += 1.1
    assert other.get().current.kid == new_key.kid


def test_the_shared_cache_holds_a_version_never_a_secret(owner, delivery_key, shared):
    DeliveryKeyring(shared=shared).publish()
    version = shared.get(CACHE_KEY)
    assert version and delivery_key.secret not in version and delivery_key.kid not in version


def test_with_the_shared_cache_down_the_keys_come_from_the_database(owner, delivery_key):
    class Down(LocMemCache):
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

    ring = DeliveryKeyring(shared=Down("down", {}))
    assert ring.get().current.kid == delivery_key.kid
    new_key = services.delivery_secret_rotate(acting_user=owner)
    assert ring.get().current.kid == new_key.kid


def test_a_key_in_its_grace_period_verifies_until_it_ends(owner, delivery_key):
    import time_machine
    from django.utils import timezone

    old_token, _ = delivery_token_issue(user=owner)
    services.delivery_secret_rotate(acting_user=owner, grace_period=600)
    keyring.forget()
    assert delivery_token_verify(old_token)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=601)), pytest.raises(InvalidDeliveryToken):
        delivery_token_verify(old_token)
