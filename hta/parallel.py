"""Many assessments at once: a pool of worker processes, and stable shards of a library for CI runners."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence, TypeVar

from .i18n import _

T = TypeVar("T")
R = TypeVar("R")

TASKS_PER_WORKER = 20  # a fresh worker costs a fork from the preloaded server: cheap beside one build
#: The settings a worker takes from the process that gave it the task, not from the server it was forked
#: from: that server lives as long as this process, and keeps the environment of when it started.
PASSED_ON = ("LC_ALL", "LC_MESSAGES", "LANG")  # and every HTA_… (language, house styles)


@dataclass(frozen=True)
class Shard:
    """Part `index` (1-based) of `count`: what one of `count` CI runners builds."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'2/4' → the second of four parts."""
        k, sep, n = text.partition("/")
        if not (sep and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
            raise ValueError(_("--shard takes K/N with 1 ≤ K ≤ N, e.g. 2/4, not {text!r}").format(text=text))
        return cls(int(k), int(n))

    def holds(self, name: str) -> bool:
        """Decided by a hash of the assessment's name alone, not its place in the list: adding an
        assessment moves no other to another part, and every runner agrees without talking."""
        number = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
        return number % self.count == self.index - 1

    def members(self, folders: Sequence[Path]) -> list[Path]:
        return [f for f in folders if self.holds(f.name)]


def default_jobs() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


#: The shortest run of tasks `shrinking_runs` makes: a run's own cost (a message each way) stays small beside it.
SHORTEST_RUN = 4


def shrinking_runs(tasks: Sequence[T], jobs: int) -> list[Sequence[T]]:
    """`tasks` in runs for `jobs` workers, each run a share of what is left, so that the last runs are short
    and the workers end close together: equal runs left one worker alone for up to a run's length at the end.
    Few runs a worker, as what a worker sets up once (imports, the CSL style) serves each of them."""
    runs, start = [], 0
    while start < len(tasks):
        size = max(SHORTEST_RUN, -(-(len(tasks) - start) // (2 * jobs)))
        runs.append(tasks[start:start + size])
        start += size
    return runs


@dataclass
class Done:
    """One task's result, or the exception it raised (kept so the other tasks still finish)."""

    index: int
    result: object = None
    error: BaseException | None = None


def run(work: Callable[..., R], tasks: Sequence[tuple], jobs: int, on_done: Callable[[Done], None],
        preload: Sequence[str] = ()) -> list[Done]:
    """`work(*task)` for every task, `jobs` at a time in worker processes (in this process when 1), calling
    `on_done` as each finishes. A task that raises does not stop the others; the results come back in
    the order of `tasks`, whatever order they finished in. The modules named in `preload` (and `work`'s own)
    are imported once, in the process the workers are forked from."""
    results: list[Done] = []
    if jobs <= 1 or len(tasks) <= 1:
        # one task gains nothing from a pool, and a serial build stays debuggable in-process
        for i, task in enumerate(tasks):
            done = _call(work, i, task)
            on_done(done)
            results.append(done)
        return results

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # Workers are forked from a clean server process, never from this one: Typst's thread pool, once
    # started here (a watch rebuild, a test), would be copied without its threads and hang the child.
    # The server imports the build code once, so each worker starts without importing it again.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([work.__module__, *preload])
    # Workers are replaced after some tasks, so what a long-lived process keeps stays bounded: a new pool for
    # each TASKS_PER_WORKER tasks a worker. Not `max_tasks_per_child`: on Python 3.11 to 3.13 a pool using it
    # stops for good once a worker retires with tasks still queued (CPython gh-115634), and a library of
    # more than jobs × TASKS_PER_WORKER assessments never finished building.
    batch = jobs * TASKS_PER_WORKER
    for start in range(0, len(tasks), batch):
        part = tasks[start:start + batch]
        with ProcessPoolExecutor(max_workers=min(jobs, len(part)), mp_context=context) as pool:
            settings = {k: v for k, v in os.environ.items() if k.startswith("HTA_") or k in PASSED_ON}
            futures = {pool.submit(_in_settings, settings, work, *task): start + i for i, task in enumerate(part)}
            for future in as_completed(futures):
                i = futures[future]
                error = future.exception()
                done = Done(i, None if error else future.result(), error)
                on_done(done)
                results.append(done)
    return sorted(results, key=lambda d: d.index)


def _in_settings(settings: dict[str, str], work: Callable[..., R], *task) -> R:
    """`work(*task)` in a worker, with the language and style settings of the process that gave the task."""
    for name in [k for k in os.environ if k.startswith("HTA_") or k in PASSED_ON]:
        del os.environ[name]
    os.environ.update(settings)
    return work(*task)


def _call(work: Callable[..., R], index: int, task: tuple) -> Done:
    try:
        return Done(index, work(*task))
    except Exception as exc:  # kept and raised again by the caller once the other tasks are done
        return Done(index, error=exc)
