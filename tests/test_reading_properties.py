"""Properties of reading, over generated input: whatever bytes a file holds, each loader gives a valid
value or findings with a place, never another exception; and so do `read_assessment` and `run_checks`
over mutated copies of the reference assessment.

The example counts are modest so that the suite stays fast, and derandomized so that CI sees the same
examples on every run."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import REFERENCE

from hta.diagnostics import MESSAGE_LIMIT, Diagnostic, Severity, has_errors
from hta.rules import RULES

FIXTURES = Path(__file__).parent / "fixtures"
SETTINGS = dict(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# What makes the formats' parsers take another path: YAML's tags, anchors, flow and block marks, JSON's
# numbers, CSV's separators, bytes that are not UTF-8 and characters that are not text.
TOKENS = [b"!", b"!!int ", b"!!python/object:os.system ", b"!foo ", b"&a ", b"*a", b"<<: ", b"[", b"]", b"{", b"}",
          b": ", b"- ", b"? ", b"|\n", b">-\n", b"#", b'"', b"'", b"\\", b"\t", b"\n", b"\r", b"---\n", b"...\n",
          b"%YAML 1.1\n", b",", b";", b"@", b"{{", b"}}", b"NaN", b"-Infinity", b"1e999", b"9" * 40, b"7" * 5000, b"9999-99-99",
          b"9999-12-31", b".inf", b"~", b"null", b"\x00", b"\x1b", b"\x7f", b"\xff", b"\xe5", b"\xc3", b"\xef\xbb\xbf",
          "å".encode(), "\u2028".encode()]


@st.composite
def mutations(draw, original: bytes) -> bytes:
    """`original` with a few edits an author, an editor or an attacker could make: bytes inserted, deleted or
    replaced, a line repeated, a token of one of the formats put in."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["token", "bytes", "delete", "repeat-line"]))
        if kind == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif kind == "bytes":
            data[at:at + draw(st.integers(0, 3))] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        else:
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            line = bytes(data[start:end + 1 if end >= 0 else len(data)])
            data[start:start] = line * draw(st.integers(1, 3))
    return bytes(data)


def assert_located(findings: list[Diagnostic]) -> None:
    """Each finding is of a known rule, at a line and column, on one line of bounded length."""
    for d in findings:
        assert d.code in RULES, d
        assert isinstance(d.line, int) and d.line >= 1 and isinstance(d.column, int) and d.column >= 1, d
        assert d.path and "\n" not in d.message + d.hint and len(d.message) <= MESSAGE_LIMIT, d


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


def written(place: Path, name: str, content: bytes) -> Path:
    path = place / name
    path.write_bytes(content)
    return path


# --- Each loader, over arbitrary bytes and over mutations of real files --------------------------------------------

def _yaml(place: Path, content: bytes) -> None:
    from hta.load.yaml_text import read_yaml

    loaded = read_yaml(written(place, "fil.yaml", content), place)
    assert_located(loaded.diagnostics)
    assert loaded.data is None or not loaded.diagnostics
    assert isinstance(loaded.data, (dict, list, str, int, float, bool, type(None)))


@settings(max_examples=150, **SETTINGS)
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_yaml_from_any_bytes_is_values_or_findings(place, content):
    _yaml(place, content)


@settings(max_examples=150, **SETTINGS)
@given(data=st.data(), name=st.sampled_from(["assessment.yaml", "pico.yaml", "searches.yaml", "conclusions.yaml"]))
def test_yaml_of_the_reference_mutated_is_values_or_findings(place, data, name):
    _yaml(place, data.draw(mutations((REFERENCE / name).read_bytes())))


def _comparable(value: Any) -> Any:
    """A YAML value with every date, or text that starts like one, as DATE: the reader keeps dates as text."""
    import datetime as dt

    if isinstance(value, dict):
        return {str(k): _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)) or isinstance(value, str) and re.match(r"\d{4}-", value):
        return "DATE"
    return value


@settings(max_examples=100, **SETTINGS)
@given(data=st.data(), name=st.sampled_from(["assessment.yaml", "pico.yaml", "searches.yaml", "conclusions.yaml"]))
def test_yaml_the_reader_accepts_has_the_values_ruamel_builds(place, data, name):
    """Differential: where the reader's own builder accepts a file, ruamel's safe loader builds the same values."""
    from ruamel.yaml import YAML

    from hta.load.yaml_text import read_yaml

    content = data.draw(mutations((REFERENCE / name).read_bytes()))
    loaded = read_yaml(written(place, "fil.yaml", content), place)
    if loaded.diagnostics or b"<<" in content:  # a merge key is a key to the reader, and unknown to the format
        return
    theirs = YAML(typ="safe", pure=True).load(content.decode("utf-8-sig"))
    if isinstance(theirs, dict) and None in theirs:  # a key left empty: None there, text here; never a known key
        return
    assert _comparable(loaded.data) == _comparable(theirs)


