"""One slow transaction cannot stall the site: a lock wait becomes a 503 within the timeout (PostgreSQL)."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

from accounts import selectors as account_selectors
from accounts.roles import Role
from tests.conftest import force_sign_in
from tests.factories import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_web_connections_carry_lock_and_statement_timeouts(on_postgres):
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "5s"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_a_request_waiting_on_a_held_lock_gets_a_503_while_other_pages_are_served(on_postgres, client):
    force_sign_in(client, make_user(email="olivia@example.com", role=Role.OWNER))
    account_selectors.sign_in_policy_get()  # the row exists
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '1s'")  # shorter than the default, for the test's sake
    holder = psycopg.connect(**connection.get_connection_params())
    try:
        holder.execute("SELECT * FROM accounts_signinpolicy WHERE id = 1 FOR UPDATE")  # held until rollback
        started = time.monotonic()
        response = client.post(
            "/settings/security/lockout/", {"lockout_failure_limit": "4", "lockout_cooloff_minutes": "15"}
        )
        waited = time.monotonic() - started
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        assert "busy" in response.content.decode()
        assert waited < 3
        assert client.get("/profile/").status_code == 200
    finally:
        holder.rollback()
        holder.close()
    assert account_selectors.sign_in_policy_get().lockout_failure_limit is None
