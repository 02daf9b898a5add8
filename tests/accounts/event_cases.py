"""Activity events of the accounts app's URLs and commands (see tests/activity/event_contract.py)."""

from __future__ import annotations

from django.core.management import call_command

from tests.activity.event_contract import EventCase
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "Brand-New-Pass-77"


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
    EventCase("accounts:member_deactivate", "member.deactivated", _post(_member_path("deactivate/"))),
    EventCase(
        "accounts:member_reactivate", "member.reactivated", _post(_member_path("reactivate/")), setup=_deactivated
    ),
    EventCase(
        "accounts:member_require_password_change",
        "password.change_required",
        _post(_member_path("require-password-change/")),
    ),
    EventCase(
        "accounts:team_require_password_change", "password.change_required", _post("/team/require-password-change/")
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

READ_ONLY = {
    "dashboard": "A page; GET only in effect (it renders, never writes).",
    "accounts:profile": "A page that renders the profile; it writes nothing.",
    "accounts:team": "A page listing the team; it writes nothing.",
    "accounts:member": "A page showing one member; it writes nothing.",
    "accounts:password_reset_done": "A confirmation page.",
    "accounts:password_reset_complete": "A confirmation page.",
    "accounts:two_factor_qr": "The enrolment QR code image.",
    "accounts:sessions": "A page listing the member's sessions.",
}

PENDING = {
    "accounts:member_reinvite": "a new invitation for an invited member: event test to write (issue 2 owner).",
    "accounts:setup": "first-run setup creates the owner (member.created): event test to write.",
    "accounts:invitation_accept": "member.joined: event test to write (needs the invitation token).",
    "accounts:password_reset": "password.reset_requested: event test to write.",
    "accounts:password_reset_confirm": "password.reset: event test to write (needs the emailed link).",
    "accounts:password_change_required": "password.changed through the forced page: event test to write.",
    "accounts:login_verify": "second step: auth.second_step_failed / sign-in: event test to write (issue 3).",
    "accounts:reauthenticate": "auth.reauthenticated: event test to write (issue 3).",
    "accounts:two_factor": "two-step page: declare read-only or write its event test (issue 3).",
    "accounts:two_factor_enrol": "two_factor.enabled: event test to write (issue 3).",
    "accounts:two_factor_recovery_codes": "two_factor.recovery_codes_regenerated: event test to write (issue 3).",
    "accounts:two_factor_recovery_codes_download": "download of codes shown once: declare or test (issue 3).",
    "accounts:two_factor_disable": "two_factor.disabled: event test to write (issue 3).",
    "accounts:session_revoke": "session.revoked: event test to write (issue 3).",
    "accounts:sessions_revoke_others": "session.revoked: event test to write (issue 3).",
    "accounts:member_sign_out": "session.revoked for a member: event test to write (issue 3).",
    "accounts:member_two_factor_reset": "two_factor.reset: event test to write (issue 3).",
    "accounts:member_unlock": "auth.unlocked: event test to write (issue 3).",
    "command:axes_reset": "auth.unlocked: event test to write (issue 3).",
    "command:axes_reset_username": "auth.unlocked: event test to write (issue 3).",
    "command:setup_link": "writes a setup token but records no event yet (gap reported to the lead).",
    "command:changepassword": "Django's command sets a password without any event (gap reported to the lead).",
}
