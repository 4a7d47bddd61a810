"""A build converts only the assessments whose inputs changed; workers and shards give the same library."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import REPO, replace_once

from hta import build as build_module
from hta import cache
from hta.build import build
from hta.cli import main
from hta.library.index import FAILED
from hta.parallel import Shard

MINIMAL = REPO / "tests" / "fixtures" / "minimal"
NAMES = ("alfa", "beta", "gamma")  # alfa and beta in Swedish, gamma in English


def make_library(root: Path) -> list[Path]:
    folders = []
    for name in NAMES:
        folder = root / name
        shutil.copytree(MINIMAL, folder)
        replace_once(folder / "assessment.yaml", "dnr: TEST/0001", f"dnr: TEST/{name}")
        if name == "gamma":
            replace_once(folder / "assessment.yaml", "language: sv", "language: en")
        folders.append(folder)
    return folders


@pytest.fixture(scope="module")
def built_library(tmp_path_factory) -> Path:
    """The three assessments built once; each test works on its own copy of sources and outputs."""
    root = tmp_path_factory.mktemp("library")
    folders = make_library(root / "src")
    outcomes = build(folders, root / "out", jobs=1)
    assert all(o.built and not o.reused for o in outcomes), [d.text() for o in outcomes for d in o.diagnostics]
    return root


@pytest.fixture
def library(built_library, tmp_path) -> Path:
    shutil.copytree(built_library, tmp_path / "lib")
    return tmp_path / "lib"


def rebuilt(root: Path, engine: str = "pandoc", force: bool = False) -> set[str]:
    """Build the library again in this process; the names of the assessments actually converted."""
    outcomes = build([root / "src" / n for n in NAMES], root / "out", engine, jobs=1, force=force)
    assert all(o.built for o in outcomes), [d.text() for o in outcomes for d in o.diagnostics]
    return {o.name for o in outcomes if not o.reused}


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def reports(out: Path) -> dict[str, bytes]:
    """The reports and index, without the build's own state: its lock, log and cache (which gains records as the
    library moves)."""
    return {name: content for name, content in files(out).items() if not name.startswith(".hta/")}


# --- each input, changed alone ----------------------------------------------------------------------

def _copy_to(monkeypatch, tmp: Path, module, attribute: str, source: Path) -> Path:
    """Point `module.attribute` at a copy of `source` that the test may change."""
    copy = tmp / source.name
    shutil.copytree(source, copy) if source.is_dir() else shutil.copyfile(source, copy)
    monkeypatch.setattr(module, attribute, copy)
    return copy


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def change_assessment_file(monkeypatch, tmp):
    """Returns the change to make once the unchanged library was seen to rebuild nothing."""
    return lambda: _append(tmp / "lib" / "src" / "alfa" / "sections" / "background.md", "\nEn mening till.\n")


def change_report_template(monkeypatch, tmp):
    templates = _copy_to(monkeypatch, tmp, cache, "TEMPLATES", cache.TEMPLATES)
    return lambda: _append(templates / "report.css", "\n/* changed */\n")


def change_index_template(monkeypatch, tmp):
    templates = _copy_to(monkeypatch, tmp, cache, "TEMPLATES", cache.TEMPLATES)
    return lambda: _append(templates / "index.html.j2", "\n{# changed #}\n")


def change_labels(monkeypatch, tmp):
    labels = _copy_to(monkeypatch, tmp, cache, "LABELS", cache.LABELS)
    return lambda: _append(labels / "en.yaml", "\n# changed\n")


def change_csl(monkeypatch, tmp):
    csl = tmp / "style.csl"
    shutil.copyfile(build_module.default_csl(), csl)
    monkeypatch.setattr(build_module, "default_csl", lambda: csl)
    return lambda: _append(csl, "\n<!-- changed -->\n")


def change_font(monkeypatch, tmp):
    fonts = [tmp / p.name for p in cache.font_files()]
    for real, copy in zip(cache.font_files(), fonts):
        shutil.copyfile(real, copy)
    monkeypatch.setattr(cache, "font_files", lambda: fonts)
    return lambda: _append(fonts[0], "\0")


def _version(name: str):
    def change(monkeypatch, tmp):
        return lambda: monkeypatch.setattr(cache, name, lambda: "999.0")

    return change


CHANGES = [
    pytest.param(change_assessment_file, {"alfa"}, id="assessment-file"),
    pytest.param(change_report_template, set(NAMES), id="report-template"),
    pytest.param(change_index_template, set(), id="index-template-only"),
    pytest.param(change_labels, {"gamma"}, id="labels-of-one-language"),
    pytest.param(change_csl, set(NAMES), id="csl-style"),
    pytest.param(change_font, set(NAMES), id="font-file"),
    pytest.param(_version("hta_version"), set(NAMES), id="hta-version"),
    pytest.param(_version("pandoc_version"), set(NAMES), id="pandoc-version"),
    pytest.param(_version("typst_version"), set(NAMES), id="typst-version"),
]


@pytest.mark.parametrize("make_change, affected", CHANGES)
def test_changing_one_input_rebuilds_exactly_the_assessments_it_affects(library, tmp_path, monkeypatch,
                                                                       make_change, affected):
    change = make_change(monkeypatch, tmp_path)
    assert rebuilt(library) == set()  # the same inputs, held elsewhere: nothing to do
    change()
    assert rebuilt(library) == affected
    assert rebuilt(library) == set()  # and once rebuilt, it is current again


def test_changing_the_engine_option_rebuilds_every_assessment(library, monkeypatch):
    real = build_module.write_report
    # there is no Quarto here: the engine option changes the digest; pandoc still does the converting
    from hta.convert import convert

    monkeypatch.setattr(convert, "quarto_path", lambda: "/usr/local/bin/quarto")
    monkeypatch.setattr(build_module, "write_report",
                        lambda a, out_root, engine, digest="", findings=(), **options: real(a, out_root, "pandoc", digest, findings,
                                                                             **options))
    assert rebuilt(library, engine="quarto") == set(NAMES)
    assert rebuilt(library, engine="quarto") == set()
    assert rebuilt(library, engine="pandoc") == set(NAMES)


def test_an_unchanged_library_rebuilds_nothing_and_keeps_its_files(library):
    before = reports(library / "out")
    assert rebuilt(library) == set()
    assert reports(library / "out") == before


def test_the_index_is_written_again_only_when_what_it_lists_or_how_it_looks_changed(library, tmp_path, monkeypatch):
    from hta.library import index as library_module

    real, written = library_module.write_index, []
    monkeypatch.setattr(library_module, "write_index", lambda root: written.append(root) or real(root))
    index = library / "out" / "index.html"
    rebuilt(library)
    assert written == []  # nothing changed: the index stays as it is

    replace_once(library / "src" / "alfa" / "assessment.yaml", "title: Ett minimalt", "title: Nytt namn, ett minimalt")
    rebuilt(library)
    assert len(written) == 1 and "Nytt namn" in index.read_text(encoding="utf-8")

    index.unlink()
    rebuilt(library)
    assert len(written) == 2 and index.is_file()

    change_index_template(monkeypatch, tmp_path)()
    rebuilt(library)
    assert len(written) == 3 and "{# changed #}" not in index.read_text(encoding="utf-8")
    rebuilt(library)
    assert len(written) == 3


def test_force_rebuilds_every_assessment_to_the_same_bytes(library):
    before = reports(library / "out")
    assert rebuilt(library, force=True) == set(NAMES)
    assert reports(library / "out") == before


@pytest.mark.parametrize("lose", ["beta.pdf", ".inputs", "report.json"])
def test_a_report_missing_a_file_is_rebuilt(library, lose):
    """A deleted output, or a build killed before it wrote `.inputs`, is never taken as complete."""
    (library / "out" / "beta" / lose).unlink()
    assert rebuilt(library) == {"beta"}
    assert (library / "out" / "beta" / lose).is_file()


def test_a_report_is_current_by_content_not_file_times(library):
    # a copy (as CI restores a cache) has new file times everywhere; copying the library did just that
    for path in (library / "src").rglob("*"):
        path.touch()
    assert rebuilt(library) == set()


def test_a_file_changed_while_one_assessment_is_built_is_read_again_by_the_next_build(library, monkeypatch):
    """One assessment is converted from what its check read: the report is made, and recorded under the
    files as they were before the check, so the next build makes it again with what was written meanwhile."""
    background = library / "src" / "alfa" / "sections" / "background.md"
    check_all = build_module.check_all

    def check_then_edit(*args, **kwargs):
        outcomes = check_all(*args, **kwargs)
        _append(background, "\nSkrivet medan rapporten byggdes.\n")  # read and checked before this sentence
        return outcomes

    def build_alfa() -> list:
        return build([library / "src" / "alfa"], library / "out", jobs=1)

    _append(background, "\nEn mening till.\n")
    monkeypatch.setattr(build_module, "check_all", check_then_edit)
    [outcome] = build_alfa()
    assert outcome.built and not outcome.reused
    qmd = library / "out" / "alfa" / "alfa.qmd"
    assert "En mening till." in qmd.read_text(encoding="utf-8")
    assert "Skrivet medan" not in qmd.read_text(encoding="utf-8")  # never a text its check did not read
    monkeypatch.setattr(build_module, "check_all", check_all)
    # the report lacks the sentence written during the build: it is not current, and is made again with it
    [outcome] = build_alfa()
    assert outcome.built and not outcome.reused
    assert "Skrivet medan rapporten byggdes." in qmd.read_text(encoding="utf-8")
    [outcome] = build_alfa()
    assert outcome.reused


def test_a_file_changed_after_its_check_in_a_library_build_stops_that_report_alone(library, monkeypatch):
    """A library's assessments are read again where each is converted (memory stays that of one): one whose
    files changed since its check is not converted from text no check read; it is said, and the next build
    checks and makes it."""
    background = library / "src" / "alfa" / "sections" / "background.md"
    check_all = build_module.check_all

    def check_then_edit(*args, **kwargs):
        outcomes = check_all(*args, **kwargs)
        _append(background, "\nSkrivet medan biblioteket byggdes.\n")
        return outcomes

    monkeypatch.setattr(build_module, "check_all", check_then_edit)
    before = files(library / "out" / "alfa")
    outcomes = build([library / "src" / n for n in NAMES], library / "out", jobs=1, force=True)
    by_name = {o.name: o for o in outcomes}
    assert by_name["beta"].built and by_name["gamma"].built and not by_name["alfa"].built
    [finding] = [d for d in by_name["alfa"].diagnostics if d.code == "HTA962"]
    assert finding.path.endswith("alfa") and "its files changed after they were checked" in finding.message, finding.text()
    after = files(library / "out" / "alfa")
    assert {k: v for k, v in after.items() if k != FAILED} == before  # its last good report stays as it was
    monkeypatch.setattr(build_module, "check_all", check_all)
    assert rebuilt(library) == {"alfa"}
    assert "Skrivet medan biblioteket byggdes." in (library / "out" / "alfa" / "alfa.qmd").read_text(encoding="utf-8")


def test_a_library_build_holds_one_assessment_in_memory_at_a_time(library, monkeypatch):
    """Peak memory flat in the number of assessments: once checked, an assessment of a library is let go,
    and each is read again where it is converted."""
    import gc
    import weakref

    read = []
    real_read, real_write = build_module.read_and_check, build_module.write_report

    def read_and_check(*args, **kwargs):
        assessment, findings = real_read(*args, **kwargs)
        read.append(weakref.ref(assessment))
        return assessment, findings

    alive_while_writing = []

    def write_report(assessment, *args, **kwargs):
        gc.collect()
        alive_while_writing.append(sum(ref() is not None for ref in read))
        return real_write(assessment, *args, **kwargs)

    monkeypatch.setattr(build_module, "read_and_check", read_and_check)
    monkeypatch.setattr(build_module, "write_report", write_report)
    outcomes = build([library / "src" / n for n in NAMES], library / "out", jobs=1, force=True)
    assert all(o.built for o in outcomes) and all(o.assessment is None for o in outcomes)
    # alive while each is converted: at most the one checked last, which the checks' caches hold (the one
    # converted was read again); before, the outcomes held every assessment of the library until the end
    assert len(read) == len(NAMES) and len(alive_while_writing) == len(NAMES)
    assert max(alive_while_writing) <= 1, alive_while_writing


# --- workers --------------------------------------------------------------------------------------

def test_parallel_and_serial_builds_are_byte_identical(built_library, tmp_path):
    folders = [built_library / "src" / n for n in NAMES]
    outcomes = build(folders, tmp_path / "parallel", jobs=2)
    assert [o.name for o in outcomes] == list(NAMES)  # the summary keeps the library's order
    assert all(o.built and not o.reused for o in outcomes)
    assert reports(tmp_path / "parallel") == reports(built_library / "out")


def test_one_assessment_with_cores_to_spare_converts_side_by_side_into_the_same_bytes(built_library, tmp_path,
                                                                                      monkeypatch):
    """Side by side, pandoc's reading of the .qmd is the one started before the checks (see the next test)."""
    real, ways = build_module.convert_qmd, []

    def convert_qmd(job, assessment, engine, meanwhile=None, side_by_side=True, reading=None):
        ways.append((side_by_side, reading is not None))  # side by side, or one converter after another
        return real(job, assessment, engine, meanwhile, side_by_side, reading)

    monkeypatch.setattr(build_module, "convert_qmd", convert_qmd)
    [outcome] = build([built_library / "src" / "alfa"], tmp_path / "out", jobs=2)
    assert outcome.built and ways == [(True, True)]
    assert files(tmp_path / "out" / "alfa") == files(built_library / "out" / "alfa")  # built with jobs=1
    build([built_library / "src" / "beta"], tmp_path / "out", jobs=1)
    assert ways == [(True, True), (False, False)]


