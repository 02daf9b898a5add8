"""The member behind a delivery token is read once a second per process, not at every token.

The process that ends a member's tokens (or reactivates the member) knows at
once; other processes within ``SECURITY_DELIVERY_MEMBERS_PROCESS_CACHE_SECONDS``,
as for the delivery keys and the CORS origins.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.models import User
from security.delivery import InvalidDeliveryToken, delivery_token_issue, delivery_token_verify
from security.token_holders import token_holder_get, token_holders
from tests.conftest import ManualClock

pytestmark = pytest.mark.django_db


def _member_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if 'FROM "accounts_user"' in q["sql"]]


def test_verifying_reads_no_member_from_the_database_once_warm(member, delivery_key):
    token, _ttl = delivery_token_issue(user=member)
    delivery_token_verify(token)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(5):
            token, _ttl = delivery_token_issue(user=member)
            assert delivery_token_verify(token)["sub"] == str(member.pk)
    assert _member_queries(captured) == []


def test_the_process_that_signs_a_member_out_everywhere_refuses_their_tokens_at_once(member, owner, delivery_key):
    token, _ttl = delivery_token_issue(user=member)
    assert delivery_token_verify(token)
    account_services.user_sessions_revoke_all(user=member, acting_user=owner)
    with pytest.raises(InvalidDeliveryToken, match="signed out"):
        delivery_token_verify(token)


def test_the_process_that_reactivates_a_member_accepts_their_new_tokens_at_once(member, owner, delivery_key):
    account_services.member_deactivate(user=member, acting_user=owner)
    member.refresh_from_db()
    token, _ttl = delivery_token_issue(user=member)
    with pytest.raises(InvalidDeliveryToken, match="deactivated"):
        delivery_token_verify(token)
    account_services.member_reactivate(user=member, acting_user=owner)
    assert delivery_token_verify(token)["sub"] == str(member.pk)


def test_another_process_reads_the_member_again_after_a_second(member, owner, monkeypatch):
    clock = ManualClock()
    monkeypatch.setattr(token_holders, "clock", clock)
    assert token_holder_get(member.pk).is_active
    User.objects.filter(pk=member.pk).update(is_active=False)  # as another process would
    clock.now += 0.9
    assert token_holder_get(member.pk) is not None  # its copy, for now
    clock.now += 0.11
    assert token_holder_get(member.pk) is None


def test_readers_never_share_the_held_member(member):
    token_holder_get(member.pk).role = "owner"
    assert token_holder_get(member.pk).role == member.role


def test_no_copy_when_switched_off(member, settings):
    settings.SECURITY_DELIVERY_MEMBERS_PROCESS_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as captured:
        token_holder_get(member.pk)
        token_holder_get(member.pk)
    assert len(_member_queries(captured)) == 2
