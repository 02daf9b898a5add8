from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from api.authentication import ApiTokenAuthentication
from api.views import api_docs_view
from security.api import delivery_token_view

from .review_views import review_sign_off_view
from .security_txt import security_txt_view
from .views import dashboard_view

urlpatterns = [
    path("", dashboard_view, name="dashboard"),
    path("", include("accounts.urls")),
    path("settings/", include("security.urls")),
    # Before the activity app's URLs: the sign-off asks the accounts app for a recent authentication.
    path("activity/review/sign-off/", review_sign_off_view, name="activity_review_sign_off"),
    path("activity/", include("activity.urls")),
    path("checkup/", include("checkup.urls")),
    path("content/", include("content.urls")),
    path("api/delivery/token", delivery_token_view, name="api_delivery_token"),
    path("api/content/", include("content.api_urls")),
    # Where to report a vulnerability (RFC 9116), on the admin and the delivery host alike.
    path(".well-known/security.txt", security_txt_view, name="security_txt"),
    # Load-balancer probes, answered early by modyo_admin.health.ProbeMiddleware.
    path("", include("modyo_admin.health")),
    # Anonymous callers get DRF's refusal rather than a redirect to the sign-in page. Signed-in
    # members read it in the browser (/api/docs/), scripts with their API token.
    path(
        "api/schema/",
        login_not_required(
            SpectacularAPIView.as_view(
                authentication_classes=[SessionAuthentication, ApiTokenAuthentication],
                permission_classes=[IsAuthenticated],
            )
        ),
        name="api_schema",
    ),
    path("api/docs/", api_docs_view, name="api_docs"),
    path("api/v1/", include("api.v1.urls")),
    path("profile/api-tokens/", include("api.urls")),
]
