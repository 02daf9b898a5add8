"""The activity app knows no other app: not in its strings and templates (its imports: tests/test_architecture.py).

Other apps describe their events to it through the registry (see ``activity.registry``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from activity import registry

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "activity"
TEMPLATES = ROOT / "templates" / "activity"
# Words that give away another app: its name, or its URL namespace.
TELLTALES = ("accounts", "security:", "content:", "modyo_admin")


def _sources() -> list[Path]:
    return sorted(path for path in APP.rglob("*.py") if "migrations" not in path.parts)


def _strings(tree: ast.AST) -> list[str]:
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def _own_event_names() -> set[str]:
    tree = ast.parse((APP / "events.py").read_text())
    return {
        call.args[0].value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "register"
    }


@pytest.mark.parametrize("path", _sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_activity_strings_name_no_other_app(path):
    for text in _strings(ast.parse(path.read_text())):
        for word in TELLTALES:
            assert word not in text.lower(), f"{path.name}: {text!r} names {word!r}"


@pytest.mark.parametrize("path", _sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_activity_strings_name_no_event_type_of_another_app(path):
    others = {t.name for t in registry.all_types()} - _own_event_names()
    assert others, "the other apps' event types are registered"
    for text in _strings(ast.parse(path.read_text())):
        assert text not in others, f"{path.name}: {text!r} is another app's event type; declare it in the registry"


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: path.name)
def test_activity_templates_name_no_other_app(path):
    text = path.read_text().lower()
    for word in TELLTALES:
        assert word not in text, f"{path.name} names {word!r}"
