"""Single-row settings: one read path with one cache rule, one update helper."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.transaction import TransactionManagementError

from activity.models import RetentionSetting
from security.models import CorsSettings, DeliverySettings
from singletons import selectors as singleton_selectors
from singletons.selectors import singleton_get
from singletons.services import singleton_update


def update(model, *, acting_user=None, **fields):
    with transaction.atomic():
        return singleton_update(model, acting_user=acting_user, fields=fields)


class BrokenCache:
    """A cache whose server is down: every call fails, as django-redis does then."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache server unavailable")

        return fail


# Reading ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_read_creates_the_row_with_its_defaults_once(settings):
    settings.SECURITY_DELIVERY_TOKEN_DEFAULT_TTL = 900
    first = singleton_get(DeliverySettings)
    settings.SECURITY_DELIVERY_TOKEN_DEFAULT_TTL = 1200
    second = singleton_get(DeliverySettings)
    assert (first.pk, first.token_ttl, first.version) == (1, 900, 1)
    assert (second.pk, second.token_ttl) == (1, 900)  # stored with the default in force when created
    assert DeliverySettings.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_read_outside_a_transaction_is_served_from_the_cache(django_assert_num_queries):
    assert singleton_get(RetentionSetting).keep_days is None
    RetentionSetting.objects.filter(pk=1).update(keep_days=400)  # behind the helper's back
    with django_assert_num_queries(0):
        assert singleton_get(RetentionSetting).keep_days is None


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_bypasses_the_cache_and_caches_nothing():
    with transaction.atomic():
        created = singleton_get(RetentionSetting)  # not committed yet
        assert cache.get(RetentionSetting.cache_key()) is None
        RetentionSetting.objects.filter(pk=created.pk).update(keep_days=400)
        assert singleton_get(RetentionSetting).keep_days == 400
    assert cache.get(RetentionSetting.cache_key()) is None
    assert singleton_get(RetentionSetting).keep_days == 400


@pytest.mark.django_db(transaction=True)
def test_a_slow_reader_cannot_put_an_older_row_back(owner):
    stale = singleton_get(RetentionSetting)
    cache.clear()
    update(RetentionSetting, acting_user=owner, keep_days=120)
    # A reader that fetched the row before the commit offers it to the cache only with add().
    cache.add(RetentionSetting.cache_key(), stale, timeout=300)
    assert singleton_get(RetentionSetting).keep_days == 120


@pytest.mark.django_db(transaction=True)
def test_with_the_cache_down_reads_come_from_the_database(monkeypatch, owner):
    update(RetentionSetting, acting_user=owner, keep_days=120)
    monkeypatch.setattr(singleton_selectors, "cache", BrokenCache())
    assert singleton_get(RetentionSetting).keep_days == 120


# Updating --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_update_returns_what_changed_and_raises_the_version(owner):
    row, changes = update(CorsSettings, acting_user=owner, enabled=True, allowed_origins=["https://a.example"])
    assert changes == {"enabled": [False, True], "allowed_origins": [[], ["https://a.example"]]}
    stored = CorsSettings.objects.get()
    assert (stored.version, stored.updated_by, stored.enabled) == (2, owner, True)
    assert row.version == stored.version

    row, changes = update(CorsSettings, acting_user=owner, enabled=False)
    assert changes == {"enabled": [True, False]}  # only what changed
    assert row.version == 3


@pytest.mark.django_db
def test_an_update_that_changes_nothing_saves_nothing(owner, django_capture_on_commit_callbacks):
    update(RetentionSetting, acting_user=owner, keep_days=120)
    before = RetentionSetting.objects.get()
    with django_capture_on_commit_callbacks() as callbacks:
        row, changes = update(RetentionSetting, acting_user=None, keep_days=120)
    assert changes == {}
    assert callbacks == []
    after = RetentionSetting.objects.get()
    assert (after.version, after.updated_at, after.updated_by) == (before.version, before.updated_at, owner)


@pytest.mark.django_db
def test_a_list_edited_on_the_read_copy_counts_as_a_change(owner):
    update(CorsSettings, acting_user=owner, allowed_origins=["https://a.example"])
    with transaction.atomic():
        row = singleton_get(CorsSettings)
        origins = row.allowed_origins
        origins.append("https://b.example")
        _, changes = singleton_update(CorsSettings, acting_user=owner, fields={"allowed_origins": origins})
    assert changes == {"allowed_origins": [["https://a.example"], ["https://a.example", "https://b.example"]]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "allowed"),
    [({"version": 7}, None), ({"updated_at": None}, None), ({"allowed_origins": []}, ("enabled",))],
)
def test_a_field_that_is_not_allowed_is_refused(owner, fields, allowed):
    with pytest.raises(ValidationError, match="Unknown options"), transaction.atomic():
        singleton_update(CorsSettings, acting_user=owner, fields=fields, allowed=allowed)
    assert not CorsSettings.objects.exists()


@pytest.mark.django_db
def test_an_invalid_value_is_refused_and_nothing_is_saved(owner):
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        singleton_update(DeliverySettings, acting_user=owner, fields={"token_ttl": 5})
    assert "token_ttl" in caught.value.message_dict
    assert not DeliverySettings.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_update_outside_a_transaction_is_refused(owner):
    with pytest.raises(TransactionManagementError):
        singleton_update(RetentionSetting, acting_user=owner, fields={"keep_days": 120})


# The cache after a change ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_cache_holds_the_new_row_after_commit_and_not_before(owner):
    assert singleton_get(RetentionSetting).keep_days is None  # now cached
    with transaction.atomic():
        singleton_update(RetentionSetting, acting_user=owner, fields={"keep_days": 120})
        assert cache.get(RetentionSetting.cache_key()).keep_days is None
    cached = cache.get(RetentionSetting.cache_key())
    assert (cached.keep_days, cached.version) == (120, 2)
    assert singleton_get(RetentionSetting).keep_days == 120


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_the_cache_alone(owner):
    singleton_get(RetentionSetting)
    with pytest.raises(RuntimeError), transaction.atomic():
        singleton_update(RetentionSetting, acting_user=owner, fields={"keep_days": 120})
        raise RuntimeError("the caller fails after the update")
    assert cache.get(RetentionSetting.cache_key()).keep_days is None
    assert singleton_get(RetentionSetting).keep_days is None


@pytest.mark.django_db(transaction=True)
def test_a_failed_cache_refresh_removes_the_cached_row(monkeypatch, owner):
    singleton_get(RetentionSetting)

    def set_fails(*args, **kwargs):
        raise ConnectionError("cache server unavailable")

    monkeypatch.setattr(cache, "set", set_fails)
    update(RetentionSetting, acting_user=owner, keep_days=120)
    assert cache.get(RetentionSetting.cache_key()) is None
    assert singleton_get(RetentionSetting).keep_days == 120


def test_each_model_has_its_own_cache_key():
    keys = {model.cache_key() for model in (RetentionSetting, CorsSettings, DeliverySettings)}
    assert len(keys) == 3
