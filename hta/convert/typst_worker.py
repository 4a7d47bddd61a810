"""The Typst worker's side: a process of its own for each PDF (convert.typst_to_pdf starts it), so that time
and memory bounds stop the compile and nothing else. Started once per assessment of a library, it imports
this module, Typst and the fonts' names, and nothing of the build."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

#: Archival (PDF/A-2, level a: tagged) and accessible (PDF/UA-1) in one file; Typst checks both as it writes.
PDF_STANDARDS = ["a-2a", "ua-1"]


def main() -> int:
    """Load Typst, read the task from stdin, bound its memory, compile, and say a compile error on stderr
    (exit status 1)."""
    import resource

    import typst  # noqa: F401 -- loaded before the limit, which then bounds the compile alone

    source, pdf, timestamp, memory = json.loads(sys.stdin.read())
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        compile_pdf(Path(source), Path(pdf), timestamp)
    except MemoryError:
        raise  # its traceback on stderr says "MemoryError": typst_to_pdf reports the bound
    except Exception as exc:  # typst raises its own error types for compile failures
        print(exc, file=sys.stderr)
        return 1
    return 0


def compile_pdf(source: Path, pdf: Path, timestamp: int | None) -> None:
    """The output folder is Typst's root (`read()` and `image()` reach nothing outside it); no packages; only
    the project's fonts, the system's hidden, so every machine makes the same file."""
    import typst

    from .fonts import typst_fonts

    with tempfile.TemporaryDirectory() as empty:  # no local packages, no cached ones
        typst.compile(str(source), output=str(pdf), root=str(source.parent), timestamp=timestamp,
                      package_path=empty, package_cache_path=empty, pdf_standards=PDF_STANDARDS,
                      **typst_fonts())
