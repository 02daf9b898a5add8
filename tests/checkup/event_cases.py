"""Activity events of the security checkup's URLs and commands, the review sign-off and dormant accounts.

See tests/activity/event_contract.py.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from accounts.models import SignInPolicy, User
from activity.sealing import seal_pending
from activity.services import event_record
from tests.activity.event_contract import EventCase


def _post(path, data=None, *, status=302):
    def run(client, world):
        url = path(world) if callable(path) else path
        response = client.post(url, data or {})
        assert response.status_code == status, response.content.decode()[:2000]
        return response

    return run


def _sealed_event(world):
    event_record(action="activity.seeded", target_label="reviewed")
    seal_pending()


def _dormant_member(world):
    SignInPolicy.objects.update_or_create(pk=1, defaults={"dormancy_days": 30})
    long_ago = timezone.now() - timedelta(days=60)
    User.objects.filter(pk=world["member"].pk).update(last_login=long_ago, joined_at=long_ago)


EVENT_CASES = [
    EventCase(
        "activity_review_sign_off",
        "activity.review_signed_off",
        _post("/activity/review/sign-off/", {"note": "Quarterly review"}),
        as_role="auditor",
        setup=_sealed_event,
    ),
    EventCase(
        "security:dormancy",
        "settings.dormancy.updated",
        _post("/settings/security/dormant-accounts/", {"dormancy_days": 90}),
    ),
    EventCase(
        "accounts:member_dormancy_exempt",
        "member.dormancy_exempt_changed",
        _post(lambda world: f"/team/{world['member'].pk}/dormancy-exempt/", {"exempt": "on"}),
    ),
    EventCase(
        "accounts_deactivate_dormant",
        "member.dormancy_deactivated",
        lambda client, world: call_command("accounts_deactivate_dormant", stdout=io.StringIO()),
        command=True,
        setup=_dormant_member,
    ),
]

READ_ONLY = {
    "checkup:checkup": "GET only (require_safe); the first visit of a day keeps the day's results as history.",
    "command:security_checkup": (
        "Reads the settings and data the checks look at; it keeps the day's results in the checkup history, "
        "monitoring data rather than an administrative action."
    ),
}
