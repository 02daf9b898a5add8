"""What a sign-in and a signed-in page cost in queries, pinned so that a change that adds one is seen."""

from __future__ import annotations

import pytest
from axes.models import AccessLog
from django.contrib.auth.views import LoginView
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path

from accounts.models import UserSession
from activity.models import Event
from modyo_admin.urls import urlpatterns as panel_urlpatterns
from tests.conftest import force_sign_in, sign_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

# Django's own sign-in, to compare with: its LoginView, default middleware and backend, no django-axes.
urlpatterns = [path("plain-login/", LoginView.as_view(template_name="accounts/login.html")), *panel_urlpatterns]
PLAIN_DJANGO = {
    "MIDDLEWARE": [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    "AUTHENTICATION_BACKENDS": ["django.contrib.auth.backends.ModelBackend"],
    "AXES_ENABLED": False,
}


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
    # On top: the lockout's count (no reset: nothing failed before), the session record and the event.
    statements = _statements(captured)
    assert len(statements) <= 8, "\n".join(statements)


def _sign_in_statements(url: str, member) -> list[str]:
    """Return every statement a warm sign-in sends, transaction control included."""
    Client().post(url, {"username": member.email, "password": DEFAULT_PASSWORD})
    with CaptureQueriesContext(connection) as captured:
        response = Client().post(url, {"username": member.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_sign_in_sends_at_most_three_statements_more_than_djangos_own(member, monkeypatch):
    from activity import services as activity_services

    # Sealing is not the sign-in's: on PostgreSQL a thread of the process does it, after the response.
    monkeypatch.setattr(activity_services, "seal_after_commit", lambda: None)
    ours = _sign_in_statements("/login/", member)
    with override_settings(**PLAIN_DJANGO):
        plain = _sign_in_statements("/plain-login/", member)
    # The lockout's count, the session record and the event, in the transaction of the session itself.
    assert len(ours) - len(plain) <= 3, "\n".join(["ours:", *ours, "Django's:", *plain])


@pytest.mark.django_db(transaction=True)
def test_a_sign_in_that_cannot_be_recorded_opens_no_session(member, monkeypatch):
    from accounts.services import two_factor

    def failing(**kwargs):
        raise DatabaseError("the event could not be written")

    monkeypatch.setattr(two_factor, "event_record", failing)
    with pytest.raises(DatabaseError):
        Client().post("/login/", {"username": member.email, "password": DEFAULT_PASSWORD})
    member.refresh_from_db()
    assert member.last_login is None
    assert not Session.objects.exists()
    assert not UserSession.objects.exists()


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
