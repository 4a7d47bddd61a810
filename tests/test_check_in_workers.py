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
