from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from . import selectors, session_state, sign_in
from .lockout import lockout_response
from .services import LockedOut, RateLimited, session_expired_record, user_session_touch

_EXPIRY_MESSAGES = {
    "absolute": "Your session reached its maximum length. Sign in again to continue.",
    "idle": "Your session ended after a period of inactivity. Sign in again to continue.",
}


def _login_url_with_next(request) -> str:
    next_url = request.get_full_path() if request.method == "GET" else request.META.get("HTTP_REFERER", "")
    return reverse("accounts:login") + ("?" + urlencode({"next": next_url}) if next_url else "")


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, but only a page one can open again goes into ``next``.

    A refused POST (a form sent from an expired page, "Cancel and sign out") must not
    come back as a GET after signing in: that would be a 405, or an action repeated.
    """

    def handle_no_permission(self, request, view_func):
        if request.method in ("GET", "HEAD"):
            return super().handle_no_permission(request, view_func)
        return redirect(self.get_login_url(view_func))


class SessionLimitsMiddleware:
    """End sessions past the policy's absolute lifetime or inactivity timeout, on the server."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = session_state.expiry_reason(request.session)
            if reason is not None:
                session_expired_record(user=user, session_key=request.session.session_key, reason=reason)
                logout(request)
                if request.path_info == reverse("accounts:login"):
                    return self.get_response(request)  # signing in again: let the form through
                messages.info(request, _EXPIRY_MESSAGES[reason])
                return redirect(_login_url_with_next(request))
            if session_state.touch(request.session):
                user_session_touch(session_key=request.session.session_key)
        return self.get_response(request)


# Each step: the url names still open while it is pending, and where to send the member.
_STEP_PAGES = {
    "second_step": ({"accounts:login_verify", "accounts:logout"}, "accounts:login_verify"),
    "enrolment": (
        {
            "accounts:two_factor",
            "accounts:two_factor_enrol",
            "accounts:two_factor_qr",
            "accounts:two_factor_recovery_codes",
            # Setting up a factor asks for a recent authentication; a stale session proves itself first.
            "accounts:reauthenticate",
            "accounts:logout",
        },
        "accounts:two_factor_enrol",
    ),
    # Codes just generated are shown before anything else, so that they are never lost.
    "recovery_codes": ({"accounts:two_factor_recovery_codes", "accounts:logout"}, "accounts:two_factor_recovery_codes"),
    "password_change": (
        {"accounts:password_change_required", "accounts:reauthenticate", "accounts:logout"},
        "accounts:password_change_required",
    ),
}


def required_step(request) -> str | None:
    """Return the step a signed-in member must finish before anything else opens."""
    user = request.user
    # A verified session has a device (django-otp found it): no lookup needed. Nor for a
    # member loaded by accounts.backends.MemberBackend, which knows it already.
    if not user.is_verified():
        two_factor_on = getattr(user, "two_factor_on", None)
        if two_factor_on is None:
            two_factor_on = selectors.two_factor_enabled(user)
        if two_factor_on:
            return "second_step"
        enrolment_required, grace_days_left = selectors.two_factor_enrolment_due(user)
        if enrolment_required:
            return "enrolment"
        request.two_factor_grace_days_left = grace_days_left
    if request.session.get(session_state.NEW_RECOVERY_CODES):
        return "recovery_codes"
    if request.session.get(session_state.PASSWORD_CHANGE_REQUIRED):
        return "password_change"
    return None


class RequiredStepMiddleware:
    """Hold a signed-in member at the second step, enforced enrolment, new recovery codes or a password change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        step = required_step(request)
        if step is None:
            return None
        allowed, target = _STEP_PAGES[step]
        if request.resolver_match.view_name in allowed:
            return None
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect(reverse(target) + ("?" + urlencode({"next": next_url}) if next_url else ""))


class LockedOutMiddleware:
    """Answer every LockedOut raised by a service with the lockout page, signed out, and every RateLimited with 429.

    The one place that turns these refusals into responses: views never check them by hand.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return _rate_limited_response(request, exception)
        if not isinstance(exception, LockedOut):
            return None
        sign_in.pending_cancel(request)
        if request.user.is_authenticated:
            # A member confirming an action with a wrong password; a visitor at the sign-in page has nothing to
            # end (and signing nobody out would still tidy django-axes' rows, two queries per refused attempt).
            logout(request)
        return lockout_response(request)


def _rate_limited_response(request, refusal: RateLimited):
    minutes = -(-refusal.retry_after // 60)
    response = render(
        request,
        "accounts/rate_limited.html",
        {"title": "Too many attempts", "what": refusal.limit.label, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response
