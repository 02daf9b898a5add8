"""Each process reuses a setting for at most a second before asking the shared cache again.

The process that changes a setting sees the change at once; other processes
within ``SETTINGS_PROCESS_CACHE_SECONDS``, as for the CORS origins and the
delivery keys (``tests/production/test_two_processes.py`` shows it across two
real servers).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from accounts.models import SignInPolicy
from security.models import CorsSettings
from singletons import selectors
from singletons.process_copies import ProcessCopies
from singletons.selectors import singleton_get
from singletons.services import singleton_update
from tests.conftest import ManualClock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def clock(monkeypatch) -> ManualClock:
    clock = ManualClock()
    monkeypatch.setattr(selectors.process_rows, "clock", clock)
    return clock


def other_process_changes(**fields) -> None:
    """Change the row and the shared copy as another process would: this process's copy is left as it was."""
    SignInPolicy.objects.filter(pk=singleton_get(SignInPolicy, cached=False).pk).update(**fields)
    cache.set(SignInPolicy.cache_key(), singleton_get(SignInPolicy, cached=False))


def test_requests_within_a_second_reuse_the_process_copy(clock, cache_reads):
    for _ in range(3):
        singleton_get(SignInPolicy)
        clock.now += 0.3
    assert cache_reads == [SignInPolicy.cache_key()]


def test_another_processs_change_is_read_after_a_second(clock):
    assert singleton_get(SignInPolicy).two_factor_grace_days == 0
    other_process_changes(two_factor_grace_days=7)
    clock.now += 0.9
    assert singleton_get(SignInPolicy).two_factor_grace_days == 0  # the copy, for now
    clock.now += 0.11
    assert singleton_get(SignInPolicy).two_factor_grace_days == 7


def test_the_changing_process_reads_its_change_at_once(clock, owner):
    assert singleton_get(SignInPolicy).lockout_failure_limit != 7
    with transaction.atomic():
        singleton_update(SignInPolicy, acting_user=owner, fields={"lockout_failure_limit": 7})
    assert singleton_get(SignInPolicy).lockout_failure_limit == 7


def test_readers_never_share_the_process_copy():
    singleton_get(CorsSettings).allowed_origins.append("https://intruder.example")
    singleton_get(CorsSettings).enabled = not singleton_get(CorsSettings).enabled
    fresh = singleton_get(CorsSettings, cached=False)
    copy = singleton_get(CorsSettings)
    assert (copy.allowed_origins, copy.enabled) == (fresh.allowed_origins, fresh.enabled)


def test_no_process_copy_when_switched_off(clock, settings, cache_reads):
    settings.SETTINGS_PROCESS_CACHE_SECONDS = 0
    singleton_get(SignInPolicy)
    singleton_get(SignInPolicy)
    assert cache_reads == [SignInPolicy.cache_key()] * 2


def test_a_process_keeps_a_bounded_number_of_values():
    copies = ProcessCopies(seconds=lambda: 1.0, copy=lambda value: value, max_kept=2)
    for key in range(3):
        copies.get(key, lambda key=key: key)
    assert len(copies) <= 2
    assert copies.get(2, lambda: "read again") == 2  # the newest is kept
