"""Dormant accounts: the setting, owners' exemptions, and the daily command that deactivates."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from accounts import services
from accounts.models import SignInPolicy, User, UserSession
from accounts.roles import Role
from activity.models import Event
from tests.conftest import force_sign_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(days=100)


def _limit(days: int | None) -> None:
    SignInPolicy.objects.update_or_create(pk=1, defaults={"dormancy_days": days})


def _last_seen(user: User, ago: timedelta, *, joined: timedelta | None = None) -> None:
    moment = timezone.now() - ago
    User.objects.filter(pk=user.pk).update(last_login=moment, joined_at=timezone.now() - (joined or ago))


def _run() -> str:
    out = io.StringIO()
    call_command("accounts_deactivate_dormant", stdout=out)
    return out.getvalue()


def _events():
    return list(Event.objects.filter(action="member.dormancy_deactivated").values_list("target_label", flat=True))


def test_a_member_without_a_sign_in_past_the_limit_is_deactivated_told_and_recorded(
    owner, member, django_capture_on_commit_callbacks
):
    _limit(90)
    _last_seen(member, LONG_AGO)
    UserSession.objects.create(user=member, session_key="dormant-session")
    with django_capture_on_commit_callbacks(execute=True):
        output = _run()
    member.refresh_from_db()
    assert not member.is_active
    assert "Deactivated member@example.com" in output
    assert _events() == ["member@example.com"]
    event = Event.objects.get(action="member.dormancy_deactivated")
    assert event.actor is None
    assert event.changes["dormancy_days"] == 90
    assert event.changes["sessions_ended"] == 1
    assert [message.to for message in mail.outbox] == [["member@example.com"]]
    assert "nobody signed in to it for 90 days" in mail.outbox[0].body


def test_a_second_run_changes_nothing(owner, member, django_capture_on_commit_callbacks):
    _limit(90)
    _last_seen(member, LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        _run()
        _run()
    assert len(_events()) == 1
    assert len(mail.outbox) == 1


def test_recent_members_are_kept(owner, member):
    _limit(90)
    _last_seen(member, timedelta(days=89))
    _run()
    member.refresh_from_db()
    assert member.is_active
    assert _events() == []


def test_a_member_who_never_signed_in_counts_from_joining(owner):
    _limit(30)
    fresh = make_user(email="fresh@example.com", joined_at=timezone.now() - timedelta(days=10))
    stale = make_user(email="stale@example.com", joined_at=timezone.now() - timedelta(days=40))
    _run()
    assert _events() == ["stale@example.com"]
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert (fresh.is_active, stale.is_active) == (True, False)


def test_invitees_who_never_joined_are_left_to_their_invitation(owner):
    _limit(30)
    invitee = make_user(email="invitee@example.com", joined_at=None)
    User.objects.filter(pk=invitee.pk).update(date_joined=timezone.now() - LONG_AGO)
    _run()
    assert _events() == []


def test_exempted_service_accounts_are_kept(owner):
    _limit(30)
    robot = make_user(email="robot@example.com", dormancy_exempt=True)
    _last_seen(robot, LONG_AGO)
    _run()
    robot.refresh_from_db()
    assert robot.is_active
    assert _events() == []


def test_the_last_active_owner_is_never_deactivated(owner):
    _limit(30)
    other = make_user(email="owner2@example.com", role=Role.OWNER)
    _last_seen(owner, LONG_AGO)
    _last_seen(other, timedelta(days=200))
    output = _run()
    # The one dormant longest goes first; the other is then the last active owner and stays.
    assert _events() == ["owner2@example.com"]
    owner.refresh_from_db()
    assert owner.is_active
    assert "Kept owner@example.com: the last active owner is never deactivated." in output


def test_with_the_setting_off_nobody_is_deactivated(owner, member):
    _last_seen(member, timedelta(days=1000))
    assert "the setting is off" in _run()
    assert _events() == []


# The setting --------------------------------------------------------------------------------------


def test_admins_set_the_limit_on_the_security_page(client, admin):
    force_sign_in(client, admin)
    response = client.post("/settings/security/dormant-accounts/", {"dormancy_days": "90"})
    assert response.status_code == 302
    assert SignInPolicy.objects.get().dormancy_days == 90
    event = Event.objects.get(action="settings.dormancy.updated")
    assert event.changes == {"dormancy_days": [None, 90]}
    page = client.get(response["Location"]).content.decode()
    assert "Members who have not signed in for <strong>90 days</strong>" in page


def test_an_empty_limit_turns_it_off(client, admin):
    _limit(90)
    force_sign_in(client, admin)
    client.post("/settings/security/dormant-accounts/", {"dormancy_days": ""})
    assert SignInPolicy.objects.get().dormancy_days is None


@pytest.mark.parametrize("days", ["29", "366", "0"])
def test_a_limit_outside_30_to_365_days_is_refused(client, admin, days):
    force_sign_in(client, admin)
    response = client.post("/settings/security/dormant-accounts/", {"dormancy_days": days})
    assert response.status_code == 400
    assert SignInPolicy.objects.get().dormancy_days is None


def test_the_service_refuses_a_limit_out_of_range(admin):
    with pytest.raises(ValidationError):
        services.dormancy_policy_update(acting_user=admin, dormancy_days=20)


# Exemptions -----------------------------------------------------------------------------------------


def test_owners_exempt_a_service_account_on_its_page(client, owner, member):
    force_sign_in(client, owner)
    page = client.get(f"/team/{member.pk}/").content.decode()
    assert "Exempt as a service account" in page
    response = client.post(f"/team/{member.pk}/dormancy-exempt/", {"exempt": "on"})
    assert response["Location"] == f"/team/{member.pk}/"
    member.refresh_from_db()
    assert member.dormancy_exempt
    assert Event.objects.get(action="member.dormancy_exempt_changed").changes == {"dormancy_exempt": [False, True]}
    assert "End the exemption" in client.get(f"/team/{member.pk}/").content.decode()
    client.post(f"/team/{member.pk}/dormancy-exempt/", {})
    member.refresh_from_db()
    assert not member.dormancy_exempt


def test_admins_may_not_exempt_accounts(client, admin, member):
    force_sign_in(client, admin)
    assert "Exempt as a service account" not in client.get(f"/team/{member.pk}/").content.decode()
    assert client.post(f"/team/{member.pk}/dormancy-exempt/", {"exempt": "on"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.member_dormancy_exempt_set(user=member, exempt=True, acting_user=admin)
    member.refresh_from_db()
    assert not member.dormancy_exempt
