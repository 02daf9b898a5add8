"""Signal receivers: each delegates to one service and holds no logic."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib import auth
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from . import services


# Only password failures from django.contrib.auth.authenticate(); a wrong second-step
# code is sent by accounts.services.lockout (for the lockout count) and recorded by its service.
# Signals match a sender by identity (id()), so pass the very string authenticate()
# sends as its sender, not an equal literal.
@receiver(user_login_failed, sender=auth.__name__, dispatch_uid="accounts.sign_in_failed")
def record_sign_in_failure(sender, credentials, request=None, **kwargs):
    services.sign_in_failure_record(
        email=credentials.get("username") or credentials.get("email") or "", request=request
    )


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    services.locked_out_record(request=request, email=username or "")
