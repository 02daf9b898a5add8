from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from .startup import settings_load_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modyo_admin.settings")
# 4 is gunicorn's "App failed to load": the server stops with the one line instead of restarting workers.
settings_load_or_exit(exit_code=4)

application = get_asgi_application()
