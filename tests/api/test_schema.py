"""The OpenAPI schema documents every operation, and /api/docs/ serves Swagger UI from the panel's own files."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from tests.api.conftest import make_token, token_client
from tests.conftest import force_sign_in

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def schema(owner) -> dict:
    response = token_client(make_token(owner, scope="read")).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        if path.startswith("/api/v1/"):
            for method, operation in item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    yield f"{method.upper()} {path}", path, operation


def test_the_schema_answers_a_token_and_a_signed_in_member_but_nobody_else(client, owner, schema):
    assert client.get("/api/schema/").status_code in (401, 403)
    force_sign_in(client, owner)
    assert client.get("/api/schema/").status_code == 200


def test_every_operation_has_a_summary_and_its_error_responses_as_problem_documents(schema):
    operations = list(_operations(schema))
    assert len(operations) == 14
    assert sum("{id}" in path for _name, path, _operation in operations) == 5
    for name, path, operation in operations:
        assert operation.get("summary"), name
        codes = set(operation["responses"])
        assert {"401", "403", "429"} <= codes, name
        if "{id}" in path:
            assert "404" in codes, name
        if operation.get("requestBody") or any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert "400" in codes, name
        for code in codes - {"200", "201", "204"}:
            assert list(operation["responses"][code]["content"]) == [PROBLEM], (name, code)
        assert operation["security"] == [{"apiToken": []}], name


def test_email_fields_are_documented_as_emails_so_clients_and_generators_send_addresses(schema):
    emails = {
        (name, field): properties[field]
        for name, component in schema["components"]["schemas"].items()
        for properties in [component.get("properties", {})]
        for field in properties
        if field == "email"
    }
    assert ("InviteRequest", "email") in emails
    for (name, field), documented in emails.items():
        assert documented.get("format") == "email", (name, field, documented)
    assert emails["InviteRequest", "email"]["maxLength"] == 320


def test_the_schema_names_the_token_scheme(schema):
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_the_docs_page_loads_swagger_ui_from_the_panels_static_files(client, member):
    force_sign_in(client, member)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(source.startswith("/") and not source.startswith("//") for source in sources), sources
    bundles = [s for s in sources if s.endswith(".js")]
    assert all(s.startswith("/static/drf_spectacular_sidecar/") for s in bundles), bundles
    assert all(finders.find(s.removeprefix("/static/")) for s in bundles), bundles
    assert "<style" not in page and "<script>" not in page  # nothing inline for the CSP to block
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_the_docs_page_sends_a_visitor_to_sign_in(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
