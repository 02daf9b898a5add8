from __future__ import annotations

from django.urls import path

from . import views

app_name = "activity"

urlpatterns = [
    path("", views.event_list_view, name="list"),
]
