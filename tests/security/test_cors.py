"""CORS: the origin list's rules, and the headers the API answers with."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError

from activity.models import Event
from security import cors, services
from security.models import CorsSettings

LISTED = "http://api.mydomain.com, http://mysubdomain.mydomain.com, http://mydomain.com"
API = "/api/content/entries/"


def parse_errors(value) -> list[str]:
    with pytest.raises(ValidationError) as info:
        cors.origins_parse(value)
    return info.value.messages


# Validation and normalisation -------------------------------------------------


def test_the_example_list_is_accepted_in_order():
    assert cors.origins_parse(LISTED) == [
        "http://api.mydomain.com",
        "http://mysubdomain.mydomain.com",
        "http://mydomain.com",
    ]


@pytest.mark.parametrize(
    ("entry", "normalised"),
    [
        ("HTTP://API.MyDomain.COM", "http://api.mydomain.com"),
        ("https://mydomain.com:8443", "https://mydomain.com:8443"),
        ("http://mydomain.com:80", "http://mydomain.com"),
        ("https://mydomain.com:443", "https://mydomain.com"),
        ("http://mydomain.com:443", "http://mydomain.com:443"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("  http://mydomain.com  ", "http://mydomain.com"),
    ],
)
def test_an_origin_is_normalised_as_browsers_send_it(entry, normalised):
    assert cors.origins_parse(entry) == [normalised]


def test_duplicates_are_dropped_after_normalisation():
    assert cors.origins_parse("http://a.com, HTTP://A.COM, http://a.com:80, https://a.com") == [
        "http://a.com",
        "https://a.com",
    ]


def test_empty_entries_and_newlines_are_separators_only():
    assert cors.origins_parse("http://a.com,\n, http://b.com,") == ["http://a.com", "http://b.com"]
    assert cors.origins_parse("") == []


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("ftp://mydomain.com", "scheme must be http or https"),
        ("mydomain.com", "must start with http:// or https://"),
        ("//mydomain.com", "must start with http:// or https://"),
        ("http://", "has no host"),
        ("http://:8080", "has no host"),
        ("http://mydomain.com/", "path or trailing slash"),
        ("http://mydomain.com/app", "path or trailing slash"),
        ("http://mydomain.com?x=1", "query"),
        ("http://mydomain.com#top", "fragment"),
        ("http://user@mydomain.com", "user name or password"),
        ("http://user:pass@mydomain.com", "user name or password"),
        ("http://*.mydomain.com", "wildcards are not allowed"),
        ("*", "wildcards are not allowed"),
        ("http://mydomain.com:0", "invalid port"),
        ("http://mydomain.com:65536", "invalid port"),
        ("http://mydomain.com:http", "invalid port"),
        ("http://mydomain.com:", "invalid port"),
        ("http://my domain.com", "invalid host name"),
        ("http://my_domain.com", "invalid host name"),
        ("http://-mydomain.com", "invalid host name"),
        ("http://mydomain..com", "invalid host name"),
        ("http://[::1", "invalid IPv6"),
        ("http://[zz::1]", "invalid IPv6"),
    ],
)
def test_an_invalid_entry_is_refused_with_a_message_naming_it(entry, reason):
    (message,) = parse_errors(f"http://good.com, {entry}")
    assert entry.strip() in message
    assert reason in message


@pytest.mark.parametrize("entry", ["null", "NULL", "Null"])
def test_null_is_refused(entry):
    (message,) = parse_errors(entry)
    assert "null" in message


def test_each_invalid_entry_gets_its_own_message():
    messages = parse_errors("http://ok.com, ftp://one.com, http://two.com/")
    assert len(messages) == 2
    assert "ftp://one.com" in messages[0]
    assert "http://two.com/" in messages[1]


def test_an_invalid_list_saves_nothing(owner, set_cors):
    set_cors("http://kept.com")
    events_before = Event.objects.count()
    with pytest.raises(ValidationError) as info:
        services.cors_settings_update(acting_user=owner, enabled=False, allowed_origins="http://new.com, http://bad/")
    assert "http://bad/" in info.value.message_dict["allowed_origins"][0]
    stored = CorsSettings.objects.get()
    assert stored.enabled is True
    assert stored.allowed_origins == ["http://kept.com"]
    assert Event.objects.count() == events_before


def test_a_change_records_one_event_with_before_and_after(owner, set_cors):
    set_cors("http://a.com")
    set_cors("http://a.com, https://b.com", enabled=False)
    event = Event.objects.filter(action="settings.cors.updated").order_by("-sequence").first()
    assert event.actor == owner
    assert event.changes == {
        "enabled": [True, False],
        "allowed_origins": [["http://a.com"], ["http://a.com", "https://b.com"]],
    }
    assert Event.objects.filter(action="settings.cors.updated").count() == 2


def test_saving_the_same_settings_records_nothing(set_cors):
    set_cors("http://a.com")
    set_cors("HTTP://A.COM")
    assert Event.objects.filter(action="settings.cors.updated").count() == 1


# Headers at runtime ----------------------------------------------------------------


def test_a_listed_origin_is_echoed_with_credentials_and_vary(client, set_cors):
    set_cors(LISTED)
    response = client.get(API, HTTP_ORIGIN="http://mysubdomain.mydomain.com")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "http://mysubdomain.mydomain.com"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "origin" in response["Vary"].lower()


@pytest.mark.parametrize(
    "origin",
    [
        "http://evilmydomain.com",
        "http://mydomain.com.evil.net",
        "https://mydomain.com",
        "http://mydomain.com:8080",
        "http://sub.mydomain.com",
        "null",
        "HTTP://MYDOMAIN.COM",
        "http://mydomain.com/",
    ],
)
def test_any_other_origin_gets_no_cors_headers(client, set_cors, origin):
    set_cors(LISTED)
    response = client.get(API, HTTP_ORIGIN=origin)
    assert response.status_code == 200
    assert not any(name.lower().startswith("access-control-") for name in response.headers)


def test_a_disabled_setting_allows_no_origin(client, set_cors):
    set_cors(LISTED, enabled=False)
    response = client.get(API, HTTP_ORIGIN="http://mydomain.com")
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", ["/login/", "/settings/security/", "/"])
def test_admin_pages_never_get_cors_headers(client, set_cors, path):
    set_cors(LISTED)
    response = client.get(path, HTTP_ORIGIN="http://mydomain.com")
    assert "Access-Control-Allow-Origin" not in response
    response = client.options(path, HTTP_ORIGIN="http://mydomain.com", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert "Access-Control-Allow-Origin" not in response


def test_preflight_is_answered_for_a_listed_origin(client, set_cors):
    set_cors(LISTED)
    response = client.options(
        API,
        HTTP_ORIGIN="http://mydomain.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, delivery-token",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "http://mydomain.com"
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "GET" in response["Access-Control-Allow-Methods"]
    allowed_headers = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "delivery-token"} <= allowed_headers


@pytest.mark.parametrize("origin", ["http://evilmydomain.com", "null", "https://mydomain.com"])
def test_preflight_from_another_origin_gets_no_cors_headers(client, set_cors, origin):
    set_cors(LISTED)
    response = client.options(API, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert not any(name.lower().startswith("access-control-") for name in response.headers)


def test_deciding_cors_costs_no_database_query(client, set_cors, django_assert_num_queries):
    set_cors(LISTED)
    preflight = {"HTTP_ORIGIN": "http://mydomain.com", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"}
    with django_assert_num_queries(0):
        response = client.options(API, **preflight)
    assert response["Access-Control-Allow-Origin"] == "http://mydomain.com"
    cors.allowed_origins.forget()  # as another process would: only the shared cache is left
    with django_assert_num_queries(0):
        response = client.options(API, **preflight)
    assert response["Access-Control-Allow-Origin"] == "http://mydomain.com"


def test_an_empty_cache_is_filled_from_the_database_once(client, set_cors, django_assert_num_queries):
    set_cors(LISTED)
    caches["default"].delete(cors.CACHE_KEY)
    cors.allowed_origins.forget()
    preflight = {"HTTP_ORIGIN": "http://mydomain.com", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"}
    with django_assert_num_queries(1):
        client.options(API, **preflight)
    with django_assert_num_queries(0):
        response = client.options(API, **preflight)
    assert response["Access-Control-Allow-Origin"] == "http://mydomain.com"


# Propagation of a change ----------------------------------------------------------


def test_a_change_is_seen_at_once_by_a_second_cache_client(set_cors):
    set_cors("http://old.com")
    second_client = caches.create_connection("default")
    assert second_client is not caches["default"]
    assert second_client.get(cors.CACHE_KEY) == frozenset({"http://old.com"})
    set_cors("http://new.com")
    assert second_client.get(cors.CACHE_KEY) == frozenset({"http://new.com"})
    other_process = cors.AllowedOrigins(shared=second_client)
    assert other_process.get() == frozenset({"http://new.com"})


def test_a_change_reaches_the_deciding_process_at_once(client, set_cors):
    set_cors("http://old.com")
    assert client.get(API, HTTP_ORIGIN="http://old.com")["Access-Control-Allow-Origin"] == "http://old.com"
    set_cors("http://new.com")
    assert "Access-Control-Allow-Origin" not in client.get(API, HTTP_ORIGIN="http://old.com")
    assert client.get(API, HTTP_ORIGIN="http://new.com")["Access-Control-Allow-Origin"] == "http://new.com"


def test_another_process_applies_a_change_within_a_second(set_cors):
    set_cors("http://old.com")
    now = [1000.0]
    other_process = cors.AllowedOrigins(shared=caches.create_connection("default"), clock=lambda: now[0])
    assert other_process.get() == frozenset({"http://old.com"})
    set_cors("http://new.com")
    now[0] += 0.5
    assert other_process.get() == frozenset({"http://old.com"})  # its own copy, still fresh
    now[0] += 0.5
    assert other_process.get() == frozenset({"http://new.com"})


def test_the_cache_is_left_alone_until_the_change_commits(owner, set_cors, django_capture_on_commit_callbacks):
    set_cors("http://old.com")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.cors_settings_update(acting_user=owner, enabled=True, allowed_origins="http://new.com")
        assert caches["default"].get(cors.CACHE_KEY) == frozenset({"http://old.com"})
    assert caches["default"].get(cors.CACHE_KEY) == frozenset({"http://old.com"})
    for callback in callbacks:
        callback()
    assert caches["default"].get(cors.CACHE_KEY) == frozenset({"http://new.com"})
