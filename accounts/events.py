from __future__ import annotations

from activity.registry import register
from activity.wording import describe

from .roles import Role

register("auth.signed_in", "Signed in", "{actor} signed in", target="user", weight=30)
register("auth.sign_in_failed", "Sign-in failed", "Failed sign-in as {target}", target="user", anonymous=True, weight=6)
register("auth.signed_out", "Signed out", "{actor} signed out", target="user", weight=12)
register("password.changed", "Password changed", "{actor} changed their password", target="user")
register("password.reset", "Password reset", "The password of {target} was reset", target="user", anonymous=True)
register(
    "setup.link_issued", "Setup link issued", "A one-time setup link was printed for the first Owner", target="setup"
)
register(
    "password.reset_requested",
    "Password reset requested",
    "A password reset was requested for {target}",
    target="user",
    anonymous=True,
)
register(
    "password.change_required",
    "Password change required",
    "{actor} required a password change of {target}",
    target="user",
)
register("member.created", "Member created", "{actor} created the account {target}", target="user")
register("member.invited", "Member invited", "{actor} invited {target}", target="user")
register("member.joined", "Member joined", "{target} accepted the invitation and joined", target="user")
register("member.renamed", "Member renamed", "{actor} changed the name of {target}", target="user")
register(
    "member.invitation_revoked",
    "Invitation revoked",
    "{actor} revoked the invitation of {target}",
    target="user",
)
register("member.role_changed", "Role changed", "{actor} changed the role of {target}", target="user")
register("member.deactivated", "Member deactivated", "{actor} deactivated {target}", target="user")
register("member.reactivated", "Member reactivated", "{actor} reactivated {target}", target="user")
register(
    "member.dormancy_deactivated",
    "Dormant member deactivated",
    "{target} was deactivated after going too long without signing in",
    target="user",
    weight=0,
)
register(
    "member.dormancy_exempt_changed",
    "Dormancy exemption changed",
    "{actor} changed whether {target} is exempt from deactivation for dormancy",
    target="user",
    weight=0,
)
register(
    "settings.dormancy.updated",
    "Dormant accounts setting updated",
    "{actor} changed after how many days without signing in accounts are deactivated",
    target="signinpolicy",
    weight=0,
)
register(
    "settings.password_policy.updated",
    "Password policy updated",
    "{actor} updated the password policy",
    target="passwordpolicy",
)
register("auth.session_expired", "Session expired", "The session of {target} expired", target="user")
register(
    "auth.second_step_passed",
    "Second step passed",
    "{actor} confirmed sign-in with an authenticator code",
    target="user",
)
register("auth.second_step_failed", "Second step failed", "{actor} typed a wrong authenticator code", target="user")
register("auth.recovery_code_used", "Recovery code used", "{actor} signed in with a recovery code", target="user")
register(
    "auth.locked_out",
    "Locked out",
    "Sign-in as {target} was locked after repeated failures",
    target="user",
    anonymous=True,
)
register("auth.unlocked", "Unlocked", "{actor} unlocked sign-in for {target}", target="user")
# One summary per lockout instead of an event per attempt it refused (the count is in its changes).
register(
    "auth.lockout_ended",
    "Lockout ended",
    "The lockout of sign-in as {target} ended; the attempts it refused are counted",
    target="user",
    anonymous=True,
)
register(
    "auth.rate_limited",
    "Rate limited",
    "Requests from or for {target} were refused for a while after too many",
    anonymous=True,
    weight=0,
)
register(
    "auth.reauthenticated", "Re-authenticated", "{actor} confirmed their identity for a sensitive action", target="user"
)
register("two_factor.enabled", "Two-step enabled", "{actor} turned on two-step authentication", target="user")
register("two_factor.disabled", "Two-step disabled", "{actor} turned off two-step authentication", target="user")
register("two_factor.reset", "Two-step reset", "{actor} reset two-step authentication of {target}", target="user")
register(
    "two_factor.recovery_codes_regenerated",
    "Recovery codes regenerated",
    "{actor} generated new recovery codes",
    target="user",
)
register(
    "settings.two_factor.updated",
    "Two-step enforcement updated",
    "{actor} changed two-step enforcement",
    target="signinpolicy",
)
register(
    "settings.lockout.updated",
    "Lockout settings updated",
    "{actor} changed the sign-in lockout settings",
    target="signinpolicy",
)
register(
    "settings.sessions.updated", "Session limits updated", "{actor} changed the session limits", target="signinpolicy"
)
register("session.revoked", "Session signed out", "{actor} signed out sessions of {target}", target="user")

# What these events' targets and changed fields are called on the activity pages.
describe(
    "user",
    name="member",
    fields={
        "role": "role",
        "email": "email",
        "full_name": "name",
        "is_active": "active",
        "expires_at": "invitation expires",
        "must_change_password": "must change password",
        "links_voided": "invitation links voided",
        "via": "how",
        "session": "session",
        "devices_removed": "authenticators removed",
        "recovery_codes_left": "recovery codes left",
        "attempts_cleared": "failed attempts cleared",
        "cooloff_minutes": "locked for (minutes)",
        "password_compliant": "password meets the policy",
        "second_step": "second step",
        "reason": "reason",
    },
    values={"role": dict(Role.choices)},
)
describe(
    "passwordpolicy",
    name="password policy",
    fields={
        "min_length": "minimum length",
        "require_lowercase": "require a lowercase letter",
        "require_uppercase": "require an uppercase letter",
        "require_special": "require a special character",
        "reject_common": "reject common passwords",
        "reject_similar": "reject passwords like the name or email",
        "reject_guessable": "reject easily guessed passwords",
        "min_strength": "minimum strength",
        "history_count": "earlier passwords refused",
        "force_change_if_noncompliant": "require a change when a password falls short",
        "version": "policy version",
    },
)
describe(
    "signinpolicy",
    name="sign-in policy",
    fields={
        "two_factor_required": "two-step authentication required",
        "two_factor_grace_days": "days to set up two-step authentication",
        "two_factor_enforced_at": "two-step authentication required since",
        "lockout_failure_limit": "failed sign-ins before a lockout",
        "lockout_cooloff_minutes": "lockout length (minutes)",
        "failed_sign_ins_per_ip": "failed sign-ins per IP address",
        "reset_requests_per_address": "reset requests per email address",
        "reset_requests_per_ip": "reset requests per IP address",
        "session_absolute_minutes": "session lifetime (minutes)",
        "session_idle_minutes": "inactivity timeout (minutes)",
    },
)
describe("setup", name="first-run setup", fields={"earlier_links_voided": "earlier links voided"})
# Dormant accounts (issue 15).
describe(
    "user",
    fields={
        "dormancy_exempt": "exempt from deactivation for dormancy",
        "last_sign_in": "last sign-in",
        "dormancy_days": "days allowed without signing in",
    },
)
describe("signinpolicy", fields={"dormancy_days": "days without signing in before deactivation"})
describe("ip_address", name="IP address")
describe(
    fields={
        "sessions_ended": "sessions ended",
        "ip_address": "IP address",
        "limit": "limit",
        "allowed": "allowed",
        "window_seconds": "period (seconds)",
    }
)
