"""`.qmd` → HTML, Word and PDF: pandoc (from the pypandoc-binary wheel) by default, Quarto when asked."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from ..paths import TEMPLATES
from .inert import TEXT_NODES
from .spare import Spare, stop

if TYPE_CHECKING:
    from ..render.qmd import Figure


# Bounds of one converter run, so that one input cannot stall or exhaust the machine the build runs on.
# The reference assessment needs about 0.3 s and 200 MB per pandoc run and 0.5 s and 60 MB for Typst;
# the limits leave room for reports many times its size on a slow, shared CI machine.
PANDOC_SECONDS = 120  # wall-clock seconds of one pandoc run
PANDOC_MEMORY = "1g"  # pandoc's heap, as its runtime's `+RTS -M` option takes it (k, m, g)
TYPST_SECONDS = 120  # wall-clock seconds of one Typst compile, in its worker process
TYPST_MEMORY = 2 * 2**30  # bytes of address space of the Typst worker (RLIMIT_AS)
QUARTO_SECONDS = 300  # one `quarto render`: it runs pandoc and Typst itself, unbounded by the above


class ConversionError(Exception):
    """pandoc, Quarto or Typst failed. `str()` says so in a line; `command` and `stderr` are for developers."""

    def __init__(self, message: str, command: list[str] | str = "", stderr: str = "") -> None:
        super().__init__(message)
        self.command = command if isinstance(command, str) else " ".join(command)
        self.stderr = stderr


class LimitExceeded(ConversionError):
    """A converter ran past its time or memory bound and was stopped."""


@cache
def pandoc_path() -> str:
    """The pandoc of the pypandoc-binary wheel, or the one PYPANDOC_PANDOC names, as pypandoc would choose.
    Found without asking pypandoc, which runs `pandoc --version` on every candidate it knows of (a tenth
    of a second in every process that converts or checks)."""
    if os.environ.get("PYPANDOC_PANDOC"):
        return os.environ["PYPANDOC_PANDOC"]
    spec = importlib.util.find_spec("pypandoc")
    bundled = Path(spec.origin).parent / "files" / "pandoc" if spec and spec.origin else None
    if bundled and bundled.is_file():
        return str(bundled)
    import pypandoc

    return pypandoc.get_pandoc_path()


#: Seconds pandoc has to say its version: its own bound, for a build's conversions may be given less.
VERSION_SECONDS = 60


@cache
def ask_pandoc_version() -> subprocess.Popen | OSError:
    """`pandoc --version` started, to be read by `pandoc_version`: a build asks first thing, and pandoc
    answers while the build's code is imported. A pandoc that cannot be started is said by `pandoc_version`."""
    try:
        return subprocess.Popen([pandoc_path(), "--version"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        return exc


@cache
def pandoc_version() -> str:
    """The version pandoc says it is ("3.9"), for the build digest. A pandoc that does not say it is broken
    or missing on this machine: said to the user as such (HtaError), before any assessment is converted."""
    from ..diagnostics import HtaError

    process = ask_pandoc_version()
    if isinstance(process, OSError):
        reason = process.strerror or str(process)
    else:
        try:
            said, stderr = process.communicate(timeout=VERSION_SECONDS)
        except subprocess.TimeoutExpired:
            stop(process)
            said, stderr = "", _("no answer within {seconds} s").format(seconds=VERSION_SECONDS)
        version = said.split("\n", 1)[0].split()[-1:] if process.returncode == 0 else []
        if version:
            return version[0]
        reason = " ".join(stderr.split())[:200] or _("exit status {returncode}").format(returncode=process.returncode)
    raise HtaError(_("pandoc ({path}) could not say its version: {reason}. hta converts with the pandoc of the "
                     "pypandoc-binary package: install it again (`pip install --force-reinstall pypandoc-binary`), or "
                     "set PYPANDOC_PANDOC to a working pandoc 3.").format(path=pandoc_path(), reason=reason))


def run_pandoc(args: list[str], cwd: Path, stdin: str | None = None, epoch: int = 0) -> str:
    """Run pandoc in its sandbox: it reads only the files named here, never one an author's text names.
    SOURCE_DATE_EPOCH fixes the dates pandoc writes into a Word file. Bounded by PANDOC_SECONDS and
    PANDOC_MEMORY (pandoc's runtime stops with "Heap exhausted" past it)."""
    return Pandoc(args, cwd, stdin, epoch).output()


class Pandoc:
    """A run of pandoc as `run_pandoc` makes it, started now and answered when `output()` is asked: what
    this process does meanwhile costs no time."""

    SMALL = 4096  # bytes: an input this short is in the pipe before pandoc starts (it holds at least this much)

    def __init__(self, args: list[str], cwd: Path, stdin: str | None = None, epoch: int = 0) -> None:
        self.command = _pandoc_command(args)
        data = (stdin or "").encode("utf-8")
        self._stdin = None if len(data) <= self.SMALL else stdin
        if self._stdin is None:
            given, writer = os.pipe()
            os.write(writer, data)
            os.close(writer)
        else:
            given = subprocess.PIPE
        try:
            self._process = subprocess.Popen(self.command, cwd=cwd, stdin=given, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                             env=_pandoc_env(epoch))
        finally:
            if given != subprocess.PIPE:
                os.close(given)

    def output(self) -> str:
        try:
            stdout, stderr = self._process.communicate(self._stdin, timeout=PANDOC_SECONDS)
        except subprocess.TimeoutExpired:
            stop(self._process)
            raise _pandoc_too_slow(self.command) from None
        _check_pandoc(self.command, self._process.returncode, stderr)
        return stdout

    def stop(self) -> None:
        """Its answer is not wanted after all."""
        stop(self._process)


def _pandoc_command(args: list[str]) -> list[str]:
    return [pandoc_path(), "+RTS", f"-M{PANDOC_MEMORY}", "-RTS", "--sandbox", *args]


def _pandoc_env(epoch: int) -> dict[str, str]:
    return os.environ | {"SOURCE_DATE_EPOCH": str(epoch)}


def _pandoc_too_slow(command: list[str]) -> LimitExceeded:
    return LimitExceeded(_("pandoc took longer than {PANDOC_SECONDS} s").format(PANDOC_SECONDS=PANDOC_SECONDS), command)


def _check_pandoc(command: list[str], returncode: int, stderr: str) -> None:
    if "Heap exhausted" in stderr:
        raise LimitExceeded(_("pandoc needed more than {upper}B of memory").format(upper=PANDOC_MEMORY.upper()), command, stderr)
    if returncode != 0:
        raise ConversionError(_("pandoc failed (exit status {returncode})").format(returncode=returncode), command, stderr)


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
    typst_template: Path = TEMPLATES / "report.typst"  # the PDF's (a house style may bring its own)

    @property
    def qmd(self) -> Path:
        return self.folder / f"{self.stem}.qmd"

    def output(self, extension: str) -> Path:
        return self.folder / f"{self.stem}.{extension}"

    def svg_target(self, target: str) -> str:
        """HTML and Typst show our figures as the SVG files beside the .qmd, the author's pictures as they are."""
        return target + ".svg" if target in self.figures else target

    def pictures(self) -> dict[str, str | None]:
        """What the .qmd may show, by target: our figures' descriptions, and None for each author's picture."""
        return {stem: figure.description for stem, figure in self.figures.items()} | dict.fromkeys(self.images)

    def citeproc(self) -> list[str]:
        return ["--citeproc", f"--bibliography={self.bibliography}", f"--csl={self.csl}"]


def read_ast(job: Job) -> Ast:
    """The .qmd parsed once into pandoc's JSON AST, citations resolved and made inert (see `inert`), and its
    Typst source written as job.output("typ"): no writer sees author text as code, the bibliography included."""
    return Reading(job).result(job.output("typ"))


class Reading:
    """pandoc reading the .qmd, started at once in a process of its own: what this process does meanwhile
    (the Word resources) costs no time. Its input is files, and its one pipe, stdout, is emptied by a thread
    of its own as pandoc writes, so pandoc never waits for this process.

    One run reads the Markdown, resolves the citations, makes the tree inert (templates/inert.lua, the filter
    Quarto is given too) and hands it to the Word and HTML writers (`ast`) as soon as it is made; then
    templates/reading.lua gives the tree what the PDF's template needs, and pandoc writes the Typst source
    (`result`). `pictures` says which pictures the .qmd may show (as Job.pictures; the job's own when not
    given)."""

    def __init__(self, job: Job, qmd: str | None = None, apart: Path | None = None,
                 pictures: dict[str, str | None] | None = None) -> None:
        from .inert import READ_FORMAT

        self._apart = apart  # a folder of the reading's own, removed with its files
        # The front matter is hta's; the body holds the authors' text. Read apart, and the body without YAML
        # blocks, a `---` block in a section can neither set metadata (title, bibliography, csl) nor stop pandoc.
        front, body = split_front_matter(job.qmd.read_text(encoding="utf-8") if qmd is None else qmd)
        self._files = [job.folder / name for name in (RESOURCES_METADATA, READ_BODY, READ_ERRORS, READ_PICTURES,
                                                      READ_TYPST)]
        metadata, body_file, self._errors, pictures_file, self._typst = self._files
        metadata.write_text(front, encoding="utf-8")
        body_file.write_text(body, encoding="utf-8")
        pictures = job.pictures() if pictures is None else pictures
        # our figures are shown as the SVG beside the .qmd (Job.svg_target), an author's picture as it is
        shown = {target: {"show": target + ".svg", "description": description} if description is not None
                 else {"show": target} for target, description in pictures.items()}
        pictures_file.write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")
        self.command = _pandoc_command([
            f"--from={READ_FORMAT}", f"--metadata-file={RESOURCES_METADATA}", *job.citeproc(),
            f"--lua-filter={TEMPLATES / 'inert.lua'}", f"--lua-filter={TEMPLATES / 'reading.lua'}",
            # citations are text by now: no #cite() that would need a Typst bibliography
            "--to=typst-citations", "--standalone", f"--template={job.typst_template}", f"--output={READ_TYPST}",
            READ_BODY])
        environment = _pandoc_env(job.epoch) | {"HTA_PICTURES": READ_PICTURES}
        self._started = time.monotonic()  # PANDOC_SECONDS from here, for `ast` and `result` alike
        with self._errors.open("wb") as errors:
            self._process = subprocess.Popen(self.command, cwd=job.folder, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.PIPE, stderr=errors, env=environment)
        self._tree_line, self._tree = b"", None
        self._tree_read, self._tree_lock = threading.Event(), threading.Lock()
        threading.Thread(target=self._read_stdout, daemon=True).start()

    def _read_stdout(self) -> None:
        with self._process.stdout as out:
            line = out.readline()
            self._tree_line = line if line.endswith(b"\n") else b""  # a line cut off is no tree: pandoc failed
            self._tree_read.set()
            out.read()  # nothing more is written; read to the end, so pandoc can never wait on a full pipe

    def ast(self) -> Ast:
        """The inert tree, as soon as pandoc has made it (it goes on to write the Typst source). A reading that
        fails is said by `result`."""
        if not self._tree_read.wait(self._left()):
            self._end()  # says that pandoc took too long
        with self._tree_lock:  # parsed once, for whichever of `ast` and `result` asks first
            if self._tree is None:
                if not self._tree_line:  # pandoc ended without the tree: its error says why
                    self._end()
                # the JSON is let go once parsed: a long report's is as large as its tree
                self._tree, self._tree_line = Ast(json.loads(self._tree_line)), b""
        return self._tree

    def result(self, typst: Path) -> Ast:
        """The inert tree, once pandoc has read the .qmd to the end; its Typst source moved to `typst`."""
        try:
            self._end()
            shutil.move(self._typst, typst)
            return self.ast()
        finally:
            self._remove_files()

    def _left(self) -> float:
        return max(0.0, PANDOC_SECONDS - (time.monotonic() - self._started))

    def _end(self) -> None:
        """Wait for pandoc to end, within PANDOC_SECONDS of its start; its failure said as such."""
        try:
            returncode = wait(self._process, self._left())
        except subprocess.TimeoutExpired:
            returncode = None
        if returncode is None or self._left() == 0:  # `ast` and `result` may wait in two threads at once
            self.stop()
            raise _pandoc_too_slow(self.command)
        _check_pandoc(self.command, returncode, self._errors.read_text(encoding="utf-8", errors="replace"))
        self._tree_read.wait()  # pandoc has ended: its stdout is at its end
        if not self._tree_line and self._tree is None:  # a bug of templates/reading.lua, not of the report
            raise RuntimeError(f"pandoc ended without writing the tree: {' '.join(self.command)}")

    def stop(self) -> None:
        """For a reading nothing will take: the checks found errors, or the report was current after all. Its
        stdout is the reading thread's, which ends when pandoc does."""
        if self._process.returncode is None:
            self._process.kill()
            self._process.wait()
        self._remove_files()

    def _remove_files(self) -> None:
        for path in self._files:
            path.unlink(missing_ok=True)
        if self._apart is not None:
            shutil.rmtree(self._apart, ignore_errors=True)


def read_apart(stem: str, qmd: str, bibliography: str, csl: Path, epoch: int, typst_template: Path,
               pictures: dict[str, str | None]) -> Reading:
    """pandoc reading a .qmd before the report has a folder to be written in (see build.read_early): in a
    private temporary folder, with the bibliography and style it cites with. The AST and Typst source are the
    ones pandoc makes in the report's folder: reading opens no picture, and every path in them stays as written."""
    folder = Path(tempfile.mkdtemp(prefix="hta-read-"))
    try:
        resources = folder / "resources"
        resources.mkdir()
        (resources / "references.json").write_text(bibliography, encoding="utf-8")
        shutil.copyfile(csl, resources / csl.name)
        job = Job(folder, stem, Path("resources/references.json"), Path("resources") / csl.name, {}, epoch=epoch,
                  typst_template=typst_template)
        return Reading(job, qmd, apart=folder, pictures=pictures)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


# written for pandoc's reading of the .qmd, removed after
RESOURCES_METADATA, READ_BODY = "resources/front-matter.yaml", "resources/body.md"
READ_ERRORS = "resources/read-errors.txt"
READ_PICTURES, READ_TYPST = "resources/pictures.json", "resources/read.typ"


def split_front_matter(qmd: str) -> tuple[str, str]:
    """The .qmd's YAML front matter (between its first two `---` lines) and the Markdown after it."""
    if not qmd.startswith("---\n"):
        return "", qmd
    end = qmd.find("\n---\n", 3)
    if end == -1:
        return "", qmd
    return qmd[4:end + 1], qmd[end + 5:]


class Ast:
    """The inert AST of the .qmd, and its images, which each writer is given otherwise (found in one walk).
    The tree is never changed: each writer's JSON is a copy made as it is written, with the writer's stand-ins
    for the images, so the writers' threads can write at once."""

    def __init__(self, tree: dict) -> None:
        self.tree = tree
        self.images: list[dict] = []
        self._find(tree)

    def _find(self, node) -> None:
        if isinstance(node, list):
            for x in node:
                self._find(x)
        elif isinstance(node, dict):
            kind = node.get("t")
            if kind in TEXT_NODES:  # most of the tree: nothing to find in them
                return
            if kind == "Image":
                self.images.append(node)
            for value in node.values():  # "c" of a node; "meta" and "blocks" of the document
                self._find(value)

    def written(self, nodes: list[tuple[dict, dict]]) -> str:
        """The tree as JSON, each (node, stand-in) of `nodes` written as its stand-in, and each run of words
        and spaces as one Str (see `_words_joined`)."""
        return json.dumps(_words_joined(self.tree, {id(node): stand_in for node, stand_in in nodes}),
                          ensure_ascii=False)


def _words_joined(node, stand_ins: dict[int, dict]):
    """A copy of the tree, each node with a stand-in (by its id) as the stand-in, and each run of Str and Space
    nodes one Str: a third of the JSON, which pandoc's HTML and Word writers read in two thirds of the time. The
    HTML is the same to the byte (the writer wraps lines at spaces in a Str too), the Word file the same text and
    formatting in fewer runs. Not for the Typst writer (templates/reading.lua): it escapes a word a line could
    start with (`2020.` would begin a list) only when the word stands alone in its Str."""
    if isinstance(node, dict):
        node = stand_ins.get(id(node), node)
        return {key: _words_joined(value, stand_ins) for key, value in node.items()}
    if not isinstance(node, list):
        return node
    joined, words = [], []
    for x in node:
        if isinstance(x, dict) and x.get("t") in ("Str", "Space"):
            words.append(x["c"] if x["t"] == "Str" else " ")
            continue
        if words:
            joined.append({"t": "Str", "c": "".join(words)})
            words = []
        joined.append(_words_joined(x, stand_ins))
    if words:
        joined.append({"t": "Str", "c": "".join(words)})
    return joined


def image_stand_ins(ast: Ast, resolve, job: Job) -> list[tuple[dict, dict]]:
    """Each image's stand-in: its target rewritten by `resolve(target) -> str`, our figures described in
    words for screen readers. An image that is neither generated nor one of the author's pictures becomes its
    alt text: nothing outside the build is ever read."""
    changes = []
    for node in ast.images:
        attr, alt, (target, title) = node["c"]
        if target in job.figures:
            changes.append((node, {"t": "Image", "c": [attr, [{"t": "Str", "c": job.figures[target].description}],
                                                       [resolve(target), title]]}))
        elif target in job.images:
            changes.append((node, {"t": "Image", "c": [attr, alt, [resolve(target), title]]}))
        else:
            changes.append((node, {"t": "Span", "c": [["", [], []], alt]}))
    return changes


def to_docx(job: Job, ast: Ast, reference_doc: Path) -> Path:
    # Word gets the PNG rendering inline: pandoc would need rsvg-convert to embed an SVG.
    def resolve(target: str) -> str:
        if target in job.figures:
            return data_uri(job.figures[target].png, "image/png")
        return image_data_uri(job.images[target], for_word=True)

    out = job.output("docx")
    run_pandoc(["--from=json", "--to=docx", f"--reference-doc={reference_doc}",
                f"--output={out.name}"], job.folder,
               ast.written(image_stand_ins(ast, resolve, job)), job.epoch)
    return out


def to_html_body(job: Job, ast: Ast) -> str:
    """The report body as an HTML fragment; the page around it comes from templates/report.html.j2."""
    return run_pandoc(["--from=json", "--to=html5", "--section-divs"], job.folder,
                      ast.written(image_stand_ins(ast, job.svg_target, job)))


MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml"}


def data_uri(content: bytes, media_type: str) -> str:
    return f"data:{media_type};base64," + base64.b64encode(content).decode()


def image_data_uri(path: Path, for_word: bool = False) -> str:
    """A picture as a data: URI; for Word an SVG goes as PNG, which every Word and LibreOffice shows."""
    if path.suffix.lower() == ".svg" and for_word:
        from ..render.raster import flow_png

        return data_uri(flow_png(path.read_text(encoding="utf-8")), "image/png")
    return data_uri(path.read_bytes(), MEDIA_TYPES[path.suffix.lower()])


# A Typst package import names its package as a string "@namespace/name:version". Text pandoc writes has
# every @ escaped (\@), code shown as code is raw (between backticks), and raw Typst never reaches the
# writer (see `inert`): only the template could hold one, and it must not, as Typst would download it.
_PACKAGE = re.compile(r'"@[^"/]+/[^":]+:')
_RAW = re.compile(r"(`+)[\s\S]*?\1")


def imports_package(typst_source: str) -> bool:
    return bool(_PACKAGE.search(_RAW.sub("", typst_source.replace("\\`", ""))))


def wait(process: subprocess.Popen, timeout: float) -> int:
    """`process.wait(timeout)` told the moment the process ends: Popen's own wait with a timeout polls,
    sleeping up to 50 ms between looks, and the next converter would start that much later."""
    try:
        ended = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # not Linux, or the process is already reaped
        return process.wait(timeout=timeout)
    try:
        if not select.select([ended], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(process.args, timeout)
    finally:
        os.close(ended)
    return process.wait()


def start_typst() -> subprocess.Popen:
    """A Typst worker process, started before its source is written: it loads Typst meanwhile."""
    return TYPST.take()


def _typst_process() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", TYPST_WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")


TYPST = Spare(_typst_process)


def typst_to_pdf(source: Path, pdf: Path, timestamp: int | None = None, worker: subprocess.Popen | None = None) -> Path:
    """Compile in a worker process (`worker` if one was started), so that TYPST_SECONDS and TYPST_MEMORY
    bound it: Typst runs in-process as a Rust extension that neither a thread nor a signal can stop. A source
    naming a package is refused before Typst could go to the network for it."""
    if imports_package(source.read_text(encoding="utf-8")):
        if worker:
            stop(worker)
        raise ConversionError(_("typst refused {name}: it imports a package, and the build uses none").format(name=source.name))
    worker = worker or start_typst()
    task = json.dumps([str(source), str(pdf), timestamp, TYPST_MEMORY])
    try:
        stderr = worker.communicate(task, timeout=TYPST_SECONDS)[1]
    except subprocess.TimeoutExpired:
        stop(worker)
        raise LimitExceeded(_("Typst took longer than {TYPST_SECONDS} s").format(TYPST_SECONDS=TYPST_SECONDS), worker.args) from None
    if worker.returncode != 0:
        # past RLIMIT_AS, Rust aborts ("memory allocation of … failed"), Python raises MemoryError, or Typst
        # says it could not load a file ("failed to load file (out of memory)"), whichever allocation fails first
        if any(said in stderr for said in ("memory allocation of", "MemoryError", "(out of memory)")):
            raise LimitExceeded(_("Typst needed more than {value} MB of memory").format(value=TYPST_MEMORY // 2**20), worker.args,
                                stderr)
        raise ConversionError(_("Typst failed"), worker.args, stderr)
    return pdf


#: The worker imports its module alone: a process started for each assessment's PDF, kept light.
TYPST_WORKER = "import sys; from hta.convert.typst_worker import main; sys.exit(main())"


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
        raise ConversionError(_("the quarto engine was asked for, but `quarto` is not on PATH"))
    for fmt in formats:
        command = [quarto, "render", job.qmd.name, "--to", fmt]
        try:
            result = subprocess.run(command, cwd=job.folder, capture_output=True, text=True, timeout=QUARTO_SECONDS)
        except subprocess.TimeoutExpired:
            raise LimitExceeded(_("Quarto took longer than {QUARTO_SECONDS} s").format(QUARTO_SECONDS=QUARTO_SECONDS), command) from None
        if result.returncode != 0:
            raise ConversionError(_("Quarto failed (exit status {returncode})").format(returncode=result.returncode), command, result.stderr)

