"""`hta check` of a large library reads and checks the assessments in worker processes: the findings are
those of one process, in the same order."""

from __future__ import annotations

import shutil

from conftest import REPO, replace_once

from hta import build as build_module
from hta.build import check_all

MINIMAL = REPO / "tests" / "fixtures" / "minimal"


def test_checking_in_workers_gives_the_findings_of_one_process(tmp_path, monkeypatch):
    folders = []
    for i in range(6):
        folder = tmp_path / f"a{i}"
        shutil.copytree(MINIMAL, folder)
        replace_once(folder / "assessment.yaml", "dnr: TEST/0001", f"dnr: TEST/{i}")
        folders.append(folder)
    (folders[1] / "sections" / "background.md").open("a", encoding="utf-8").write("Ett\x07 tecken och ett \u4e2d.\n")
    (folders[2] / "assessment.yaml").unlink()
    (folders[3] / "assessment.yaml").write_text("title: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # findings name their files relative to the working folder, in workers too
    monkeypatch.setattr(build_module, "PARALLEL_CHECK_FROM", 2)

    serial = check_all(folders, jobs=1)
    parallel = check_all(folders, jobs=2)
    assert [o.folder for o in parallel] == [o.folder for o in serial] == folders
    assert [o.diagnostics for o in parallel] == [o.diagnostics for o in serial]
    codes = {d.code for o in serial for d in o.diagnostics}
    assert {"HTA950"} <= codes and len(serial[1].diagnostics) > len(serial[0].diagnostics)
    assert [o.assessment is None for o in parallel] == [o.assessment is None for o in serial]


def test_workers_speak_the_language_of_now_not_of_when_their_server_started(tmp_path, monkeypatch):
    """The server the workers are forked from lives as long as the process and keeps the environment it
    started with; a task carries the language settings of the process that gives it. Here a Swedish
    assessment's findings: in English while HTA_LANGUAGE says so, in Swedish once it no longer does."""
    folders = []
    for i in range(2):
        folder = tmp_path / f"a{i}"
        shutil.copytree(MINIMAL, folder)
        replace_once(folder / "assessment.yaml", "dnr: TEST/0001", "dnr: ")
        folders.append(folder)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(build_module, "PARALLEL_CHECK_FROM", 2)
    monkeypatch.setenv("HTA_LANGUAGE", "en")  # starts the server with it, if no test did before
    english = [d.text() for o in check_all(folders, jobs=2) for d in o.diagnostics]
    monkeypatch.delenv("HTA_LANGUAGE")
    swedish = [d.text() for o in check_all(folders, jobs=2) for d in o.diagnostics]
    assert english and all(" error: " in line for line in english if "HTA" in line)
    assert swedish and all(" fel: " in line for line in swedish if "HTA" in line), swedish
