from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "security"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="security:settings", http_method_names=["get", "head"]), name="index"),
    path("security/", views.security_settings_view, name="settings"),
    # One page per section (GET) that also saves it (POST), each built from its row of views.SECTIONS.
    *(path(f"security/{section.path}", views.section_view(section), name=section.name) for section in views.SECTIONS),
]
