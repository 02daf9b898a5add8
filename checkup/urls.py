from __future__ import annotations

from django.urls import path

from . import views

app_name = "checkup"

urlpatterns = [
    path("", views.checkup_view, name="checkup"),
]
