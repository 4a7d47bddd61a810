"""The pool of worker processes finishes every task however many there are, replacing its workers as it goes."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os
from hta import parallel

if __name__ == "__main__":
    parallel.TASKS_PER_WORKER = 2
    done = parallel.run(os.getpid, [()] * 13, 2, lambda d: None)
    assert [d.index for d in done] == list(range(13)) and all(d.error is None for d in done)
    print(len({d.result for d in done}))
"""


def test_a_library_larger_than_the_workers_take_before_retiring_is_built_to_the_end(tmp_path):
    # ProcessPoolExecutor's max_tasks_per_child stopped here for good (CPython gh-115634): 4 tasks done, 9 waiting
    script = tmp_path / "pool.py"
    script.write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 4  # workers are replaced after 2 × 2 tasks: 13 need four sets of workers at least


def test_a_large_check_is_given_to_the_workers_in_runs_that_shrink_to_a_few_assessments_at_the_end():
    """Equal runs left one worker alone for up to a run's length at the end; each run is a share of what
    is left, so the last ones are short, and every assessment is in one run, in order."""
    from hta.parallel import SHORTEST_RUN, shrinking_runs

    for count in (1, 5, 40, 500, 5000):
        for jobs in (2, 4):
            runs = shrinking_runs(list(range(count)), jobs)
            assert [task for run in runs for task in run] == list(range(count))
            sizes = [len(run) for run in runs]
            assert sizes == sorted(sizes, reverse=True)
            assert sizes[-1] <= SHORTEST_RUN and sizes[0] <= -(-count // (2 * jobs)) + SHORTEST_RUN
            assert len(runs) <= 12 * jobs + count.bit_length() * 3  # few runs: each costs a message each way
