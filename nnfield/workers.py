"""Independent units of work on the machine's cores: the derivations and checks of ``derive`` and ``audit``.

A paper's derivations and numerical checks do not depend on one another's results, and each is a
single-threaded SymPy or NumPy computation of a second or more, so the commands run them in worker
processes, one per core. :func:`run_units` calls a module-level function on each unit and returns the
results in the order of the units, whatever order the workers finish in, so that the output does not
depend on the number of workers: ``nnfield audit --jobs 1`` and ``--jobs 2`` write the same report.

Workers are forked where the platform can fork (Linux), so they start with the parent's imports and no
start-up cost; elsewhere they are spawned and import what they need. A worker keeps its caches between
units (a derivation a check needs is derived once per worker).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Sequence

from tqdm import tqdm

__all__ = ["JOBS_VARIABLE", "available_cores", "default_jobs", "checked_jobs", "run_units"]

#: The environment variable that sets the default number of workers (a test runner that already uses
#: every core sets it to 1; the suite's ``conftest.py`` does).
JOBS_VARIABLE = "NNFIELD_JOBS"


def available_cores() -> int:
    """The number of cores this process may run on (its CPU affinity where the platform has one).

    Examples
    --------
    >>> available_cores() >= 1
    True
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_jobs() -> int:
    """The number of workers when none is asked for: ``$NNFIELD_JOBS`` if set, else :func:`available_cores`.

    Examples
    --------
    >>> default_jobs() >= 1
    True
    """
    value = os.environ.get(JOBS_VARIABLE)
    if value is None:
        return available_cores()
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError(f"the environment variable {JOBS_VARIABLE} must be an integer >= 1 (the number of worker "
                         f"processes); got {value!r}")
    return int(value)


def checked_jobs(jobs) -> int:
    """``jobs`` as a number of worker processes: an integer >= 1, or ``None`` for :func:`default_jobs`.

    Examples
    --------
    >>> checked_jobs(2)
    2
    >>> checked_jobs(0)
    Traceback (most recent call last):
    ...
    ValueError: jobs must be an integer >= 1 (1 runs everything in this process); got 0
    """
    if jobs is None:
        return default_jobs()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be an integer >= 1 (1 runs everything in this process); got {jobs!r}")
    return jobs


def _context():
    """Fork where the platform offers it (Linux: workers inherit the imports); the platform's default elsewhere."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def run_units(function: Callable, units: Sequence, *, jobs: int = 1, progress: bool = False,
              description: str = "", unit: str = "unit") -> list:
    """``[function(u) for u in units]``, computed by ``jobs`` worker processes.

    Parameters
    ----------
    function : callable
        A module-level function (workers receive it by name), of one picklable argument, returning a
        picklable result.
    units : sequence
        The arguments, in the order of the results.
    jobs : int
        Worker processes; 1 runs every unit in this process, in order. More workers than units are not started.
    progress : bool
        A progress bar on stderr over the finished units.
    description, unit : str
        The bar's label and the name of one unit.

    Returns
    -------
    list
        The results, in the order of ``units``. An exception raised by a unit is raised here, after the
        workers have been stopped.

    Examples
    --------
    >>> import math
    >>> run_units(math.factorial, [3, 4, 5], jobs=2)
    [6, 24, 120]
    """
    jobs = min(checked_jobs(jobs), max(len(units), 1))
    if jobs == 1:
        results = []
        for argument in tqdm(units, desc=description, unit=unit, disable=not progress):
            results.append(function(argument))
        return results
    results = [None] * len(units)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
        # Every worker is started by the first submission, before the bar (a thread) exists.
        futures = {pool.submit(function, argument): index for index, argument in enumerate(units)}
        with tqdm(total=len(units), desc=description, unit=unit, disable=not progress) as bar:
            try:
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    return results
