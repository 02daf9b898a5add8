"""What one process keeps, for a moment, of what it read from a shared store.

Settings read from Redis and the members behind delivery tokens are read far
more often than they change; each process keeps what it read for a second or
so, and hands every reader its own copy. The process that makes a change puts
or forgets it at once; other processes read it again once their copy is older
than allowed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

# Values kept at most: a flood of reads of many keys empties the copies rather than growing them.
MAX_KEPT = 10_000


class ProcessCopies(Generic[V]):
    """Values this process read, each trusted for ``seconds()`` after it was read (0: never kept).

    ``copy`` makes each reader's own copy: a reader that changes what it got
    must not change what the next one gets.
    """

    def __init__(
        self,
        *,
        seconds: Callable[[], float],
        copy: Callable[[V], V],
        clock: Callable[[], float] = time.monotonic,
        max_kept: int = MAX_KEPT,
    ) -> None:
        self.seconds = seconds
        self.copy = copy
        self.clock = clock
        self.max_kept = max_kept
        # key -> (value, read at): one tuple, so that readers never see half an update.
        self._kept: dict[Hashable, tuple[V, float]] = {}

    def get(self, key: Hashable, read: Callable[[], V]) -> V:
        """Return a copy of the value kept for ``key`` while it is fresh; otherwise ``read()`` it and keep it."""
        kept, now = self._kept.get(key), self.clock()
        if kept is not None and 0 <= now - kept[1] < self.seconds():
            return self.copy(kept[0])
        value = read()
        self.put(key, value, now=now)
        return self.copy(value)

    def put(self, key: Hashable, value: V, *, now: float | None = None) -> None:
        """Keep ``value`` for ``key`` as read now (a change this process made)."""
        if len(self._kept) >= self.max_kept and key not in self._kept:
            self._kept.clear()
        self._kept[key] = (value, self.clock() if now is None else now)

    def forget(self, key: Hashable) -> None:
        self._kept.pop(key, None)

    def forget_all(self) -> None:
        self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)
