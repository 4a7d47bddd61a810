"""The build can be trusted with a library: no assessment vanishes, a failure stays with its assessment,
converters are bounded, and outputs are replaced as a whole even when a build is killed or run twice."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from hta.cli import main

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
HTA = Path(sys.executable).with_name("hta")
TITLE = "title: Ett minimalt utlåtande för testerna"
MARKER = re.compile(r"Byggmark([a-z]+)")


def library(root: Path, names=("a", "b", "c")) -> Path:
    """`root/assessments/` holding a copy of the minimal assessment per name."""
    for name in names:
        shutil.copytree(MINIMAL, root / "assessments" / name)
    return root


def mark(root: Path, marker: str) -> None:
    """Put `marker` in the title of every assessment of the library, so each output file says which build made it."""
    for yaml in (root / "assessments").glob("*/assessment.yaml"):
        text = re.sub(r"^title: .*$", f"title: Utlåtande Byggmark{marker}", yaml.read_text(encoding="utf-8"), flags=re.M)
        yaml.write_text(text, encoding="utf-8")


def run_cli(root: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def complete_set_marker(folder: Path, name: str | None = None) -> str:
    """The marker of the build that wrote `folder`; fails unless every file is whole and all come from one build."""
    from pypdf import PdfReader

    name = name or folder.name
    html = (folder / f"{name}.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>"), folder
    with zipfile.ZipFile(folder / f"{name}.docx") as word:
        assert word.testzip() is None, folder
        document = word.read("word/document.xml").decode("utf-8")
    pdf = " ".join(page.extract_text() for page in PdfReader(folder / f"{name}.pdf").pages)
    texts = {"qmd": (folder / f"{name}.qmd").read_text(encoding="utf-8"), "html": html, "docx": document,
             "pdf": pdf, "report.json": json.loads((folder / "report.json").read_text(encoding="utf-8"))["title"]}
    markers = {kind: set(MARKER.findall(text)) for kind, text in texts.items()}
    assert all(len(found) == 1 for found in markers.values()) and len(set.union(*markers.values())) == 1, markers
    return markers["qmd"].pop()


def start_build(root: Path) -> subprocess.Popen:
    # a session of its own, so that killing it kills its pandoc and Typst too, as a cancelled CI job does
    return subprocess.Popen([str(HTA), "build"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


# --- outputs replaced as a whole ---------------------------------------------------------------------------

def test_a_killed_build_leaves_each_report_a_complete_old_or_new_set(tmp_path):
    root = library(tmp_path)
    mark(root, "alfa")
    started = time.monotonic()
    first = start_build(root)
    assert first.wait() == 0, first.stderr.read()
    duration = time.monotonic() - started
    current = {name: "alfa" for name in "abc"}
    # kill moments scanned over the whole build: whichever file each is writing, every set stays whole
    for fraction, marker in zip((0.15, 0.3, 0.45, 0.6, 0.75, 0.9), ("bravo", "charlie", "delta", "echo", "foxtrot", "golf")):
        mark(root, marker)
        proc = start_build(root)
        time.sleep(fraction * duration)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for name in current:
            found = complete_set_marker(root / "_build" / name)
            assert found in {current[name], marker}, (name, found)
            current[name] = found
    mark(root, "hotel")
    last = start_build(root)
    assert last.wait() == 0, last.stderr.read()
    assert {name: complete_set_marker(root / "_build" / name) for name in current} == dict.fromkeys(current, "hotel")
    # what the killed builds left behind is cleaned by the next one
    assert sorted(p.name for p in (root / "_build").iterdir()) == [".hta", "a", "b", "c", "index.html", "index.qmd"]
    assert [p.name for p in (root / "_build" / ".hta").iterdir() if p.name.startswith("tmp")] == []


def test_a_reader_during_a_build_only_ever_sees_complete_sets(tmp_path):
    root = library(tmp_path, ("a",))
    mark(root, "mike")
    assert start_build(root).wait() == 0
    mark(root, "november")
    proc = start_build(root)
    seen = set()
    while proc.poll() is None:
        # hold the folder open, as a web server serving its files does, and read every file through it
        folder = os.open(root / "_build" / "a", os.O_RDONLY | os.O_DIRECTORY)
        try:
            seen.add(complete_set_marker(Path(f"/proc/self/fd/{folder}"), "a"))
        except FileNotFoundError:  # allowed only for a set that was swapped out and is being removed
            assert os.stat(root / "_build" / "a").st_ino != os.fstat(folder).st_ino
        finally:
            os.close(folder)
    assert proc.returncode == 0, proc.stderr.read()
    assert seen <= {"mike", "november"} and complete_set_marker(root / "_build" / "a") == "november"


def test_without_an_atomic_exchange_the_set_is_still_replaced_whole(tmp_path, monkeypatch):
    """On a system or file system without renameat2, the old folder is renamed aside, then the new one in."""
    from hta.library import publish
    from hta.build import build

    root = library(tmp_path, ("a",))
    monkeypatch.setattr(publish, "_exchange", lambda new, target: False)
    for marker in ("oscar", "papa"):
        mark(root, marker)
        [outcome] = build([root / "assessments" / "a"], root / "_build")
        assert outcome.built and complete_set_marker(root / "_build" / "a") == marker
    assert [p.name for p in (root / "_build" / ".hta").iterdir() if p.name.startswith("tmp")] == []


def test_two_builds_started_at_once_end_with_one_complete_set_and_no_traceback(tmp_path):
    root = library(tmp_path, ("a", "b"))
    mark(root, "india")
    builds = [start_build(root), start_build(root)]
    results = [(proc.wait(), proc.stderr.read()) for proc in builds]
    assert [status for status, _ in results] == [0, 0], results
    assert not any("Traceback" in err for _, err in results)
    assert [complete_set_marker(root / "_build" / name) for name in "ab"] == ["india", "india"]


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path):
    root = library(tmp_path, ("a",))
    mark(root, "lima")
    (root / "_build" / ".hta").mkdir(parents=True)
    with open(root / "_build" / ".hta" / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a build that is writing holds it
        proc = start_build(root)
        assert proc.stderr.readline().strip() == "waiting for another build of _build/ to finish"
        assert not (root / "_build" / "a").exists()
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert complete_set_marker(root / "_build" / "a") == "lima"


# --- a failure stays with its assessment -------------------------------------------------------------------

def _fail_typst_for_b(monkeypatch):
    from hta.convert import convert

    real = convert.typst_to_pdf

    def typst_to_pdf(source, pdf, *args, **kwargs):
        if source.stem == "b":
            raise convert.ConversionError("typst failed: error: unexpected end of block")
        return real(source, pdf, *args, **kwargs)

    monkeypatch.setattr(convert, "typst_to_pdf", typst_to_pdf)
    return "the PDF", "unexpected end of block"


def _fail_word_for_b(monkeypatch):
    from hta.word import docx

    real = docx.finish_docx

    def finish_docx(path, *args, **kwargs):
        if path.stem == "b":
            raise ValueError("exceeds max length of 255 characters")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(docx, "finish_docx", finish_docx)
    return "the Word file", "exceeds max length of 255 characters"


@pytest.mark.parametrize("breaking", [_fail_typst_for_b, _fail_word_for_b], ids=["typst", "word-post-processing"])
def test_a_converter_failure_stays_with_its_assessment(breaking, tmp_path, monkeypatch, capsys):
    root = library(tmp_path)
    output, detail = breaking(monkeypatch)  # in this process: the build runs serially (-j 1)
    status, out, err = run_cli(root, monkeypatch, capsys, "build", "-j", "1")
    assert status == 1
    [finding] = [line for line in err.splitlines() if " HTA960 " in line]
    assert finding.startswith("assessments/b/") and f"{output} of b could not be made" in finding, finding
    assert detail in finding or detail in (root / "_build" / ".hta" / "build.log").read_text(encoding="utf-8")
    assert "Traceback" not in err
    assert re.search(r"^b\s+NOT built\s+1\s", out, re.M) and re.search(r"^a\s+built\s", out, re.M)
    assert "2 of 3 built." in out
    for name in "ac":
        assert (root / "_build" / name / f"{name}.pdf").is_file()
    assert [p.name for p in (root / "_build" / "b").iterdir()] == ["failed.json"]  # no report, the record of why
    index = (root / "_build" / "index.html").read_text(encoding="utf-8")
    assert "a/a.html" in index and "c/c.html" in index and "b/b.html" not in index


def test_a_failed_rebuild_keeps_the_complete_old_set(tmp_path, monkeypatch, capsys):
    root = library(tmp_path, ("a", "b"))
    mark(root, "juliett")
    assert run_cli(root, monkeypatch, capsys, "build", "-j", "1")[0] == 0
    mark(root, "kilo")
    _fail_typst_for_b(monkeypatch)
    assert run_cli(root, monkeypatch, capsys, "build", "-j", "1")[0] == 1
    assert complete_set_marker(root / "_build" / "a") == "kilo"
    assert complete_set_marker(root / "_build" / "b") == "juliett"


# --- bounds ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("limit, value, said", [
    ("PANDOC_SECONDS", 0.001, "pandoc took longer than"),
    ("PANDOC_MEMORY", "2m", "pandoc needed more than"),
    ("TYPST_SECONDS", 0.001, "Typst took longer than"),
    ("TYPST_MEMORY", 16 * 2**20, "Typst needed more than"),
], ids=["pandoc-time", "pandoc-memory", "typst-time", "typst-memory"])
def test_a_converter_past_its_bound_is_a_finding_naming_the_likeliest_file(limit, value, said, tmp_path, monkeypatch):
    from hta.convert import convert
    from hta.build import build

    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    results = folder / "sections" / "results.md"
    results.write_text(results.read_text(encoding="utf-8") + "\nLång text. " * 400, encoding="utf-8")
    monkeypatch.setattr(convert, limit, value)
    [outcome] = build([folder], tmp_path / "out")
    assert not outcome.built
    [finding] = outcome.diagnostics
    assert (finding.code, finding.path, finding.line, finding.column) == ("HTA961", str(results), 1, 1)
    assert said in finding.message and "sections/results.md" in finding.hint
    assert [p.name for p in (tmp_path / "out" / "fall").iterdir()] == ["failed.json"]  # no report, the record of why


@pytest.fixture
def reading_then(tmp_path, monkeypatch):
    """`reading_then(shell, output="")`: pandoc as the build runs it, its stdout through `output` (a pipe), but
    its reading (the one run given templates/reading.lua) goes on with `shell` once it has handed over its tree
    and written the Typst source."""
    from hta.convert import convert

    def wrap(after: str, output: str = "") -> None:
        wrapper = tmp_path / "pandoc"
        wrapper.write_text(f'#!/bin/sh\n"{convert.pandoc_path()}" "$@" {output} || exit $?\n'
                           f'case "$*" in *reading.lua*) {after};; esac\n', encoding="utf-8")
        wrapper.chmod(0o755)
        monkeypatch.setenv("PYPANDOC_PANDOC", str(wrapper))
        clear()

    def clear() -> None:
        for cached in (convert.pandoc_path, convert.ask_pandoc_version, convert.pandoc_version):
            cached.cache_clear()

    yield wrap
    clear()


def test_the_word_and_html_writers_start_on_the_tree_before_pandoc_has_written_the_typst_source(
        tmp_path, monkeypatch, reading_then):
    """pandoc hands the inert tree over before it goes on to the Typst source; the writers need no more, and
    start then. Here the reading takes three seconds more after its tree (a pandoc that waits before it ends):
    the web page's and the Word file's pandoc runs have started before it ends, and the report is whole."""
    from hta.build import build
    from hta.convert import convert

    reading_then("sleep 3")
    writers, ended = {}, []
    real_html, real_docx, real_result = convert.to_html_body, convert.to_docx, convert.Reading.result

    def to_html_body(*args):
        writers["html"] = time.monotonic()
        return real_html(*args)

    def to_docx(*args):
        writers["docx"] = time.monotonic()
        return real_docx(*args)

    def result(self, typst):
        try:
            return real_result(self, typst)
        finally:
            ended.append(time.monotonic())

    monkeypatch.setattr(convert, "to_html_body", to_html_body)
    monkeypatch.setattr(convert, "to_docx", to_docx)
    monkeypatch.setattr(convert.Reading, "result", result)
    shutil.copytree(MINIMAL, tmp_path / "assessments" / "fall")
    mark(tmp_path, "alfa")
    # one assessment, its converters side by side
    [outcome] = build([tmp_path / "assessments" / "fall"], tmp_path / "out", jobs=2)
    assert outcome.built, [d.text() for d in outcome.diagnostics]
    [reading_ended] = ended
    assert reading_ended - writers["html"] > 1 and reading_ended - writers["docx"] > 1, (writers, reading_ended)
    assert complete_set_marker(tmp_path / "out" / "fall") == "alfa"


@pytest.mark.parametrize("after, said", [
    ("echo 'template error: report.typst line 3' >&2\nexit 83", "pandoc failed (exit status 83)"),
    ("exec sleep 30", "pandoc took longer than 4 s"),
], ids=["fails", "hangs"])
def test_a_reading_that_fails_after_handing_over_its_tree_leaves_no_report(after, said, tmp_path, monkeypatch,
                                                                           reading_then):
    """The Word and HTML writers start on pandoc's tree while pandoc goes on to write the Typst source; when
    it then fails or hangs, the build says so for the report and writes none of it."""
    from hta.build import build
    from hta.convert import convert

    reading_then(after)
    monkeypatch.setattr(convert, "PANDOC_SECONDS", 4)
    folder = tmp_path / "fall"
    shutil.copytree(MINIMAL, folder)
    [outcome] = build([folder], tmp_path / "out", jobs=2)  # one assessment, its converters side by side
    assert not outcome.built
    assert any(said in d.message for d in outcome.diagnostics), [d.message for d in outcome.diagnostics]
    assert [p.name for p in (tmp_path / "out" / "fall").iterdir()] == ["failed.json"]


def test_a_reading_cut_off_while_it_hands_over_its_tree_is_said_as_pandocs_failure(reading_then):
    """A pandoc that dies in the middle of the tree's line (here: its stdout cut after 1000 bytes, then exit
    status 83) gave the writers no tree: they are told pandoc's failure, never a half-read JSON."""
    from hta.build import default_csl
    from hta.convert.convert import ConversionError, read_apart
    from hta.paths import TEMPLATES

    reading_then("exit 83", output="| head -c 1000")
    reading = read_apart("x", "Lång text. " * 500, "[]", default_csl(), 0, TEMPLATES / "report.typst", {})
    try:
        with pytest.raises(ConversionError, match=r"exit status 83"):
            reading.ast()
    finally:
        reading.stop()


