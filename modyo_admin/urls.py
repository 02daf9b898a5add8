from __future__ import annotations

from django.urls import include, path

from accounts.views import dashboard_view

urlpatterns = [
    path("", dashboard_view, name="dashboard"),
    path("", include("accounts.urls")),
    path("settings/", include("security.urls")),
    path("activity/", include("activity.urls")),
]
