"""`hta check`: one broken assessment per rule and per malformed-file case, each with its exact finding."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ASSESSMENTS, REFERENCE, copy_assessment, replace_once

from hta.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def assemble(case: Path, tmp_path: Path) -> Path:
    """The minimal assessment with the case's files laid over it (and those named in REMOVE deleted)."""
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    for path in case.rglob("*"):
        if path.is_file() and path.name not in {"expected.txt", "REMOVE"}:
            target = folder / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    remove = case / "REMOVE"
    if remove.exists():
        for name in remove.read_text().split():
            (folder / name).unlink()
    return folder


def run_check(tmp_path: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(tmp_path)
    status = main(["check", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_minimal_assessment_is_clean(tmp_path, monkeypatch, capsys):
    shutil.copytree(MINIMAL, tmp_path / "fall")
    assert run_check(tmp_path, monkeypatch, capsys, "fall") == (0, "", "")


@pytest.mark.parametrize("case", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_assessment_gets_its_exact_finding(case, tmp_path, monkeypatch, capsys):
    assemble(case, tmp_path)
    status, out, err = run_check(tmp_path, monkeypatch, capsys, "fall")
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert out.splitlines() == expected
    assert "Traceback" not in out + err
    assert status == (1 if any(" error: " in line for line in expected) else 0)


def test_every_rule_has_a_broken_case():
    """HTA607 and HTA608 are findings of `hta refs import`, shown in test_references.py and
    test_import_safety.py; HTA951, HTA960 and HTA961 are findings of `hta build` over several assessments or in
    a converter, shown in test_build_robustness.py; HTA962 (a file changed between the check and the writing) in
    test_pictures_as_read.py and test_incremental_build.py; HTA014 (a file over its size limit) is shown in
    test_reading.py with the limit lowered, so that no fixture has to be megabytes; HTA223 (a house style's
    report.css that cannot be read) needs a style folder beside the assessment, shown in test_style_stylesheet.py;
    HTA952 (a folder named `report` or `failed`) is about the folder's name, which a case here cannot choose,
    shown in test_reserved_names.py."""
    from hta.rules import RULES

    shown = {line.split(": ")[1].split()[0] for case in BROKEN
             for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines()}
    assert set(RULES) - shown == {"HTA014", "HTA223", "HTA607", "HTA608", "HTA951", "HTA952", "HTA960",
                                  "HTA961", "HTA962"}


def test_a_malformed_file_does_not_stop_the_other_files_being_checked(tmp_path, monkeypatch, capsys):
    folder = assemble(FIXTURES / "broken" / "invalid-yaml", tmp_path)
    (folder / "pico.yaml").write_text((folder / "pico.yaml").read_text().replace("population:", "populaton:"))
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, "fall")
    codes = [line.split(": ")[1].split()[0] + "@" + line.split(":")[0] for line in out.splitlines()]
    assert "HTA003@fall/assessment.yaml" in codes and "HTA007@fall/pico.yaml" in codes
    assert status == 1


def test_swedish_excel_csv_reads_correctly(tmp_path, monkeypatch, capsys):
    """Semicolons, a BOM or Windows-1252, decimal commas: what Excel writes with Swedish settings."""
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    rows = ("referens;studiedesign;patientgrupp;behandling;jämförelse;utfallsmått;uppföljningstid;granskningsmall;bedömning\r\n"
            "ahl2021;RCT;Vuxna, 18–65 år;Testbehandling 0,5 mg/kg;Placebo;Smärta;12 veckor;RoB 2;Låg\r\n"
            "cederlund2022;Systematisk översikt;Vuxna;Testbehandling;Placebo;Smärta;6 månader;AMSTAR 2;Måttlig\r\n")
    for encoding in ("utf-8-sig", "cp1252"):
        (folder / "evidence.csv").write_bytes(rows.replace("–", "-").encode(encoding))
        assert run_check(tmp_path, monkeypatch, capsys, "fall")[:2] == (0, "")
        from hta.load.validate import read_assessment

        assessment, findings = read_assessment(folder)
        assert findings == []
        assert assessment.evidence[0].intervention == "Testbehandling 0,5 mg/kg"
        assert assessment.evidence[1].rating == "Måttlig"


def test_norwegian_excel_headings_read_like_the_canonical_ones(tmp_path, monkeypatch, capsys):
    """A Norwegian council's spreadsheet, headed as it would head it (in any case, with stray spaces and a
    hyphen for a space): the rows read as under the canonical names."""
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    rows = ("Referanse ;Studietype;Pasientgruppe;Tiltak;Sammenligning;Utfallsmål;OPPFØLGINGSTID;Vurderings-verktøy;"
            "Risiko for skjevhet\r\n"
            "ahl2021;RCT;Voksne;Testbehandling 0,5 mg/kg;Placebo;Smerte;12 uker;RoB 2;Lav\r\n"
            "cederlund2022;Systematisk oversikt;Voksne;Testbehandling;Placebo;Smerte;6 måneder;AMSTAR 2;Moderat\r\n")
    (folder / "evidence.csv").write_bytes(rows.replace("Vurderings-verktøy", "Vurderingsverktøy").encode("utf-8-sig"))
    assert run_check(tmp_path, monkeypatch, capsys, "fall")[:2] == (0, "")
    from hta.load.validate import read_assessment

    assessment, findings = read_assessment(folder)
    assert findings == []
    first = assessment.evidence[0]
    assert (first.reference, first.design, first.population, first.intervention, first.comparison, first.outcomes,
            first.follow_up, first.appraisal_tool, first.rating, first.extra) == (
        "ahl2021", "RCT", "Voksne", "Testbehandling 0,5 mg/kg", "Placebo", "Smerte", "12 uker", "RoB 2", "Lav", {})


@pytest.mark.parametrize("language", ["sv", "nb", "en"])
def test_the_reports_own_evidence_headings_name_their_columns_when_read_back(language):
    """An author who heads the spreadsheet as the report heads its table is understood, in every language:
    a heading added to the labels and not to the names read would be a column "missing"."""
    from hta.model.assessment import REQUIRED_COLUMNS, evidence_column
    from hta.model.labels import labels_for

    headings = labels_for(language).evidence_columns
    assert {column: evidence_column(getattr(headings, column)) for column in REQUIRED_COLUMNS} == {
        column: column for column in REQUIRED_COLUMNS}
    assert evidence_column(getattr(headings, "follow_up").upper().replace("-", " ")) == "follow_up"


def test_a_missing_column_is_named_as_the_report_heads_it_in_the_assessments_language(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    evidence = folder / "evidence.csv"
    evidence.write_text("\n".join(line.rsplit(",", 1)[0] for line in evidence.read_text(encoding="utf-8").splitlines())
                        + "\n", encoding="utf-8")
    replace_once(folder / "assessment.yaml", "language: sv", "language: nb")
    monkeypatch.delenv("HTA_LANGUAGE")  # findings in the assessment's language, as a council member reads them
    monkeypatch.chdir(tmp_path)
    assert main(["check", "fall"]) == 1
    out = capsys.readouterr().out
    assert "evidenstabellen mangler kolonnen(e) Vurdering." in out
    assert ("Kolonner: Referanse, Design, Populasjon, Intervensjon, Sammenligning, Utfallsmål, Oppfølgingstid, "
            "Vurderingsverktøy, Vurdering.") in out


def test_evidence_table_as_xlsx_reads_like_the_csv(tmp_path):
    import pandas as pd

    from hta.load.validate import read_assessment

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    frame = pd.read_csv(folder / "evidence.csv", dtype=str)
    (folder / "evidence.csv").unlink()
    frame.to_excel(folder / "evidence.xlsx", index=False)
    assessment, findings = read_assessment(folder)
    assert findings == []
    assert [r.reference for r in assessment.evidence] == ["ahl2021", "cederlund2022"]
    assert assessment.evidence[1].row == 3


# --- the real assessments ------------------------------------------------------------------------------

@pytest.mark.parametrize("folder", sorted(p.parent for p in ASSESSMENTS.glob("*/assessment.yaml")),
                         ids=lambda p: p.name)
def test_every_assessment_passes_with_zero_errors(folder, tmp_path, monkeypatch, capsys):
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, str(folder))
    assert status == 0, out
    assert " error: " not in out


def test_reference_decided_with_a_section_removed_fails_with_missing_section(tmp_path, monkeypatch, capsys):
    folder = copy_assessment(REFERENCE, tmp_path)
    replace_once(folder / "assessment.yaml", "status: for-decision", "status: decided")
    (folder / "sections" / "ethical.md").unlink()
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, folder.name)
    assert status == 1
    assert f"{folder.name}/sections/ethical.md:1:1: HTA101 error: the section ethical.md is missing." in out


def test_reference_with_a_hit_count_typed_in_method_gets_the_typed_number_finding(tmp_path, monkeypatch, capsys):
    folder = copy_assessment(REFERENCE, tmp_path)
    method = folder / "sections" / "method.md"
    text = method.read_text(encoding="utf-8")
    assert "{{primara.hits.pubmed}}" in text
    method.write_text(text.replace("{{primara.hits.pubmed}}", "112"), encoding="utf-8")
    line = next(i for i, l in enumerate(method.read_text(encoding="utf-8").splitlines(), 1) if "112" in l)
    _, out, _ = run_check(tmp_path, monkeypatch, capsys, folder.name)
    assert f"{folder.name}/sections/method.md:{line}:" in out
    assert "HTA501 error: 112 is typed here, and the data holds it. Write {{primara.hits.pubmed}} instead" in out


def test_draft_downgrades_completeness_errors_to_warnings(tmp_path, monkeypatch, capsys):
    folder = assemble(FIXTURES / "broken" / "missing-section", tmp_path)
    replace_once(folder / "assessment.yaml", "status: for-decision", "status: draft")
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, "fall")
    assert status == 0
    assert "fall/sections/economic.md:1:1: HTA101 warning:" in out


def test_placeholders_are_errors_from_for_decision_on_and_warnings_in_draft(tmp_path, monkeypatch, capsys):
    folder = assemble(FIXTURES / "broken" / "placeholder", tmp_path)
    replace_once(folder / "assessment.yaml", "status: for-decision", "status: draft")
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, "fall")
    assert (status, out.split(": ")[1]) == (0, "HTA801 warning")


