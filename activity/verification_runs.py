"""A verification of the whole log asked for from the activity page, run where no request waits for it.

Verifying takes about 22 s per million events on two cores, longer than a
request may last. So the page starts it in a thread of the process (see
``conf.verify_in_background``), waits a few seconds (a small log's result is
then on the page at once, as before) and otherwise shows it in progress. One
runs at a time across every process: its mark in the shared cache, taken with
an atomic add, names who started it and when and how far it got; the thread
renews it as it goes, so the mark of a process that died goes within
``VERIFY_HEARTBEAT_SECONDS``. When the run ends it records its outcome as
`manage.py activity_verify` does (an ``activity.verified`` event), and the
page shows that.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from . import conf
from .services import chain_verification_record
from .verification import chain_verify

logger = logging.getLogger(__name__)

RUN_KEY = "activity:verification-run"
# How often a running verification renews its mark (each renewal is one cache write).
RENEW_SECONDS = 5.0


@dataclass(frozen=True)
class VerificationRun:
    """A verification under way: who started it, when, and how many events it had checked at its last renewal."""

    started_by: str
    started_at: datetime
    checked: int


@dataclass(frozen=True)
class VerificationRequest:
    """What asking for a verification did: ``finished`` when its result is recorded already."""

    finished: bool
    running: VerificationRun | None = None  # one already under way, which this request did not start


def verification_running() -> VerificationRun | None:
    """Return the verification under way in any process, if any."""
    state = cache.get(RUN_KEY)
    if not isinstance(state, dict):
        return None
    return VerificationRun(state["started_by"], datetime.fromisoformat(state["started_at"]), state["checked"])


def verification_request(*, actor: Any) -> VerificationRequest:
    """Verify every event and seal and record the outcome, in the request or in a thread (see the module)."""
    if not conf.verify_in_background():
        chain_verification_record(result=chain_verify(), actor=actor)
        return VerificationRequest(finished=True)
    state = {"started_by": actor.get_username(), "started_at": timezone.now().isoformat(), "checked": 0}
    # add() is atomic in Redis: of two processes asked at once, one starts. A cache that cannot answer
    # (add() and get() both come back empty) guards nothing, and the verification runs all the same.
    if not cache.add(RUN_KEY, state, conf.VERIFY_HEARTBEAT_SECONDS):
        running = verification_running()
        if running is not None:
            return VerificationRequest(finished=False, running=running)
    thread = threading.Thread(target=_run, args=(actor.pk, state), name="activity-verification", daemon=True)
    thread.start()
    thread.join(conf.VERIFY_WAIT_SECONDS)
    return VerificationRequest(finished=not thread.is_alive())


def _run(actor_pk: int, state: dict) -> None:
    from django.contrib.auth import get_user_model

    renewed = time.monotonic()

    def renew(checked: int) -> None:
        nonlocal renewed
        if time.monotonic() - renewed >= RENEW_SECONDS:
            renewed = time.monotonic()
            cache.set(RUN_KEY, {**state, "checked": checked}, conf.VERIFY_HEARTBEAT_SECONDS)

    try:
        result = chain_verify(progress=renew)
        actor = get_user_model()._default_manager.filter(pk=actor_pk).first()
        chain_verification_record(result=result, actor=actor)
    except Exception:
        logger.exception(
            "Verifying the activity log failed; it can be run again from the page or with activity_verify."
        )
    finally:
        cache.delete(RUN_KEY)
        connections.close_all()
