"""Signal receivers: each delegates to one service and holds no logic."""

from __future__ import annotations

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from . import services


@receiver(user_login_failed, dispatch_uid="accounts.sign_in_failed")
def record_sign_in_failure(sender, credentials, request=None, **kwargs):
    services.sign_in_failure_record(email=credentials.get("username") or credentials.get("email") or "")
