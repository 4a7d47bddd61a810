"""The code's layout holds together: `hta/` is grouped by stage, so a module names others by package paths."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

CODE = Path(__file__).resolve().parents[1] / "hta"
MODULES = sorted(CODE.rglob("*.py"))


def _module(path: Path) -> str:
    parts = path.relative_to(CODE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(CODE).as_posix())
def test_every_relative_import_names_what_exists(path):
    """Lazy imports inside functions too: a module moved to another stage breaks none of them unseen."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    missing = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = importlib.import_module(f"{base}.{node.module}" if node.module else base)
            for alias in node.names:
                if not hasattr(target, alias.name) and importlib.util.find_spec(f"{target.__name__}.{alias.name}") is None:
                    missing.append(f"line {node.lineno}: {target.__name__}.{alias.name}")
    assert missing == []


def test_a_change_to_any_module_rebuilds_the_reports():
    from hta.cache import code_files

    assert set(MODULES) <= set(code_files())
