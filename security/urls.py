from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "security"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="security:settings"), name="index"),
    path("security/", views.security_settings_view, name="settings"),
    path("security/password-policy/", views.password_policy_update_view, name="password_policy"),
    path("security/two-step/", views.two_factor_policy_update_view, name="two_factor"),
    path("security/lockout/", views.lockout_policy_update_view, name="lockout"),
    path("security/sessions/", views.session_policy_update_view, name="sessions"),
    path("security/cors/", views.cors_settings_update_view, name="cors"),
    path("security/delivery/ttl/", views.delivery_token_ttl_update_view, name="delivery_ttl"),
    path("security/delivery/rotate/", views.delivery_key_rotate_view, name="delivery_rotate"),
    path("security/delivery/reveal/", views.delivery_secret_reveal_view, name="delivery_reveal"),
    path("security/activity-retention/", views.activity_retention_update_view, name="activity_retention"),
]
