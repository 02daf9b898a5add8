from __future__ import annotations

import time

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import selectors as account_selectors
from activity.models import Event
from tests.conftest import force_sign_in
from tests.two_factor.conftest import code_at

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"


def attempt(client, email, password, ip=ATTACKER, **headers):
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip, **headers)


def fail(client, email, times, ip=ATTACKER, **headers):
    for _ in range(times):
        response = attempt(client, email, "not-the-password", ip=ip, **headers)
        assert response.status_code in (200, 429)
    return response


def test_four_failures_do_not_lock(client, member, password):
    fail(client, member.email, 4)
    assert attempt(client, member.email, password).status_code == 302


def test_a_sign_in_clears_the_failures_before_it(client, member, password):
    fail(client, member.email, 4)
    assert attempt(client, member.email, password).status_code == 302
    client.logout()
    fail(client, member.email, 4)  # eight in all, but only four since the sign-in
    assert attempt(client, member.email, password).status_code == 302


def test_a_sign_in_with_the_code_clears_the_failures_before_it(member, password, enrolled):
    secret, _ = enrolled(member)
    now = time.time() + 600
    with time_machine.travel(now, tick=False):
        fail(Client(), member.email, 4)
        client = Client()
        attempt(client, member.email, password)
        assert client.post("/login/verify/", {"code": code_at(secret, now)}, REMOTE_ADDR=ATTACKER).status_code == 302
        fail(Client(), member.email, 4)
        assert attempt(Client(), member.email, password).status_code == 302


