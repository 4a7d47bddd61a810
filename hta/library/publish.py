"""Writing into the output folder: one build at a time, and each report's files swapped in as a whole."""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from ..diagnostics import HtaError, display_path
from ..i18n import _
from .index import STATE, umask

LOG = "build.log"  # under _build/.hta/: the command, converter output and traceback of each failure


@contextmanager
def output_lock(out_root: Path):
    """Hold `_build/.hta/lock` while writing: a second build waits (and says so) instead of interleaving.
    Under the lock, what a killed build left in `.hta/` is removed: no build of this folder is running."""
    import fcntl

    state = out_root / STATE
    try:
        state.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HtaError(_("--out {out_root} cannot be created: {strerror}.").format(out_root=display_path(out_root), strerror=exc.strerror)) from None
    with open(state / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(_("waiting for another build of {out_root}/ to finish").format(out_root=display_path(out_root)), file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in state.glob("tmp-*"):
            remove(leftover)
        (state / LOG).unlink(missing_ok=True)
        yield


def staging_folder(out_root: Path, name: str) -> Path:
    """A new, empty folder in `.hta/` for one report's files, on the file system of the folder it replaces."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=f"tmp-{name}-", dir=out_root / STATE))
    os.chmod(folder, 0o777 & ~umask())  # mkdtemp makes it private (0700); the outputs are published
    return folder


def swap_in(new: Path, target: Path) -> None:
    """Put folder `new` at `target` in one step, leaving the old `target` (if any) at `new`.

    Linux exchanges the two folders atomically (renameat2 RENAME_EXCHANGE): whoever reads `_build/<name>/`,
    a web server publishing it included, sees the complete old set or the complete new one, and a file it
    has open stays readable. A symlink swap would be atomic everywhere, but web servers follow links only
    when configured to (Apache's FollowSymLinks, nginx's disable_symlinks) and copying `_build/` to a
    web host may drop links; real folders publish everywhere. Where the exchange is not available the old
    folder is renamed aside first: for that instant `_build/<name>/` is missing, never mixed."""
    if not os.path.lexists(target):
        os.rename(new, target)
    elif not _exchange(new, target):
        aside = new.with_name(new.name + "-old")
        os.rename(target, aside)
        os.rename(new, target)
        os.rename(aside, new)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths; False when the system or file system cannot."""
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # e.g. a network file system
        return False
    raise OSError(error, os.strerror(error), str(b))


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)  # a killed build's converter may still be writing into it
    else:
        path.unlink(missing_ok=True)
