"""A member's page: renaming, revoking an invitation, their sessions, and their failed sign-ins and lockouts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts import selectors, services
from accounts.models import User, UserSession
from activity.models import Event
from tests.accounts.conftest import invitation_token
from tests.conftest import force_sign_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}


# Names ---------------------------------------------------------------------------------------


def test_a_manager_renames_a_member_from_their_page(client, admin, member):
    force_sign_in(client, admin)
    assert 'value="Mel Member"' in client.get(f"/team/{member.pk}/").content.decode()
    response = client.post(f"/team/{member.pk}/name/", {"full_name": "  Melanie Member "}, follow=True)
    assert "The name of member@example.com is now Melanie Member." in response.content.decode()
    member.refresh_from_db()
    assert member.full_name == "Melanie Member"
    event = Event.objects.get(action="member.renamed")
    assert (event.actor, event.target_id) == (admin, str(member.pk))
    assert event.changes == {"full_name": ["Mel Member", "Melanie Member"]}


def test_a_member_renames_themselves_on_their_profile(client, member):
    force_sign_in(client, member)
    assert 'value="Mel Member"' in client.get("/profile/").content.decode()
    response = client.post("/profile/name/", {"full_name": "Mel M."}, follow=True)
    assert "Your name is now Mel M." in response.content.decode()
    member.refresh_from_db()
    assert member.full_name == "Mel M."
    assert Event.objects.get(action="member.renamed").actor == member


def test_an_empty_name_is_refused_with_a_clear_message(client, member):
    force_sign_in(client, member)
    response = client.post("/profile/name/", {"full_name": "   "})
    assert response.status_code == 400
    assert "Enter a name." in response.content.decode()
    member.refresh_from_db()
    assert member.full_name == "Mel Member"


def test_a_member_may_only_rename_themselves(member, auditor):
    with pytest.raises(PermissionDenied):
        services.member_name_update(user=auditor, full_name="Someone Else", acting_user=member)
    auditor.refresh_from_db()
    assert auditor.full_name == "Audrey Auditor"


def test_an_admin_cannot_rename_an_owner(admin, owner):
    with pytest.raises(PermissionDenied):
        services.member_name_update(user=owner, full_name="Renamed", acting_user=admin)


def test_keeping_the_same_name_records_nothing(member):
    services.member_name_update(user=member, full_name="Mel Member", acting_user=member)
    assert not Event.objects.filter(action="member.renamed").exists()


def test_auditors_see_no_rename_form(client, auditor, member):
    force_sign_in(client, auditor)
    assert f"/team/{member.pk}/name/" not in client.get(f"/team/{member.pk}/").content.decode()


# Revoking an invitation ----------------------------------------------------------------------


@pytest.fixture
def invitation(owner):
    user, link = services.member_invite(email="ivy@example.com", role="member", acting_user=owner)
    return user, invitation_token(link)


def test_revoking_an_invitation_asks_first_then_removes_the_invitee_and_their_link(client, owner, invitation):
    invited, token = invitation
    force_sign_in(client, owner)
    page = client.get(f"/team/{invited.pk}/").content.decode()
    assert f"/team/{invited.pk}/invitation/revoke/" in page
    asked = client.post(f"/team/{invited.pk}/invitation/revoke/")
    assert asked.status_code == 200
    assert "link sent to ivy@example.com stops working at once" in asked.content.decode()
    assert User.objects.filter(pk=invited.pk).exists()

    response = client.post(f"/team/{invited.pk}/invitation/revoke/", CONFIRMED, follow=True)
    assert response.redirect_chain[-1][0] == "/team/"
    assert "The invitation of ivy@example.com is revoked." in response.content.decode()
    assert "ivy@example.com" not in [member.email for member in response.context["members"]]
    assert selectors.invitation_for_token(token) is None
    assert Client().get(f"/invite/{token}/").status_code == 404
    event = Event.objects.get(action="member.invitation_revoked")
    assert (event.actor, event.target_id, event.target_label) == (owner, str(invited.pk), "ivy@example.com")


def test_the_same_address_can_be_invited_again_after_a_revocation(owner, invitation):
    invited, _token = invitation
    services.invitation_revoke(user=invited, acting_user=owner)
    again, _link = services.member_invite(email="ivy@example.com", role="member", acting_user=owner)
    assert again.status == User.Status.INVITED


def test_a_member_who_joined_cannot_have_an_invitation_revoked(owner, member):
    with pytest.raises(ValidationError) as caught:
        services.invitation_revoke(user=member, acting_user=owner)
    assert caught.value.code == "not_invited"
    assert User.objects.filter(pk=member.pk).exists()


def test_an_admin_cannot_revoke_an_owner_invitation(owner, admin):
    invited, _link = services.member_invite(email="future-owner@example.com", role="owner", acting_user=owner)
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(user=invited, acting_user=admin)
    assert User.objects.filter(pk=invited.pk).exists()


def test_only_pending_invitations_offer_a_revocation(client, owner, member):
    force_sign_in(client, owner)
    assert "/invitation/revoke/" not in client.get(f"/team/{member.pk}/").content.decode()


# Sessions ------------------------------------------------------------------------------------


def member_session(member) -> UserSession:
    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    browser.post("/login/", {"username": member.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="192.0.2.44")
    return UserSession.objects.get(user=member)


def test_the_member_page_lists_their_sessions_with_browser_place_and_last_seen(client, admin, member):
    session = member_session(member)
    force_sign_in(client, admin)
    response = client.get(f"/team/{member.pk}/")
    html = response.content.decode()
    assert [row.pk for row in response.context["sessions"]] == [session.pk]
    assert "Firefox on Linux" in html
    assert "192.0.2.44" in html
    assert f"/team/{member.pk}/sessions/{session.pk}/sign-out/" in html


def test_a_manager_signs_out_one_session_of_a_member(client, admin, member):
    session = member_session(member)
    other = Client()
    force_sign_in(other, member)
    force_sign_in(client, admin)
    response = client.post(f"/team/{member.pk}/sessions/{session.pk}/sign-out/", follow=True)
    assert "That session of member@example.com is signed out." in response.content.decode()
    assert not UserSession.objects.filter(pk=session.pk).exists()
    assert UserSession.objects.filter(user=member).count() == 1  # the other one is left alone
    assert other.get("/profile/").status_code == 200
    event = Event.objects.get(action="session.revoked")
    assert (event.actor, event.target_id) == (admin, str(member.pk))


def test_a_session_is_signed_out_only_through_its_own_member(client, admin, member, auditor):
    session = member_session(member)
    force_sign_in(client, admin)
    assert client.post(f"/team/{auditor.pk}/sessions/{session.pk}/sign-out/").status_code == 404
    assert UserSession.objects.filter(pk=session.pk).exists()


def test_an_admin_cannot_sign_out_a_session_of_an_owner(client, admin, owner):
    session = member_session(owner)
    force_sign_in(client, admin)
    response = client.post(f"/team/{owner.pk}/sessions/{session.pk}/sign-out/", follow=True)
    assert "You cannot manage a member whose role is Owner." in response.content.decode()
    assert UserSession.objects.filter(pk=session.pk).exists()


def test_auditors_see_sessions_but_no_sign_out_button(client, auditor, member):
    session = member_session(member)
    force_sign_in(client, auditor)
    html = client.get(f"/team/{member.pk}/").content.decode()
    assert "Firefox on Linux" in html
    assert f"/sessions/{session.pk}/sign-out/" not in html


# Failed sign-ins and lockouts -----------------------------------------------------------------


def test_the_member_page_shows_their_failed_sign_ins_and_lockouts(client, owner, member):
    attacker = Client()
    for _ in range(selectors.lockout_failure_limit()):
        attacker.post("/login/", {"username": member.email, "password": "wrong"}, REMOTE_ADDR="198.51.100.9")
    force_sign_in(client, owner)
    response = client.get(f"/team/{member.pk}/")
    actions = [event.action for event in response.context["sign_in_failures"]]
    assert sorted(actions) == ["auth.locked_out"] + ["auth.sign_in_failed"] * selectors.lockout_failure_limit()
    assert "Sign-in as member@example.com was locked after repeated failures" in response.content.decode()
    assert "Locked until" in response.content.decode()


def test_failed_sign_ins_hold_only_that_members_failures(owner, member, auditor):
    Client().post("/login/", {"username": auditor.email, "password": "wrong"})
    Client().post("/login/", {"username": member.email, "password": "wrong"})
    member_session(member)  # a sign-in that succeeds is no failure
    failures = selectors.sign_in_failures(user=member)
    assert [(event.action, event.target_id) for event in failures] == [("auth.sign_in_failed", str(member.pk))]