def _section(place: Path, content: bytes) -> None:
    from hta.load.reader import read_text

    text, findings = read_text(written(place, "background.md", content), place)
    assert_located(findings)
    assert (text is None) == bool(findings)
    if text is not None:
        assert "\r" not in text and "\x00" not in text


@settings(max_examples=150, **SETTINGS)
@given(content=st.binary(max_size=300))
def test_a_section_from_any_bytes_is_text_or_findings(place, content):
    _section(place, content)


@settings(max_examples=100, **SETTINGS)
@given(data=st.data())
def test_a_section_of_the_reference_mutated_is_text_or_findings(place, data):
    _section(place, data.draw(mutations((REFERENCE / "sections" / "results.md").read_bytes())))


def _table(place: Path, name: str, content: bytes) -> None:
    from hta.load.tables import read_table
    from hta.load.validate import evidence_rows

    table, findings = read_table(written(place, name, content), place)
    assert_located(findings)
    assert (table is None) == bool(findings)
    if table is not None:
        more: list[Diagnostic] = []
        evidence_rows(table, more)
        assert_located(more)


@settings(max_examples=150, **SETTINGS)
@given(content=st.binary(max_size=300))
def test_a_csv_from_any_bytes_is_rows_or_findings(place, content):
    _table(place, "evidence.csv", content)


@settings(max_examples=100, **SETTINGS)
@given(data=st.data())
def test_the_reference_evidence_csv_mutated_is_rows_or_findings(place, data):
    _table(place, "evidence.csv", data.draw(mutations((REFERENCE / "evidence.csv").read_bytes())))


@pytest.fixture(scope="module")
def workbook(place) -> bytes:
    import pandas as pd

    pd.read_csv(REFERENCE / "evidence.csv", dtype=str, sep=None, engine="python").to_excel(place / "bok.xlsx", index=False)
    return (place / "bok.xlsx").read_bytes()


@settings(max_examples=40, **SETTINGS)
@given(data=st.data())
def test_an_xlsx_from_any_bytes_or_mutated_is_rows_or_findings(place, workbook, data):
    content = data.draw(st.binary(max_size=300) | mutations(workbook))
    _table(place, "evidence.xlsx", content)


def _references(place: Path, name: str, content: bytes) -> None:
    from hta.load.references import read_reference_file

    references, findings = read_reference_file(written(place, name, content), place)
    assert_located(findings)
    assert references is not None or has_errors(findings)


@settings(max_examples=150, **SETTINGS)
@given(content=st.binary(max_size=300), name=st.sampled_from(["references.json", "references.bib"]))
def test_references_from_any_bytes_are_entries_or_findings(place, content, name):
    _references(place, name, content)


@settings(max_examples=100, **SETTINGS)
@given(data=st.data())
def test_the_reference_references_json_mutated_is_entries_or_findings(place, data):
    _references(place, "references.json", data.draw(mutations((REFERENCE / "references.json").read_bytes())))


@settings(max_examples=60, **SETTINGS)
@given(data=st.data())
def test_a_bibtex_file_mutated_is_entries_or_findings(place, data):
    bib = (REFERENCE.parent / "ketamin-depression" / "kilder" / "gra-litteratur.bib").read_bytes()
    _references(place, "references.bib", data.draw(mutations(bib)))


# --- The whole assessment --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mutated") / REFERENCE.name
    shutil.copytree(REFERENCE, folder)
    return folder


FILES = sorted(str(p.relative_to(REFERENCE)) for p in REFERENCE.rglob("*") if p.is_file())


@settings(max_examples=60, **SETTINGS)
@given(data=st.data(), name=st.sampled_from(FILES))
def test_the_reference_assessment_mutated_gives_a_model_or_located_findings(copy, data, name):
    """read_assessment then run_checks, as `hta check` does: what could be read is checked, located findings."""
    from hta.check.run import run_checks
    from hta.load.validate import read_assessment

    original = (REFERENCE / name).read_bytes()
    (copy / name).write_bytes(data.draw(mutations(original)))
    try:
        assessment, findings = read_assessment(copy)
        assert_located(findings)
        assert not assessment.unread or has_errors(findings)
        checked = run_checks(assessment)  # on what could be read, as `hta check` does
        assert_located(checked)
        assert all(d.severity in Severity for d in checked)
    finally:
        (copy / name).write_bytes(original)


