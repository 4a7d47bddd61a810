"""Shared fixtures: the repository's paths, and the reference assessment built once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ASSESSMENTS = REPO / "assessments"
REFERENCE = ASSESSMENTS / "ketamin-langvarig-smarta"
SHARED = REPO.parent / "shared"
SEED_000 = next((SHARED / "seeds").glob("000_*.txt"))

# The tests read hta's messages as written in the code, whatever the language of the assessment they check;
# tests/test_languages.py lifts this to show the Swedish and Norwegian catalogues at work.
os.environ["HTA_LANGUAGE"] = "en"


def built_once(tmp_path_factory, folder: Path) -> Path:
    """`folder` built into a temporary _build, for a module's or the session's tests; its output folder."""
    from hta.build import build

    out = tmp_path_factory.mktemp("build")
    [outcome] = build([folder], out)
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    return out / folder.name


@pytest.fixture(scope="session")
def reference_build(tmp_path_factory) -> Path:
    """The reference assessment built into a temporary _build; returns its output folder."""
    return built_once(tmp_path_factory, REFERENCE)


def copy_assessment(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def draft_copy(source: Path, folder: Path) -> Path:
    """`source` copied to `folder` as a draft: what its checks say are warnings, so it builds to be looked at."""
    shutil.copytree(source, folder)
    replace_once(folder / "assessment.yaml", "status: for-decision", "status: draft")
    return folder


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a file as an author would, making sure the edit hits exactly one place."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")