def _watch_early_readings(monkeypatch) -> list:
    """The readings a build starts before the checks, each with whether the checks had run when it started."""
    from hta.check import run
    from hta.convert import convert

    started, checked = [], []
    real_read, real_checks = convert.read_apart, run.run_checks

    def read_apart(*args):
        started.append((real_read(*args), bool(checked)))
        return started[-1][0]

    def run_checks(assessment):
        checked.append(assessment.name)
        return real_checks(assessment)

    monkeypatch.setattr(convert, "read_apart", read_apart)
    monkeypatch.setattr(run, "run_checks", run_checks)
    return started


def test_one_assessment_with_cores_to_spare_is_read_by_pandoc_while_it_is_checked(built_library, tmp_path,
                                                                                  monkeypatch):
    started = _watch_early_readings(monkeypatch)
    [outcome] = build([built_library / "src" / "alfa"], tmp_path / "out", jobs=2)
    assert outcome.built
    [(reading, after_checks)] = started
    assert not after_checks
    assert reading._process.returncode == 0 and not reading._apart.exists()  # ended, its folder removed
    build([built_library / "src" / n for n in NAMES], tmp_path / "many", jobs=2)  # converted by workers
    build([built_library / "src" / "beta"], tmp_path / "serial", jobs=1)
    assert len(started) == 1


