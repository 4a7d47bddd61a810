"""Processes started before they are needed, and stopped when they were not: imported by the processes a
build starts beside itself too (render/raster.py's drawing process), so it imports nothing at all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import subprocess


def stop(process: subprocess.Popen) -> None:
    """End a converter process that has not been waited for, and reap it."""
    if process.returncode is None:
        process.kill()  # a process that has ended meanwhile is only reaped
        process.communicate()


class Spare:
    """A process started before it is needed, for the next that needs one: a build of one assessment on two
    cores starts its converters' processes while it imports and checks, on the core that would wait, rather
    than while pandoc reads. One that no conversion took is stopped."""

    def __init__(self, start: Callable[[], subprocess.Popen]) -> None:
        self._start = start
        self._ready: subprocess.Popen | None = None

    def prepare(self) -> None:
        if self._ready is None:
            self._ready = self._start()

    def take(self) -> subprocess.Popen:
        process, self._ready = self._ready or self._start(), None
        return process

    def stop(self) -> None:
        if self._ready is not None:
            stop(self._ready)
            self._ready = None
