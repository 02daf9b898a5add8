"""Races that only row locks prevent (PostgreSQL)."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts import services
from accounts.models import User
from accounts.roles import Role
from tests.factories import make_user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner_and_a_clear_error(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    lock = services._base._lock

    def slow_lock(user):
        # Hold the row lock a moment, as a busy server would, so that the two requests overlap.
        locked = lock(user)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(services._base, "_lock", slow_lock)
    first = make_user(email="first@example.com", role=Role.OWNER)
    second = make_user(email="second@example.com", role=Role.OWNER)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(user, acting_user):
        barrier.wait()
        try:
            services.member_role_change(user=user, role=Role.ADMIN, acting_user=acting_user)
        except ValidationError as error:
            outcomes.append(f"refused:{error.code}")
        except Exception as error:  # noqa: BLE001 - a deadlock or other database error must fail the test
            outcomes.append(type(error).__name__)
        else:
            outcomes.append("demoted")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(second, first)),
        threading.Thread(target=demote, args=(first, second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert User.objects.filter(role=Role.OWNER, is_active=True).count() == 1
    assert sorted(outcomes) == ["demoted", "refused:last_owner"]