def test_a_report_that_cannot_be_drafted_before_the_checks_is_left_to_them(library, tmp_path, monkeypatch):
    """A count of a search that does not exist cannot be filled in: the .qmd is not drafted, no reading starts,
    and the checks say what is wrong, as a build that reads nothing early does (not a bug of hta)."""
    started = _watch_early_readings(monkeypatch)
    _append(library / "src" / "alfa" / "sections" / "method.md", "\nOch {{okand.identified}} till.\n")
    [outcome] = build([library / "src" / "alfa"], tmp_path / "out", jobs=2)
    assert started == [] and not outcome.built
    codes = {d.code for d in outcome.diagnostics if d.severity.value == "error"}
    assert codes and "HTA960" not in codes
    [serial] = build([library / "src" / "alfa"], tmp_path / "serial", jobs=1)
    assert serial.diagnostics == outcome.diagnostics


def test_a_reading_started_before_the_checks_found_errors_is_stopped_and_leaves_nothing(library, tmp_path,
                                                                                        monkeypatch):
    started = _watch_early_readings(monkeypatch)
    _append(library / "src" / "alfa" / "sections" / "background.md", "\nSe [@inte-i-listan].\n")  # an error
    before = files(library / "out" / "alfa")
    [outcome] = build([library / "src" / "alfa"], library / "out", jobs=2)
    assert not outcome.built and any(d.severity.value == "error" for d in outcome.diagnostics)
    [(reading, _after_checks)] = started
    assert reading._process.returncode is not None and not reading._apart.exists()
    # the last good report stays as it was; beside it, the record of the failed build (see record_failures)
    assert {n: c for n, c in files(library / "out" / "alfa").items() if n != FAILED} == before
    assert not list((library / "out" / ".hta").glob("tmp-*"))


