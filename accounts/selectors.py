"""Reads shared by pages, the API, commands and password validators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import ua_parser
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from singletons.selectors import singleton_get

from . import conf
from .emails import email_canonical
from .models import Invitation, PasswordPolicy, SetupToken, SignInPolicy, User, UserSession, token_hash
from .roles import MANAGEABLE_ROLES, Role
from .validators import checked_for, policy_errors


def password_policy_get() -> PasswordPolicy:
    """Return the password policy in force (cached; refreshed when it changes)."""
    return singleton_get(PasswordPolicy)


def sign_in_policy_get() -> SignInPolicy:
    """Return the two-step, lockout and session policy (cached; refreshed when it changes)."""
    return singleton_get(SignInPolicy)


def password_compliance_counts(*, policy: PasswordPolicy | None = None) -> dict[str, int]:
    """Count members known to comply with the current policy, known not to, and unchecked."""
    policy = policy or password_policy_get()
    current = Q(password_policy_version=policy.version)
    counts = User.objects.filter(is_active=True, joined_at__isnull=False).aggregate(
        compliant=Count("pk", filter=current & Q(password_compliant=True)),
        noncompliant=Count("pk", filter=current & Q(password_compliant=False)),
        unchecked=Count("pk", filter=~current | Q(password_policy_version__isnull=True)),
    )
    return counts


TEAM_PAGE_SIZE = 100


class TeamStatus(models.TextChoices):
    """What the team list can be narrowed to: the three states of an account, and three that need attention."""

    ACTIVE = "active", "Active"
    INVITED = "invited", "Invited"
    DEACTIVATED = "deactivated", "Deactivated"
    LOCKED = "locked", "Locked out"
    MUST_CHANGE_PASSWORD = "must_change_password", "Must change password"
    TWO_STEP_OFF = "two_step_off", "Two-step off"


# sort key -> ordering; never signed in counts as the oldest sign-in, not yet joined as after every joining.
_ROLE_RANK = Case(*(When(role=role, then=Value(rank)) for rank, role in enumerate(Role)), default=Value(len(Role)))
_NAME = Lower(NullIf("full_name", Value("")))
TEAM_SORTS: dict[str, tuple] = {
    "email": ("email",),
    "-email": ("-email",),
    "name": (_NAME.asc(nulls_last=True), "email"),
    "-name": (_NAME.desc(nulls_last=True), "email"),
    "role": (_ROLE_RANK.asc(), "email"),
    "-role": (_ROLE_RANK.desc(), "email"),
    "last_sign_in": (F("last_login").asc(nulls_first=True), "email"),
    "-last_sign_in": (F("last_login").desc(nulls_last=True), "email"),
    "joined": (F("joined_at").asc(nulls_last=True), "email"),
    "-joined": (F("joined_at").desc(nulls_last=True), "email"),
}


@dataclass(frozen=True)
class TeamFilters:
    """What the team list is narrowed to and sorted by; empty values do not filter."""

    q: str = ""
    role: str = ""
    status: str = ""
    sort: str = "email"


def _active() -> Q:
    return Q(is_active=True, joined_at__isnull=False)


def _two_step_off() -> Q:
    return _active() & ~Q(Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))


def _locked_attempts() -> QuerySet[AccessAttempt]:
    """Return the failure records, from any IP, that lock their email out now."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=lockout_failure_limit(), attempt_time__gte=timezone.now() - lockout_cooloff()
    )


def team_list(filters: TeamFilters | None = None) -> QuerySet[User]:
    """Return the members matching ``filters``, sorted; every filter is part of the one query."""
    filters = filters or TeamFilters()
    members = User.objects.all()
    if filters.q:
        members = members.filter(Q(full_name__icontains=filters.q) | Q(email__icontains=filters.q))
    if filters.role:
        members = members.filter(role=filters.role)
    status_filters = {
        TeamStatus.ACTIVE: _active(),
        TeamStatus.INVITED: Q(is_active=True, joined_at__isnull=True),
        TeamStatus.DEACTIVATED: Q(is_active=False),
        TeamStatus.LOCKED: Q(email__in=_locked_attempts().values("username")),
        TeamStatus.MUST_CHANGE_PASSWORD: Q(must_change_password=True),
        TeamStatus.TWO_STEP_OFF: _two_step_off(),
    }
    if filters.status:
        members = members.filter(status_filters[filters.status])
    return members.order_by(*TEAM_SORTS[filters.sort])


