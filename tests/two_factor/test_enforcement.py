from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import selectors, services
from accounts.roles import Role
from activity.models import Event
from tests.conftest import force_sign_in, sign_in
from tests.two_factor.conftest import enrol

pytestmark = pytest.mark.django_db

PAGES = ["/", "/team/", "/activity/", "/settings/security/", "/profile/", "/profile/sessions/", "/profile/password/"]


def require_two_factor(owner, grace_days=0):
    services.two_factor_policy_update(acting_user=owner, two_factor_required=True, two_factor_grace_days=grace_days)


@pytest.mark.parametrize("role", list(Role))
def test_enforcement_sends_every_role_to_enrolment_from_every_page(client, users_by_role, owner, role):
    user = users_by_role[role]
    force_sign_in(client, user)
    require_two_factor(owner)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/profile/two-step/enrol/"), path
    assert client.get("/profile/two-step/enrol/").status_code == 200
    assert client.get("/profile/two-step/qr.svg").status_code == 200
    assert client.post("/logout/").status_code == 302


@pytest.mark.parametrize("role", list(Role))
def test_enrolling_lifts_the_enforcement_redirect(client, users_by_role, owner, role):
    user = users_by_role[role]
    require_two_factor(owner)
    force_sign_in(client, user)
    enrol(client, user)
    assert client.get("/profile/").status_code == 200


def test_grace_period_reminds_with_days_left_then_forces(client, member, owner):
    require_two_factor(owner, grace_days=3)
    sign_in(client, member)
    page = client.get("/profile/")
    assert page.status_code == 200
    assert "3 days left" in page.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=2, hours=1)):
        sign_in(client, member)  # the earlier session expired meanwhile
        page = client.get("/profile/")
        assert page.status_code == 200
        assert "1 day left" in page.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        sign_in(client, member)
        forced = client.get("/profile/")
    assert forced.status_code == 302
    assert forced["Location"].startswith("/profile/two-step/enrol/")


def test_reset_deletes_devices_and_forces_enrolment_again(client, member, owner, password):
    require_two_factor(owner)
    force_sign_in(client, member)
    enrol(client, member)
    client.post("/logout/")

    services.two_factor_reset(user=member, acting_user=owner)
    assert not selectors.two_factor_enabled(member)
    assert selectors.recovery_codes_left(member) == 0
    event = Event.objects.get(action="two_factor.reset")
    assert (event.actor, event.target_id) == (owner, str(member.pk))

    sign_in(client, member)
    response = client.get("/")
    assert response["Location"].startswith("/profile/two-step/enrol/")


def test_team_page_shows_two_step_status(client, owner, member):
    force_sign_in(client, owner)
    enrol(client, owner)
    page = client.get("/team/")
    assert page.context["two_factor_ids"] == {owner.pk}


def test_admin_cannot_reset_an_owner(admin, owner):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.two_factor_reset(user=owner, acting_user=admin)


def test_enforcement_change_is_recorded_with_before_and_after(owner):
    require_two_factor(owner, grace_days=5)
    event = Event.objects.get(action="settings.two_factor.updated")
    assert event.changes == {"two_factor_required": [False, True], "two_factor_grace_days": [0, 5]}


def test_reset_forces_enrolment_even_when_the_team_does_not_require_it(client, member, owner):
    from django.test import Client

    sign_in(client, member)
    enrol(client, member)
    other_session = Client()
    sign_in(other_session, member)  # pending second step, never completed
    services.two_factor_reset(user=member, acting_user=owner)
    assert client.get("/profile/").status_code == 302  # the reset ended the member's sessions
    sign_in(client, member)
    response = client.get("/profile/")
    assert response["Location"].startswith("/profile/two-step/enrol/")
    enrol(client, member)
    assert client.get("/profile/").status_code == 200


def test_security_page_counts_active_members_without_two_step_and_links_to_them(client, users_by_role, owner, auditor):
    services.member_invite(email="ivy@example.com", role=Role.MEMBER, acting_user=owner)  # not counted until joined
    force_sign_in(client, owner)
    enrol(client, owner)
    html = client.get("/settings/security/").content.decode()
    assert "3 active members have not set up two-step authentication yet." in html
    assert 'href="/team/?status=two_step_off"' in html
    force_sign_in(client, auditor)
    listed = [member.email for member in client.get("/team/?status=two_step_off").context["members"]]
    assert listed == ["admin@example.com", "auditor@example.com", "member@example.com"]
