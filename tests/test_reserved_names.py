"""An assessment folder named `report` or `failed` would write its data (`<name>.json`) over the file hta keeps
beside every report (report.json for the index, failed.json for a failed build): it is a finding (HTA952),
and nothing of it overwrites those files."""

from __future__ import annotations

import json
import shutil

import pytest

from test_checks import MINIMAL, run_check

HINT = "Rename the folder, for instance after the report's subject: hta keeps the names report and failed for its own files."


@pytest.mark.parametrize("name, own", [("report", "report.json"), ("failed", "failed.json"), ("Report", "report.json")])
def test_an_assessment_named_as_hta_own_files_is_a_finding(name, own, tmp_path, monkeypatch, capsys):
    shutil.copytree(MINIMAL, tmp_path / name)

    status, out, err = run_check(tmp_path, monkeypatch, capsys, name)

    assert (status, out.splitlines()) == (1, [
        f"{name}/assessment.yaml:1:1: HTA952 error: the assessment folder is named {name}: its {name}.json would be "
        f"the {own} hta writes beside every report. {HINT}"])


def test_an_assessment_named_report_never_writes_over_the_index_file(tmp_path, monkeypatch):
    from hta.build import build

    shutil.copytree(MINIMAL, tmp_path / "report")
    monkeypatch.chdir(tmp_path)

    [outcome] = build([tmp_path / "report"], tmp_path / "out")

    assert not outcome.built
    assert not (tmp_path / "out" / "report" / "report.json").exists()
    failed = json.loads((tmp_path / "out" / "report" / "failed.json").read_text(encoding="utf-8"))
    assert failed["name"] == "report" and [e.split(": ")[1].split()[0] for e in failed["errors"]] == ["HTA952"]
    assert "report" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_new_refuses_a_name_hta_keeps_for_its_own_files(tmp_path, monkeypatch, capsys):
    from hta.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["new", "report", "--title", "T"]) == 2
    assert not (tmp_path / "assessments" / "report").exists()
    assert '"report" is a name hta keeps for its own files (report.json and failed.json beside every report); ' \
           "nothing was written." in capsys.readouterr().err


@pytest.mark.parametrize("name", ["index.html", "Index.qmd"])
def test_an_assessment_named_as_the_index_is_a_finding_and_the_index_is_still_written(name, tmp_path, monkeypatch,
                                                                                       capsys):
    from hta.build import build

    shutil.copytree(MINIMAL, tmp_path / name)
    status, out, err = run_check(tmp_path, monkeypatch, capsys, name)
    assert (status, out.splitlines()) == (1, [
        f"{name}/assessment.yaml:1:1: HTA952 error: the assessment folder is named {name}: its report folder would "
        f"stand where the library's index ({name.lower()}) is written. Rename the folder, for instance after the "
        "report's subject: hta keeps the names index.html and index.qmd for the library's index."])

    shutil.copytree(MINIMAL, tmp_path / "fall")
    named, other = build([tmp_path / name, tmp_path / "fall"], tmp_path / "out")
    assert not named.built and other.built
    index = tmp_path / "out" / "index.html"
    assert index.is_file() and (tmp_path / "out" / "index.qmd").is_file()
    assert "fall" in index.read_text(encoding="utf-8")
