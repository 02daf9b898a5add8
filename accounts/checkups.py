"""The security checkup's checks of the team and its sign-in policies (see checkup/registry.py)."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from checkup import conf as checkup_conf
from checkup.registry import CheckContext, Fix, Result, Status, register

from .checks import _UNDELIVERING_EMAIL_BACKENDS
from .models import User
from .roles import MANAGERS, Role
from .selectors import (
    dormant_members,
    lockout_failure_limit,
    password_policy_get,
    session_limit_warnings,
    sign_in_policy_get,
)

# Beyond this, a password-guessing attacker gets too many tries per lockout.
MAX_LOCKOUT_FAILURES = 10
# Names listed at most on the checkup page; the filtered team list shows every one.
MAX_PEOPLE_NAMED = 20


def _active() -> Q:
    return Q(is_active=True, joined_at__isnull=False)


def _enrolled() -> Exists:
    return Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))


def _managers_phrase(count: int) -> str:
    return f"{count} owners and admins" if count != 1 else "1 owner or admin"


@register(
    "accounts.two_factor",
    title="Two-step authentication for the team, and every owner and admin enrolled",
    why="With a second factor a stolen or guessed password alone opens no account, least of all an administrator's.",
)
def two_factor_check(context: CheckContext) -> Result:
    required = sign_in_policy_get().two_factor_required
    counts = User.objects.filter(_active(), role__in=MANAGERS).aggregate(
        total=Count("pk"), without=Count("pk", filter=~Q(_enrolled()))
    )
    total, without = counts["total"], counts["without"]
    people: tuple[str, ...] = ()
    roles: set[str] = set()
    if without:
        missing = list(
            User.objects.filter(_active(), ~Q(_enrolled()), role__in=MANAGERS)
            .order_by("email")
            .values_list("email", "role")[:MAX_PEOPLE_NAMED]
        )
        people = tuple(email for email, _role in missing)
        roles = {role for _email, role in missing}
    if without:
        enrolment = f"{without} of {_managers_phrase(total)} {'has' if without == 1 else 'have'} no second factor"
    else:
        enrolment = f"every owner and admin ({total}) has a second factor"
    measured = f"Two-step is {'required of' if required else 'not required of'} the team; {enrolment}."
    if not required:
        return Result(Status.FAIL, measured, Fix("Require two-step authentication", "security:two_factor"), people)
    if without:
        query = {"status": "two_step_off", **({"role": roles.pop()} if len(roles) == 1 else {})}
        return Result(
            Status.FAIL, measured, Fix("Owners and admins without two-step", "accounts:team", query=query), people
        )
    return Result(Status.PASS, measured)


@register(
    "accounts.administrators",
    title="Few administrators",
    why="Every owner and admin can change security settings and members; each one more is one more account "
    "whose takeover hands over the panel.",
)
def administrators_check(context: CheckContext) -> Result:
    counts = User.objects.filter(_active()).aggregate(
        members=Count("pk"), managers=Count("pk", filter=Q(role__in=MANAGERS))
    )
    limit = max(checkup_conf.max_administrators(), math.ceil(counts["members"] * 0.10))
    measured = (
        f"{_managers_phrase(counts['managers'])} among {counts['members']} active members; "
        f"at most {limit} recommended ({checkup_conf.max_administrators()}, or 10 % of the members if more)."
    )
    if counts["managers"] > limit:
        return Result(Status.WARNING, measured, Fix("Review the admins", "accounts:team", query={"role": Role.ADMIN}))
    return Result(Status.PASS, measured)


@register(
    "accounts.password_policy",
    title="A strong password policy",
    why="Long passwords, or passwords checked against lists of common ones and the member's own name, resist "
    "guessing; a history stops a leaked password from coming back.",
)
def password_policy_check(context: CheckContext) -> Result:
    policy = password_policy_get()
    problems = []
    blocklists = policy.reject_common and policy.reject_similar
    if policy.min_length < 12 and not blocklists:
        problems.append(
            f"minimum length {policy.min_length} without both the common-password and the similarity checks "
            "(12 characters, or 8 with both checks)"
        )
    if not policy.history_count:
        problems.append("the reuse history is off")
    checks = "with" if blocklists else "without"
    measured = f"Minimum length {policy.min_length}, {checks} the common-password and similarity checks"
    measured += f", history of {policy.history_count}" if policy.history_count else ", no history"
    if problems:
        measured += f": {'; '.join(problems)}."
        return Result(Status.FAIL, measured, Fix("Password policy", "security:password_policy"))
    return Result(Status.PASS, measured + ".")


@register(
    "accounts.lockout",
    title="Sign-in lockout on, after at most 10 failures",
    why="A lockout after a few failed sign-ins stops online password guessing.",
)
def lockout_check(context: CheckContext) -> Result:
    fix = Fix("Lockout settings", "security:lockout")
    if not getattr(settings, "AXES_ENABLED", True):
        return Result(Status.FAIL, "Lockout is turned off (AXES_ENABLED).", fix)
    limit = lockout_failure_limit()
    measured = f"An account and IP address are locked out after {limit} failed sign-ins."
    if limit > MAX_LOCKOUT_FAILURES:
        return Result(Status.FAIL, f"{measured[:-1]}, more than {MAX_LOCKOUT_FAILURES}.", fix)
    return Result(Status.PASS, measured)


@register(
    "accounts.sessions",
    title="Session lifetime and inactivity limits",
    why="A session left open on a shared or stolen computer ends on its own.",
)
def sessions_check(context: CheckContext) -> Result:
    policy = sign_in_policy_get()
    measured = (
        f"Sessions end {policy.session_absolute_minutes} minutes after sign-in or after "
        f"{policy.session_idle_minutes} minutes without activity."
    )
    warnings = session_limit_warnings(policy)
    if warnings:
        return Result(Status.WARNING, f"{measured} {' '.join(warnings)}", Fix("Session limits", "security:sessions"))
    return Result(Status.PASS, measured)


@register(
    "accounts.dormant",
    title="No dormant accounts",
    why="An account nobody uses can be taken over without anyone noticing; deactivating it closes that door.",
)
def dormant_check(context: CheckContext) -> Result:
    days = sign_in_policy_get().dormancy_days
    if days is None:
        return Result(
            Status.WARNING,
            "Accounts are never deactivated for going unused.",
            Fix("Dormant accounts setting", "security:dormancy"),
        )
    dormant = dormant_members(cutoff=context.now - timedelta(days=days))
    count = dormant.count()
    if not count:
        return Result(Status.PASS, f"No active member has gone {days} days without signing in.")
    people = tuple(dormant.order_by("last_sign_in").values_list("email", flat=True)[:MAX_PEOPLE_NAMED])
    return Result(
        Status.FAIL,
        f"{count} active member{'s have' if count != 1 else ' has'} not signed in for more than {days} days: "
        "run `accounts_deactivate_dormant` daily.",
        Fix("Members by last sign-in", "accounts:team", query={"status": "active", "sort": "last_sign_in"}),
        people,
    )


@register(
    "accounts.email",
    title="Email is delivered",
    why="Invitations, password resets and notices of deactivation reach people only by email.",
)
def email_check(context: CheckContext) -> Result:
    backend = settings.EMAIL_BACKEND
    if settings.DEBUG:
        return Result(Status.NOT_APPLICABLE, "Debug mode: a development installation need not send mail.")
    if backend not in _UNDELIVERING_EMAIL_BACKENDS:
        return Result(Status.PASS, f"Mail is sent through {backend.rsplit('.', 2)[-2]}.")
    hint = "Set EMAIL_BACKEND to django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST and its credentials."
    if getattr(settings, "EMAIL_UNDELIVERED_OK", False):
        return Result(
            Status.WARNING,
            f"Mail goes to {backend}, which delivers nothing, as EMAIL_UNDELIVERED_OK declares.",
            Fix("Environment", hint=hint),
        )
    return Result(Status.FAIL, f"Mail goes to {backend}, which delivers nothing.", Fix("Environment", hint=hint))