# --- output formats and exit status ----------------------------------------------------------------------

def test_json_format_lists_each_finding_with_its_location(tmp_path, monkeypatch, capsys):
    assemble(FIXTURES / "broken" / "search-date", tmp_path)
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, "fall", "--format", "json")
    assert status == 1
    assert json.loads(out) == [{
        "path": "fall/searches.yaml", "line": 5, "column": 13, "code": "HTA303", "severity": "error",
        "message": "PubMed was searched 2024-07-10, after the decision date 2024-06-01.", "hint": "",
        "language": "en"}]


def test_github_format_writes_workflow_annotations(tmp_path, monkeypatch, capsys):
    assemble(FIXTURES / "broken" / "search-date", tmp_path)
    _, out, _ = run_check(tmp_path, monkeypatch, capsys, "fall", "--format", "github")
    assert out.strip() == ("::error file=fall/searches.yaml,line=5,col=13,title=HTA303::"
                           "PubMed was searched 2024-07-10, after the decision date 2024-06-01.")


def test_exit_status_2_when_the_command_cannot_run(tmp_path, monkeypatch, capsys):
    assert run_check(tmp_path, monkeypatch, capsys, "finns-inte")[0] == 2
    assert run_check(tmp_path, monkeypatch, capsys, "--format", "xml")[0] == 2
    (tmp_path / "tom").mkdir()  # a folder, though, is checked: it is not an assessment (HTA950)
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, "tom")
    assert status == 1 and " HTA950 error: " in out


