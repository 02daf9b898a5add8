"""What a sign-in and a signed-in page cost in queries, pinned so that a change that adds one is seen."""

from __future__ import annotations

import pytest
from axes.models import AccessLog
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import Event
from tests.conftest import force_sign_in, sign_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def _device_queries(captured) -> list[str]:
    # The member's own query may carry an EXISTS over the devices; a query of the device table alone is a look-up.
    return [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "otp_totp_totpdevice"' in q["sql"] and "accounts_user" not in q["sql"]
    ]


def test_sign_in_is_recorded_once_by_our_event_not_again_in_axes_access_log(client, member):
    sign_in(client, member)
    assert not AccessLog.objects.exists()
    assert Event.objects.filter(action="auth.signed_in", actor=member).count() == 1


def _statements(captured) -> list[str]:
    """Return the reads and writes, without transaction control and without sealing (a thread on PostgreSQL)."""
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(control)
        and "activity_seal" not in q["sql"]
        and not q["sql"].startswith(('SELECT 1 AS "a" FROM "activity_event"', 'SELECT "activity_event"'))
        and "advisory" not in q["sql"]
    ]


@pytest.mark.django_db(transaction=True)
def test_sign_in_stays_within_its_statement_budget(member):
    from django.test import Client

    # Outside a test transaction, as in production: the settings come from the cache once warm.
    Client().post("/login/", {"username": member.email, "password": DEFAULT_PASSWORD})
    with CaptureQueriesContext(connection) as captured:
        response = Client().post("/login/", {"username": member.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    # Django's plain LoginView: the member, the session (exists, insert, update) and last_login.
    # On top: the lockout's count and reset (two reads), the session record and the event.
    statements = _statements(captured)
    assert len(statements) <= 10, "\n".join(statements)


def test_a_page_looks_up_no_device_for_a_member_without_one(client, auditor):
    force_sign_in(client, auditor)
    client.get("/activity/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/activity/").status_code == 200
    assert _device_queries(captured) == []


def test_a_session_opened_before_enrolling_elsewhere_is_held_at_the_second_step(client, member):
    from django.test import Client

    from tests.two_factor.conftest import enrol

    force_sign_in(client, member)
    assert client.get("/profile/").status_code == 200
    enrol(force_sign_in(Client(), member), member)

    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/verify/")
