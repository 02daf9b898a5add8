from __future__ import annotations

from django.core.management.base import BaseCommand
from django.urls import reverse

from accounts import conf, services


class Command(BaseCommand):
    help = "Print a one-time link that creates the first Owner, while the panel has no user."

    def handle(self, *args, **options):
        token = services.setup_token_issue()
        if token is None:
            self.stdout.write(
                "The panel already has users; no setup link is needed. Sign in at "
                + conf.panel_base_url()
                + reverse("accounts:login")
            )
            return
        link = conf.panel_base_url() + reverse("accounts:setup", args=[token])
        self.stdout.write(self.style.SUCCESS("No user exists yet. Open this one-time link to create the first Owner:"))
        self.stdout.write(f"\n    {link}\n")
