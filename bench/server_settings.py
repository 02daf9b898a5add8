"""Settings of the gunicorn benchmark: the panel's, plus Django's admin as the baseline page."""

from modyo_admin.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin"]  # noqa: F405
ROOT_URLCONF = "bench.server_urls"
