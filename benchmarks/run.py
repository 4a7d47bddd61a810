"""How fast `hta` builds a library, measured side by side in one run, written to benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py            # the full set: N = 1, 50, 500 (some minutes)
    .venv/bin/python benchmarks/run.py --quick    # a smaller set, to see that it works
    .venv/bin/python benchmarks/run.py --only check --only help --output /tmp/r.md   # some figures alone

It makes a synthetic library of copies of the reference assessment (assessments/ketamin-langvarig-smarta),
each with its own folder name, Dnr and title, in a temporary folder, and runs `hta` as a user would, in a
subprocess. Wall time is `time.perf_counter`; peak memory is the largest resident set of any process of
one command (`resource.getrusage(RUSAGE_CHILDREN)` read in a fresh helper process per command, since that
figure only ever grows). A benchmark, not a test: the figures depend on the machine and what else runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "assessments" / "ketamin-langvarig-smarta"
RESULTS = REPO / "benchmarks" / "RESULTS.md"
# the `hta` command beside this interpreter, as a user runs it; else the same entry point through -c
_SCRIPT = Path(sys.executable).parent / "hta"
HTA = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-c", "import sys; from hta.cli import main; sys.exit(main(sys.argv[1:]))"]


@dataclass
class Figure:
    """One line of the results: what was measured, the figure, and the target it is held against."""

    what: str
    value: str
    target: str
    met: bool | None  # None when there is no target

    def row(self) -> str:
        verdict = "" if self.met is None else ("met" if self.met else "NOT met")
        return f"| {self.what} | {self.value} | {self.target} | {verdict} |"


# --- the synthetic library --------------------------------------------------------------------------

def make_library(root: Path, n: int) -> list[Path]:
    """`n` copies of the reference assessment under `root`, named bench-0001…, each its own Dnr and title."""
    root.mkdir(parents=True, exist_ok=True)
    folders = []
    for i in range(1, n + 1):
        folder = root / f"bench-{i:04d}"
        shutil.copytree(REFERENCE, folder)
        meta = folder / "assessment.yaml"
        text = meta.read_text(encoding="utf-8")
        text = text.replace("dnr: RD21/01987", f"dnr: BENCH/{i:05d}", 1)
        text = text.replace("title: ", f"title: (Benchmark copy {i}) ", 1)
        meta.write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def touch_library(folders: list[Path], round_: int) -> None:
    """Change every assessment as an author would: one more sentence in its background."""
    for folder in folders:
        section = next(iter(sorted((folder / "sections").glob("*.md"))))
        with section.open("a", encoding="utf-8") as f:
            f.write(f"\nBenchmark edit {round_}.\n")


# --- running things ---------------------------------------------------------------------------------

def timed(command: list[str], cwd: Path) -> float:
    """Wall seconds of one command, which must succeed."""
    return timed_cpu(command, cwd)[0]


def timed_cpu(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds of one command, and the CPU seconds (user + system) of it and its children: on a
    shared machine the CPU figure moves less with what else runs."""
    before = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(map(str, command))}\n{result.stdout}\n{result.stderr}")
    return elapsed, _children_cpu() - before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


_PEAK = ("import resource, subprocess, sys\n"
         "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
         "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


def timed_with_peak(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and the peak resident set (KiB) of the largest process the command ran."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", _PEAK, *command], cwd=cwd, capture_output=True, text=True,
                            check=True)
    elapsed = time.perf_counter() - start
    code, peak = result.stdout.split()
    if code != "0":
        raise SystemExit(f"failed ({code}): {' '.join(map(str, command))}")
    return elapsed, int(peak)


def hta(*args: object) -> list[str]:
    return [*HTA, *map(str, args)]


def pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def bare_conversion(built: Path) -> tuple[float, float]:
    """The converter calls alone for a built report's .qmd: pandoc to Word, HTML and Typst (each resolving
    the citations, as a plain pandoc run does), then the Typst compile, each its own process. What
    `hta build` is held against. Wall and CPU seconds."""
    name = built.name
    work = Path(tempfile.mkdtemp(prefix="bare-"))
    shutil.copytree(built, work / name)
    folder = work / name
    res = folder / "resources"
    csl = next(res.glob("*.csl"))
    cite = ["--citeproc", f"--bibliography={res / 'references.json'}", f"--csl={csl}"]
    shutil.copyfile(res / f"{name}.typ", folder / "ours.typ")  # compiled as ours is: the same figures
    wall = cpu = 0.0
    for args in (["--to=docx", f"--reference-doc={res / 'reference.docx'}", "-o", "bare.docx"],
                 ["--to=html5", "--section-divs", "-o", "bare.html"],
                 ["--to=typst", "--standalone", f"--template={res / 'report.typst'}", "-o", "bare.typ"]):
        w, c = timed_cpu([pandoc(), f"{name}.qmd", "--from=markdown", *cite, *args], folder)
        wall, cpu = wall + w, cpu + c
    compile_typst = ("import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3])")
    w, c = timed_cpu([sys.executable, "-c", compile_typst, "ours.typ", "bare.pdf", "."], folder)
    shutil.rmtree(work)
    return wall + w, cpu + c


def earlier_run(tmp: Path) -> None:
    """One build before the measurements, as a user's first run leaves hta on a machine: its templates
    compiled in the user's cache folder (render/templates.py), as installing it compiled its modules.
    Nothing of the build itself is kept."""
    lib = tmp / "earlier"
    [folder] = make_library(lib / "assessments", 1)
    subprocess.run(hta("build", folder, "--out", lib / "_build"), cwd=lib, capture_output=True, check=True)
    shutil.rmtree(lib)


# --- the measurements ---------------------------------------------------------------------------------

def one_fresh(tmp: Path, repeats: int) -> list[Figure]:
    """Fresh means an empty `_build`: nothing of an earlier build, its cache (flow PNGs, the Word reference
    document, web-font cuts) included; what hta ships (the common web-font cut) is used as on any install.
    Measured beside it: the same with `_build/.hta/cache` kept, as on a machine that built before, which
    leaves the work of this one assessment alone; and the same as the first run of hta on a machine, before
    its templates were compiled (an empty user cache folder, render/templates.py). Each repeat runs build,
    bare, kept-cache build and first-run build in turn.
    `hta build` runs as a user runs it, with the default workers (one per core): with one assessment and
    cores to spare, its converters run side by side (`-j 1` would run them one after another)."""
    lib = tmp / "one"
    [folder] = make_library(lib / "assessments", 1)
    builds, bares, warm, first = [], [], [], []
    for _ in range(repeats):
        # the whole command, as a user runs it, into an empty folder: imports, checks, conversion, index
        shutil.rmtree(lib / "_build", ignore_errors=True)
        builds.append(timed_cpu(hta("build", folder, "--out", lib / "_build"), lib))
        bares.append(bare_conversion(lib / "_build" / folder.name))
        for built in (lib / "_build").iterdir():
            if built.name != ".hta":
                shutil.rmtree(built) if built.is_dir() else built.unlink()
        warm.append(timed_cpu(hta("build", folder, "--out", lib / "_build"), lib))
        shutil.rmtree(lib / "_build")
        with tempfile.TemporaryDirectory(prefix="hta-bench-cache-") as user_cache:
            first.append(timed_cpu(hta("build", folder, "--out", lib / "_build"), lib,
                                   os.environ | {"XDG_CACHE_HOME": user_cache}))
    build_wall, build_cpu = (statistics.median(x) for x in zip(*builds))
    bare_wall, bare_cpu = (statistics.median(x) for x in zip(*bares))
    warm_wall = statistics.median(run[0] for run in warm)
    first_wall = statistics.median(run[0] for run in first)
    # each build beside the bare calls run right after it: the machine's speed drifts by a third within
    # minutes (see RESULTS.md), and a ratio of the pair is measured in one state of it
    def paired(runs: list[tuple[float, float]]) -> tuple[float, float]:
        return (statistics.median(run[0] / bare[0] for run, bare in zip(runs, bares)),
                statistics.median(run[1] / bare[1] for run, bare in zip(runs, bares)))

    (ratio, cpu_ratio), (warm_ratio, warm_cpu_ratio), (first_ratio, first_cpu_ratio) = map(paired, (builds, warm, first))
    return [Figure(f"one assessment fresh: `hta build` (empty `_build`, median of {repeats})",
                   f"{build_wall:.2f} s (CPU {build_cpu:.2f} s)", "", None),
            Figure("one assessment fresh: bare pandoc ×3 + Typst", f"{bare_wall:.2f} s (CPU {bare_cpu:.2f} s)", "",
                   None),
            Figure("one assessment fresh: ratio build / bare (median of the repeats' ratios)",
                   f"{ratio:.2f} (CPU {cpu_ratio:.2f})", "≤ 1.2 (below 1.0 with citations once)", ratio <= 1.2),
            Figure("one assessment, report folder removed, `_build/.hta/cache` kept: ratio build / bare",
                   f"{warm_ratio:.2f} ({warm_wall:.2f} s; CPU {warm_cpu_ratio:.2f})", "", None),
            Figure("one assessment fresh, hta's first run on the machine (templates not yet compiled): ratio build / bare",
                   f"{first_ratio:.2f} ({first_wall:.2f} s; CPU {first_cpu_ratio:.2f})", "", None)]


