from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import SignInPolicy
from activity.models import Event
from tests.conftest import force_sign_in, sign_in

pytestmark = pytest.mark.django_db

CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def test_idle_session_returns_to_sign_in_and_then_to_the_wanted_page(client, member, password):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, member)
    with time_machine.travel(start + timedelta(minutes=59), tick=False):
        assert client.get("/profile/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=59 + 61), tick=False):
        response = client.get("/profile/sessions/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=%2Fprofile%2Fsessions%2F"
        page = client.get(response["Location"])
        assert "inactivity" in page.content.decode()
        again = client.post("/login/", {"username": member.email, "password": password, "next": "/profile/sessions/"})
        assert again["Location"] == "/profile/sessions/"
    assert Event.objects.filter(action="auth.session_expired", changes__reason="idle").count() == 1


def test_absolute_lifetime_ends_an_active_session(client, member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, member)
    for minutes in range(50, 24 * 60, 50):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get("/profile/").status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
        response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_stricter_session_limits_apply_to_existing_sessions(client, member, owner):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, member)
        services.session_policy_update(acting_user=owner, session_idle_minutes=10)
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert client.get("/profile/").status_code == 302


def test_sessions_page_lists_browser_os_and_ip(member):
    client = Client(HTTP_USER_AGENT=CHROME_LINUX)
    sign_in(client, member)
    page = client.get("/profile/sessions/")
    html = page.content.decode()
    assert "Chrome on Linux" in html
    assert "203.0.113.10" in html
    assert "This session" in html


def test_revoking_a_session_ends_it_at_once(member):
    laptop, phone = Client(), Client()
    force_sign_in(laptop, member)
    force_sign_in(phone, member)
    sessions = laptop.get("/profile/sessions/").context["sessions"]
    phone_session = next(s for s in sessions if s.session_key != laptop.session.session_key)
    assert laptop.post(f"/profile/sessions/{phone_session.pk}/sign-out/").status_code == 302
    assert phone.get("/profile/").status_code == 302
    assert laptop.get("/profile/").status_code == 200
    assert Event.objects.filter(action="session.revoked", actor=member).count() == 1


def test_sign_out_everywhere_else_keeps_the_current_session(member):
    laptop, phone, tablet = Client(), Client(), Client()
    for client in (laptop, phone, tablet):
        force_sign_in(client, member)
    laptop.post("/profile/sessions/sign-out-others/")
    assert laptop.get("/profile/").status_code == 200
    assert phone.get("/profile/").status_code == 302
    assert tablet.get("/profile/").status_code == 302


def test_cannot_revoke_someone_elses_session_from_the_profile(client, member, admin):
    other = Client()
    force_sign_in(other, admin)
    admin_session = admin.sessions.get()
    force_sign_in(client, member)
    assert client.post(f"/profile/sessions/{admin_session.pk}/sign-out/").status_code == 404
    assert other.get("/profile/").status_code == 200


def test_admin_signs_a_member_out_everywhere(client, member, admin):
    member_client = Client()
    force_sign_in(member_client, member)
    force_sign_in(client, admin)
    assert client.post(f"/team/{member.pk}/sign-out/", {"confirmed": "yes"}).status_code == 302
    assert member_client.get("/profile/").status_code == 302
    event = Event.objects.get(action="session.revoked")
    assert (event.actor, event.target_id, event.changes["sessions_ended"]) == (admin, str(member.pk), 1)


def test_changing_password_signs_out_other_sessions(member, password):
    laptop, phone = Client(), Client()
    force_sign_in(laptop, member)
    force_sign_in(phone, member)
    new = "An0ther-Long-Passphrase!"
    response = laptop.post("/profile/password/", {"old_password": password, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert laptop.get("/profile/").status_code == 200
    assert phone.get("/profile/").status_code == 302


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("session_absolute_minutes", 4),
        ("session_absolute_minutes", 20161),
        ("session_idle_minutes", 4),
        ("session_idle_minutes", 20161),
    ],
)
def test_session_limits_out_of_bounds_are_refused(owner, field, value):
    with pytest.raises(ValidationError):
        services.session_policy_update(acting_user=owner, **{field: value})


@pytest.mark.parametrize(
    "limits",
    [
        # The lifetime may not be shorter than the inactivity timeout, so the bounds go in pairs.
        {"session_absolute_minutes": 5, "session_idle_minutes": 5},
        {"session_absolute_minutes": 20160, "session_idle_minutes": 20160},
    ],
)
def test_session_limits_at_the_bounds_are_saved(owner, limits):
    services.session_policy_update(acting_user=owner, **limits)
    policy = SignInPolicy.objects.get()
    assert {field: getattr(policy, field) for field in limits} == limits


def test_limits_beyond_aal2_are_allowed_with_a_warning(client, owner):
    force_sign_in(client, owner)
    response = client.post(
        "/settings/security/sessions/", {"session_absolute_minutes": 3 * 24 * 60, "session_idle_minutes": 120}
    )
    assert response.status_code == 302
    page = client.get("/settings/security/")
    assert len(page.context["session_warnings"]) == 2
    event = Event.objects.get(action="settings.sessions.updated")
    assert event.changes == {"session_absolute_minutes": [1440, 4320], "session_idle_minutes": [60, 120]}


def test_out_of_range_session_limit_is_refused_with_a_message_and_nothing_saved(client, owner):
    force_sign_in(client, owner)
    response = client.post("/settings/security/sessions/", {"session_absolute_minutes": 1, "session_idle_minutes": 30})
    assert response.status_code == 400
    assert "greater than or equal to 5" in response.content.decode()
    assert SignInPolicy.objects.get().session_idle_minutes == 60


def test_the_current_session_cannot_be_revoked_from_the_list(client, member):
    force_sign_in(client, member)
    current = member.sessions.get(session_key=client.session.session_key)
    response = client.post(f"/profile/sessions/{current.pk}/sign-out/", follow=True)
    assert "sign out instead" in response.content.decode()
    assert client.get("/profile/").status_code == 200
