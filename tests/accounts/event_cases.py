"""Activity events of the accounts app's URLs and commands (see tests/activity/event_contract.py)."""

from __future__ import annotations

import io
import time
from unittest import mock
from urllib.parse import urlparse

import pyotp
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import otp, services
from accounts.models import User, UserSession
from tests.activity.event_contract import EventCase
from tests.conftest import force_sign_in
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "Brand-New-Pass-77"


# Actions that cannot be undone ask first; these cases send the confirmation.
CONFIRMED = {"confirmed": "yes"}


def _post(path, data=None):
    return lambda client, world: client.post(path(world) if callable(path) else path, data or {})


def _member_path(suffix):
    return lambda world: f"/team/{world['member'].pk}/{suffix}"


def _deactivated(world):
    client_less = world["member"]
    client_less.is_active = False
    client_less.save(update_fields=["is_active"])


EVENT_CASES = [
    EventCase(
        "accounts:login",
        "auth.signed_in",
        _post("/login/", {"username": "member@example.com", "password": DEFAULT_PASSWORD}),
        as_role=None,
    ),
    EventCase("accounts:logout", "auth.signed_out", _post("/logout/")),
    EventCase(
        "accounts:password_change",
        "password.changed",
        _post(
            "/profile/password/",
            {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        ),
    ),
    EventCase(
        "accounts:team_invite",
        "member.invited",
        _post("/team/invite/", {"email": "new@example.com", "full_name": "New Person", "role": "member"}),
    ),
    EventCase("accounts:member_role", "member.role_changed", _post(_member_path("role/"), {"role": "auditor"})),
    EventCase("accounts:member_deactivate", "member.deactivated", _post(_member_path("deactivate/"), CONFIRMED)),
    EventCase(
        "accounts:member_reactivate", "member.reactivated", _post(_member_path("reactivate/")), setup=_deactivated
    ),
    EventCase(
        "accounts:member_require_password_change",
        "password.change_required",
        _post(_member_path("require-password-change/"), CONFIRMED),
    ),
    EventCase(
        "accounts:team_require_password_change",
        "password.change_required",
        _post("/team/require-password-change/", CONFIRMED),
    ),
    EventCase(
        "createsuperuser",
        "member.created",
        lambda client, world: call_command("createsuperuser", "--noinput", "--email", "auto@example.com"),
        command=True,
        as_role=None,
        setup=lambda world: __import__("os").environ.update(DJANGO_SUPERUSER_PASSWORD=NEW_PASSWORD),
    ),
]

# Issue 2: first run, invitations, resets ------------------------------------------


def _setup_token(world):
    return services.setup_token_issue()


def _invitation_link(world):
    _user, link = services.member_invite(email="invitee@example.com", role="member", acting_user=world["owner"])
    return urlparse(link).path


def _invited(world):
    user, _link = services.member_invite(email="invitee@example.com", role="member", acting_user=world["owner"])
    return user


def _reset_link(world):
    member = world["member"]
    return f"/reset/{urlsafe_base64_encode(force_bytes(member.pk))}/{default_token_generator.make_token(member)}/"


def _reset_confirm(client, world):
    form_url = client.get(world["prepared"])["Location"]
    return client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def _must_change(world):
    User.objects.filter(pk=world["member"].pk).update(must_change_password=True)


def _changepassword(client, world):
    with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):
        call_command("changepassword", world["member"].email, stdout=io.StringIO())


# Issue 3: two-step, sessions, lockout ----------------------------------------------

SIGN_IN_ACTIONS = {"auth.signed_in", "auth.recovery_code_used", "auth.second_step_passed"}


def _not_sign_in(events):
    return events.exclude(action__in=SIGN_IN_ACTIONS)


def _enrol(user) -> tuple[str, list[str]]:
    """Give ``user`` an authenticator device through the service; return its base32 secret and recovery codes."""
    device = services.two_factor_enrolment_start(user=user)
    secret = otp.secret_base32(device.key)
    codes = services.two_factor_enable(user=user, code=pyotp.TOTP(secret).now())
    return secret, codes


def _enrolled_owner(world):
    return _enrol(world["owner"])


def _sign_in_with_recovery_code(client, world):
    _secret, codes = world["prepared"]
    client.post("/login/", {"username": world["owner"].email, "password": DEFAULT_PASSWORD})
    client.post("/login/verify/", {"code": codes[0]})


def _then(*steps):
    def run(client, world):
        response = None
        for step in steps:
            response = step(client, world)
        return response

    return run


def _other_session(world):
    other = force_sign_in(Client(), world["owner"])
    return UserSession.objects.get(session_key=other.session.session_key)


def _enrol_page_then_confirm(client, world):
    secret = client.get("/profile/two-step/enrol/").context["secret_grouped"].replace(" ", "")
    return client.post("/profile/two-step/enrol/", {"code": pyotp.TOTP(secret).now()})


def _disable(client, world):
    secret, _codes = world["prepared"]
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the next step: the enrolment code cannot be replayed
    return client.post("/profile/two-step/disable/", {"password": DEFAULT_PASSWORD, "code": code})


def _locked_member(world):
    for _ in range(5):
        Client().post("/login/", {"username": world["member"].email, "password": "wrong"})


