"""Independent units of work on the machine's cores: the derivations and checks of ``derive`` and ``audit``.

A paper's derivations and numerical checks do not depend on one another's results, and each is a
single-threaded SymPy or NumPy computation of a second or more, so the commands run them in worker
processes, one per core. :func:`run_units` calls a module-level function on each unit and returns the
results in the order of the units, whatever order the workers finish in, so that the output does not
depend on the number of workers: ``nnfield audit --workers 0`` (all in one process) and ``--workers 2``
write the same report. ``nnfield sweep --workers`` counts its Dask workers the same way.

Workers are forked where the platform can fork (Linux), so they start with the parent's imports and no
start-up cost; elsewhere they are spawned and import what they need. A worker keeps its caches between
units, and the units it is given are chosen for that: a derivation and the derivations and checks that
build on it (the same saddle, the same kernel) go to the same worker when the caller says which modules
each unit uses (``shared``), as ``derive`` and ``audit`` do. Which worker runs which unit never changes a
result, only how often a shared intermediate result is derived.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import traceback
from multiprocessing.pool import ExceptionWithTraceback
from typing import Callable, Sequence

from tqdm import tqdm

from nnfield.numeric.parameters import non_negative_integer

__all__ = ["WORKERS_VARIABLE", "WorkerError", "available_cores", "default_workers", "checked_workers", "run_units"]

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
              description: str = "", unit: str = "unit", shared: Callable | None = None) -> list:
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
    shared : callable, optional
        ``shared(u)``: the set of names (modules, say) whose cached results unit ``u`` computes or reuses. A
        worker that becomes free takes the waiting unit that shares the most names with the units it has run,
        the one with more names on a tie, so that what its caches hold is used again; a unit sharing nothing
        with it is taken in the order of ``units``. Without ``shared``, units are taken in order.

    Returns
    -------
    list
        The results, in the order of ``units``. An exception raised by a unit is raised here, with the
        worker's traceback as its cause, and every worker is stopped (so is an interruption, Ctrl-C).

    Raises
    ------
    WorkerError
        If a worker process stops while running a unit (killed, out of memory), or cannot send back a
        unit's result or error.

    Examples
    --------
    >>> import math
    >>> run_units(math.factorial, [3, 4, 5], workers=2)
    [6, 24, 120]
    """
    workers = min(checked_workers(workers), len(units))
    if workers == 0:
        results = []
        for argument in _Bar(units, desc=description, unit=unit, disable=not progress):
            results.append(function(argument))
        return results
    names = [frozenset(shared(argument)) if shared else frozenset() for argument in units]
    waiting = list(range(len(units)))
    results = [None] * len(units)
    context = _context()
    team = []
    _stop_progress_monitor()  # no thread of this process may hold a lock while the workers are forked
    try:
        # Leaving the block terminates the workers, so an error or an interruption (which only this process
        # handles) stops every one of them at once.
        for _ in range(workers):
            here, there = context.Pipe()
            team.append(_Worker(context.Process(target=_serve, args=(there, function), daemon=True), here))
            with _interruptions_held():  # a worker ignores Ctrl-C from its first instruction on
                team[-1].process.start()
            there.close()
        with _Bar(total=len(units), desc=description, unit=unit, disable=not progress) as bar:
            for worker in team:
                worker.take(_next_unit(waiting, names, worker.history), units, names)
            while any(worker.index is not None for worker in team):
                busy = {worker.connection: worker for worker in team if worker.index is not None}
                for connection in multiprocessing.connection.wait(list(busy)):
                    worker = busy[connection]
                    results[worker.index] = worker.result()
                    bar.update()
                    worker.take(_next_unit(waiting, names, worker.history), units, names)
    finally:
        started = [worker for worker in team if worker.process.pid is not None]
        for worker in started:
            worker.process.terminate()
        for worker in started:
            worker.process.join()
        for worker in team:
            worker.connection.close()
    return results


class WorkerError(RuntimeError):
    """A worker process stopped, or could not send its result: the unit's own error is not known."""


class _Bar(tqdm):
    """A progress bar without tqdm's monitor thread (a thread alive when workers are forked can hold a lock)."""

    monitor_interval = 0


def _stop_progress_monitor() -> None:
    """Stop the monitor thread an earlier progress bar of this process started (tqdm starts a new one when needed)."""
    if tqdm.monitor is not None and tqdm.monitor.report():
        tqdm.monitor.exit()


@contextlib.contextmanager
def _interruptions_held():
    """Ctrl-C arriving meanwhile is held, and delivered to this process afterwards (where the platform can)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _Worker:
    """A worker process seen from the parent: its end of the pipe, the unit it runs, the names it has used."""

    def __init__(self, process, connection):
        self.process, self.connection = process, connection
        self.index = None
        self.history = set()

    def take(self, index, units, names) -> None:
        """Send unit ``index`` (none left: ``None``, and the worker stays idle)."""
        self.index = index
        if index is not None:
            self.history |= names[index]
            try:
                self.connection.send((index, units[index]))
            except OSError:  # the worker has stopped
                raise self._stopped() from None

    def result(self):
        """The result of the unit this worker ran; its exception raised here, with the worker's traceback."""
        try:
            succeeded, value = self.connection.recv()
        except (EOFError, OSError):
            raise self._stopped() from None
        if not succeeded:
            raise value
        return value

    def _stopped(self) -> WorkerError:
        self.process.join(timeout=5)  # the pipe closes as the process ends, possibly before it is reaped
        return WorkerError(f"a worker process stopped (exit code {self.process.exitcode}) while running unit "
                           f"{self.index}; run with --workers 0 to see the error in this process")


def _next_unit(waiting: list, names: list, history: set):
    """Remove and return the waiting unit sharing the most names with ``history`` (see :func:`run_units`).

    Examples
    --------
    >>> names = [frozenset({"a"}), frozenset({"b"}), frozenset({"a"}), frozenset({"b", "c"})]
    >>> _next_unit([2, 3], names, {"b"}), _next_unit([2, 3], names, set()), _next_unit([], names, {"a"})
    (3, 2, None)
    """
    if not waiting:
        return None
    best = max(waiting, key=lambda index: (len(names[index] & history), len(names[index]) if names[index] & history
                                           else 0, -index))
    waiting.remove(best)
    return best


def _serve(connection, function) -> None:
    """In a worker: run the units the parent sends, reply ``(True, result)`` or ``(False, exception)``.

    Ctrl-C reaches every process of the terminal; a worker ignores it, and the parent stops the workers.
    The worker also stops when the parent has gone, however it ended.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    parent = multiprocessing.parent_process()
    while True:
        ready = multiprocessing.connection.wait([connection, parent.sentinel] if parent else [connection])
        if connection not in ready:  # the parent has gone
            return
        try:
            index, argument = connection.recv()
        except EOFError:
            return
        try:
            reply = (True, function(argument))
        except Exception as error:  # noqa: BLE001 (raised again in the parent, with this traceback)
            reply = (False, ExceptionWithTraceback(error, error.__traceback__))
        try:
            connection.send(reply)
        except Exception as error:  # noqa: BLE001 (a result or an exception that does not pickle)
            what = "result" if reply[0] else "error"
            connection.send((False, WorkerError(f"unit {index}: its {what} cannot be sent to the parent process: "
                                                f"{''.join(traceback.format_exception_only(error)).strip()}")))