# A process that has built before, rebuilding one assessment from an empty `_build` each time it is asked
# (a line on stdin), as `hta build --watch` rebuilds after each save: build() with the jobs the command
# gives it. It says each rebuild's wall seconds on stdout.
_WATCHING = ("import shutil, sys, time\n"
             "from pathlib import Path\n"
             "from hta.build import build\n"
             "from hta.parallel import default_jobs\n"
             "folder, out = Path(sys.argv[1]), Path(sys.argv[2])\n"
             "for line in sys.stdin:\n"
             "    shutil.rmtree(out, ignore_errors=True)\n"
             "    start = time.perf_counter()\n"
             "    [outcome] = build([folder], out, 'pandoc', None, jobs=default_jobs())\n"
             "    assert outcome.built\n"
             "    print(time.perf_counter() - start, flush=True)\n")


def watch_rebuild(tmp: Path, repeats: int) -> list[Figure]:
    """One assessment rebuilt from an empty `_build` (its cache too) in a process that has built it before:
    what `hta build --watch` costs after each save, Python's start and imports paid once. Each rebuild
    beside the bare calls run right after it, as for the fresh build."""
    lib = tmp / "watched"
    [folder] = make_library(lib / "assessments", 1)
    out = lib / "_build"
    said = (lib / "said.txt").open("w")  # the findings it prints, read only if it fails
    process = subprocess.Popen([sys.executable, "-c", _WATCHING, str(folder), str(out)], cwd=lib, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=said)

    def rebuild() -> float:
        process.stdin.write("build\n")
        process.stdin.flush()
        return float(process.stdout.readline())

    rebuild()  # the first build of the process: imports and one-time set-up, as `hta build --watch` starts
    pairs = [(rebuild(), bare_conversion(out / folder.name)[0]) for _ in range(repeats)]
    process.stdin.close()
    said.close()
    if process.wait() != 0:
        raise SystemExit("the watching process failed:\n" + (lib / "said.txt").read_text(encoding="utf-8"))
    ratio = statistics.median(built / bare for built, bare in pairs)
    return [Figure(f"one assessment rebuilt from an empty `_build` by a running process, as `hta build --watch` "
                   f"does after each save: ratio build / bare (median of {repeats})",
                   f"{ratio:.2f} ({statistics.median(built for built, _bare in pairs):.2f} s)", "", None)]


