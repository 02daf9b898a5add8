from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from accounts.views import dashboard_view
from security.api import delivery_token_view

urlpatterns = [
    path("", dashboard_view, name="dashboard"),
    path("", include("accounts.urls")),
    path("settings/", include("security.urls")),
    path("activity/", include("activity.urls")),
    path("content/", include("content.urls")),
    path("api/delivery/token", delivery_token_view, name="api_delivery_token"),
    path("api/content/", include("content.api_urls")),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api_schema"),
]
