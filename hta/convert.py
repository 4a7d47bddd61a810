"""`.qmd` → HTML, Word and PDF: pandoc (from the pypandoc-binary wheel) by default, Quarto when asked."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .render import Figure


class ConversionError(Exception):
    """pandoc, Quarto or Typst failed: a bug or a broken installation, shown with the exact command."""


@cache
def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def run_pandoc(args: list[str], cwd: Path, stdin: str | None = None, epoch: int = 0) -> str:
    """Run pandoc in its sandbox: it reads only the files named here, never one an author's text names.
    SOURCE_DATE_EPOCH fixes the dates pandoc writes into a Word file."""
    command = [pandoc_path(), "--sandbox", *args]
    env = os.environ | {"SOURCE_DATE_EPOCH": str(epoch)}
    result = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, text=True, encoding="utf-8",
                            env=env)
    if result.returncode != 0:
        raise ConversionError(f"pandoc failed ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    return result.stdout


@dataclass(frozen=True)
class Job:
    """What one conversion needs: the folder holding the .qmd and its resources, and the output stem."""

    folder: Path
    stem: str
    bibliography: Path
    csl: Path
    figures: dict[str, Figure]  # generated figures, by the stem the .qmd names them with
    images: dict[str, Path] = field(default_factory=dict)  # the author's pictures, by their .qmd target
    epoch: int = 0  # the documents' date, seconds since 1970 (see Metadata.document_time)

    @property
    def qmd(self) -> Path:
        return self.folder / f"{self.stem}.qmd"

    def output(self, extension: str) -> Path:
        return self.folder / f"{self.stem}.{extension}"

    def svg_target(self, target: str) -> str:
        """HTML and Typst show our figures as the SVG files beside the .qmd, the author's pictures as they are."""
        return target + ".svg" if target in self.figures else target

    def citeproc(self) -> list[str]:
        return ["--citeproc", f"--bibliography={self.bibliography}", f"--csl={self.csl}"]


def read_ast(job: Job) -> dict:
    """The .qmd parsed once into pandoc's JSON AST, citations already resolved: each output format is
    written from it, and citeproc runs once instead of once per format."""
    return json.loads(run_pandoc([job.qmd.name, "--from=markdown", "--to=json", *job.citeproc()], job.folder))


def with_images(ast: dict, resolve, job: Job, drop_banner: bool = False) -> str:
    """The AST with each image target rewritten by `resolve(target) -> str`, our figures described in
    words for screen readers, and the banner div dropped for formats whose template prints it itself.
    An image that is neither generated nor one of the author's pictures becomes its alt text: nothing
    outside the build is ever read."""

    def walk(node):
        if isinstance(node, list):
            return [walk(x) for x in node if not (drop_banner and _is_banner(x))]
        if isinstance(node, dict):
            if node.get("t") == "Image":
                attr, alt, (target, title) = node["c"]
                if target in job.figures:
                    alt = [{"t": "Str", "c": job.figures[target].description}]
                elif target not in job.images:
                    return {"t": "Span", "c": [["", [], []], walk(alt)]}
                return {"t": "Image", "c": [attr, walk(alt), [resolve(target), title]]}
            return {k: walk(v) for k, v in node.items()}
        return node

    return json.dumps(walk(ast), ensure_ascii=False)


def _is_banner(node) -> bool:
    return isinstance(node, dict) and node.get("t") == "Div" and "hta-banner" in node["c"][0][1]


def to_docx(job: Job, ast: dict, reference_doc: Path) -> Path:
    # Word gets the PNG rendering inline: pandoc would need rsvg-convert to embed an SVG.
    def resolve(target: str) -> str:
        if target in job.figures:
            return data_uri(job.figures[target].png, "image/png")
        return image_data_uri(job.images[target], for_word=True)

    out = job.output("docx")
    run_pandoc(["--from=json", "--to=docx", f"--reference-doc={reference_doc}",
                f"--output={out.name}"], job.folder, with_images(ast, resolve, job), job.epoch)
    return out


def to_html_body(job: Job, ast: dict) -> str:
    """The report body as an HTML fragment; the page around it comes from templates/report.html.j2."""
    return run_pandoc(["--from=json", "--to=html5", "--section-divs"], job.folder,
                      with_images(ast, job.svg_target, job))


def to_typst(job: Job, ast: dict, template: Path) -> Path:
    out = job.output("typ")
    # citations are resolved in the AST already; with the extension on, the writer would emit Typst's own
    # #cite(<key>) for them, which needs a bibliography Typst does not have
    run_pandoc(["--from=json", "--to=typst-citations", "--standalone", f"--template={template}",
                f"--output={out.name}"], job.folder, with_images(ast, job.svg_target, job, drop_banner=True))
    return out


MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml"}


def data_uri(content: bytes, media_type: str) -> str:
    return f"data:{media_type};base64," + base64.b64encode(content).decode()


def image_data_uri(path: Path, for_word: bool = False) -> str:
    """A picture as a data: URI; for Word an SVG goes as PNG, which every Word and LibreOffice shows."""
    if path.suffix.lower() == ".svg" and for_word:
        from .flow import flow_png

        return data_uri(flow_png(path.read_text(encoding="utf-8")), "image/png")
    return data_uri(path.read_bytes(), MEDIA_TYPES[path.suffix.lower()])


def typst_to_pdf(source: Path, pdf: Path, timestamp: int | None = None) -> Path:
    import typst

    try:
        typst.compile(str(source), output=str(pdf), root=str(source.parent), timestamp=timestamp)
    except Exception as exc:  # typst raises its own error types for compile failures
        raise ConversionError(f"typst failed on {source}: {exc}") from exc
    return pdf


# --- Quarto -----------------------------------------------------------------------------------------

def quarto_path() -> str | None:
    return shutil.which("quarto")


def choose_engine(requested: str) -> str:
    """'auto' is Quarto when it is installed, pandoc otherwise."""
    if requested == "auto":
        return "quarto" if quarto_path() else "pandoc"
    return requested


def quarto_render(job: Job, formats: list[str]) -> None:
    """Render the same .qmd with Quarto; its options are in the .qmd's front matter."""
    quarto = quarto_path()
    if quarto is None:
        raise ConversionError("the quarto engine was asked for, but `quarto` is not on PATH")
    for fmt in formats:
        command = [quarto, "render", job.qmd.name, "--to", fmt]
        result = subprocess.run(command, cwd=job.folder, capture_output=True, text=True)
        if result.returncode != 0:
            raise ConversionError(f"quarto failed: {' '.join(command)}\n{result.stderr}")

