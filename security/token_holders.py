"""The members delivery tokens speak for, as this process last read them: for at most a second.

Verifying a token asks whether its member is still active and has not been
signed out everywhere since it was issued (the token's generation). Reading
the member cost ten times the signature itself; each process keeps what it
read for ``SECURITY_DELIVERY_MEMBERS_PROCESS_CACHE_SECONDS`` (1 s by default,
0 switches it off), as it keeps the delivery keys and the CORS origins. The
process that ends a member's tokens (sign-out everywhere, password change or
reset, two-step reset, deactivation) or reactivates the member drops its copy
at once, on accounts' ``member_access_changed`` signal; other processes read
the member again within the second.
"""

from __future__ import annotations

import copy

from django.contrib.auth import get_user_model
from django.db import transaction

from singletons.process_copies import ProcessCopies

from . import conf


def _member_copy(member):
    # Each reader its own copy: a request that changes its user must not change the next one's.
    return copy.copy(member) if member is not None else None


# Member id -> the active member, or None (unknown or deactivated).
token_holders: ProcessCopies = ProcessCopies(seconds=conf.delivery_members_process_cache_seconds, copy=_member_copy)


def token_holder_get(pk: int | None):
    """Return a copy of the active member ``pk``, or None (unknown, deactivated or no id)."""
    if pk is None:
        return None
    return token_holders.get(pk, lambda: get_user_model().objects.filter(pk=pk, is_active=True).first())


def token_holder_forget(sender, user, **kwargs) -> None:
    """Drop this process's copy of ``user`` now and again when the change commits (``member_access_changed``).

    Now: this process reads the change from then on. On commit: a token verified meanwhile read the
    member as committed before the change, and must not keep that for the second.
    """
    token_holders.forget(user.pk)
    transaction.on_commit(lambda: token_holders.forget(user.pk))
