"""Team management: roles, the last-owner rule, invitations, deactivation and reactivation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, User, UserSession
from accounts.roles import Role
from tests.accounts.conftest import invitation_token
from tests.conftest import force_sign_in, sign_in
from tests.factories import make_user, make_user_via_service

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Joining-Pass-42"


def accept(client, link: str, password: str = NEW_PASSWORD):
    path = "/invite/" + invitation_token(link) + "/"
    return client.post(path, {"full_name": "", "new_password1": password, "new_password2": password})


# Team page ---------------------------------------------------------------------------


def test_team_page_lists_name_email_role_status_and_last_sign_in(client, owner, admin, member):
    services.member_invite(email="pending@example.com", role=Role.AUDITOR, acting_user=owner)
    services.member_deactivate(user=member, acting_user=owner)
    sign_in(client, admin)
    html = client.get("/team/").content.decode()
    for text in ["Olivia Owner", "owner@example.com", "pending@example.com", "Mel Member", "Auditor", "Never"]:
        assert text in html
    assert 'badge--invited">Invited' in html
    assert 'badge--deactivated">Deactivated' in html
    assert 'badge--active">Active' in html
    admin.refresh_from_db()
    assert timezone.localtime(admin.last_login).strftime("%-d %b %Y") in html


def test_sign_in_email_is_case_insensitive_and_unique(client, member):
    response = client.post("/login/", {"username": "MEMBER@Example.COM", "password": "Correct-Horse-9-Battery"})
    assert response.status_code == 302
    with pytest.raises(ValidationError):
        make_user_via_service(email="Member@EXAMPLE.com")


# Last-owner rule ------------------------------------------------------------------------


def test_last_owner_cannot_be_demoted(owner):
    with pytest.raises(ValidationError) as caught:
        services.member_role_change(user=owner, role=Role.ADMIN, acting_user=owner)
    assert caught.value.code == "last_owner"
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_last_owner_cannot_be_deactivated(owner):
    second = make_user(email="second@example.com", role=Role.OWNER)
    services.member_deactivate(user=second, acting_user=owner)
    with pytest.raises(ValidationError) as caught:
        services.member_deactivate(user=owner, acting_user=second)
    assert caught.value.code in {"last_owner", "deactivate_self"}
    owner.refresh_from_db()
    assert owner.is_active


def test_last_active_owner_is_protected_even_when_a_deactivated_owner_exists(owner):
    second = make_user(email="second@example.com", role=Role.OWNER)
    services.member_deactivate(user=second, acting_user=owner)
    with pytest.raises(ValidationError):
        services.member_role_change(user=owner, role=Role.MEMBER, acting_user=owner)


def test_with_two_owners_one_may_be_demoted_and_then_the_other_is_protected(owner):
    second = make_user(email="second@example.com", role=Role.OWNER)
    services.member_role_change(user=second, role=Role.ADMIN, acting_user=owner)
    second.refresh_from_db()
    assert second.role == Role.ADMIN
    with pytest.raises(ValidationError):
        services.member_role_change(user=owner, role=Role.ADMIN, acting_user=owner)


def test_with_two_owners_one_may_be_deactivated(owner):
    second = make_user(email="second@example.com", role=Role.OWNER)
    services.member_deactivate(user=second, acting_user=owner)
    second.refresh_from_db()
    assert not second.is_active


def test_last_owner_rule_through_the_page_shows_a_clear_message(client, owner):
    force_sign_in(client, owner)
    response = client.post(f"/team/{owner.pk}/role/", {"role": Role.ADMIN}, follow=True)
    assert "The last active owner cannot be demoted. Make someone else an owner first." in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_nobody_can_deactivate_themselves(client, owner):
    make_user(email="second@example.com", role=Role.OWNER)
    force_sign_in(client, owner)
    response = client.post(f"/team/{owner.pk}/deactivate/", {"confirmed": "yes"}, follow=True)
    assert "You cannot deactivate yourself." in response.content.decode()
    owner.refresh_from_db()
    assert owner.is_active


# What admins may not do ------------------------------------------------------------------


@pytest.mark.parametrize("action", ["demote", "deactivate", "require_password_change"])
def test_admin_cannot_manage_an_owner(owner, admin, action):
    make_user(email="second@example.com", role=Role.OWNER)
    calls = {
        "demote": lambda: services.member_role_change(user=owner, role=Role.MEMBER, acting_user=admin),
        "deactivate": lambda: services.member_deactivate(user=owner, acting_user=admin),
        "require_password_change": lambda: services.password_change_require(user=owner, acting_user=admin),
    }
    with pytest.raises(PermissionDenied):
        calls[action]()
    owner.refresh_from_db()
    assert (owner.role, owner.is_active, owner.must_change_password) == (Role.OWNER, True, False)


def test_admin_cannot_manage_another_admin(admin):
    other = make_user(email="other-admin@example.com", role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.member_deactivate(user=other, acting_user=admin)
    with pytest.raises(PermissionDenied):
        services.member_role_change(user=other, role=Role.MEMBER, acting_user=admin)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
def test_admin_cannot_invite_or_promote_to_admin_or_owner(admin, member, role):
    with pytest.raises(PermissionDenied):
        services.member_invite(email="new@example.com", role=role, acting_user=admin)
    with pytest.raises(PermissionDenied):
        services.member_role_change(user=member, role=role, acting_user=admin)
    assert not User.objects.filter(email="new@example.com").exists()
    member.refresh_from_db()
    assert member.role == Role.MEMBER


def test_admin_invite_form_offers_only_auditor_and_member(client, admin):
    force_sign_in(client, admin)
    response = client.get("/team/")
    assert [value for value, _ in response.context["invite_form"].fields["role"].choices] == [
        Role.AUDITOR,
        Role.MEMBER,
    ]
    response = client.post("/team/invite/", {"email": "boss@example.com", "role": Role.ADMIN})
    assert response.status_code == 400
    assert not User.objects.filter(email="boss@example.com").exists()


def test_admin_cannot_change_the_role_of_a_pending_owner_invitation(owner, admin):
    services.member_invite(email="future-owner@example.com", role=Role.OWNER, acting_user=owner)
    with pytest.raises(PermissionDenied):
        services.member_invite(email="future-owner@example.com", role=Role.MEMBER, acting_user=admin)
    assert User.objects.get(email="future-owner@example.com").role == Role.OWNER


def test_admin_manages_members_and_auditors(admin, member, auditor):
    services.member_role_change(user=member, role=Role.AUDITOR, acting_user=admin)
    services.member_deactivate(user=auditor, acting_user=admin)
    services.member_reactivate(user=auditor, acting_user=admin)
    member.refresh_from_db()
    auditor.refresh_from_db()
    assert member.role == Role.AUDITOR
    assert auditor.is_active


def test_owner_manages_admins_and_other_owners(owner, admin):
    second = make_user(email="second@example.com", role=Role.OWNER)
    services.member_role_change(user=admin, role=Role.OWNER, acting_user=owner)
    services.member_role_change(user=second, role=Role.ADMIN, acting_user=owner)
    admin.refresh_from_db()
    second.refresh_from_db()
    assert (admin.role, second.role) == (Role.OWNER, Role.ADMIN)


# Invitations ----------------------------------------------------------------------------


def test_invitation_is_emailed_with_a_link_that_creates_an_active_member(
    client, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user, link = services.member_invite(email="Nina@Example.com", role=Role.AUDITOR, acting_user=owner)
    assert user.email == "nina@example.com"
    assert user.status == User.Status.INVITED
    [message] = mail.outbox
    assert message.to == ["nina@example.com"]
    assert link in message.body
    assert "72 hours" in message.body

    assert accept(client, link).status_code == 302
    user.refresh_from_db()
    assert user.status == User.Status.ACTIVE
    assert user.role == Role.AUDITOR
    assert client.post("/login/", {"username": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_invited_member_cannot_sign_in_before_accepting(client, owner):
    user, _link = services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    assert not user.has_usable_password()
    response = client.post("/login/", {"username": user.email, "password": ""})
    assert response.status_code == 200


def test_invitation_link_works_once(client, owner):
    _user, link = services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    assert accept(client, link).status_code == 302
    response = accept(client, link, password="Another-Pass-77")
    assert response.status_code == 404
    assert "invalid, has already been used, or has expired" in response.content.decode()
    user = User.objects.get(email="nina@example.com")
    assert user.check_password(NEW_PASSWORD)


def test_invitation_expires_after_72_hours(client, owner, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _user, link = services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    path = "/invite/" + invitation_token(link) + "/"

    time_machine.shift(timedelta(hours=72) - timedelta(seconds=1))
    assert client.get(path).status_code == 200

    time_machine.shift(timedelta(seconds=1))
    assert client.get(path).status_code == 404
    assert accept(client, link).status_code == 404
    assert User.objects.get(email="nina@example.com").status == User.Status.INVITED


def test_invitation_lifetime_follows_the_setting(client, owner, settings, time_machine):
    settings.ACCOUNTS_INVITATION_TTL_HOURS = 1
    time_machine.move_to(timezone.now(), tick=False)
    _user, link = services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    time_machine.shift(timedelta(minutes=61))
    assert accept(client, link).status_code == 404


def test_a_new_invitation_voids_the_earlier_link(client, owner):
    user, first = services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    force_sign_in(client, owner)
    client.post(f"/team/{user.pk}/reinvite/")
    [second] = Invitation.objects.filter(user=user, revoked_at__isnull=True)
    assert Invitation.objects.filter(user=user).count() == 2
    client.logout()

    assert accept(client, first).status_code == 404
    assert User.objects.get(pk=user.pk).status == User.Status.INVITED


def test_the_re_sent_invitation_link_works(client, owner):
    user, _first = services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    _user, second = services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    assert accept(client, second).status_code == 302
    user.refresh_from_db()
    assert user.status == User.Status.ACTIVE


def test_inviting_someone_already_on_the_team_is_refused(owner, member):
    with pytest.raises(ValidationError) as caught:
        services.member_invite(email="MEMBER@example.com", role=Role.MEMBER, acting_user=owner)
    assert caught.value.message_dict == {"email": ["member@example.com is already on the team."]}


def test_invitation_of_a_deactivated_invitee_no_longer_works(client, owner):
    user, link = services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    services.member_deactivate(user=user, acting_user=owner)
    assert accept(client, link).status_code == 404


def test_invitation_token_is_stored_only_as_a_hash(owner):
    _user, link = services.member_invite(email="nina@example.com", role=Role.MEMBER, acting_user=owner)
    token = invitation_token(link)
    [invitation] = Invitation.objects.all()
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


# Deactivation and reactivation ---------------------------------------------------------------


def test_deactivation_ends_live_sessions_at_once(client, client_factory, owner, member):
    member_browser = client_factory()
    force_sign_in(member_browser, member)
    assert member_browser.get("/profile/").status_code == 200
    member_key = member_browser.session.session_key

    force_sign_in(client, owner)
    response = client.post(f"/team/{member.pk}/deactivate/", {"confirmed": "yes"})
    assert response.status_code == 302

    response = member_browser.get("/profile/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
    assert not Session.objects.filter(session_key=member_key).exists()
    assert not UserSession.objects.filter(user=member).exists()
    # The owner's own session is untouched.
    assert client.get("/team/").status_code == 200


def test_deactivated_member_cannot_sign_in(client, owner, member):
    services.member_deactivate(user=member, acting_user=owner)
    response = client.post("/login/", {"username": member.email, "password": "Correct-Horse-9-Battery"})
    assert response.status_code == 200
    assert "That email and password do not match an active account." in response.content.decode()


def test_deactivated_member_is_kept_and_can_be_reactivated(client, owner, member):
    force_sign_in(client, owner)
    client.post(f"/team/{member.pk}/deactivate/", {"confirmed": "yes"})
    member.refresh_from_db()
    assert member.status == User.Status.DEACTIVATED

    client.post(f"/team/{member.pk}/reactivate/")
    member.refresh_from_db()
    assert member.status == User.Status.ACTIVE
    client.logout()
    sign_in(client, member)
    assert client.get("/profile/").status_code == 200


def test_deactivated_member_has_no_permissions(owner, admin):
    services.member_deactivate(user=admin, acting_user=owner)
    admin.refresh_from_db()
    assert not admin.has_perm("team.view")


def test_role_change_through_the_page(client, owner, member):
    force_sign_in(client, owner)
    response = client.post(f"/team/{member.pk}/role/", {"role": Role.ADMIN}, follow=True)
    assert "The role of member@example.com is now Admin." in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.ADMIN


def test_member_page_hides_management_from_admins_viewing_an_owner(client, owner, admin):
    force_sign_in(client, admin)
    response = client.get(f"/team/{owner.pk}/")
    assert response.status_code == 200
    assert response.context["can_manage"] is False
    assert f"/team/{owner.pk}/deactivate/" not in response.content.decode()


def test_a_pending_owner_invitation_does_not_count_as_another_active_owner(owner):
    services.member_invite(email="future-owner@example.com", role=Role.OWNER, acting_user=owner)
    with pytest.raises(ValidationError) as caught:
        services.member_role_change(user=owner, role=Role.ADMIN, acting_user=owner)
    assert caught.value.code == "last_owner"
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_invite_form_shows_a_clear_error_for_someone_already_on_the_team(client, owner, member):
    force_sign_in(client, owner)
    response = client.post("/team/invite/", {"email": "Member@Example.com", "role": Role.MEMBER})
    assert response.status_code == 400
    assert "member@example.com is already on the team." in response.content.decode()
    assert User.objects.filter(email__iexact="member@example.com").count() == 1
