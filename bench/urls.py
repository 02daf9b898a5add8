"""The panel's URLs plus the baselines the benchmarks compare with (only ever loaded by bench/)."""

from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.urls import path

from modyo_admin.urls import urlpatterns as panel_urlpatterns

urlpatterns = [
    path("bench/plain-login/", LoginView.as_view(template_name="accounts/login.html"), name="bench_plain_login"),
    *panel_urlpatterns,
]
