from __future__ import annotations

from activity.registry import register

register("auth.signed_in", "Signed in", "{actor} signed in")
register("auth.sign_in_failed", "Sign-in failed", "Failed sign-in as {target}")
register("auth.signed_out", "Signed out", "{actor} signed out")
register("password.changed", "Password changed", "{actor} changed their password")
register("password.reset", "Password reset", "{target} set a new password through a reset link")
register("password.reset_requested", "Password reset requested", "A password reset was requested for {target}")
register("password.change_required", "Password change required", "{actor} required a password change of {target}")
register("member.created", "Member created", "{actor} created the account {target}")
register("member.invited", "Member invited", "{actor} invited {target}")
register("member.joined", "Member joined", "{target} accepted the invitation and joined")
register("member.role_changed", "Role changed", "{actor} changed the role of {target}")
register("member.deactivated", "Member deactivated", "{actor} deactivated {target}")
register("member.reactivated", "Member reactivated", "{actor} reactivated {target}")
register("settings.password_policy.updated", "Password policy updated", "{actor} updated the password policy")
