"""``createsuperuser`` for this panel: an Owner, created under the password policy and recorded."""

from __future__ import annotations

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from accounts.services import member_create


class Command(BaseCommand):
    help = (
        "Create an Owner. With --noinput, the email and password come from DJANGO_SUPERUSER_EMAIL and "
        "DJANGO_SUPERUSER_PASSWORD. The password policy applies and the creation is recorded."
    )
    requires_migrations_checks = True
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--email", help="Email of the new Owner.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Read the email and password from DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD.",
        )

    def handle(self, *args, **options):
        email = options["email"] or os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
        if not options["interactive"]:
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
            if not email or not password:
                raise CommandError("Set DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD (or drop --noinput).")
            self._create(email=email, password=password)
            return
        email = email or input("Email: ").strip()
        for _attempt in range(3):
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords do not match. Try again.")
                continue
            try:
                self._create(email=email, password=first)
            except CommandError as error:
                self.stderr.write(str(error))
                continue
            return
        raise CommandError("Too many failed attempts; no account was created.")

    def _create(self, *, email: str, password: str) -> None:
        try:
            user = member_create(email=email, password=password, role=Role.OWNER)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Owner {user.email} created.")