def unchanged_rebuild(tmp: Path, n: int) -> list[Figure]:
    lib = tmp / f"unchanged-{n}"
    make_library(lib / "assessments", n)
    fresh, fresh_cpu = timed_cpu(hta("build", "--out", lib / "_build"), lib)
    again, again_cpu = timed_cpu(hta("build", "--out", lib / "_build"), lib)
    share = again / fresh
    return [Figure(f"{n} fresh (default workers)", f"{fresh:.2f} s (CPU {fresh_cpu:.2f} s)", "", None),
            Figure(f"{n} unchanged, second build", f"{again:.2f} s (CPU {again_cpu:.2f} s), {share:.1%} of fresh",
                   "≤ 5 % and < 1 s", share <= 0.05 and again < 1.0)]


def changed_parallel(tmp: Path, n: int, pairs: int) -> list[Figure]:
    """The same library changed and built serially and with two workers, `pairs` times, the order turned
    about each time: the machine's speed drifts within the minutes one build takes, and each pair's ratio is
    measured in one state of it (the median of those ratios is the figure)."""
    lib = tmp / f"changed-{n}"
    folders = make_library(lib / "assessments", n)
    timed(hta("build", "--out", lib / "_build"), lib)
    runs: dict[str, list[tuple[float, float]]] = {"1": [], "2": []}
    round_ = 0
    for pair in range(pairs):
        for jobs in ("1", "2") if pair % 2 == 0 else ("2", "1"):
            round_ += 1
            touch_library(folders, round_)
            runs[jobs].append(timed_cpu(hta("build", "--out", lib / "_build", "-j", jobs), lib))
    (serial, serial_cpu), (parallel, parallel_cpu) = ((statistics.median(x) for x in zip(*runs[j])) for j in "12")
    share = statistics.median(p[0] / s[0] for s, p in zip(runs["1"], runs["2"]))
    return [Figure(f"{n} changed, serial (-j 1, median of {pairs})", f"{serial:.2f} s (CPU {serial_cpu:.2f} s)", "", None),
            # the workers' CPU is not in the figure: they are the fork server's children, not the command's
            Figure(f"{n} changed, 2 workers (-j 2, median of {pairs}; ratio: median of the pairs' ratios)",
                   f"{parallel:.2f} s (CPU of the main process {parallel_cpu:.2f} s), {share:.2f} × serial",
                   "≤ 0.6 × serial", share <= 0.6)]


def check_many(tmp: Path, n: int, repeats: int) -> list[Figure]:
    """Cold, as in CI on a fresh clone: `hta check` keeps nothing between runs and reads no `_build`."""
    lib = tmp / f"check-{n}"
    make_library(lib / "assessments", n)
    runs = [timed_cpu(hta("check"), lib) for _ in range(repeats)]
    wall, cpu = (statistics.median(r[i] for r in runs) for i in (0, 1))
    # the workers' CPU is not in the figure: they are the fork server's children, not the command's
    return [Figure(f"`hta check` of {n}, cold (median of {repeats})", f"{wall:.2f} s (CPU of the main process "
                   f"{cpu:.2f} s)", "≤ 5 s", wall <= 5.0)]


def help_time(repeats: int) -> list[Figure]:
    runs = [timed_cpu(hta("--help"), REPO) for _ in range(repeats)]
    wall, cpu = (statistics.median(r[i] for r in runs) for i in (0, 1))
    python = statistics.median(timed([sys.executable, "-c", "pass"], REPO) for _ in range(repeats))
    return [Figure(f"`hta --help` (median of {repeats}; bare Python start {python:.3f} s)",
                   f"{wall:.3f} s (CPU {cpu:.3f} s)", "≤ 0.1 s", wall <= 0.1)]