EVENT_CASES += [
    EventCase(
        "accounts:setup",
        "member.created",
        lambda client, world: client.post(
            f"/setup/{world['prepared']}/",
            {"email": "first@example.com", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        ),
        as_role=None,
        with_team=False,
        setup=_setup_token,
    ),
    EventCase(
        "setup_link",
        "setup.link_issued",
        lambda client, world: call_command("setup_link", stdout=io.StringIO()),
        command=True,
        as_role=None,
        with_team=False,
    ),
    EventCase(
        "accounts:invitation_accept",
        "member.joined",
        lambda client, world: client.post(
            world["prepared"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        ),
        as_role=None,
        setup=_invitation_link,
    ),
    EventCase(
        "accounts:member_reinvite",
        "member.invited",
        lambda client, world: client.post(f"/team/{world['prepared'].pk}/reinvite/"),
        setup=_invited,
    ),
    EventCase(
        "accounts:password_reset",
        "password.reset_requested",
        _post("/password-reset/", {"email": "member@example.com"}),
        as_role=None,
    ),
    EventCase("accounts:password_reset_confirm", "password.reset", _reset_confirm, as_role=None, setup=_reset_link),
    EventCase(
        "accounts:password_change_required",
        "password.changed",
        _then(
            _post("/login/", {"username": "member@example.com", "password": DEFAULT_PASSWORD}),
            _post(
                "/password/change-required/",
                {"old_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            ),
        ),
        as_role=None,
        setup=_must_change,
        counted=_not_sign_in,
    ),
    EventCase("changepassword", "password.reset", _changepassword, command=True, as_role=None),
    EventCase(
        "accounts:login_verify",
        "auth.second_step_failed",
        lambda client, world: (
            client.post("/login/", {"username": world["owner"].email, "password": DEFAULT_PASSWORD}),
            client.post("/login/verify/", {"code": "not-a-code"}),
        ),
        as_role=None,
        setup=_enrolled_owner,
        counted=_not_sign_in,
    ),
    EventCase(
        "accounts:reauthenticate", "auth.reauthenticated", _post("/reauthenticate/", {"password": DEFAULT_PASSWORD})
    ),
    EventCase("accounts:two_factor_enrol", "two_factor.enabled", _enrol_page_then_confirm),
    EventCase(
        "accounts:two_factor_recovery_codes",
        "two_factor.recovery_codes_regenerated",
        _then(_sign_in_with_recovery_code, _post("/profile/two-step/recovery-codes/")),
        as_role=None,
        setup=_enrolled_owner,
        counted=_not_sign_in,
    ),
    EventCase(
        "accounts:two_factor_disable",
        "two_factor.disabled",
        _then(_sign_in_with_recovery_code, _disable),
        as_role=None,
        setup=_enrolled_owner,
        counted=_not_sign_in,
    ),
    EventCase(
        "accounts:session_revoke",
        "session.revoked",
        lambda client, world: client.post(f"/profile/sessions/{world['prepared'].pk}/sign-out/"),
        setup=_other_session,
    ),
    EventCase(
        "accounts:sessions_revoke_others",
        "session.revoked",
        _post("/profile/sessions/sign-out-others/"),
        setup=_other_session,
    ),
    EventCase("accounts:member_sign_out", "session.revoked", _post(_member_path("sign-out/"), CONFIRMED)),
    EventCase(
        "accounts:member_two_factor_reset",
        "two_factor.reset",
        _post(_member_path("two-step/reset/"), CONFIRMED),
        setup=lambda world: _enrol(world["member"]),
    ),
    EventCase("accounts:member_unlock", "auth.unlocked", _post(_member_path("unlock/")), setup=_locked_member),
    EventCase(
        "axes_reset",
        "auth.unlocked",
        lambda client, world: call_command("axes_reset", stdout=io.StringIO()),
        command=True,
        setup=_locked_member,
    ),
    EventCase(
        "axes_reset_ip",
        "auth.unlocked",
        lambda client, world: call_command("axes_reset_ip", "127.0.0.1", stdout=io.StringIO()),
        command=True,
        setup=_locked_member,
    ),
    EventCase(
        "axes_reset_ip_username",
        "auth.unlocked",
        lambda client, world: call_command(
            "axes_reset_ip_username", "127.0.0.1", world["member"].email, stdout=io.StringIO()
        ),
        command=True,
        setup=_locked_member,
    ),
    EventCase(
        "axes_reset_username",
        "auth.unlocked",
        lambda client, world: call_command("axes_reset_username", world["member"].email, stdout=io.StringIO()),
        command=True,
        setup=_locked_member,
    ),
]

# Issue 12: names, revoking an invitation, a member's sessions ---------------------------------


def _member_session(world):
    other = force_sign_in(Client(), world["member"])
    return UserSession.objects.get(session_key=other.session.session_key)


EVENT_CASES += [
    EventCase("accounts:profile_name", "member.renamed", _post("/profile/name/", {"full_name": "Olivia O."})),
    EventCase("accounts:member_rename", "member.renamed", _post(_member_path("name/"), {"full_name": "Mel M."})),
    EventCase(
        "accounts:member_revoke_invitation",
        "member.invitation_revoked",
        lambda client, world: client.post(f"/team/{world['prepared'].pk}/invitation/revoke/", CONFIRMED),
        setup=_invited,
    ),
    EventCase(
        "accounts:member_session_revoke",
        "session.revoked",
        lambda client, world: client.post(f"/team/{world['member'].pk}/sessions/{world['prepared'].pk}/sign-out/"),
        setup=_member_session,
    ),
]

READ_ONLY = {
    "accounts:two_factor": "The two-step status page; its forms post to other URLs.",
    "dashboard": "A page; GET only in effect (it renders, never writes).",
    "accounts:profile": "A page that renders the profile; it writes nothing.",
    "accounts:team": "A page listing the team; it writes nothing.",
    "accounts:member": "A page showing one member; it writes nothing.",
    "accounts:password_reset_done": "A confirmation page.",
    "accounts:password_reset_complete": "A confirmation page.",
    "accounts:two_factor_qr": "The enrolment QR code image.",
    "accounts:sessions": "A page listing the member's sessions.",
}

PENDING: dict[str, str] = {}
