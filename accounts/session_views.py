"""Profile > Sessions, and the team actions that end sessions or lockouts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import lockout, selectors, services, two_factor
from .models import User, UserSession
from .reauth import reauthentication_required


@permission_required("profile.view", raise_exception=True)
def sessions_view(request):
    return render(
        request,
        "accounts/sessions.html",
        {
            "title": "Sessions",
            "sessions": selectors.user_sessions_active(user=request.user),
            "current_key": request.session.session_key,
        },
    )


@require_POST
@permission_required("profile.view", raise_exception=True)
def session_revoke_view(request, pk):
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if session.session_key == request.session.session_key:
        messages.error(request, "This is the session you are using: sign out instead.")
        return redirect("accounts:sessions")
    services.user_session_revoke(session=session, acting_user=request.user)
    messages.success(request, "That session is signed out.")
    return redirect("accounts:sessions")


@require_POST
@permission_required("profile.view", raise_exception=True)
def sessions_revoke_others_view(request):
    ended = services.user_sessions_revoke_all(
        user=request.user, acting_user=request.user, keep_session_key=request.session.session_key
    )
    messages.success(request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}.")
    return redirect("accounts:sessions")


def _member_post(request, pk, action, success: str):
    member = get_object_or_404(User, pk=pk)
    try:
        action(member)
    except (ValidationError, PermissionDenied) as error:
        texts = error.messages if isinstance(error, ValidationError) else [str(error) or "You cannot do that."]
        for text in texts:
            messages.error(request, text)
    else:
        messages.success(request, success.format(email=member.email))
    return redirect("accounts:member", pk=member.pk)


@require_POST
@permission_required("team.manage", raise_exception=True)
def member_sign_out_view(request, pk):
    return _member_post(
        request,
        pk,
        lambda member: services.user_sessions_revoke_all(user=member, acting_user=request.user),
        "{email} is signed out everywhere.",
    )


@require_POST
@permission_required("team.manage", raise_exception=True)
@reauthentication_required
def member_two_factor_reset_view(request, pk):
    return _member_post(
        request,
        pk,
        lambda member: two_factor.reset(user=member, acting_user=request.user),
        "Two-step authentication of {email} is reset: they set it up again at next sign-in.",
    )


@require_POST
@permission_required("team.manage", raise_exception=True)
def member_unlock_view(request, pk):
    return _member_post(
        request,
        pk,
        lambda member: lockout.lockout_clear(email=member.email, acting_user=request.user, target=member),
        "Sign-in for {email} is unlocked.",
    )