def team_page(filters: TeamFilters, *, page: int | None = None) -> Page:
    """Return one page of ``team_list(filters)``, each member marked ``two_factor_on`` and ``locked_until``.

    A constant number of queries whatever the team's size: the count, the page, and one query each
    for the page's authenticators and lockouts.
    """
    members_page = Paginator(team_list(filters), TEAM_PAGE_SIZE).get_page(page)
    members = list(members_page.object_list)
    enrolled = two_factor_enabled_ids([member.pk for member in members])
    locks = lockouts_until([member.email for member in members])
    for member in members:
        member.two_factor_on = member.pk in enrolled
        member.locked_until = locks.get(member.email)
    members_page.object_list = members
    return members_page


def two_factor_off_count() -> int:
    """Return how many active members have no authenticator yet (those the "two-step off" filter lists)."""
    return User.objects.filter(_two_step_off()).count()


def dormant_members(*, cutoff: datetime) -> QuerySet[User]:
    """Return the active members, not exempted, whose last sign-in (or joining, if never) is before ``cutoff``.

    Each carries ``last_sign_in``. One query, whatever the team's size.
    """
    return (
        User.objects.filter(is_active=True, joined_at__isnull=False, dormancy_exempt=False)
        .annotate(last_sign_in=Coalesce("last_login", "joined_at"))
        .filter(last_sign_in__lt=cutoff)
    )


def members_by_role_and_status() -> list[dict]:
    """Return, for each role, how many members are active, invited and deactivated (one query)."""
    counts = {
        row["role"]: row
        for row in User.objects.values("role").annotate(
            active=Count("pk", filter=Q(is_active=True, joined_at__isnull=False)),
            invited=Count("pk", filter=Q(is_active=True, joined_at__isnull=True)),
            deactivated=Count("pk", filter=Q(is_active=False)),
        )
    }
    empty = {"active": 0, "invited": 0, "deactivated": 0}
    return [{"role": role.label, **{key: counts.get(role.value, empty)[key] for key in empty}} for role in Role]


def user_sessions_active(*, user: User) -> list:
    """Return the user's sessions still alive under the session policy, newest first, with browser and OS."""
    policy = sign_in_policy_get()
    now = timezone.now()
    rows = list(
        UserSession.objects.filter(
            user=user,
            created_at__gt=now - timedelta(minutes=policy.session_absolute_minutes),
            last_seen_at__gt=now - timedelta(minutes=policy.session_idle_minutes),
        ).order_by("-last_seen_at")
    )
    alive = set(
        Session.objects.filter(session_key__in=[row.session_key for row in rows], expire_date__gt=now).values_list(
            "session_key", flat=True
        )
    )
    sessions = [row for row in rows if row.session_key in alive]
    for row in sessions:
        parsed = ua_parser.parse(row.user_agent or "")
        row.browser = parsed.user_agent.family if parsed.user_agent else "Unknown browser"
        row.os = parsed.os.family if parsed.os else "unknown system"
    return sessions


# NIST SP 800-63B AAL2 limits for reauthentication.
AAL2_ABSOLUTE_MINUTES = 24 * 60
AAL2_IDLE_MINUTES = 60


def session_limit_warnings(policy: SignInPolicy) -> list[str]:
    """Return warnings for session limits beyond NIST SP 800-63B's AAL2 limits (allowed, but flagged)."""
    warnings = []
    if policy.session_absolute_minutes > AAL2_ABSOLUTE_MINUTES:
        warnings.append("The absolute lifetime is longer than 24 hours, the NIST SP 800-63B limit at AAL2.")
    if policy.session_idle_minutes > AAL2_IDLE_MINUTES:
        warnings.append("The inactivity timeout is longer than 1 hour, the NIST SP 800-63B limit at AAL2.")
    return warnings


# Invitations and the first-run setup ------------------------------------------------


