"""The policies are cached for every app process and refreshed when they change."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches

from accounts import selectors, services
from accounts.models import PasswordPolicy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    "locmem" in settings.CACHES["default"]["BACKEND"], reason="needs a cache shared between processes (REDIS_URL)"
)
def test_a_change_reaches_another_cache_client_at_once(owner):
    assert selectors.password_policy_get().min_length == 8  # now cached
    other_process = caches.create_connection("default")
    services.password_policy_update(acting_user=owner, min_length=12)
    assert selectors.password_policy_get().min_length == 12
    assert other_process.get(PasswordPolicy.cache_key()).min_length == 12


def test_a_reader_cannot_put_a_stale_row_back_after_a_change(owner):
    stale = PasswordPolicy.objects.get()
    services.password_policy_update(acting_user=owner, min_length=14)
    # A reader that fetched the row before the commit caches it only if nothing newer is there.
    from django.core.cache import cache

    cache.add(PasswordPolicy.cache_key(), stale, timeout=300)
    assert selectors.password_policy_get().min_length == 14
