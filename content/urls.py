from __future__ import annotations

from django.urls import path

from . import views

app_name = "content"

urlpatterns = [
    path("", views.entry_list_view, name="list"),
    path("<int:pk>/", views.entry_edit_view, name="edit"),
    path("<int:pk>/delete/", views.entry_delete_view, name="delete"),
]
