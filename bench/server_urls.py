"""The panel's URLs and Django admin's index page, which the gunicorn benchmark compares the dashboard with."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from accounts.models import User
from modyo_admin.urls import urlpatterns as panel_urlpatterns

# The admin lets in staff only; the panel's members have roles instead. Bench-only.
User.is_staff = True

urlpatterns = [path("django-admin/", admin.site.urls), *panel_urlpatterns]
