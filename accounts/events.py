from __future__ import annotations

from activity.registry import register

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
