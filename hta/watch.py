"""`hta build --watch`: rebuild the assessments whose files change, and say where the output is."""

from __future__ import annotations

import threading
from pathlib import Path


def watch(folders: list[Path], out: Path, engine: str, progress, stop: threading.Event | None = None) -> None:
    """Block, rebuilding an assessment after each change to its folder, until `stop` is set or Ctrl-C."""
    from watchfiles import watch as changes

    from .build import build

    resolved = {folder.resolve(): folder for folder in folders}
    print(f"watching {len(folders)} assessment(s); open the .html under {out}/ and press Ctrl-C to stop.", flush=True)
    try:
        for batch in changes(*resolved, stop_event=stop, debounce=300, step=50):
            changed = {folder for path in (Path(p).resolve() for _, p in batch)
                       for root, folder in resolved.items() if root in path.parents or path == root}
            if changed:
                build(sorted(changed), out, engine, progress)
    except KeyboardInterrupt:
        pass
