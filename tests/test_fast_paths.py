"""What makes `hta check` and `hta --help` fast does not change what they do: YAML read through libyaml
gives the values, positions and findings that ruamel's parser gives, and neither command imports the
libraries only a build needs. (How fast they are is measured by benchmarks/run.py, not tested.)"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REFERENCE, REPO
from test_reading_properties import SETTINGS, mutations

from hta.load import reader, yaml_text

YAML_FILES = sorted(p.name for p in REFERENCE.glob("*.yaml"))


def _both_ways(text: str) -> tuple[object, object]:
    """What parse_yaml makes of `text` through libyaml, and through ruamel's parser alone."""
    results = []
    for c_parser in (None if yaml_text._LIBYAML_DIFFERS.search(text) else yaml_text._c_parser(), None):
        source = reader.Source(Path("fil.yaml"))
        loaded = yaml_text._parse_yaml_events(text, source, c_parser)
        if loaded is None:  # libyaml stopped at an error: parse_yaml reads the file with ruamel's parser
            source = reader.Source(Path("fil.yaml"))
            loaded = yaml_text._parse_yaml_events(text, source, None)
        results.append((loaded.data, [d.text() for d in loaded.diagnostics], source.positions))
    return results[0], results[1]


def test_libyaml_is_installed_so_yaml_takes_the_fast_path():
    assert yaml_text._c_parser() is not None


@settings(max_examples=500, **SETTINGS)
@given(text=st.one_of(st.text(max_size=60), st.text(alphabet=st.sampled_from(list("tTfFnN~.+-0123456789eE:_xob <=!&*"
                                                                                  "aelsrupu")), max_size=50)),
       implicit=st.sampled_from([(True, False), (False, True), (False, False), (True, True)]))
def test_a_scalar_the_reader_takes_for_text_without_asking_ruamel_is_text_to_ruamel_too(text, implicit):
    from ruamel.yaml.nodes import ScalarNode

    builder = yaml_text._YamlBuilder(reader.Source(Path("fil.yaml")), yaml_text._resolver())
    asked = str(yaml_text._resolver().resolve(ScalarNode, text, implicit)).removeprefix(yaml_text._YAML_TYPES)
    assert builder._resolved(text, implicit) == asked


@pytest.mark.parametrize("path", sorted((REPO / "templates").rglob("*.yaml")), ids=lambda p: p.name)
def test_the_yaml_files_hta_ships_are_read_by_libyaml_not_by_ruamels_slower_parser(path):
    """Every check and build reads them (the appraisal tools among them): `SBU:s` unquoted in a [list] sent a
    whole file to ruamel's parser in every process."""
    text = path.read_text(encoding="utf-8")
    assert not yaml_text._LIBYAML_DIFFERS.search(text)
    assert yaml_text._parse_yaml_events(text, reader.Source(path), yaml_text._c_parser()) is not None


@settings(max_examples=300, **SETTINGS)
@given(data=st.data(), name=st.sampled_from(YAML_FILES))
def test_yaml_read_through_libyaml_is_what_ruamel_reads_of_the_reference_mutated(data, name):
    content = data.draw(mutations((REFERENCE / name).read_bytes()))
    text, problems = reader.decode_text(content, reader.Source(Path("fil.yaml")))
    if text is None:
        return
    fast, pure = _both_ways(text)
    assert fast == pure


@settings(max_examples=300, **SETTINGS)
@given(text=st.text(alphabet=st.sampled_from(list("ab1:-?[]{},&*!|>'\"#% \t\n.") + ["\u00e5", "\u2028", "\x85"]),
                    max_size=60))
def test_yaml_read_through_libyaml_is_what_ruamel_reads_of_any_text(text):
    fast, pure = _both_ways(text)
    assert fast == pure


# --- what each command imports ------------------------------------------------------------------------

