"""The steps of signing in through the web pages.

After the password, a member with an authenticator device is not signed in
yet: the session only remembers who is pending, for a few minutes. Django's
``login()`` runs once every step has passed, so nothing opens before the code,
``last_login`` is true, and django-axes clears failed attempts only when the
whole sign-in succeeded (wrong codes keep counting towards the lockout).
"""

from __future__ import annotations

from datetime import timedelta

import django_otp
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.utils import timezone

from activity import context as activity_context

from . import selectors, services, session_state
from .models import User

PENDING = "accounts.sign_in.pending"
PENDING_LIFETIME = timedelta(minutes=10)


def password_step_passed(request, user: User, password: str) -> bool:
    """Continue a sign-in whose password was right; return True once signed in.

    False means the second step is pending (see ``pending_user``).
    """
    compliant = selectors.password_compliance_evaluate(user=user, password=password)
    change_password = selectors.password_change_needed(user, password_compliant=compliant)
    # accounts.backends.MemberBackend loaded the answer with the member; other backends did not.
    two_factor_on = getattr(user, "two_factor_on", None)
    if two_factor_on is None:
        two_factor_on = selectors.two_factor_enabled(user)
    if not two_factor_on:
        complete(request, user, backend=user.backend, compliant=compliant, change_password=change_password)
        return True
    request.session.cycle_key()
    request.session[PENDING] = {
        "user_id": user.pk,
        "backend": user.backend,
        "compliant": compliant,
        "change_password": change_password,
        "since": timezone.now().timestamp(),
    }
    return False


def pending_user(request) -> User | None:
    """Return the member whose password was right and who still owes a code, if any."""
    pending = request.session.get(PENDING)
    if not pending:
        return None
    if timezone.now().timestamp() - pending["since"] > PENDING_LIFETIME.total_seconds():
        del request.session[PENDING]
        return None
    return User.objects.filter(pk=pending["user_id"], is_active=True).first()


def pending_cancel(request) -> None:
    request.session.pop(PENDING, None)


def second_step_passed(request, user: User, device, kind: str) -> None:
    """Finish a pending sign-in with the device that accepted the code."""
    pending = request.session[PENDING]
    complete(
        request,
        user,
        backend=pending["backend"],
        compliant=pending["compliant"],
        change_password=pending["change_password"],
        device=device,
        second_step=kind,
    )


def complete(
    request,
    user: User,
    *,
    backend: str,
    compliant: bool,
    change_password: bool,
    device=None,
    second_step: str | None = None,
) -> None:
    context = activity_context.current()
    # The settings it reads, from the cache before the transaction (inside one they are read from the database).
    policy = selectors.password_policy_get()
    # One transaction: the new session row, last_login, the session record and the event, all or nothing.
    with transaction.atomic():
        auth_login(request, user, backend=backend)  # rotates the session key
        if device is not None:
            django_otp.login(request, device)
        request.session.pop(PENDING, None)
        session_state.start(request.session)
        if change_password:
            request.session[session_state.PASSWORD_CHANGE_REQUIRED] = True
        services.sign_in_record(
            user=user,
            password_compliant=compliant,
            second_step=second_step,
            session_key=request.session.session_key,
            ip_address=context.ip_address,
            user_agent=context.user_agent,
            policy=policy,
        )