def test_a_build_with_cores_to_spare_draws_the_flow_pngs_in_a_process_of_its_own(built_library, tmp_path,
                                                                                 monkeypatch):
    """The flow PNGs of a build with cores to spare are drawn by a process that runs while this one writes
    the .qmd and waits for pandoc: drawing them here fails, and the files are the same bytes as a serial
    build's. No such process is left when the build returns."""
    from hta.render import raster

    def not_here(*args, **kwargs):
        raise AssertionError("drawn in the build's own process")

    monkeypatch.setattr(raster, "flow_png", not_here)
    [outcome] = build([built_library / "src" / "alfa"], tmp_path / "out", jobs=2)
    assert outcome.built, outcome.diagnostics
    assert files(tmp_path / "out" / "alfa") == files(built_library / "out" / "alfa")  # built with jobs=1
    assert not cache._DRAWING and raster.DRAWING._ready is None


def test_the_flow_pngs_are_drawn_once_from_before_the_checks(built_library, tmp_path, monkeypatch):
    """With cores to spare, the flow PNGs are drawn from the moment pandoc starts reading, before the checks
    (the Word writer may start as soon as pandoc has the tree, and waits for them), by one process: writing
    the .qmd after the checks starts no second drawing of the same PNGs."""
    from hta.check import run
    from hta.render import raster

    drawings, checked = [], []
    real_draw, real_checks = raster.draw_apart, run.run_checks

    def draw_apart(drawing):
        drawings.append(([path.name for _svg, path in drawing], bool(checked)))
        return real_draw(drawing)

    def run_checks(assessment):
        checked.append(assessment.name)
        return real_checks(assessment)

    monkeypatch.setattr(raster, "draw_apart", draw_apart)
    monkeypatch.setattr(run, "run_checks", run_checks)
    [outcome] = build([built_library / "src" / "alfa"], tmp_path / "out", jobs=2)
    assert outcome.built, outcome.diagnostics
    [(pngs, after_checks)] = drawings
    assert len(pngs) == len(list((tmp_path / "out" / "alfa" / "resources").glob("flow-*.svg"))) > 0 and not after_checks
    assert files(tmp_path / "out" / "alfa") == files(built_library / "out" / "alfa")  # built with jobs=1


