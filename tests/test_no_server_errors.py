"""No input makes the panel answer with a server error (issue 9, point 3).

Every URL pattern of the project is listed in ``FIELDS`` with the names its form
or filter reads, taken from the form classes the views use; a new URL fails
``test_every_url_is_fuzzed`` until it is listed, and
``test_every_rendered_form_field_is_fuzzed`` checks the table against the forms
the pages render. For each URL, Hypothesis sends GET and POST requests carrying
those fields (each absent, once or several times) with arbitrary Unicode (NUL and
other control characters included), numbers of any size, far dates, floats and
plausible values, and arbitrary headers (User-Agent, Accept, Referer, tokens, the
session cookie). They come from every role, anonymously, and from a member with
two-step authentication both signed in and half-way through signing in. Path
arguments are sometimes real (so that the form behind them runs), sometimes not.

Any answer below 500 is an answer: a redirect, a page with errors, 403, 404, 405,
429. Each example runs in a savepoint that is rolled back, with the cache cleared,
so that no example inherits another's lockout, sign-out or changed settings. Run
it on PostgreSQL too: only PostgreSQL refuses text holding NUL.

The number of examples per URL comes from the Hypothesis profile registered in
tests/conftest.py; ``HYPOTHESIS_PROFILE=ci`` asks for more.
"""

from __future__ import annotations

import base64
import functools
import json
import string
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter, SlugConverter, StringConverter
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import forms, services, sign_in
from accounts.models import UserSession
from accounts.roles import Role
from accounts.team_views import MEMBER_ACTIONS
from activity import registry
from activity.forms import EventFilterForm, RetentionForm
from activity.services import event_record
from api.forms import ApiTokenForm
from api.services import api_token_create
from content.forms import EntryForm
from content.models import Entry
from security.forms import CorsSettingsForm, DeliveryKeyRotateForm, DeliveryTokenTTLForm
from security.services import delivery_secret_rotate
from tests.conftest import force_sign_in
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.test_roles import url_names
from tests.two_factor.conftest import code_at

pytestmark = pytest.mark.django_db


