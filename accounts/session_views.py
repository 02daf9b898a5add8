"""Profile > Sessions: where the member is signed in, and signing out of it; a manager signs out a member's session."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from . import selectors, services
from .models import User, UserSession
from .permissions import permission_required


@require_safe
@permission_required("profile.view")
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
@permission_required("profile.view")
def session_revoke_view(request, pk):
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    try:
        services.user_session_revoke(
            session=session, acting_user=request.user, current_session_key=request.session.session_key
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "That session is signed out.")
    return redirect("accounts:sessions")


@require_POST
@permission_required("profile.view")
def sessions_revoke_others_view(request):
    ended = services.user_sessions_revoke_all(
        user=request.user, acting_user=request.user, keep_session_key=request.session.session_key
    )
    messages.success(request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}.")
    return redirect("accounts:sessions")


@require_POST
@permission_required("team.manage")
def member_session_revoke_view(request, pk, session_pk):
    member = get_object_or_404(User, pk=pk)
    session = get_object_or_404(UserSession, pk=session_pk, user=member)
    try:
        services.user_session_revoke(
            session=session, acting_user=request.user, current_session_key=request.session.session_key
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
    else:
        messages.success(request, f"That session of {member.email} is signed out.")
    return redirect("accounts:member", pk=member.pk)