def test_a_build_with_nothing_to_convert_ends_the_processes_it_started_for_converting(built_library, tmp_path,
                                                                                     monkeypatch):
    """A build of one assessment on two cores starts its Typst worker and PNG drawing process while it reads;
    when the report is current after all, both are stopped, not left waiting."""
    from hta.convert import convert
    from hta.render import raster

    build([built_library / "src" / "alfa"], tmp_path / "out", jobs=2)
    started = []
    for spare in (convert.TYPST, raster.DRAWING):
        monkeypatch.setattr(spare, "_start", lambda real=spare._start: started.append(real()) or started[-1])
    [outcome] = build([built_library / "src" / "alfa"], tmp_path / "out", jobs=2)
    assert outcome.reused and len(started) == 2
    assert all(p.returncode is not None for p in started)
    assert convert.TYPST._ready is None and raster.DRAWING._ready is None


def test_a_failing_assessment_leaves_the_others_built(built_library, tmp_path, monkeypatch):
    real = build_module.write_report

    def write_report(assessment, out_root, engine, digest="", findings=(), **options):
        if assessment.name == "beta":
            raise RuntimeError("converter broke on beta")
        return real(assessment, out_root, engine, digest, findings, **options)

    monkeypatch.setattr(build_module, "write_report", write_report)
    outcomes = build([built_library / "src" / n for n in NAMES], tmp_path / "out", jobs=1)
    assert {o.name: [d.code for d in o.diagnostics if d.code == "HTA960"] for o in outcomes} == {
        "alfa": [], "beta": ["HTA960"], "gamma": []}
    assert (tmp_path / "out" / "alfa" / cache.INPUTS).is_file()
    assert (tmp_path / "out" / "gamma" / cache.INPUTS).is_file()
    assert not (tmp_path / "out" / "beta" / cache.INPUTS).exists()