# Values an author could put where another belongs: counts too large or negative, dates out of reason,
# impossible dates, text that names counts, citations and pictures, empty things.
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["9999-12-31", "1024-01-01", "2021-02-30", "not reported", "{{primara.hits.pubmed}}",
                     "{{primara.excluded.x}}", "[@ahl2021]", "[@finns-inte]", "1 AND 99", "4 NOT 3", "figures/x.png",
                     "![bild](figures/x.png)", "TODO", "", "pubmed", "primara", "sekundara"]),
    st.lists(st.text(max_size=8), max_size=3), st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2))


@st.composite
def changed(draw, data: Any) -> Any:
    """`data` with a few values replaced, list items repeated or removed, and keys removed."""
    for _ in range(draw(st.integers(1, 3))):
        places: list[tuple[Any, Any]] = []  # (container, key or index)

        def walk(node: Any) -> None:
            items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
            for key, value in items:
                places.append((node, key))
                walk(value)

        walk(data)
        if not places:
            return draw(VALUES)
        container, key = draw(st.sampled_from(places))
        kind = draw(st.sampled_from(["replace", "repeat", "remove"]))
        if kind == "replace":
            container[key] = draw(VALUES)
        elif kind == "repeat" and isinstance(container, list):
            container.insert(key, json.loads(json.dumps(container[key])))
        else:
            del container[key]
    return data


YAML_FILES = ["assessment.yaml", "pico.yaml", "searches.yaml", "conclusions.yaml"]


@settings(max_examples=60, **SETTINGS)
@given(data=st.data(), name=st.sampled_from(YAML_FILES + ["references.json"]))
def test_the_reference_assessment_with_values_changed_gives_a_model_or_located_findings(copy, data, name):
    """Structured mutations: the file still parses, its values are wrong. JSON is YAML, so a changed YAML file
    is written as JSON."""
    from hta.check.run import run_checks
    from hta.load.yaml_text import read_yaml
    from hta.load.validate import read_assessment

    original = (REFERENCE / name).read_bytes()
    value = json.loads(original) if name.endswith(".json") else read_yaml(REFERENCE / name, REFERENCE).data
    (copy / name).write_text(json.dumps(data.draw(changed(value)), ensure_ascii=False, indent=1), encoding="utf-8")
    try:
        assessment, findings = read_assessment(copy)
        assert_located(findings)
        assert not assessment.unread or has_errors(findings)
        assert_located(run_checks(assessment))
    finally:
        (copy / name).write_bytes(original)


# Text an author could write that reaches every writer: markup of each output format, quotes and escapes,
# characters of many scripts, counts and citations. Inserted as UTF-8 text, so the files still read.
WRITER_TOKENS = ["<script>", "</style>", "<textarea>", "<!--", "`#calc.pow(7, 2)`{=typst}", "```{=openxml}\n<w:p/>\n```",
                 "#", "$", "\\", '"', "'", "*", "_", "[", "]", "{", "}", "@", "@sbu2018", "[@sbu2018]", "<https://x.se>",
                 "[länk](javascript:alert(1))", "::: {.x}\n", "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n", "\n- ", "\n1. ",
                 "\n# Rubrik\n", "{{primara.identified}}", "{{sekundara.fulltext:words}}", "ÅÄÖ åäö ø æ", "العربية",
                 "中文", "😀", "\u00a0", "\u202f", "–", "½", "x" * 300]


@st.composite
def text_edits(draw, original: str) -> str:
    text = original
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(WRITER_TOKENS) | st.text(min_size=1, max_size=12)) + text[at:]
    return text


TEXT_FILES = [f for f in FILES if f.endswith((".md", ".yaml", ".json"))]


@settings(max_examples=12, **SETTINGS)
@given(data=st.data(), name=st.sampled_from(TEXT_FILES))
def test_whenever_check_passes_the_reference_mutated_builds(tmp_path_factory, data, name):
    """A clean check means a clean build: whatever text an edit puts in, when `hta check` finds no error the
    build writes every format, with no converter failure or bound."""
    from hta.build import build, read_and_check

    folder = tmp_path_factory.mktemp("edited") / REFERENCE.name
    shutil.copytree(REFERENCE, folder)
    path = folder / name
    path.write_text(data.draw(text_edits(path.read_text(encoding="utf-8"))), encoding="utf-8")
    _, findings = read_and_check(folder)
    if has_errors(findings):
        return
    event("checked clean, built")
    [outcome] = build([folder], folder.parent / "_build")
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    assert not {"HTA960", "HTA961"} & {d.code for d in outcome.diagnostics}
