"""Server-side session limits and re-authentication timestamps.

The session records when its user signed in, when it was last used and when
the user last proved who they are. The lifetime and idle limits of the
sign-in policy are checked against these on every request, whatever the
cookie says.
"""

from __future__ import annotations

from django.utils import timezone

from . import conf
from .selectors import sign_in_policy_get

SIGNED_IN_AT = "accounts.signed_in_at"
LAST_SEEN_AT = "accounts.last_seen_at"
AUTHENTICATED_AT = "accounts.authenticated_at"
PASSWORD_CHANGE_REQUIRED = "accounts.password_change_required"  # noqa: S105 (a session key name)
# Recovery codes just generated, kept until the page that shows them once has rendered.
NEW_RECOVERY_CODES = "accounts.two_factor.new_recovery_codes"
# Writing the session on every request is wasteful: last-seen moves at most this often.
LAST_SEEN_RESOLUTION_SECONDS = 30


def _now() -> float:
    return timezone.now().timestamp()


def start(session) -> None:
    now = _now()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now
    session[AUTHENTICATED_AT] = now


def mark_authenticated(session) -> None:
    session[AUTHENTICATED_AT] = _now()


def expiry_reason(session) -> str | None:
    """Return why the session has expired ('absolute' or 'idle'), or None."""
    policy = sign_in_policy_get()
    now = _now()
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen_at = session.get(LAST_SEEN_AT)
    if signed_in_at is None or last_seen_at is None:
        return "absolute"  # a session from before these limits existed: start afresh
    if now - signed_in_at >= policy.session_absolute_minutes * 60:
        return "absolute"
    if now - last_seen_at >= policy.session_idle_minutes * 60:
        return "idle"
    return None


def touch(session) -> bool:
    """Move last-seen to now; return whether it moved."""
    now = _now()
    if now - session.get(LAST_SEEN_AT, 0) >= LAST_SEEN_RESOLUTION_SECONDS:
        session[LAST_SEEN_AT] = now
        return True
    return False


def recently_authenticated(session) -> bool:
    authenticated_at = session.get(AUTHENTICATED_AT)
    return authenticated_at is not None and _now() - authenticated_at < conf.reauthentication_max_age().total_seconds()