def names(*form_classes, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Return the field names of ``form_classes`` (all of them, also those a form drops for some users)."""
    return tuple(name for form_class in form_classes for name in form_class.base_fields) + extra


FILTERS = names(EventFilterForm, extra=("after",))

# What each URL reads from its query string or body. URLs that read nothing are fuzzed
# with the extra keys every request may carry (see ``_data``).
FIELDS: dict[str, tuple[str, ...]] = {
    "dashboard": (),
    "healthz": (),
    "readyz": (),
    "security_txt": (),
    "api_delivery_token": (),
    "api_schema": ("format", "lang"),
    # Signing in and out, first run, invitations, password reset
    "accounts:login": names(forms.SignInForm, extra=("next",)),
    "accounts:logout": (),
    "accounts:login_verify": names(forms.SecondStepForm, extra=("next",)),
    "accounts:reauthenticate": names(forms.ReauthenticationForm, extra=("next",)),
    "accounts:setup": names(forms.SetupForm),
    "accounts:invitation_accept": names(forms.InvitationAcceptForm),
    "accounts:password_reset": names(forms.ResetRequestForm),
    "accounts:password_reset_done": (),
    "accounts:password_reset_confirm": names(forms.ResetPasswordForm),
    "accounts:password_reset_complete": (),
    # Profile, two-step authentication, sessions
    "accounts:profile": (),
    "accounts:profile_name": ("full_name",),
    "accounts:password_change": names(forms.PasswordChangeForm),
    "accounts:password_change_required": names(forms.PasswordChangeForm),
    "accounts:two_factor": (),
    "accounts:two_factor_enrol": names(forms.EnrolmentForm),
    "accounts:two_factor_qr": (),
    "accounts:two_factor_recovery_codes": ("done",),
    "accounts:two_factor_disable": names(forms.TwoFactorDisableForm),
    "accounts:sessions": (),
    "accounts:session_revoke": (),
    "accounts:sessions_revoke_others": (),
    # Team
    "accounts:team": ("q", "role", "status", "sort"),
    "accounts:team_invite": names(forms.InviteForm),
    "accounts:team_require_password_change": (),
    "accounts:member": (),
    "accounts:member_session_revoke": (),
    **{f"accounts:member_{name}": names(spec.form) if spec.form else () for name, spec in MEMBER_ACTIONS.items()},
    # Settings > Security, one URL per section
    "security:index": (),
    "security:settings": (),
    "security:password_policy": names(forms.PasswordPolicyForm),
    "security:two_factor": names(forms.TwoFactorPolicyForm),
    "security:lockout": names(forms.LockoutPolicyForm),
    "security:sessions": names(forms.SessionPolicyForm),
    "security:cors": names(CorsSettingsForm),
    "security:delivery_ttl": names(DeliveryTokenTTLForm),
    "security:delivery_rotate": names(DeliveryKeyRotateForm),
    "security:delivery_reveal": (),
    "security:activity_retention": names(RetentionForm),
    # Activity: the filters of the list, the chart and the exports
    "activity:list": FILTERS,
    "activity:detail": (),
    "activity:chart": FILTERS,
    "activity:export_csv": FILTERS,
    "activity:export_jsonl": FILTERS,
    "activity:verify": (),
    # Security checkup (issue 15): the page, the review sign-off, dormant accounts
    "checkup:checkup": (),
    "activity_review_sign_off": ("note", "filters"),
    "security:dormancy": names(forms.DormancyPolicyForm),
    "accounts:member_dormancy_exempt": names(forms.DormancyExemptForm),
    # Content
    "content:list": names(EntryForm),
    "content:edit": names(EntryForm),
    "content:delete": ("confirm",),
    "content_api:entry_list": (),
    "content_api:entry_detail": (),
    # API tokens page and docs; the admin API (its requests carry no valid token here: tests/api and
    # schemathesis in .ci/run fuzz it with one)
    "api:tokens": (),
    "api:token_create": names(ApiTokenForm),
    "api:token_revoke": (),
    "api_docs": ("lang", "script"),
    "api_v1:activity": (*FILTERS, "cursor", "limit"),
    "api_v1:activity_export": (*FILTERS, "format"),
    "api_v1:activity_verify": (),
    "api_v1:settings_security": (),
    "api_v1:delivery_token_rotate": ("grace_period",),
    "api_v1:members": ("q", "role", "status", "sort", "email", "full_name"),
    "api_v1:member": ("role", "is_active", "full_name"),
    "api_v1:member_reset_two_factor": (),
    "api_v1:member_unlock": (),
    "api_v1:tokens": (),
    "api_v1:token": (),
    "api_v1:not_found": (),
}
# Keys any request may carry: where to go next, the second POST of an action that asks first
# (accounts.team_views._confirmation), the CSRF token, and a key no form knows.
EXTRA_KEYS = ("next", "confirmed", "csrfmiddlewaretoken", "unknown")
# Answers that are 5xx by design, whatever the input: the readiness probe while a dependency is not ready.
DELIBERATE = {"readyz": {503}}


def test_every_url_is_fuzzed():
    assert set(FIELDS) == url_names(), "List the fields of new URLs in FIELDS (tests/test_no_server_errors.py)"


# Values ---------------------------------------------------------------------------------

MAX_TEXT = 5000
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))  # surrogates cannot be encoded in a request
CONTROL = st.characters(categories=("Cc", "Cf", "Zl", "Zp"))  # NUL, escapes, bidi overrides, separators


def _with_nul(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Return ``values`` with a NUL character inserted: PostgreSQL refuses to store or compare it."""
    return st.builds(lambda text, at: text[:at] + "\x00" + text[at:], values, st.integers(0, 50))


# Up to 5,000 digits: past int()'s 4,300-digit limit.
digits = st.builds(lambda digit, times: digit * times, st.sampled_from("123456789"), st.integers(1, MAX_TEXT))
texts = st.one_of(
    st.just(""),
    st.text(ANY_CHARACTER, max_size=40),
    st.text(st.one_of(CONTROL, ANY_CHARACTER), min_size=1, max_size=20),
    st.builds(lambda piece, times: piece * times, st.text(ANY_CHARACTER, min_size=1, max_size=5), st.integers(1, 1000)),
    _with_nul(st.text(ANY_CHARACTER, max_size=20)),
)
numbers = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(str),
    digits,
    st.sampled_from(["-0", "1e309", "-1e309", "0x10", "1_000", "١٢٣", "+7", " 7 ", "7.0"]),
)
dates = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.dates().map(lambda day: day.strftime("%m/%d/%Y")),
    st.sampled_from(["0001-01-01", "9999-12-31", "0000-00-00", "2024-02-30", "1969-12-31", "10000-01-01"]),
    st.sampled_from(["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00", "1970-01-01T00:00:00Z"]),
)

# Addresses made here rather than by st.emails(), which is slow to draw from.
emails = st.builds(
    "{}@{}.example".format,
    st.text(string.ascii_letters + string.digits + ".+-_", min_size=1, max_size=30)
    | st.text(ANY_CHARACTER, max_size=10),
    st.text(string.ascii_lowercase, min_size=1, max_size=10),
)


