"""Within one request a single-row setting is read once; a change the request makes is read back at once."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import transaction

from accounts.models import SignInPolicy
from security.models import CorsSettings
from singletons.selectors import singleton_get
from singletons.services import singleton_update

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_request():
    request_started.send(sender=None)
    yield
    request_finished.send(sender=None)


@pytest.fixture
def without_process_copy(settings):
    """The request's own reading alone (each process's copy: ``test_process_copy.py``)."""
    settings.SETTINGS_PROCESS_CACHE_SECONDS = 0


def test_a_request_reads_a_setting_from_the_cache_once(in_request, cache_reads):
    first = singleton_get(SignInPolicy)
    for _ in range(3):
        assert singleton_get(SignInPolicy).version == first.version
    assert cache_reads == [SignInPolicy.cache_key()]


def test_each_reader_gets_its_own_copy(in_request):
    singleton_get(SignInPolicy).lockout_failure_limit = 99  # a form bound to it, never saved
    assert singleton_get(SignInPolicy).lockout_failure_limit != 99


def test_each_reader_gets_its_own_lists_too(in_request):
    singleton_get(CorsSettings).allowed_origins.append("https://intruder.example")
    singleton_get(CorsSettings).allowed_origins.append("https://intruder.example")
    assert "https://intruder.example" not in singleton_get(CorsSettings).allowed_origins


def test_a_change_made_by_the_request_is_read_back_at_once(in_request, owner):
    assert singleton_get(SignInPolicy).lockout_failure_limit != 7
    with transaction.atomic():
        singleton_update(SignInPolicy, acting_user=owner, fields={"lockout_failure_limit": 7})
    assert singleton_get(SignInPolicy).lockout_failure_limit == 7


def test_outside_a_request_each_read_asks_the_cache(without_process_copy, cache_reads):
    singleton_get(SignInPolicy)
    singleton_get(SignInPolicy)
    assert len(cache_reads) == 2


def test_the_next_request_reads_again(without_process_copy, cache_reads):
    request_started.send(sender=None)
    singleton_get(SignInPolicy)
    request_finished.send(sender=None)
    request_started.send(sender=None)
    singleton_get(SignInPolicy)
    request_finished.send(sender=None)
    assert len(cache_reads) == 2
