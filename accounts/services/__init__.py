"""Every write of the accounts app. Views, the API and commands call these."""

from __future__ import annotations

from ._base import (
    user_sessions_end,
)
from .members import (
    invitation_accept,
    invitation_for_token,
    member_create,
    member_deactivate,
    member_invite,
    member_reactivate,
    member_role_change,
    setup_complete,
    setup_token_issue,
    setup_token_valid,
)
from .passwords import (
    password_change,
    password_change_needed,
    password_change_require,
    password_compliance_evaluate,
    password_history_append,
    password_policy_update,
    password_reset_complete,
    password_reset_request_record,
)
from .policies import (
    lockout_policy_update,
    session_policy_update,
    two_factor_policy_update,
)
from .sessions import (
    reauthentication_record,
    session_expired_record,
    sign_in_failure_record,
    sign_in_record,
    sign_out_record,
    user_session_register,
    user_session_rekey,
    user_session_revoke,
    user_session_touch,
    user_sessions_revoke_all,
)

__all__ = [
    "invitation_accept",
    "invitation_for_token",
    "lockout_policy_update",
    "member_create",
    "member_deactivate",
    "member_invite",
    "member_reactivate",
    "member_role_change",
    "password_change",
    "password_change_needed",
    "password_change_require",
    "password_compliance_evaluate",
    "password_history_append",
    "password_policy_update",
    "password_reset_complete",
    "password_reset_request_record",
    "reauthentication_record",
    "session_expired_record",
    "session_policy_update",
    "setup_complete",
    "setup_token_issue",
    "setup_token_valid",
    "sign_in_failure_record",
    "sign_in_record",
    "sign_out_record",
    "two_factor_policy_update",
    "user_session_register",
    "user_session_rekey",
    "user_session_revoke",
    "user_session_touch",
    "user_sessions_end",
    "user_sessions_revoke_all",
]
