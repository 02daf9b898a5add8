from __future__ import annotations

from django.urls import path

from . import views

app_name = "activity"

urlpatterns = [
    path("", views.event_list_view, name="list"),
    path("<int:sequence>/", views.event_detail_view, name="detail"),
    path("verify/", views.event_verify_view, name="verify"),
    path("chart.svg", views.event_chart_view, name="chart"),
    path("export.csv", views.event_export_csv_view, name="export_csv"),
    path("export.jsonl", views.event_export_jsonl_view, name="export_jsonl"),
]