def invitation_for_token(token: str) -> Invitation | None:
    """Return the usable invitation for ``token``, or None."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if invitation is None or not invitation.is_usable() or not invitation.user.is_active:
        return None
    return invitation


def setup_token_valid(token: str) -> bool:
    """Return whether ``token`` is the pending first-run setup token."""
    return (
        bool(token) and not User.objects.exists() and SetupToken.objects.filter(token_hash=token_hash(token)).exists()
    )


# Passwords against the policy --------------------------------------------------------


@sensitive_variables("password")
def password_compliance_evaluate(*, user: User, password: str) -> bool:
    """Return whether a just-typed password meets the policy in force (history aside).

    The answer stored at the last check is reused while the policy's version
    and what the check depends on are the same (``validators.checked_for``):
    the rules (zxcvbn's estimate above all) run once per password and policy,
    not at every sign-in.
    """
    if (
        user.password_compliant is not None
        and user.password_policy_version == password_policy_get().version
        and user.password_checked_for == checked_for(user)
    ):
        return user.password_compliant
    return not policy_errors(password, user, include_history=False)


def password_change_require_candidates(*, acting_user: User) -> QuerySet[User]:
    """Return who a team-wide password-change requirement reaches: active members the actor manages, not the actor.

    An admin's request leaves owners and admins alone; the person asking is never included.
    """
    return User.objects.filter(
        is_active=True, joined_at__isnull=False, role__in=MANAGEABLE_ROLES.get(acting_user.role, ())
    ).exclude(pk=acting_user.pk)


def password_change_needed(user: User, *, password_compliant: bool) -> bool:
    """Return whether the member must change password right after signing in.

    Decided at sign-in, from the password just typed, so a requirement set while
    a member is signed in applies at their next sign-in.
    """
    if user.must_change_password:
        return True
    return password_policy_get().force_change_if_noncompliant and not password_compliant


# Two-step authentication ---------------------------------------------------------------

RECOVERY_DEVICE_NAME = "Recovery codes"


def totp_device_get(user: User) -> TOTPDevice | None:
    """Return the member's confirmed authenticator device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_pending(user: User) -> TOTPDevice | None:
    """Return the authenticator device being set up (not confirmed by a code yet), if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def recovery_device_get(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def two_factor_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_enabled_ids(users) -> set[int]:
    """Return the ids among ``users`` that have two-step authentication on (one query)."""
    return set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True).distinct())


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def two_factor_enrolment_due(user: User, *, now=None) -> tuple[bool, int | None]:
    """Return (enrolment required now, days left in the grace period or None) for a member without a device."""
    if user.must_enrol_two_factor:
        return True, None
    policy = sign_in_policy_get()
    if not policy.two_factor_required:
        return False, None
    now = now or timezone.now()
    started = policy.two_factor_enforced_at or now
    deadline = started + timedelta(days=policy.two_factor_grace_days)
    if now >= deadline:
        return True, None
    seconds = (deadline - now).total_seconds()
    return False, max(1, int(-(-seconds // 86400)))


def two_factor_enrolment_reason(user: User, *, now=None) -> tuple[str, int | None]:
    """Return why ``user`` is asked to set up two-step: ("reset"|"team"|"", days left in a grace period or None).

    "reset": an administrator reset their two-step authentication; "team": the team requires it;
    "": they chose to turn it on.
    """
    if user.must_enrol_two_factor:
        return "reset", None
    if not sign_in_policy_get().two_factor_required:
        return "", None
    _required, days_left = two_factor_enrolment_due(user, now=now)
    return "team", days_left


# Lockout --------------------------------------------------------------------------------


def lockout_failure_limit() -> int:
    """Return the number of failed sign-ins before a lockout: the Security page's, else the environment's."""
    return sign_in_policy_get().lockout_failure_limit or conf.lockout_failure_limit()


def lockout_cooloff() -> timedelta:
    """Return how long a lockout lasts: the Security page's, else the environment's."""
    minutes = sign_in_policy_get().lockout_cooloff_minutes
    return timedelta(minutes=minutes) if minutes else conf.lockout_cooloff()


def lockout_active_for_email(email: str) -> bool:
    """Return whether failures recorded for ``email`` from any IP have reached the limit (the team page)."""
    return _locked_attempts().filter(username=email_canonical(email)).exists()


def lockouts_until(emails: list[str]) -> dict[str, datetime]:
    """Return, for those of ``emails`` locked out now, when their lockout ends (one query for them all)."""
    if not emails:
        return {}
    latest = (
        _locked_attempts()
        .filter(username__in=[email_canonical(email) for email in emails])
        .values("username")
        .annotate(latest=Max("attempt_time"))
    )
    cooloff = lockout_cooloff()
    return {row["username"]: row["latest"] + cooloff for row in latest}


def lockout_active_for_request(request, user: User) -> bool:
    """Return whether ``user`` is locked out from the request's IP (what sign-in itself checks)."""
    return AxesProxyHandler.is_locked(request, {"username": user.email})


# Sign-in history --------------------------------------------------------------------


def sign_in_history(*, user: User, limit: int = 20) -> list:
    """Return the member's own sign-ins, failed attempts and sign-outs, newest first."""
    from activity.selectors import EventFilters, events_filtered

    filters = EventFilters(group="auth", target_type=User._meta.model_name, target_id=str(user.pk))
    return list(events_filtered(filters)[:limit])


SIGN_IN_FAILURES = ("auth.sign_in_failed", "auth.second_step_failed", "auth.locked_out")


def sign_in_failures(*, user: User, limit: int = 20) -> list:
    """Return the failed sign-ins, wrong codes and lockouts of the member, newest first (their page)."""
    from activity.selectors import EventFilters, events_filtered

    filters = EventFilters(target_type=User._meta.model_name, target_id=str(user.pk))
    return list(events_filtered(filters).filter(action__in=SIGN_IN_FAILURES)[:limit])
