"""Response headers that apply to the whole panel, whichever app answers.

The Content-Security-Policy comes from django-csp (``csp.middleware.CSPMiddleware``);
the two middleware here add what Django and django-csp do not. The system checks
``security.E007`` and ``security.E008`` report either one missing.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control

from security.api import credentials_presented


class PermissionsPolicyMiddleware:
    """Set ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` on every response.

    The setting maps a browser feature to the origins allowed to use it; an
    empty list switches the feature off for the panel and anything it embeds.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class NoStoreForCredentialsMiddleware:
    """Forbid every cache to keep an answer given to a signed-in user or a token holder.

    Such answers hold one person's data (team lists, activity, delivery tokens):
    a browser's back button, a shared computer's disk cache or a proxy must not
    keep them. ``no-store`` is added to what the view set, so ``private`` stays.
    Anonymous answers (the sign-in page, public content) are left as the view
    made them; static files never reach this middleware (WhiteNoise answers first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: signing in or out, and DRF's token authentication, replace request.user.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or credentials_presented(request):
            patch_cache_control(response, no_store=True)
        return response