def test_a_sign_in_without_failures_before_it_only_reads_the_attempts_once(member, password):
    with CaptureQueriesContext(connection) as captured:
        assert attempt(Client(), member.email, password).status_code == 302
    touching = [q["sql"] for q in captured.captured_queries if "axes_accessattempt" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("SELECT SUM("), touching


def test_fifth_failure_locks_even_the_right_password_out(client, member, password):
    locked = fail(client, member.email, 5)
    assert locked.status_code == 429
    response = attempt(client, member.email, password)
    assert response.status_code == 429
    assert "temporarily locked" in response.content.decode()
    assert client.get("/profile/").status_code == 302
    event = Event.objects.get(action="auth.locked_out")
    assert event.target_label == member.email
    assert password not in str(event.changes)


def test_lockout_is_per_account_and_ip(client, member, password):
    fail(client, member.email, 5)
    assert attempt(Client(), member.email, password, ip="192.0.2.44").status_code == 302


def test_unknown_email_is_locked_out_the_same_way(member):
    known = fail(Client(), member.email, 6)
    unknown = fail(Client(), "nobody@example.com", 6)
    assert known.status_code == unknown.status_code == 429

    def strip(html: str) -> str:
        # The "until" time is the only varying part of the page.
        import re

        return re.sub(r"<time[^>]*>.*?</time>\s*\([^)]*\)", "", html)

    assert strip(known.content.decode()) == strip(unknown.content.decode())


def test_wrong_sign_in_error_does_not_reveal_whether_the_email_exists(client, member):
    known = attempt(client, member.email, "wrong-password-1")
    unknown = attempt(client, "nobody@example.com", "wrong-password-1")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_lockout_ends_after_the_cool_off(client, member, password):
    fail(client, member.email, 5)
    with time_machine.travel(time.time() + 16 * 60):
        assert attempt(client, member.email, password).status_code == 302


def test_case_and_spaces_do_not_escape_the_count(client, member, password):
    fail(client, member.email, 3)
    fail(client, member.email.upper(), 1)
    fail(client, f"  {member.email}", 1)
    assert attempt(client, member.email, password).status_code == 429


def test_owner_unlocks_from_the_team_page(client, member, owner, password):
    fail(Client(), member.email, 5)
    assert account_selectors.lockout_active_for_email(member.email)
    force_sign_in(client, owner)
    assert client.get(f"/team/{member.pk}/").context["locked"] is True
    response = client.post(f"/team/{member.pk}/unlock/")
    assert response.status_code == 302
    assert not account_selectors.lockout_active_for_email(member.email)
    assert attempt(Client(), member.email, password).status_code == 302
    event = Event.objects.get(action="auth.unlocked")
    assert (event.actor, event.target_id) == (owner, str(member.pk))


def test_axes_reset_command_unlocks_and_is_recorded(member, password):
    fail(Client(), member.email, 5)
    call_command("axes_reset", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert attempt(Client(), member.email, password).status_code == 302
    event = Event.objects.get(action="auth.unlocked")
    assert event.actor is None


def test_wrong_second_step_codes_count_as_failures(client, member, password, enrolled):
    secret, _ = enrolled(member)
    now = time.time() + 600
    with time_machine.travel(now, tick=False):
        right = code_at(secret, now)
        wrong = f"{(int(right) + 5) % 1_000_000:06d}"
        responses = []
        for _ in range(5):
            attempt(client, member.email, password)  # right password each time
            responses.append(client.post("/login/verify/", {"code": wrong}, REMOTE_ADDR=ATTACKER))
        assert responses[-1].status_code == 429
        assert attempt(client, member.email, password).status_code == 429


def test_wrong_codes_lock_out_even_with_a_fresh_session_and_the_right_password_each_time(member, password, enrolled):
    secret, _ = enrolled(member)
    now = time.time() + 600
    with time_machine.travel(now, tick=False):
        wrong = f"{(int(code_at(secret, now)) + 5) % 1_000_000:06d}"
        for _ in range(5):
            fresh = Client()
            attempt(fresh, member.email, password)
            last = fresh.post("/login/verify/", {"code": wrong}, REMOTE_ADDR=ATTACKER)
        assert last.status_code == 429
        assert attempt(Client(), member.email, password).status_code == 429


@pytest.mark.parametrize("proxies", [0, 1])
def test_spoofed_forwarded_for_does_not_escape_the_lockout(client, member, password, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    proxy_ip = "10.0.0.2"
    for n in range(5):
        forged = f"192.0.2.{n + 1}"
        if proxies:
            # Behind one trusted proxy, which appends the real client address.
            headers = {"HTTP_X_FORWARDED_FOR": f"{forged}, {ATTACKER}"}
            ip = proxy_ip
        else:
            headers = {"HTTP_X_FORWARDED_FOR": forged}
            ip = ATTACKER
        attempt(client, member.email, "wrong-password", ip=ip, **headers)
    headers = {"HTTP_X_FORWARDED_FOR": f"203.0.113.99, {ATTACKER}" if proxies else "203.0.113.99"}
    response = attempt(client, member.email, password, ip=proxy_ip if proxies else ATTACKER, **headers)
    assert response.status_code == 429


def test_environment_sets_the_default_limit(client, member, password, settings):
    settings.LOCKOUT_FAILURE_LIMIT = 3
    assert fail(client, member.email, 3).status_code == 429


def test_settings_page_overrides_limit_and_cool_off_and_records_the_change(client, owner, member, password):
    force_sign_in(client, owner)
    response = client.post("/settings/security/lockout/", {"lockout_failure_limit": 10, "lockout_cooloff_minutes": 30})
    assert response.status_code == 302
    event = Event.objects.get(action="settings.lockout.updated")
    assert event.changes == {"lockout_failure_limit": [None, 10], "lockout_cooloff_minutes": [None, 30]}
    other = Client()
    assert fail(other, member.email, 9).status_code == 200
    assert fail(other, member.email, 1).status_code == 429
    with time_machine.travel(time.time() + 20 * 60):
        assert attempt(other, member.email, password).status_code == 429
    with time_machine.travel(time.time() + 31 * 60):
        assert attempt(other, member.email, password).status_code == 302


@pytest.mark.parametrize(
    ("limit", "cooloff", "error"),
    [
        (2, 15, "greater than or equal to 3"),
        (21, 15, "less than or equal to 20"),
        (5, 0, "greater than or equal to 1"),
        (5, 1441, "less than or equal to 1440"),
    ],
)
def test_lockout_settings_are_bounded(client, owner, limit, cooloff, error):
    force_sign_in(client, owner)
    response = client.post(
        "/settings/security/lockout/", {"lockout_failure_limit": limit, "lockout_cooloff_minutes": cooloff}
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Event.objects.filter(action="settings.lockout.updated").exists()


def test_admin_cannot_unlock_an_owner(client, admin, owner):
    fail(Client(), owner.email, 5)
    force_sign_in(client, admin)
    client.post(f"/team/{owner.pk}/unlock/")
    assert account_selectors.lockout_active_for_email(owner.email)
    assert not Event.objects.filter(action="auth.unlocked").exists()


def test_axes_reset_ip_unlocks_that_address_and_is_recorded(member, password):
    fail(Client(), member.email, 5)
    call_command("axes_reset_ip", ATTACKER, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert attempt(Client(), member.email, password).status_code == 302
    assert Event.objects.get(action="auth.unlocked").changes["ip_address"] == ATTACKER


def test_guessing_the_current_password_from_a_signed_in_session_locks_out(client, member, password):
    force_sign_in(client, member)
    for _ in range(5):
        response = client.post(
            "/profile/password/",
            {"old_password": "guess", "new_password1": "Fresh-Passphrase-42", "new_password2": "Fresh-Passphrase-42"},
            REMOTE_ADDR=ATTACKER,
        )
    assert response.status_code == 429
    assert attempt(Client(), member.email, password).status_code == 429
    member.refresh_from_db()
    assert member.check_password(password)


def test_wrong_passwords_at_reauthentication_count_towards_the_lockout(client, member, password):
    force_sign_in(client, member)
    for _ in range(5):
        response = client.post("/reauthenticate/", {"password": "guess"}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert attempt(Client(), member.email, password).status_code == 429
