"""The security stack against plain Django: sign-in, lockout, an admin page, delivery tokens."""

from __future__ import annotations

import itertools
import secrets
import uuid

from bench.common import Row, abba, count_queries

DJANGO_DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ARGON2 = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
FAST = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain Django: its own backend only, django-axes switched off.
PLAIN_AUTH = {"AUTHENTICATION_BACKENDS": ["django.contrib.auth.backends.ModelBackend"], "AXES_ENABLED": False}


def _plain_client():
    """Return a test client whose handler runs Django's default middleware."""
    from django.test import Client, override_settings

    client = Client()
    with override_settings(MIDDLEWARE=DJANGO_DEFAULT_MIDDLEWARE, **PLAIN_AUTH):
        client.get("/bench/plain-login/")  # loads the middleware chain under these settings
    return client


def _member(email: str, password: str, role: str = "admin"):
    from django.contrib.auth import get_user_model

    from accounts.services import member_create

    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        user = member_create(email=email, password=password, role=role)
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _sign_in_rows(hashers: list[str], label: str, target: float, rounds: int) -> Row:
    from django.test import Client, override_settings

    password = secrets.token_urlsafe(16) + "aA1!"
    with override_settings(PASSWORD_HASHERS=hashers):
        user = _member(f"bench-sign-in-{label.split()[0].lower()}@example.com", password)
        plain = _plain_client()
        data = {"username": user.email, "password": password}

        def ours() -> None:
            response = Client().post("/login/", data)
            assert response.status_code == 302, response.status_code

        def django_plain() -> None:
            with override_settings(**PLAIN_AUTH):
                plain.cookies.clear()
                response = plain.post("/bench/plain-login/", data)
            assert response.status_code == 302, response.status_code

        # Counted warm, as timed: the first sign-in after a new password also stores its check against the policy.
        ours(), django_plain()
        q_ours, q_plain = count_queries(ours), count_queries(django_plain)
        # Argon2 takes 100 ms give or take several: more calls per round keep its median steady.
        r = abba(ours, django_plain, rounds=rounds, calls=8 if hashers == ARGON2 else 5)
    ok = r["ratio"] <= target and q_ours - q_plain <= 3
    return Row(
        f"1 sign-in POST ({label})",
        "whole stack",
        "plain LoginView",
        r["subject"],
        r["baseline"],
        "ms",
        r["ratio"],
        f"≤ {target}, ≤ baseline + 3 queries",
        ok,
        r["spread"],
        f"{q_ours} vs {q_plain}",
    )


def _lockout_row(rounds: int) -> list[Row]:
    from argon2 import PasswordHasher
    from django.db import transaction
    from django.test import Client, override_settings

    from accounts.models import SignInPolicy
    from accounts.selectors import lockout_failure_limit
    from activity.models import Event
    from singletons.services import singleton_update

    password = secrets.token_urlsafe(16) + "aA1!"
    rows = []
    with override_settings(PASSWORD_HASHERS=ARGON2):
        locked = _member("bench-locked@example.com", password)
        from accounts.services import lockout_clear

        lockout_clear(email=locked.email)
        with transaction.atomic():
            # The locked-out address keeps trying; the per-address limit would answer it first.
            singleton_update(SignInPolicy, acting_user=locked, fields={"failed_sign_ins_per_ip": 1000})
        limit = lockout_failure_limit()
        for _ in range(limit):
            Client().post("/login/", {"username": locked.email, "password": "wrong-" + password})
        failing = _member("bench-failing@example.com", password)
        # Runs within the lockout's cool-off reuse these addresses: start each run unlocked.
        lockout_clear(email=failing.email)
        # Each failed attempt from another address: never locked, never rate-limited.
        addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))

        def locked_attempt() -> None:
            response = Client().post("/login/", {"username": locked.email, "password": password})
            assert response.status_code == 429, response.status_code

        def failed_attempt() -> None:
            client = Client(REMOTE_ADDR=next(addresses))
            response = client.post("/login/", {"username": failing.email, "password": "wrong-" + password})
            assert response.status_code == 200, response.status_code

        verified = []
        original = PasswordHasher.verify

        def counting(self, *args, **kwargs):
            verified.append(1)
            return original(self, *args, **kwargs)

        PasswordHasher.verify = counting
        try:
            events_before = Event.objects.filter(target_label=locked.email).count()
            q_locked = count_queries(locked_attempt)
            hashes_locked = len(verified)
            for _ in range(9):
                locked_attempt()
            hashes_locked = len(verified)
            events_during = Event.objects.filter(target_label=locked.email).count() - events_before
        finally:
            PasswordHasher.verify = original
        q_failed = count_queries(failed_attempt)
        r = abba(locked_attempt, failed_attempt, rounds=rounds, calls=3, warmup=1)
    ok = r["ratio"] <= 0.03 and hashes_locked == 0 and events_during == 0
    rows.append(
        Row(
            "2 locked-out ÷ failed attempt (Argon2)",
            "attempt while locked",
            "failed attempt",
            r["subject"],
            r["baseline"],
            "ms",
            r["ratio"],
            "≤ 0.03, no hashing, no event each",
            ok,
            r["spread"],
            f"{q_locked} vs {q_failed}",
            f"hasher calls in 10 locked attempts: {hashes_locked}; events appended: {events_during}",
        )
    )
    return rows


