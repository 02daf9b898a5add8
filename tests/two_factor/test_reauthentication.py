from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from activity.models import Event
from tests.conftest import force_sign_in
from tests.two_factor.conftest import code_at, enrol

pytestmark = pytest.mark.django_db


def test_sensitive_action_within_fifteen_minutes_needs_no_password(client, owner, member):
    force_sign_in(client, owner)
    response = client.post(f"/team/{member.pk}/role/", {"role": Role.AUDITOR})
    assert response["Location"] == f"/team/{member.pk}/"
    member.refresh_from_db()
    assert member.role == Role.AUDITOR


def test_sensitive_action_after_fifteen_minutes_asks_for_the_password_and_loses_nothing(
    client, owner, member, password
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        force_sign_in(client, owner)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = client.post(
            f"/team/{member.pk}/role/", {"role": Role.AUDITOR}, HTTP_REFERER=f"http://testserver/team/{member.pk}/"
        )
        assert response.status_code == 302
        assert response["Location"].startswith("/reauthenticate/")
        member.refresh_from_db()
        assert member.role == Role.MEMBER

        wrong = client.post(response["Location"], {"password": "not-it"})
        assert wrong.status_code == 200
        assert "incorrectly" in wrong.content.decode()

        confirmed = client.post(response["Location"], {"password": password})
        assert confirmed.status_code == 200
        html = confirmed.content.decode()
        assert f'action="/team/{member.pk}/role/"' in html
        assert 'name="role" value="auditor"' in html
        assert password not in html

        done = client.post(f"/team/{member.pk}/role/", {"role": Role.AUDITOR})
        assert done["Location"] == f"/team/{member.pk}/"
    member.refresh_from_db()
    assert member.role == Role.AUDITOR
    assert Event.objects.filter(action="auth.reauthenticated", actor=owner).count() == 1


def test_enrolled_members_confirm_with_password_and_code(client, owner, member, password):
    import time

    force_sign_in(client, owner)
    secret, _ = enrol(client, owner)
    later = time.time() + 20 * 60
    with time_machine.travel(later, tick=False):
        prompt = client.post(f"/team/{member.pk}/deactivate/")  # removing access asks too (pen-test finding)
        assert prompt["Location"].startswith("/reauthenticate/")
        response = client.post(f"/team/{member.pk}/role/", {"role": Role.AUDITOR})
        assert response["Location"].startswith("/reauthenticate/")
        without_code = client.post(response["Location"], {"password": password})
        assert without_code.status_code == 200
        assert "required" in without_code.content.decode()
        with_code = client.post(response["Location"], {"password": password, "code": code_at(secret, later)})
        assert with_code.status_code == 200
        assert "Identity confirmed" in with_code.content.decode()


def test_security_settings_change_asks_for_the_password_after_fifteen_minutes(client, owner):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        force_sign_in(client, owner)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = client.post(
            "/settings/security/two-step/", {"two_factor_required": "on", "two_factor_grace_days": 0}
        )
    assert response["Location"].startswith("/reauthenticate/")
    assert not Event.objects.filter(action="settings.two_factor.updated").exists()


def test_two_step_reset_asks_for_the_password_after_fifteen_minutes(client, owner, member):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        force_sign_in(client, owner)
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = client.post(f"/team/{member.pk}/two-step/reset/")
    assert response["Location"].startswith("/reauthenticate/")


def test_reauthentication_never_redirects_off_site(client, owner, password):
    force_sign_in(client, owner)
    response = client.post("/reauthenticate/?next=https://evil.example/", {"password": password})
    assert response["Location"] == "/"
    assert User.objects.get(pk=owner.pk).is_active


@pytest.mark.parametrize("next_url", ["0", "team", "dashboard", "/team/\r\nSet-Cookie: a=b"])
@pytest.mark.parametrize("path", ["/reauthenticate/", "/login/verify/"])
def test_a_next_that_is_no_page_of_the_panel_leads_to_the_dashboard(client, owner, password, path, next_url):
    force_sign_in(client, owner)
    response = client.post(path, {"password": password, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