def test_progress_is_reported_for_each_assessment_as_it_finishes(built_library, tmp_path, capsys):
    folders = [str(built_library / "src" / n) for n in NAMES]
    assert main(["build", *folders, "--out", str(tmp_path / "out"), "-j", "2"]) == 0
    out = capsys.readouterr().out
    assert sorted(line.split(":")[0].split("] ")[1] for line in out.splitlines() if line.startswith("[")) \
        == list(NAMES)
    assert main(["build", *folders, "--out", str(tmp_path / "out"), "-j", "2"]) == 0
    out = capsys.readouterr().out
    assert "3 of them up to date" in out and out.count("up to date (its inputs did not change)") == 3


# --- shards ---------------------------------------------------------------------------------------

def test_shards_cover_every_assessment_exactly_once():
    names = [Path(f"bedomning-{i}") for i in range(200)]
    for count in (1, 2, 3, 7):
        parts = [Shard(k, count).members(names) for k in range(1, count + 1)]
        assert sorted(p for part in parts for p in part) == sorted(names)
        assert sum(len(part) for part in parts) == len(names)


def test_adding_an_assessment_moves_no_other_to_another_shard():
    names = [Path(f"bedomning-{i}") for i in range(100)]
    before = {k: Shard(k, 4).members(names) for k in range(1, 5)}
    after = {k: Shard(k, 4).members(names + [Path("en-till")]) for k in range(1, 5)}
    assert sum(len(set(after[k]) - set(before[k])) for k in after) == 1


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0"])
def test_a_shard_that_is_not_k_of_n_is_refused(text, capsys):
    assert main(["build", "--shard", text]) == 2
    assert "--shard takes K/N" in capsys.readouterr().err


def test_the_index_assembled_from_shards_equals_the_full_builds(built_library, tmp_path):
    folders = [str(built_library / "src" / n) for n in NAMES]
    parts = []
    for k in (1, 2):
        out = tmp_path / f"part-{k}"
        assert main(["build", *folders, "--out", str(out), "--shard", f"{k}/2", "-j", "1"]) == 0
        assert not (out / "index.html").exists()  # a part's index would list only that part
        parts.append(sorted(p.name for p in out.iterdir() if (p / "report.json").is_file()))
    assert sorted(parts[0] + parts[1]) == list(NAMES)

    together = tmp_path / "together"
    for k in (1, 2):
        shutil.copytree(tmp_path / f"part-{k}", together, dirs_exist_ok=True)
    assert main(["build", "--index-only", "--out", str(together)]) == 0
    for index in ("index.html", "index.qmd"):
        assert (together / index).read_bytes() == (built_library / "out" / index).read_bytes()
    for name in NAMES:
        assert files(together / name) == files(built_library / "out" / name)


# --- less work per assessment ------------------------------------------------------------------------