def _admin_page_row(rounds: int) -> Row:
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    password = secrets.token_urlsafe(16) + "aA1!"
    user = _member("bench-admin-page@example.com", password)
    ours = Client()
    response = ours.post("/login/", {"username": user.email, "password": password})
    assert response.status_code == 302 and response["Location"] == "/", response
    plain = Client()
    # The same session: signed in through the page, as a person would.
    plain.cookies = ours.cookies
    with override_settings(MIDDLEWARE=DJANGO_DEFAULT_MIDDLEWARE):
        plain.get("/")

    def page(client):
        def get() -> None:
            response = client.get("/")
            assert response.status_code == 200, response.status_code

        return get

    def sql(client) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            page(client)()
        return [q["sql"] for q in captured.captured_queries]

    ours_sql, plain_sql = sql(ours), sql(plain)
    q_ours, q_plain = len(ours_sql), len(plain_sql)
    remaining = list(plain_sql)
    extra = []
    for statement in ours_sql:
        if statement in remaining:
            remaining.remove(statement)
        else:
            extra.append(statement[:70])
    r = abba(page(ours), page(plain), rounds=rounds, calls=20)
    return Row(
        "4 authenticated page, middleware",
        "whole middleware stack",
        "Django's default middleware",
        r["subject"],
        r["baseline"],
        "ms",
        r["ratio"],
        "≤ 1.15, ≤ 1 query beyond session + user",
        r["ratio"] <= 1.15 and q_ours - q_plain <= 1,
        r["spread"],
        f"{q_ours} vs {q_plain}",
        "queries the middleware adds: " + ("; ".join(extra) or "none"),
    )


def _delivery_row(rounds: int) -> list[Row]:
    import jwt
    from django.utils import timezone

    from security import conf
    from security.delivery import AUDIENCE, REQUIRED_CLAIMS, delivery_token_issue, delivery_token_verify
    from security.services import delivery_secret_rotate

    user = _member("bench-delivery@example.com", secrets.token_urlsafe(16) + "aA1!", role="owner")
    # A current key and a previous one in its grace period.
    delivery_secret_rotate(acting_user=user, grace_period=3600)
    delivery_secret_rotate(acting_user=user, grace_period=3600)
    secret = secrets.token_urlsafe(32)

    def ours() -> None:
        token, _ttl = delivery_token_issue(user=user)
        delivery_token_verify(token)

    def bare() -> None:
        now = int(timezone.now().timestamp())
        claims = {
            "iss": conf.delivery_token_issuer(),
            "sub": str(user.pk),
            "aud": AUDIENCE,
            "access_type": "delivery",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
            "gen": 0,
        }
        token = jwt.encode(claims, secret, algorithm="HS256", headers={"kid": "k"})
        jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=conf.delivery_token_issuer(),
            options={"require": list(REQUIRED_CLAIMS)},
        )

    # Counted warm, as timed: the keys and the token's member are process copies of at most a second, read
    # again from the database by the first call after that (a count started cold said 1 or 2 with the timing).
    ours()
    queries = count_queries(ours)
    r = abba(ours, bare, rounds=rounds, calls=50, warmup=5)
    return [
        Row(
            "10 delivery token issue + verify",
            "our service (key in grace too)",
            "bare PyJWT encode + decode",
            r["subject"],
            r["baseline"],
            "ms",
            r["ratio"],
            "≤ 1.2",
            r["ratio"] <= 1.2,
            r["spread"],
            f"{queries} vs 0",
        )
    ]


def run(*, rounds: int, log=print) -> list[Row]:
    rows = []
    log("  sign-in (Argon2)...")
    rows.append(_sign_in_rows(ARGON2, "Argon2", 1.05, rounds))
    log("  sign-in (fast hasher)...")
    rows.append(_sign_in_rows(FAST, "fast hasher", 1.4, rounds))
    log("  lockout...")
    rows += _lockout_row(rounds)
    log("  authenticated page...")
    rows.append(_admin_page_row(rounds))
    log("  delivery tokens...")
    rows += _delivery_row(rounds)
    return rows
