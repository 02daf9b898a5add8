"""The session engine (``SESSION_ENGINE``): Django's database sessions, able to join a sign-in's transaction.

A sign-in writes the new session row, ``last_login``, the session record and
its event in one transaction (``accounts.sign_in.complete``), so that it is
recorded whole or not at all. Django's store creates the row inside a
savepoint, to retry with another key should the key be taken; the key was
just checked to be free (``exists()``) and is drawn from 36^32 values, so
inside a transaction the row joins it without a savepoint, and a taken key
fails the sign-in instead of being retried. Outside a transaction nothing
changes.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import router, transaction


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        if not must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session(no_load=True))
        using = router.db_for_write(self.model, instance=obj)
        if not transaction.get_connection(using).in_atomic_block:
            return super().save(must_create=True)
        obj.save(force_insert=True, using=using)
        return None