def peak_memory(tmp: Path, sizes: list[int]) -> list[Figure]:
    figures, peaks = [], []
    for n in sizes:
        lib = tmp / f"memory-{n}"
        make_library(lib / "assessments", n)
        # one process doing all the work (-j 1): what it keeps per assessment shows, as workers would hide it
        seconds, peak = timed_with_peak(hta("build", "--out", lib / "_build", "-j", "1"), lib)
        peaks.append(peak)
        figures.append(Figure(f"peak memory, build of {n} with -j 1 ({seconds:.1f} s)", f"{peak / 1024:.0f} MiB", "", None))
    flat = max(peaks) <= 1.25 * min(peaks)
    figures.append(Figure("peak memory across N", f"{max(peaks) / min(peaks):.2f} × smallest", "flat (≤ 1.25 ×)", flat))
    return figures


# --- the machine --------------------------------------------------------------------------------------

def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor() or "unknown")
    memory = next((line.split(":", 1)[1].strip() for line in _lines("/proc/meminfo") if line.startswith("MemTotal")),
                  "unknown")
    import pypandoc
    from importlib.metadata import version

    return [f"- CPU: {cpu}, {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable)",
            f"- memory: {memory}",
            f"- Python {platform.python_version()} on {platform.platform()}",
            f"- pandoc {pypandoc.get_pandoc_version()}, Typst (wheel) {version('typst')}, hta {version('hta')}",
            f"- load average at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}"]


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


STEPS = ("help", "fresh", "watch", "unchanged", "parallel", "check", "memory")  # in the order they run


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="N = 1, 10, 50 and one repeat: minutes become seconds")
    p.add_argument("--only", choices=sorted(STEPS), action="append", default=None,
                   help="run only this measurement (repeatable), e.g. --only check --only help")
    p.add_argument("--output", type=Path, default=RESULTS, help="where to write the results (default: %(default)s)")
    p.add_argument("--small", type=int, help="the library of the rebuild figures (default 50; 10 with --quick)")
    p.add_argument("--large", type=int, help="the library `hta check` reads (default 500; 50 with --quick)")
    p.add_argument("--repeats", type=int, help="runs of each repeated figure (default 3; 1 with --quick)")
    p.add_argument("--memory", type=int, action="append",
                   help="library sizes of the peak-memory figures, repeatable (default 1, small and large)")
    args = p.parse_args(argv)
    small, large, repeats = (10, 50, 1) if args.quick else (50, 500, 3)
    small, large, repeats = args.small or small, args.large or large, args.repeats or repeats
    memory_sizes = args.memory or [1, small, large]

    # hta's modules compiled to bytecode first, as installing a package does: else, where
    # PYTHONDONTWRITEBYTECODE is set, every command would compile them from source again
    import compileall

    compileall.compile_dir(REPO / "hta", quiet=1)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    about = machine()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="hta-bench-") as tmp_name:
        tmp = Path(tmp_name)
        earlier_run(tmp)
        steps = {"help": lambda: help_time(11), "fresh": lambda: one_fresh(tmp, repeats),
                 "watch": lambda: watch_rebuild(tmp, repeats),
                 "unchanged": lambda: unchanged_rebuild(tmp, small), "parallel": lambda: changed_parallel(tmp, small, min(repeats, 3)),
                 "check": lambda: check_many(tmp, large, repeats), "memory": lambda: peak_memory(tmp, memory_sizes)}
        for name, step in steps.items():
            if args.only and name not in args.only:
                continue
            for figure in step():
                print(figure.row(), flush=True)
                figures.append(figure)

    command = " ".join(["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])
    lines = [f"# Benchmark results{' (quick subset)' if args.quick else ''}", "",
             f"Run {started} with `{command}`. Machine:", "", *about, "",
             "| measured | figure | target | |", "|---|---|---|---|", *(f.row() for f in figures), ""]
    args.output.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0 if all(f.met is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
