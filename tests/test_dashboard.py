"""The dashboard: its content is reused until the activity log records something, and never shows stale data."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from accounts.services import lockout_policy_update, member_invite
from checkup import views as checkup_views
from checkup.selectors import checkup_run
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkup_runs(monkeypatch):
    """Count the runs of the whole security checkup."""
    runs = []

    def counted(**kwargs):
        runs.append(kwargs)
        return checkup_run(**kwargs)

    monkeypatch.setattr(checkup_views, "checkup_run", counted)
    return runs


def test_the_dashboard_is_reused_until_the_activity_log_records_something(client, owner, checkup_runs):
    force_sign_in(client, owner)
    assert "more than 10" not in client.get("/").content.decode()
    client.get("/")
    assert len(checkup_runs) == 1

    lockout_policy_update(acting_user=owner, lockout_failure_limit=11)  # recorded in the log

    response = client.get("/")
    text = response.content.decode()
    assert len(checkup_runs) == 2
    assert "locked out after 11 failed sign-ins, more than 10" in text
    newest = response.context["events"]()[0]
    assert newest.action == "settings.lockout.updated"
    assert escape(newest.sentence) in text


def test_the_team_counts_and_latest_events_are_current_after_an_invitation(client, owner):
    force_sign_in(client, owner)
    first = client.get("/").content.decode()
    assert "newcomer@example.com" not in first

    member_invite(email="newcomer@example.com", role=Role.AUDITOR, acting_user=owner)

    response = client.get("/")
    auditors = next(row for row in response.context["by_role"]() if row["role"] == Role.AUDITOR.label)
    assert auditors["invited"] == 1
    assert "newcomer@example.com" in response.content.decode()


def test_the_dashboard_runs_the_checkup_again_after_a_minute_for_what_changes_with_time(
    client, owner, checkup_runs, settings
):
    # A cache whose expiry follows Python's clock, which time_machine moves (Redis keeps its own).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    force_sign_in(client, owner)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get("/")
        clock.shift(timedelta(seconds=59))
        client.get("/")
        assert len(checkup_runs) == 1
        clock.shift(timedelta(seconds=2))
        client.get("/")
        assert len(checkup_runs) == 2


def test_viewers_with_other_permissions_never_share_a_dashboard(client, owner, admin):
    force_sign_in(client, owner)
    assert "Security checkup" in client.get("/").content.decode()
    force_sign_in(client, admin)
    text = client.get("/").content.decode()
    assert ("Security checkup" in text) == admin.has_perm("checkup.view")
    assert ('href="/activity/' in text) == admin.has_perm("activity.view")


def test_the_checkup_page_always_runs_the_checks(client, owner, checkup_runs):
    force_sign_in(client, owner)
    client.get("/")
    client.get("/checkup/")
    client.get("/checkup/")
    assert len(checkup_runs) == 3


def test_the_dashboard_is_rendered_in_full_when_the_cache_fails(client, owner, checkup_runs, monkeypatch):
    force_sign_in(client, owner)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    # What django-redis does with IGNORE_EXCEPTIONS: a failed call answers as a miss.
    monkeypatch.setattr(caches["default"], "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(caches["default"], "set", lambda *args, **kwargs: None)
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200
        assert "checks pass" in response.content.decode()
    assert len(checkup_runs) == 2
