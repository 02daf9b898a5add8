"""The load balancer's probes: /healthz (the process answers) and /readyz (it can serve).

Both answer before the rest of the middleware (host check, HTTPS redirect,
sessions, sign-in steps), so a probe by IP address over plain HTTP works, and a
probe never touches a session, sets a cookie or records an activity event.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor

from accounts import session_state
from activity.models import Event
from modyo_admin import health
from modyo_admin.settings import redis_cache
from tests.conftest import force_sign_in
from tests.factories import make_user

PROBES = ["/healthz", "/readyz"]


@pytest.fixture(autouse=True)
def _migrations_not_yet_seen():
    with mock.patch.object(health.migration_state, "all_applied", False):
        yield


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_readyz_answers_200_when_the_database_is_reachable_and_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ready"


@pytest.mark.django_db
def test_readyz_remembers_a_complete_migration_state(client, django_assert_max_num_queries):
    client.get("/readyz")
    with mock.patch.object(MigrationExecutor, "migration_plan") as plan, django_assert_max_num_queries(1):
        assert client.get("/readyz").status_code == 200
    plan.assert_not_called()


@pytest.mark.django_db
def test_readyz_answers_503_with_unapplied_migrations(client):
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=[(object(), False)]):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: migrations"


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_is_unreachable(client):
    refused = OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/readyz")
    assert response.status_code == 503
    # Names the dependency only: no host, address, version or error text.
    assert response.content == b"not ready: database"


@pytest.mark.django_db
def test_readyz_answers_503_when_redis_is_unreachable(client, settings):
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:1/0", prefix="readyz-test")}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready: cache"


def test_healthz_does_not_ask_redis(client, settings):
    settings.CACHES = {"default": redis_cache("redis://127.0.0.1:1/0", prefix="healthz-test")}
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
def test_probes_are_never_cached_and_set_no_cookie(client, path):
    response = client.get(path)
    assert "no-store" in cache_control(response)
    assert not response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_probes_take_get_and_head_only(client, path, method):
    assert getattr(client, method)(path).status_code == 405
    assert client.head(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
def test_probes_answer_a_host_outside_allowed_hosts(client, path):
    # Load balancers and orchestrators probe the instance by its address.
    assert client.get("/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get(path, HTTP_HOST="10.1.2.3:8000").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
def test_probes_over_plain_http_are_not_redirected(client, settings, path):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/login/").status_code == 301
    assert client.get(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
def test_a_signed_in_caller_is_not_held_at_a_sign_in_step(client, path):
    force_sign_in(client, make_user(email="probe@example.com"))
    session = client.session
    session[session_state.PASSWORD_CHANGE_REQUIRED] = True
    session.save()
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("path", PROBES)
def test_a_probe_with_an_expired_session_records_no_event_and_keeps_the_session(client, path):
    force_sign_in(client, make_user(email="probe@example.com"))
    session = client.session
    session[session_state.SIGNED_IN_AT] = 0  # far past the absolute lifetime
    session.save()
    before = Event.objects.count()
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies
    assert Event.objects.count() == before
    assert client.get("/profile/").status_code == 302  # the next real request ends it, as before