@pytest.mark.parametrize("pandoc, said", [
    ("#!/bin/sh\necho 'error while loading shared libraries: libgmp.so.10' >&2\nexit 127\n", "libgmp.so.10"),
    ("#!/bin/sh\nexec sleep 30\n", "0.5 s"),
    (None, "No such file or directory"),
], ids=["fails", "hangs", "missing"])
def test_a_pandoc_that_cannot_say_its_version_is_said_as_such_without_a_traceback(pandoc, said, tmp_path, monkeypatch, capsys):
    from hta.convert import convert

    root = library(tmp_path, ("a",))
    fake = tmp_path / "pandoc"
    if pandoc:
        fake.write_text(pandoc, encoding="utf-8")
        fake.chmod(0o755)
    monkeypatch.setenv("PYPANDOC_PANDOC", str(fake))
    monkeypatch.setattr(convert, "VERSION_SECONDS", 0.5)
    for cached in (convert.pandoc_path, convert.ask_pandoc_version, convert.pandoc_version):
        cached.cache_clear()
    try:
        status, out, err = run_cli(root, monkeypatch, capsys, "build", "--lang", "en", "-j", "1")
    finally:
        for cached in (convert.pandoc_path, convert.ask_pandoc_version, convert.pandoc_version):
            cached.cache_clear()
    assert status == 2 and "Traceback" not in err
    assert f"pandoc ({fake}) could not say its version" in err and said in err
    assert "pypandoc-binary" in err and "PYPANDOC_PANDOC" in err
    assert not (root / "_build" / "a").exists()


