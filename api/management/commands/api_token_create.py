from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.emails import email_canonical
from accounts.models import User
from api import conf
from api.models import ApiToken
from api.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for a member (automation, CI) and print it once on standard output; only its hash "
        "is kept. The member's role must allow it, as on the API tokens page; the creation is recorded."
    )
    requires_migrations_checks = True
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The member the token acts as.")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        parser.add_argument(
            "--days",
            type=int,
            default=conf.DEFAULT_EXPIRY_DAYS,
            help=f"Days until it expires, 1 to {conf.MAX_EXPIRY_DAYS} (default {conf.DEFAULT_EXPIRY_DAYS}).",
        )

    def handle(self, *args, email: str, name: str, scope: str, days: int, **options):
        user = User.objects.filter(email=email_canonical(email), is_active=True).first()
        if user is None:
            raise CommandError(f"No active member with the email {email!r}.")
        try:
            token, secret = api_token_create(acting_user=user, name=name, scope=scope, expires_in_days=days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        self.stderr.write(
            f"API token {token.prefix}… ({token.get_scope_display()}) expires {token.expires_at:%Y-%m-%d}."
        )
        self.stdout.write(secret)
