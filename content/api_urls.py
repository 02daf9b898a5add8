from __future__ import annotations

from django.urls import path

from . import api

app_name = "content_api"

urlpatterns = [
    path("entries/", api.entry_list_api_view, name="entry_list"),
    path("entries/<slug:slug>/", api.entry_detail_api_view, name="entry_detail"),
]
