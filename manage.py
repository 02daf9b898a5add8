#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modyo_admin.settings")
    if sys.argv[1:2] != ["runserver"]:
        # Commands (migrations, prune, seeding, backups) may legitimately take long; requests may not.
        os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "0")
        os.environ.setdefault("DATABASE_LOCK_TIMEOUT_MS", "60000")
    from django.core.management import execute_from_command_line

    from modyo_admin.startup import settings_load_or_exit

    settings_load_or_exit(exit_code=2)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