def test_flow_pngs_are_kept_by_content_and_the_reference_document_is_the_shipped_one(built_library):
    kept = built_library / "out" / cache.CACHE
    pngs = list((kept / "png").glob("*.png"))
    assert pngs  # one per distinct diagram
    for name in NAMES:
        for png in (built_library / "out" / name / "resources").glob("flow-*.png"):
            assert hashlib.sha256(png.read_bytes()).digest() in {hashlib.sha256(p.read_bytes()).digest() for p in pngs}
    from hta.paths import TEMPLATES

    assert (built_library / "out" / "alfa" / "resources" / "reference.docx").read_bytes() == \
        (TEMPLATES / "reference.docx").read_bytes()  # shipped, not made by the build


def test_citations_are_resolved_once_into_every_format(built_library):
    """Each format shows the numbered reference list: the Typst source carries the formatted citations,
    never Typst's own #cite, which would need a bibliography Typst does not have."""
    import json

    from reports import docx_text, pdf_text, read_html, words

    out = built_library / "out" / "alfa"
    titles = [r["title"] for r in json.loads((MINIMAL / "references.json").read_text(encoding="utf-8"))]
    assert "#cite(" not in (out / "resources" / "alfa.typ").read_text(encoding="utf-8")
    for text in (docx_text(out / "alfa.docx"), read_html(out / "alfa.html").text, pdf_text(out / "alfa.pdf")):
        for title in titles:
            assert words(title) in words(text)


def test_an_unchanged_assessment_is_not_read_again_and_keeps_its_findings(built_library, tmp_path, monkeypatch):
    from hta.diagnostics import Diagnostic, Severity

    note = Diagnostic("alfa/searches.yaml", 3, 1, "HTA403", Severity.NOTE, "a note from the first check.")
    real = build_module.read_and_check

    def with_note(folder, meanwhile=None):
        assessment, findings = real(folder, meanwhile)
        return assessment, findings + [note] * (folder.name == "alfa")

    folders = [built_library / "src" / n for n in NAMES]
    monkeypatch.setattr(build_module, "read_and_check", with_note)
    build(folders, tmp_path / "out", jobs=1)

    def unread(folder, meanwhile=None):
        raise AssertionError(f"{folder} was read again")

    monkeypatch.setattr(build_module, "read_and_check", unread)
    outcomes = build(folders, tmp_path / "out", jobs=1)
    assert all(o.reused for o in outcomes)
    assert [o.diagnostics for o in outcomes] == [[note], [], []]


def test_a_first_build_reads_its_assessment_before_it_hashes_htas_code_and_fonts(library, tmp_path, monkeypatch):
    """With no check recorded yet there is none to look up, and the digest that names a record (hta's code, its
    fonts) is taken while pandoc reads, not before the assessment is read; a build after it finds the record."""
    order = []
    real_digest, real_read = cache._tools_digest, build_module.read_and_check
    monkeypatch.setattr(cache, "_tools_digest", lambda: order.append("digest") or real_digest())
    monkeypatch.setattr(build_module, "read_and_check",
                        lambda folder, meanwhile=None: order.append("read") or real_read(folder, meanwhile))
    folder = library / "src" / "alfa"
    assert build([folder], tmp_path / "out", jobs=1)[0].built
    assert "digest" in order and order.index("read") < order.index("digest")
    order.clear()
    again = build([folder], tmp_path / "out", jobs=1)
    assert again[0].reused and "read" not in order


def test_a_library_version_not_found_beside_the_code_is_asked_of_importlib_metadata(monkeypatch):
    """The build digest names each library's version: from its dist-info folder on sys.path, and where there
    is none (an egg, a zip), from importlib.metadata, which finds it by its own means."""
    from importlib import metadata

    names = ("jinja2", "nh3")
    asked = {n: metadata.version(n) for n in names}
    assert cache.installed_versions.__wrapped__(names) == asked  # from the dist-info folders
    monkeypatch.setattr(cache, "_dist_info_versions", lambda names: {})
    assert cache.installed_versions.__wrapped__(names) == asked  # from importlib.metadata