# --- assessments never silently vanish ---------------------------------------------------------------------

def test_every_folder_under_assessments_is_built_or_said_why_not(tmp_path, monkeypatch, capsys):
    root = library(tmp_path, ("ok", "saknas", "yml", "versal", "lank", "nastlad"))
    assessments = root / "assessments"
    (assessments / "saknas" / "assessment.yaml").unlink()
    (assessments / "yml" / "assessment.yaml").rename(assessments / "yml" / "assessment.yml")
    (assessments / "versal" / "assessment.yaml").rename(assessments / "versal" / "Assessment.yaml")
    (assessments / "lank" / "assessment.yaml").unlink()
    (assessments / "lank" / "assessment.yaml").symlink_to("../finns-inte.yaml")
    inner = assessments / "nastlad" / "inre"
    inner.mkdir()
    for path in list((assessments / "nastlad").iterdir()):
        if path != inner:
            path.rename(inner / path.name)
    # what is not a folder, or is hidden, is not an assessment
    (assessments / ".git").mkdir()
    (assessments / "README.md").write_text("Bedömningarna.\n", encoding="utf-8")
    (assessments / ".DS_Store").write_bytes(b"\0")

    status, out, err = run_cli(root, monkeypatch, capsys, "check")
    assert status == 1 and err == ""
    assert out.splitlines() == [
        "assessments/lank/assessment.yaml:1:1: HTA950 error: the folder assessments/lank is not an assessment: "
        "its assessment.yaml is a link to ../finns-inte.yaml, which does not exist. "
        "Replace the link by the file itself.",
        "assessments/nastlad/inre/assessment.yaml:1:1: HTA950 error: the folder assessments/nastlad is not an "
        "assessment: it has no assessment.yaml, and one was found a level deeper, in assessments/nastlad/inre. "
        "Move the files of assessments/nastlad/inre up into assessments/nastlad, or the folder itself directly "
        "under assessments/.",
        "assessments/saknas/assessment.yaml:1:1: HTA950 error: the folder assessments/saknas is not an assessment: "
        "it has no assessment.yaml. Create one (`hta new` shows every file), or move the folder out of assessments/.",
        "assessments/versal/Assessment.yaml:1:1: HTA950 error: the folder assessments/versal is not an assessment: "
        "it has no assessment.yaml. Rename Assessment.yaml to assessment.yaml.",
        "assessments/yml/assessment.yml:1:1: HTA950 error: the folder assessments/yml is not an assessment: "
        "it has no assessment.yaml. Rename assessment.yml to assessment.yaml.",
    ]
    status, out, err = run_cli(root, monkeypatch, capsys, "build")
    assert status == 1
    assert re.search(r"^ok\s+built\s", out, re.M)
    for name in ("saknas", "yml", "versal", "lank", "nastlad"):
        assert re.search(rf"^{name}\s+NOT built\s+1\s", out, re.M), name
    assert "1 of 6 built." in out


