"""The layers' arrows point inward (DEVELOPERS.md, "Shape of the code"): read from the imports themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "namndbot"

# layer -> the layers of ours it must not import
FORBIDDEN = {
    "domain": {"storage", "services", "calendar", "blocks", "handlers", "bot", "cli", "mail", "settings"},
    "services": {"bot", "handlers", "cli", "blocks", "mail"},
    "blocks": {"storage", "handlers", "bot", "cli"},
    "handlers": {"storage", "bot", "cli"},
    "storage": {"services", "blocks", "handlers", "bot", "cli"},
}


def imported_layers(path: Path) -> set[str]:
    """The top-level parts of namndbot the module imports (relative or absolute, also inside functions)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts  # ('namndbot', 'services', 'core')
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(parts[: len(parts) - node.level])
                names = [".".join(base + ([node.module] if node.module else []))]
                if not node.module:  # from . import x, y
                    names = [".".join(base + [a.name]) for a in node.names]
            elif node.module:
                names = [node.module]
        for name in names:
            dotted = name.split(".")
            if dotted[0] == "namndbot" and len(dotted) > 1:
                out.add(dotted[1])
    return out


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_what_is_inside_it(layer):
    wrong = {
        str(path.relative_to(PACKAGE.parent)): sorted(imported_layers(path) & FORBIDDEN[layer])
        for path in sorted((PACKAGE / layer).rglob("*.py"))
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_handlers_run_no_sql():
    for path in (PACKAGE / "handlers").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "aiosqlite" not in text and "asyncpg" not in text and ".execute(" not in text, path


def test_the_reader_sees_relative_imports():
    assert {"domain", "storage"} <= imported_layers(PACKAGE / "services" / "base.py")
    assert "services" in imported_layers(PACKAGE / "blocks" / "views.py")
