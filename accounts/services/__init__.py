"""Every write of the accounts app. Views, the API and commands call these."""

from __future__ import annotations

from ._base import password_history_append, user_sessions_end
from .lockout import LockedOut, locked_out_record, lockout_clear, lockout_failure_register, password_confirm
from .members import (
    invitation_accept,
    member_create,
    member_deactivate,
    member_invite,
    member_reactivate,
    member_role_change,
    setup_complete,
    setup_token_issue,
)
from .passwords import (
    password_change,
    password_change_require,
    password_policy_update,
    password_reset_complete,
    password_reset_request_record,
)
from .policies import (
    lockout_policy_update,
    session_policy_update,
    two_factor_policy_update,
)
from .rate_limits import RateLimited, password_reset_rate_limit_check, sign_in_rate_limit_check
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
from .two_factor import (
    AUTHENTICATOR_APP,
    RECOVERY_CODE,
    recovery_codes_regenerate,
    second_step_confirm,
    second_step_passed_record,
    second_step_verify,
    two_factor_disable,
    two_factor_enable,
    two_factor_enrolment_start,
    two_factor_reset,
)

__all__ = [
    "AUTHENTICATOR_APP",
    "RECOVERY_CODE",
    "RateLimited",
    "password_reset_rate_limit_check",
    "sign_in_rate_limit_check",
    "LockedOut",
    "invitation_accept",
    "locked_out_record",
    "lockout_clear",
    "lockout_failure_register",
    "lockout_policy_update",
    "member_create",
    "member_deactivate",
    "member_invite",
    "member_reactivate",
    "member_role_change",
    "password_change",
    "password_change_require",
    "password_confirm",
    "password_history_append",
    "password_policy_update",
    "password_reset_complete",
    "password_reset_request_record",
    "reauthentication_record",
    "recovery_codes_regenerate",
    "second_step_confirm",
    "second_step_passed_record",
    "second_step_verify",
    "session_expired_record",
    "session_policy_update",
    "setup_complete",
    "setup_token_issue",
    "sign_in_failure_record",
    "sign_in_record",
    "sign_out_record",
    "two_factor_disable",
    "two_factor_enable",
    "two_factor_enrolment_start",
    "two_factor_policy_update",
    "two_factor_reset",
    "user_session_register",
    "user_session_rekey",
    "user_session_revoke",
    "user_session_touch",
    "user_sessions_end",
    "user_sessions_revoke_all",
]
