from __future__ import annotations

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.emails import email_canonical
from accounts.models import User
from accounts.services import password_reset_complete


class Command(BaseCommand):
    help = (
        "Set a member's password under the password policy; their sessions are ended "
        "and the change is recorded in the activity log."
    )
    requires_migrations_checks = True
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("email", help="Email of the member whose password to set.")

    def handle(self, *args, **options):
        user = User.objects.filter(email=email_canonical(options["email"])).first()
        if user is None:
            raise CommandError(f"No member with the email {options['email']!r}.")
        for _attempt in range(3):
            first = getpass.getpass(f"New password for {user.email}: ")
            second = getpass.getpass("New password (again): ")
            if first != second:
                self.stderr.write("The passwords do not match. Try again.")
                continue
            try:
                password_reset_complete(user=user, new_password=first, via="changepassword command")
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            self.stdout.write(f"Password of {user.email} changed; their sessions were ended.")
            return
        raise CommandError("Too many failed attempts; the password is unchanged.")