# what only a build, an import of references or a workbook needs (check runs pandoc, so pypandoc may come)
HEAVY = {"pandas", "openpyxl", "docx", "jinja2", "typst", "numpy", "fontTools", "nh3", "bibtexparser",
         "watchfiles", "lxml"}


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules loaded once `hta ARGS` has run in a fresh interpreter, as a user runs it: hta's own by
    their full name, the others by their package."""
    program = ("import sys, json\nfrom hta.cli import main\ntry:\n    main(sys.argv[1:])\nfinally:\n"
               "    print(json.dumps(sorted({m if m.startswith('hta.') else m.split('.')[0] for m in sys.modules})),"
               " file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", program, *args], cwd=cwd, capture_output=True, text=True)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_hta_help_imports_nothing_but_argparse_and_the_command_line_module():
    loaded = _modules_after(["--help"], REFERENCE.parents[1])
    # and the messages: hta.i18n is stdlib only (gettext), and --help is said in the user's language
    assert {m for m in loaded if m.startswith("hta.")} == {"hta.cli", "hta.i18n"}
    assert not loaded & {*HEAVY, "pypandoc", "pydantic", "ruamel", "_ruamel_yaml"}


def test_hta_check_of_an_assessment_with_a_csv_table_imports_none_of_the_build_libraries(tmp_path):
    shutil.copytree(REFERENCE, tmp_path / "assessments" / REFERENCE.name)
    assert (tmp_path / "assessments" / REFERENCE.name / "evidence.csv").is_file()
    loaded = _modules_after(["check"], tmp_path)
    assert not loaded & HEAVY, sorted(loaded & HEAVY)


def test_hta_check_of_a_library_checked_in_workers_loads_no_model_in_the_main_process(tmp_path):
    """The workers send back findings alone: the process that prints them reads no model and builds none of
    its classes (a third of a second of `hta check` of 500)."""
    from hta.build import PARALLEL_CHECK_FROM

    for i in range(PARALLEL_CHECK_FROM):
        shutil.copytree(REFERENCE, tmp_path / "assessments" / f"kopia-{i:02d}")
    loaded = _modules_after(["check"], tmp_path)
    assert "hta.build" in loaded  # it ran
    assert not loaded & {"pydantic", "hta.model.assessment", "hta.load.validate"}, sorted(loaded)


@pytest.mark.parametrize("command", ["hta.convert.convert:TYPST_WORKER", "hta.render.raster:DRAWER"])
def test_the_processes_a_build_starts_for_each_assessment_import_none_of_the_build(command):
    """The Typst worker and the diagrams' drawing process start once per assessment of a library: each imports
    its own module, Typst and what that needs, not the build's modules, which cost a twentieth of a second of
    CPU a process. Run as the build runs them, up to where each reads its task (here: nothing, so it stops)."""
    module, name = command.split(":")
    code = getattr(importlib.import_module(module), name)
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True)
    loaded = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "typst" in loaded  # it got as far as loading Typst before its task
    assert {m for m in loaded if m.startswith("hta.")} <= {"hta.convert", "hta.convert.typst_worker", "hta.convert.spare",
                                                           "hta.render", "hta.render.raster", "hta.paths"}
    assert not loaded & {"subprocess", "dataclasses", "pydantic", "gettext"}, sorted(loaded & {"subprocess", "dataclasses"})


def test_the_formats_check_offers_are_those_it_can_print():
    from hta.cli import FORMATS
    from hta.diagnostics import FORMATTERS

    assert FORMATS == tuple(sorted(FORMATTERS))


# --- numbers in prose: what each number is, decided without scanning the whole line before it -------------

_PROSE = st.lists(st.sampled_from(
    [" ", "\u00a0", "\u202f", "\t", ".", "-", "–", "—", "1", "9", "٣", "a", "x", "Å", "å", "\n",
     "ålder", "Aged", "age", "över", "of", "ÖVER", "under", "på", "kr", "SEK", "€", "jan", "September.", "mars",
     "Studie", "tabell", "s.", "pp.", "kl", "§", "#", "fråga"]), max_size=14).map("".join)


@settings(max_examples=3000, **SETTINGS)
@given(before=_PROSE)
def test_what_stands_before_a_number_is_read_as_the_patterns_over_the_whole_line_read_it(before):
    from hta.check import prose_numbers as p

    # the line goes on after the number: what is read before it must stop at its start
    line, start = before + "12 år", len(before)
    assert p._range_before(line, start) == bool(p._RANGE_BEFORE.search(before))
    assert p._age_before(line, start) == bool(p._AGE_BEFORE.search(before))
    for pattern in (p._MONTH_BEFORE, p._CURRENCY_BEFORE, p._NAME_BEFORE):
        assert p._ends_with(pattern, line, start) == bool(pattern.search(before)), pattern.pattern[:40]
    assert bool(p._DECIMAL_BEFORE.search(line, max(0, start - 3), start)) == bool(p._DECIMAL_BEFORE.search(before))
    assert bool(p._DATE_BEFORE.search(line, max(0, start - 3), start)) == bool(p._DATE_BEFORE.search(before))
    assert bool(p._WORD_BEFORE.search(line, max(0, start - 2), start)) == bool(p._WORD_BEFORE.search(before))


def test_every_word_a_number_is_named_by_fits_the_window_searched_for_it():
    import re

    from hta.check import prose_numbers as p

    for pattern in (p._MONTH_BEFORE, p._CURRENCY_BEFORE, p._NAME_BEFORE, p._AGE_WORD, p._AGE_LINK):
        words = re.search(r"\(\?:([^()]*)\)", pattern.pattern)[1].split("|")
        assert max(len(w) for w in words) + 2 < p.WORD_WINDOW, pattern.pattern[:40]


_LINE = st.lists(st.sampled_from(
    ["1", "12", "20 000", "2019", " ", " och ", " till ", "-", " mg", " år", " träffar", "Studie ", "[@a]", "2024-01-02",
     ",", ".", "a", "%"]), max_size=16).map("".join)


@settings(max_examples=2000, **SETTINGS)
@given(line=_LINE, wanted=st.sets(st.integers(0, 30), max_size=6))
def test_a_number_asked_for_alone_is_what_it_is_among_all_of_its_line(line, wanted):
    from hta.check import prose_numbers as p

    def asked(value: int, end: int) -> bool:
        return value in wanted or end % 3 == 0

    assert p.numbers(line, asked) == [n for n in p.numbers(line) if asked(n.value, n.end)]


def test_the_text_scanned_for_characters_holds_every_text_value_of_the_assessment():
    from hta.check.readable import strings, texts
    from hta.load.validate import read_assessment

    for folder in (REFERENCE, *sorted(p.parent for p in (REFERENCE.parent.parent / "tests" / "fixtures").rglob("assessment.yaml"))):
        a, _findings = read_assessment(folder)
        for value in (a.meta, a.picos, a.searches, a.conclusions, a.evidence, a.references):
            assert sorted(texts(value)) == sorted(text for _loc, text in strings(value)), folder


@settings(max_examples=3000, **SETTINGS)
@given(text=st.lists(st.sampled_from(list("@{}-_ .:/a1\n\\") + ["ab", "a.b", "{x"]), max_size=14).map("".join),
       key=st.sampled_from(["a", "ab", "a.b", "a-b", "{x", "b}"]))
def test_a_citation_is_found_where_the_pattern_of_its_key_finds_it(text, key):
    import re

    from hta.check.readable import key_positions

    # pandoc's reading of one key, as a pattern of its own
    pattern = re.compile(r"(?<![A-Za-z0-9_])-?@(\{" + re.escape(key) + r"\}|" + re.escape(key)
                         + r"(?![A-Za-z0-9_]|[:.#$%&\-+?<>~/][A-Za-z0-9_]))")
    places = sorted({m.start() + (m[0][0] == "-") for m in (pattern.match(text, i) for i in range(len(text))) if m})
    # an @ after an odd number of backslashes is the character typed
    places = [at for at in places if (len(text[:at]) - len(text[:at].rstrip("\\"))) % 2 == 0]
    assert list(key_positions(text, key)) == [(text.count("\n", 0, at), at - text.rfind("\n", 0, at)) for at in places]
