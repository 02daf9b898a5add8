"""Signal receivers: each delegates to one service and holds no logic."""

from __future__ import annotations

from django.dispatch import receiver

from accounts.signals import member_deactivated

from . import services


@receiver(member_deactivated, dispatch_uid="api.revoke_tokens_of_deactivated")
def revoke_tokens_of_deactivated(sender, user, acting_user, **kwargs):
    services.api_tokens_revoke_for_deactivation(user=user, acting_user=acting_user)
