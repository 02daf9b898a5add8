from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "security"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="security:settings"), name="index"),
    path("security/", views.security_settings_view, name="settings"),
    path("security/password-policy/", views.password_policy_update_view, name="password_policy"),
]