def test_a_folder_named_on_the_command_line_without_assessment_yaml_is_a_finding(tmp_path, monkeypatch, capsys):
    (tmp_path / "tom").mkdir()
    status, out, err = run_cli(tmp_path, monkeypatch, capsys, "check", "tom")
    assert (status, err) == (1, "")
    assert out.startswith("tom/assessment.yaml:1:1: HTA950 error: the folder tom is not an assessment: ")


def test_two_assessments_with_one_output_folder_are_an_error_before_anything_is_written(tmp_path, monkeypatch, capsys):
    for parent in ("x", "y"):
        shutil.copytree(MINIMAL, tmp_path / parent / "rep")
    status, out, err = run_cli(tmp_path, monkeypatch, capsys, "build", "x/rep", "y/rep")
    assert status == 1
    assert [line for line in err.splitlines() if "HTA951" in line] == [
        f"{parent}/rep/assessment.yaml:1:1: HTA951 error: x/rep and y/rep would both be built into _build/rep. "
        "Build them one at a time with different --out folders, or rename one of the folders." for parent in "xy"]
    assert "0 of 2 built." in out
    assert not (tmp_path / "_build").exists()
    assert run_cli(tmp_path, monkeypatch, capsys, "check", "x/rep", "y/rep")[0] == 1


# --- arguments ---------------------------------------------------------------------------------------------

def test_out_naming_a_file_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    library(tmp_path, ("a",))
    (tmp_path / "ut").write_text("en fil\n", encoding="utf-8")
    status, out, err = run_cli(tmp_path, monkeypatch, capsys, "build", "--out", "ut")
    assert (status, out) == (2, "")
    assert err == "hta: --out ut is a file, not a folder; name a folder (it is created when missing).\n"
    assert (tmp_path / "ut").read_text(encoding="utf-8") == "en fil\n"


def test_quarto_engine_without_quarto_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    library(tmp_path, ("a",))
    monkeypatch.setenv("PATH", str(tmp_path / "tom"))
    status, out, err = run_cli(tmp_path, monkeypatch, capsys, "build", "--engine", "quarto")
    assert (status, out) == (2, "")
    assert err == ("hta: --engine quarto needs Quarto, and `quarto` is not on PATH; "
                   "install it from https://quarto.org, or leave out --engine.\n")
    assert not (tmp_path / "_build").exists()
