from __future__ import annotations

from activity.registry import register

register("auth.signed_in", "Signed in", "{actor} signed in")
register("auth.sign_in_failed", "Sign-in failed", "Failed sign-in as {target}")
register("auth.signed_out", "Signed out", "{actor} signed out")
register("password.changed", "Password changed", "{actor} changed their password")
register("password.reset", "Password reset", "The password of {target} was reset")
register("setup.link_issued", "Setup link issued", "A one-time setup link was printed for the first Owner")
register("password.reset_requested", "Password reset requested", "A password reset was requested for {target}")
register("password.change_required", "Password change required", "{actor} required a password change of {target}")
register("member.created", "Member created", "{actor} created the account {target}")
register("member.invited", "Member invited", "{actor} invited {target}")
register("member.joined", "Member joined", "{target} accepted the invitation and joined")
register("member.role_changed", "Role changed", "{actor} changed the role of {target}")
register("member.deactivated", "Member deactivated", "{actor} deactivated {target}")
register("member.reactivated", "Member reactivated", "{actor} reactivated {target}")
register("settings.password_policy.updated", "Password policy updated", "{actor} updated the password policy")
register("auth.session_expired", "Session expired", "The session of {target} expired")
register("auth.second_step_passed", "Second step passed", "{actor} confirmed sign-in with an authenticator code")
register("auth.second_step_failed", "Second step failed", "{actor} typed a wrong authenticator code")
register("auth.recovery_code_used", "Recovery code used", "{actor} signed in with a recovery code")
register("auth.locked_out", "Locked out", "Sign-in as {target} was locked after repeated failures")
register("auth.unlocked", "Unlocked", "{actor} unlocked sign-in for {target}")
register("auth.reauthenticated", "Re-authenticated", "{actor} confirmed their identity for a sensitive action")
register("two_factor.enabled", "Two-step enabled", "{actor} turned on two-step authentication")
register("two_factor.disabled", "Two-step disabled", "{actor} turned off two-step authentication")
register("two_factor.reset", "Two-step reset", "{actor} reset two-step authentication of {target}")
register(
    "two_factor.recovery_codes_regenerated",
    "Recovery codes regenerated",
    "{actor} generated new recovery codes",
)
register("settings.two_factor.updated", "Two-step enforcement updated", "{actor} changed two-step enforcement")
register("settings.lockout.updated", "Lockout settings updated", "{actor} changed the sign-in lockout settings")
register("settings.sessions.updated", "Session limits updated", "{actor} changed the session limits")
register("session.revoked", "Session signed out", "{actor} signed out sessions of {target}")
