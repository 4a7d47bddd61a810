"""Every finding in one run: what could be read is checked, what could not is said once, never again as its
consequence (a PICO "missing" because pico.yaml is broken, a section "missing" because its file is misnamed)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hta.cli import main

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
TYPED = "fall/sections/method.md:5:22: HTA501"  # "12 träffar": sok.identified is 12


def check(tmp_path: Path, monkeypatch, capsys, change) -> list[str]:
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    with (folder / "sections" / "method.md").open("a", encoding="utf-8") as method:
        method.write("\nSökningen gav totalt 12 träffar.\n")
    change(folder)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "fall"]) == 1
    return [line.split(" error: ")[0].split(" warning: ")[0] for line in capsys.readouterr().out.splitlines()]


def test_a_misnamed_section_and_a_typed_count_are_both_reported(tmp_path, monkeypatch, capsys):
    def misname(folder: Path) -> None:
        (folder / "sections" / "background.md").rename(folder / "sections" / "bakgrund.md")

    found = check(tmp_path, monkeypatch, capsys, misname)
    # background.md is not also "missing": the finding at bakgrund.md already says "Did you mean background.md?"
    assert found == ["fall/sections/bakgrund.md:1:1: HTA010", TYPED]


def test_broken_yaml_and_a_typed_count_are_both_reported_without_consequences(tmp_path, monkeypatch, capsys):
    def break_pico(folder: Path) -> None:
        (folder / "pico.yaml").write_text("- population: [Vuxna\n", encoding="utf-8")

    found = check(tmp_path, monkeypatch, capsys, break_pico)
    assert [f for f in found if "HTA5" not in f][0].startswith("fall/pico.yaml:")
    assert len([f for f in found if f.startswith("fall/pico.yaml")]) == 1  # no "the assessment has no PICO"
    assert found[-1] == TYPED


def test_a_broken_evidence_table_and_references_hide_nothing_else(tmp_path, monkeypatch, capsys):
    def break_tables(folder: Path) -> None:
        (folder / "evidence.csv").write_text("Resultat\nbra\n", encoding="utf-8")
        (folder / "references.json").write_text("[{", encoding="utf-8")

    found = check(tmp_path, monkeypatch, capsys, break_tables)
    # one finding per broken file; no "not in the references" for each citation, no "never cited"
    assert [f.split(":")[0] for f in found] == ["fall/evidence.csv", "fall/references.json", "fall/sections/method.md"]
    assert found[-1] == TYPED


def test_an_assessment_with_a_file_that_could_not_be_read_is_not_built(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    (folder / "sections" / "background.md").rename(folder / "sections" / "bakgrund.md")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "fall", "--out", "ut"]) == 1
    assert not (tmp_path / "ut" / "fall" / "fall.html").exists()  # only the record of why: failed.json
