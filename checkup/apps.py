from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CheckupConfig(AppConfig):
    name = "checkup"
    verbose_name = "Security checkup"

    def ready(self) -> None:
        # Each app registers the checks of its own data in its ``checkups`` module.
        autodiscover_modules("checkups")
