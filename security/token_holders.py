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
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

from . import conf

# Members held at most: a flood of tokens for many members empties the copy rather than growing it.
MAX_HELD = 10_000


class TokenHolders:
    """This process's copy of the members delivery tokens speak for (see the module's docstring)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_held: int = MAX_HELD) -> None:
        self._clock = clock
        self._max_held = max_held
        # pk -> (the active member or None, read at): one tuple, so that readers never see half an update.
        self._held: dict[int, tuple[object | None, float]] = {}

    def get(self, pk: int | None):
        """Return a copy of the active member ``pk``, or None (unknown, deactivated or no id)."""
        if pk is None:
            return None
        held, now = self._held.get(pk), self._clock()
        if held is not None and 0 <= now - held[1] < conf.delivery_members_process_cache_seconds():
            member = held[0]
        else:
            member = get_user_model().objects.filter(pk=pk, is_active=True).first()
            if len(self._held) >= self._max_held:
                self._held.clear()
            self._held[pk] = (member, now)
        # Each reader its own copy: a request that changes its user must not change the next one's.
        return copy.copy(member) if member is not None else None

    def forget(self, pk: int) -> None:
        """Drop this process's copy of member ``pk``, so that the next token reads the member again."""
        self._held.pop(pk, None)

    def forget_all(self) -> None:
        """Drop every member this process holds (tests, between databases)."""
        self._held.clear()

    def held_count(self) -> int:
        return len(self._held)


token_holders = TokenHolders()


def token_holder_forget(sender, user, **kwargs) -> None:
    """Drop this process's copy of ``user`` now and again when the change commits (``member_access_changed``).

    Now: this process reads the change from then on. On commit: a token verified meanwhile read the
    member as committed before the change, and must not keep that for the second.
    """
    token_holders.forget(user.pk)
    transaction.on_commit(lambda: token_holders.forget(user.pk))
