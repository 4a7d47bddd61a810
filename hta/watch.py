"""`hta build --watch`: rebuild the assessments whose files change, and say where the output is."""

from __future__ import annotations

import threading
from pathlib import Path

from .i18n import _, ngettext


def watch(folders: list[Path], out: Path, engine: str, progress, stop: threading.Event | None = None,
          jobs: int = 1) -> None:
    """Block, rebuilding an assessment after each change to its folder, until `stop` is set or Ctrl-C; `jobs`
    as `hta build -j` takes it. With more jobs than changed assessments (most often one edited file), the
    assessment's converters run side by side, a third faster than one after another."""
    from watchfiles import watch as changes

    from .build import build

    resolved = {folder.resolve(): folder for folder in folders}
    print(_("watching {count} assessment(s); open the .html under {out}/ and press Ctrl-C to stop.").format(count=len(folders), out=out), flush=True)
    try:
        for batch in changes(*resolved, stop_event=stop, debounce=300, step=50):
            changed = {folder for path in (Path(p).resolve() for _change, p in batch)
                       for root, folder in resolved.items() if root in path.parents or path == root}
            if changed:
                for outcome in build(sorted(changed), out, engine, progress, jobs=jobs):
                    if not outcome.built:
                        mark_out_of_date(outcome, out)
                        print(out_of_date(outcome, out), flush=True)
    except KeyboardInterrupt:
        pass


OUT_OF_DATE = "hta-out-of-date"  # the id of the notice on a web page whose latest edit failed


def mark_out_of_date(outcome, out: Path) -> None:
    """The last good web page of a report whose latest edit failed says so at its top, as the terminal and the
    index do. Its inputs' digest goes with it: the next good build writes the page anew, even when that build's
    inputs are the very ones the marked page was made from (the failed edit undone)."""
    import html
    import re

    from . import i18n
    from .cache import INPUTS
    from .paths import write_whole

    page = out / outcome.name / f"{outcome.name}.html"
    if not page.is_file():
        return
    text = page.read_text(encoding="utf-8")
    if f'id="{OUT_OF_DATE}"' not in text:
        with i18n.language(outcome.language):
            notice = _("Out of date: this page is the last good build. The latest edit has errors that keep the "
                       "report from being rebuilt; hta check lists them.")
        banner = f'<div id="{OUT_OF_DATE}" class="hta-banner" role="alert">{html.escape(notice)}</div>'
        text = re.sub(r"<body[^>]*>", lambda m: m[0] + "\n" + banner, text, count=1)
        write_whole(page, text.encode("utf-8"))
    (out / outcome.name / INPUTS).unlink(missing_ok=True)


def out_of_date(outcome, out: Path) -> str:
    """What a failed rebuild leaves: the last good report, which no longer shows the latest edit."""
    from .diagnostics import Severity
    from .library.index import MANIFEST

    errors = [d for d in outcome.diagnostics if d.severity is Severity.ERROR]
    because = (ngettext("the {count} error above keeps it from being rebuilt",
                        "the {count} errors above keep it from being rebuilt", len(errors)).format(count=len(errors))
               if errors else _("it could not be read"))
    if (out / outcome.name / MANIFEST).is_file():
        return _("{name}: OUT OF DATE: {folder}/ holds its last good build, without the latest edit; {because}. "
                 "The index marks it so.").format(name=outcome.name, folder=out / outcome.name, because=because)
    return _("{name}: no report yet; {because}. The index lists it as not built.").format(name=outcome.name, because=because)