def _plausible(field: str) -> st.SearchStrategy[str]:
    """Return values a person could mean for ``field``: they get past the first checks and reach the services."""
    choices = {
        "role": st.sampled_from(Role.values),
        "group": st.sampled_from(registry.groups()),
        "action": st.sampled_from([event_type.name for event_type in registry.all_types()]),
        "tz": st.timezone_keys() | st.sampled_from(["UTC", "Etc/GMT+14", "../../etc/passwd", "America/"]),
        "ip": st.ip_addresses().map(str),
        "mode": st.sampled_from([RetentionForm.KEEP_FOREVER, RetentionForm.KEEP_DAYS]),
        "visibility": st.sampled_from(Entry.Visibility.values),
        "allowed_origins": st.lists(st.sampled_from(["http://a.example", "https://b.example:8443", "*"])).map(
            ", ".join
        ),
        "next": st.sampled_from(
            ["/", "/team/", "/login/", "//evil.example/", "https://evil.example/", "javascript:alert(1)", "team", "0"]
        ),
        "after": st.tuples(st.integers(), st.integers()).map(lambda pair: f"{pair[0]}-{pair[1]}"),
        "confirmed": st.just("yes"),
    }
    if field in choices:
        return choices[field]
    if "email" in field or field in ("username", "actor"):
        return st.sampled_from([f"{role}@example.com" for role in Role.values]) | emails
    if "password" in field:
        return st.just(DEFAULT_PASSWORD)
    if field in ("code", "done", "confirm", "enabled", "format", "lang") or field.startswith(("require", "reject")):
        return st.sampled_from(["on", "1", "true", "0", "123456", "json", "yaml", "en"])
    if field.startswith("date"):
        return dates
    return numbers


@functools.cache  # built once: building a strategy costs more than drawing from it
def _value(field: str) -> st.SearchStrategy[str]:
    plausible = _plausible(field)
    return st.one_of(plausible, _with_nul(plausible), texts, numbers, dates)


@functools.cache
def _data(fields: tuple[str, ...]) -> st.SearchStrategy[dict[str, list[str]]]:
    """Return form data: each field absent, once or several times, and perhaps a key no form knows."""
    keys = dict.fromkeys(fields + EXTRA_KEYS)
    known = st.fixed_dictionaries({}, optional={key: st.lists(_value(key), min_size=1, max_size=3) for key in keys})
    unknown = st.dictionaries(st.text(ANY_CHARACTER, min_size=1, max_size=20), st.lists(texts, min_size=1, max_size=2))
    return st.builds(lambda extra, data: {**extra, **data}, unknown | st.just({}), known)