@pytest.mark.parametrize("case, built", [("typed-number", False), ("screening-unverifiable", True)])
def test_check_and_build_report_the_same_findings(case, built, tmp_path, monkeypatch, capsys):
    from hta.build import build

    assemble(FIXTURES / "broken" / case, tmp_path)
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, "fall")
    [outcome] = build([Path("fall")], tmp_path / "out")
    assert [d.text() for d in outcome.diagnostics] == out.splitlines()
    assert outcome.built is built  # an error stops the build, a note does not


def test_warnings_are_errors_from_for_decision_on(tmp_path, monkeypatch, capsys):
    folder = assemble(FIXTURES / "broken" / "uncited-reference", tmp_path)
    replace_once(folder / "assessment.yaml", "status: for-decision", "status: example")
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, "fall")
    assert (status, out.split(": ")[1]) == (0, "HTA602 warning")
    replace_once(folder / "assessment.yaml", "status: example", "status: decided")
    status, out, _ = run_check(tmp_path, monkeypatch, capsys, "fall")
    assert (status, out.split(": ")[1]) == (1, "HTA602 error")


def test_schemas_and_checks_doc_are_generated_from_the_code():
    from hta.generated import generated_files

    for path, text in generated_files().items():
        expected = text.encode("utf-8") if isinstance(text, str) else text
        assert path.read_bytes() == expected, f"{path} is stale: run `hta docs`"
