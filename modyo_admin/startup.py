"""Load the settings before an entry point starts, so that a configuration mistake is one line.

The settings module raises ImproperlyConfigured with a message that names the
environment variable and what it expects. Left alone, that message reaches the
operator at the end of a long traceback, or, under gunicorn, once per worker
restart; here it becomes the only line on stderr.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def settings_load_or_exit(*, exit_code: int) -> None:
    """Load the settings module now; on a configuration mistake print one line and exit with ``exit_code``.

    Only errors raised while the settings load are caught: an ImproperlyConfigured
    raised later, inside a command or a request, keeps its traceback.
    """
    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads the module
    except ImproperlyConfigured as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        raise SystemExit(exit_code) from None