def _base64url(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


# A JWT's shape with any header and claims: reaches the key look-up and the claim checks, not only the parser.
jwt_like = st.builds(
    lambda header, claims, signature: (
        f"{_base64url(json.dumps(header).encode())}.{_base64url(json.dumps(claims).encode())}.{signature}"
    ),
    st.fixed_dictionaries(
        {"alg": st.sampled_from(["HS256", "none", "RS256"])},
        optional={"kid": texts | numbers | st.lists(st.integers(), max_size=2), "typ": st.just("JWT")},
    ),
    st.dictionaries(st.sampled_from(["sub", "exp", "iat", "nbf", "aud", "iss", "gen", "access_type"]), texts | numbers),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", max_size=43),
)
tokens = st.one_of(jwt_like, texts)


def _as_header(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Return ``values`` sent as UTF-8 in a header: the server hands the bytes on as Latin-1 (PEP 3333)."""
    return values.map(lambda text: text.encode().decode("latin-1"))


# Headers are stored too (the User-Agent in events and sessions, django-axes' records) or parsed
# (tokens). Half the requests carry none, so that most reach the forms.
HEADERS = st.just({}) | st.fixed_dictionaries(
    {},
    optional={
        "HTTP_USER_AGENT": _as_header(texts),
        "HTTP_ACCEPT": _as_header(texts),
        "HTTP_REFERER": _as_header(_value("next")),
        "HTTP_AUTHORIZATION": _as_header(st.one_of(tokens.map("Bearer {}".format), texts)),
        "HTTP_DELIVERY_TOKEN": _as_header(tokens),
    },
)
# Only for visitors without a session: a signed-in actor's cookie is what makes them that actor.
COOKIES = st.just({}) | st.fixed_dictionaries(
    {"HTTP_COOKIE": _as_header(st.one_of(texts.map(f"{django_settings.SESSION_COOKIE_NAME}={{}}".format), texts))}
)


# Who sends the requests -------------------------------------------------------------------

TWO_STEP = "owner with two-step"  # signed in, second step passed
PENDING = "second step pending"  # password accepted, code not yet given
ANONYMOUS = "anonymous"
ACTORS = (Role.OWNER, Role.ADMIN, Role.AUDITOR, Role.MEMBER, ANONYMOUS, TWO_STEP, PENDING)


@pytest.fixture
def world(db):
    """Everything the URLs point at: a member of each role, another member, an invitation, an entry, a key."""
    users = {role: make_user(email=f"{role}@example.com", role=role) for role in Role.values}
    owner = users[Role.OWNER]
    users[TWO_STEP] = make_user(email="two-step@example.com", role=Role.OWNER)
    device = services.two_factor_enrolment_start(user=users[TWO_STEP])
    services.two_factor_enable(user=users[TWO_STEP], code=code_at(base64.b32encode(device.bin_key).decode()))
    target = make_user(email="target@example.com", role=Role.MEMBER)
    _invited, link = services.member_invite(email="invited@example.com", role=Role.MEMBER, acting_user=owner)
    delivery_secret_rotate(acting_user=owner, replacing=False)
    entry = Entry.objects.create(title="Entry", slug="entry", visibility="public")
    event = event_record(action="member.created", target=target, changes={"role": [None, Role.MEMBER]})
    return SimpleNamespace(
        users=users,
        device=device,
        target=target,
        entry=entry,
        event=event,
        invitation_token=link.rstrip("/").rsplit("/", 1)[-1],
        reset_uid=urlsafe_base64_encode(force_bytes(target.pk)),
        reset_token=default_token_generator.make_token(target),
        setup_token="none-pending",  # members exist: the first-run form is closed
    )


def _client_for(actor: str, world) -> Client:
    client = Client()
    if actor == ANONYMOUS:
        return client
    if actor == PENDING:
        session = client.session
        session[sign_in.PENDING] = {
            "user_id": world.users[TWO_STEP].pk,
            "backend": "accounts.backends.MemberBackend",
            "compliant": True,
            "change_password": False,
            "since": timezone.now().timestamp(),
        }
        session.save()
        return client
    force_sign_in(client, world.users[actor])
    if actor == TWO_STEP:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = world.device.persistent_id
        session.save()
    return client


# URLs, with real or arbitrary path arguments ---------------------------------------------


def _patterns(resolver=None, namespace: str = "", converters=None) -> dict[str, dict]:
    """Return ``{url name: {path argument: converter}}`` for every URL pattern (as ``url_names`` names them)."""
    found = {}
    for entry in (resolver or get_resolver()).url_patterns:
        inner = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            found |= _patterns(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            found[f"{namespace}{entry.name}"] = inner
    return found


PATTERNS = _patterns()


def _real_kwargs(name: str, world, actor: str) -> dict:
    """Return path arguments naming things that exist, so that the view behind them runs in full."""
    if name == "accounts:session_revoke":
        owner = world.users.get(actor, world.users[Role.OWNER])
        return {"pk": UserSession.objects.create(user=owner, session_key="another-session").pk}
    if name == "accounts:member_session_revoke":
        session = UserSession.objects.create(user=world.target, session_key="target-session")
        return {"pk": world.target.pk, "session_pk": session.pk}
    if name.startswith("accounts:member"):
        return {"pk": world.target.pk}
    if name in ("content:edit", "content:delete"):
        return {"pk": world.entry.pk}
    if name == "content_api:entry_detail":
        return {"slug": world.entry.slug}
    if name.startswith("api_v1:member_") or name == "api_v1:member":
        return {"pk": world.target.pk}
    if name in ("api:token_revoke", "api_v1:token"):
        owner = world.users[Role.OWNER]
        return {"pk": api_token_create(acting_user=owner, name="fuzzed", scope="read")[0].pk}
    if name == "activity:detail":
        return {"sequence": world.event.sequence}
    if name == "accounts:invitation_accept":
        return {"token": world.invitation_token}
    if name == "accounts:password_reset_confirm":
        return {"uidb64": world.reset_uid, "token": world.reset_token}
    if name == "accounts:setup":
        return {"token": world.setup_token}
    assert not PATTERNS[name], f"Name real path arguments for {name} in _real_kwargs"
    return {}


@functools.cache
def _arbitrary(converter) -> st.SearchStrategy[str]:
    """Return any value the path converter accepts, so that the URL reverses and resolves."""
    if isinstance(converter, IntConverter):
        return st.one_of(st.integers(min_value=0).map(str), digits)
    if isinstance(converter, SlugConverter):
        return st.from_regex(r"\A[-a-zA-Z0-9_]{1,300}\Z")
    assert isinstance(converter, StringConverter), converter
    return st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/"), min_size=1, max_size=300)


# Requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    actor: str
    method: str
    name: str
    kwargs: dict[str, str] | None  # path arguments; None: real ones (see ``_real_kwargs``)
    data: dict[str, list[str]]
    urlencoded: bool  # a POST body as application/x-www-form-urlencoded instead of multipart
    headers: dict[str, str]  # WSGI names: HTTP_USER_AGENT...


@st.composite
def requests(draw, name: str, actors: tuple[str, ...] = ACTORS) -> Request:
    arguments = PATTERNS[name]
    actor = draw(st.sampled_from(actors))
    arbitrary = bool(arguments) and draw(st.booleans())
    return Request(
        actor=actor,
        method=draw(st.sampled_from(["post", "get"])),
        name=name,
        kwargs={argument: draw(_arbitrary(converter)) for argument, converter in arguments.items()}
        if arbitrary
        else None,
        data=draw(_data(FIELDS[name])),
        urlencoded=draw(st.booleans()),
        headers=draw(HEADERS) | (draw(COOKIES) if actor == ANONYMOUS else {}),
    )


def _send(client: Client, url: str, request: Request):
    if request.method == "get":
        return client.get(url, request.data, **request.headers)
    if request.urlencoded:
        body = urlencode(request.data, doseq=True)
        return client.post(url, body, content_type="application/x-www-form-urlencoded", **request.headers)
    return client.post(url, request.data, **request.headers)


def _answer(world, request: Request) -> tuple[int, bytes]:
    """Send ``request`` from a fresh session in a savepoint that is rolled back; return the status and body."""
    with transaction.atomic():
        cache.clear()
        client = _client_for(request.actor, world)
        kwargs = request.kwargs if request.kwargs is not None else _real_kwargs(request.name, world, request.actor)
        url = reverse(request.name, kwargs=kwargs or None)
        if request.name == "accounts:password_reset_confirm" and request.kwargs is None:
            # A reset link's first visit moves the token into the session and redirects to the form.
            url = client.get(url)["Location"]
        response = _send(client, url, request)
        # An export streams: an error while it is produced is a broken answer too.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    return response.status_code, body


@pytest.mark.parametrize("name", sorted(FIELDS))
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_input_makes_a_url_answer_with_a_server_error(world, name, data):
    request = data.draw(requests(name))
    status, body = _answer(world, request)
    assert status < 500 or status in DELIBERATE.get(name, ()), (request, body[:500])


@pytest.fixture
def first_run(db):
    """No member yet: the first-run link opens the setup form."""
    return SimpleNamespace(setup_token=services.setup_token_issue(), users={})


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_input_makes_first_run_setup_answer_with_a_server_error(first_run, data):
    request = data.draw(requests("accounts:setup", actors=(ANONYMOUS,)))
    status, body = _answer(first_run, request)
    assert status < 500, (request, body[:500])


# The table against the pages --------------------------------------------------------------


class _FormFields(HTMLParser):
    """Collect ``{form action: field names}`` from a page (an empty action is the page itself)."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: dict[str, set[str]] = {}
        self.action: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.action = attributes.get("action") or self.page_url
            self.forms.setdefault(self.action, set())
        elif tag in ("input", "select", "textarea", "button") and self.action and attributes.get("name"):
            self.forms[self.action].add(attributes["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.action = None


@pytest.mark.parametrize("actor", [Role.OWNER, TWO_STEP, PENDING, ANONYMOUS])
def test_every_rendered_form_field_is_fuzzed(world, actor):
    pages = [name for name in FIELDS if not name.startswith(("content_api:", "api_"))]
    if actor != Role.OWNER:
        # The owner sees every form; the others differ only on the sign-in and profile pages.
        pages = [name for name in pages if name.startswith("accounts:")]
    checked = 0
    for name in pages:
        client = _client_for(actor, world)
        url = reverse(name, kwargs=_real_kwargs(name, world, actor) or None)
        # A reset link leads on to its form; any other redirect leads to a page listed on its own.
        response = client.get(url, follow=name == "accounts:password_reset_confirm")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _FormFields(response.request["PATH_INFO"])
        parser.feed(response.content.decode())
        for action, rendered in parser.forms.items():
            target = resolve(urlsplit(action).path).view_name
            assert rendered <= set(FIELDS[target] + EXTRA_KEYS), (url, action, rendered)
            checked += 1
    assert checked, "No form was rendered: the pages above were not reached"
