"""Independent units of work on the machine's cores: the derivations and checks of ``derive`` and ``audit``.

A paper's derivations and numerical checks do not depend on one another's results, and each is a
single-threaded SymPy or NumPy computation of a second or more, so the commands run them in worker
processes, one per core. :func:`run_units` calls a module-level function on each unit and returns the
results in the order of the units, whatever order the workers finish in, so that the output does not
depend on the number of workers: ``nnfield audit --workers 0`` (all in one process) and ``--workers 2``
write the same report. ``nnfield sweep --workers`` counts its Dask workers the same way.

Workers are forked where the platform can fork (Linux), so they start with the parent's imports and no
start-up cost; elsewhere they are spawned and import what they need. A worker keeps its caches between
units (a derivation a check needs is derived once per worker).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from typing import Callable, Sequence

from tqdm import tqdm

from nnfield.numeric.parameters import non_negative_integer

__all__ = ["WORKERS_VARIABLE", "available_cores", "default_workers", "checked_workers", "run_units"]

#: The environment variable that sets the default number of workers (a test runner that already uses
#: every core sets it to 0; the suite's ``conftest.py`` does).
WORKERS_VARIABLE = "NNFIELD_WORKERS"


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


def default_workers() -> int:
    """The number of workers when none is asked for: ``$NNFIELD_WORKERS`` if set, else :func:`available_cores`.

    Examples
    --------
    >>> default_workers() >= 0
    True
    """
    value = os.environ.get(WORKERS_VARIABLE)
    if value is None:
        return available_cores()
    if not value.strip().isdigit():
        raise ValueError(f"the environment variable {WORKERS_VARIABLE} must be an integer >= 0 (worker processes; "
                         f"0 runs everything in one process); got {value!r}")
    return int(value)


def checked_workers(workers) -> int:
    """``workers`` as a number of worker processes: an integer >= 0 (0: none, all in this process), or ``None``
    for :func:`default_workers`.

    Examples
    --------
    >>> checked_workers(2)
    2
    >>> checked_workers(-1)
    Traceback (most recent call last):
    ...
    ValueError: workers must be a non-negative integer (worker processes; 0 runs everything in this process); got -1
    """
    if workers is None:
        return default_workers()
    return non_negative_integer("workers", workers, "worker processes; 0 runs everything in this process")


def _context():
    """Fork where the platform offers it (Linux: workers inherit the imports); the platform's default elsewhere."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def run_units(function: Callable, units: Sequence, *, workers: int = 0, progress: bool = False,
              description: str = "", unit: str = "unit") -> list:
    """``[function(u) for u in units]``, computed by ``workers`` worker processes.

    Parameters
    ----------
    function : callable
        A module-level function (workers receive it by name), of one picklable argument, returning a
        picklable result.
    units : sequence
        The arguments, in the order of the results.
    workers : int
        Worker processes; 0 runs every unit in this process, in order. More workers than units are not started.
    progress : bool
        A progress bar on stderr over the finished units.
    description, unit : str
        The bar's label and the name of one unit.

    Returns
    -------
    list
        The results, in the order of ``units``. An exception raised by a unit is raised here, and every
        worker is stopped (so is an interruption, Ctrl-C).

    Examples
    --------
    >>> import math
    >>> run_units(math.factorial, [3, 4, 5], workers=2)
    [6, 24, 120]
    """
    workers = min(checked_workers(workers), len(units))
    if workers == 0:
        results = []
        for argument in tqdm(units, desc=description, unit=unit, disable=not progress):
            results.append(function(argument))
        return results
    results = [None] * len(units)
    # The pool forks its workers when made, before the bar (a thread) exists; leaving the block terminates
    # them, so an error or an interruption (which only this process handles) stops every worker at once.
    with _context().Pool(workers, initializer=_leave_interruptions_to_the_parent) as pool:
        finished = pool.imap_unordered(_numbered, [(function, index, argument) for index, argument in enumerate(units)])
        with tqdm(total=len(units), desc=description, unit=unit, disable=not progress) as bar:
            for index, result in finished:
                results[index] = result
                bar.update()
    return results


def _leave_interruptions_to_the_parent():
    """In a worker: ignore Ctrl-C, which reaches every process of the terminal; the parent stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _numbered(task):
    """``(index, function(argument))`` for ``task = (function, index, argument)``, in a worker."""
    function, index, argument = task
    return index, function(argument)
