from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from .services import password_change_needed

# Pages a member who must change password may still open.
_ALLOWED_URL_NAMES = {"accounts:password_change_required", "accounts:logout"}


class PasswordChangeRequiredMiddleware:
    """Send members who must change their password to the change page first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and password_change_needed(user):
            allowed = {reverse(name) for name in _ALLOWED_URL_NAMES}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:password_change_required")
        return self.get_response(request)
