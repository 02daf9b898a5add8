"""Profile > API tokens, under /profile/api-tokens/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.api_tokens_view, name="tokens"),
    path("new/", views.api_token_create_view, name="token_create"),
    path("<int:pk>/revoke/", views.api_token_revoke_view, name="token_revoke"),
]
