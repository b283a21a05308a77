"""Phase-diagram sweeps on Dask: measured and predicted c* and xi_c over a grid of (sigma_w^2, sigma_b^2).

Every grid point ``(i, j)`` (index ``i`` into the sigma_w^2 values, ``j`` into the sigma_b^2 values)
is an independent task: it samples M networks of width N and depth L with the exact multi-input
sampler (:func:`~nnfield.numeric.phase.measure_correlation_approach`), fits :math:`c^*` and
:math:`\\xi_c` with jackknife errors, and evaluates the mean-field prediction. Its random stream is
``numpy.random.SeedSequence([seed, i, j])``, so a point's result does not depend on which worker
ran it, in which order, or whether the sweep was interrupted and resumed.

The output folder holds

- ``sweep.json``: the settings (a resumed sweep must have the same ones);
- ``points/w<i>_b<j>.json``: one finished point each, written atomically (temporary file, then
  rename), so an interrupted sweep resumes without redoing finished points;
- ``sweep.csv``: the table, one row per point (:data:`COLUMNS`);
- ``phase_diagram.png``: measured beside predicted, with the order-to-chaos line.

Points run on a :class:`dask.distributed.LocalCluster` (one single-threaded worker per core by
default), on an existing cluster given by its scheduler address, or, with ``workers=0``, one after
another in this process. Results travel back to this process, which alone writes files, so the
workers of a remote cluster need no shared file system (they need nnfield installed).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import math
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from nnfield.numeric.meanfield import critical_sigma_w2, mean_field
from nnfield.numeric.parameters import non_negative_integer, non_negative_real, positive_integer, positive_real
from nnfield.numeric.phase import SWEPT_ACTIVATIONS, measure_correlation_approach, plot_phase_diagram

__all__ = ["COLUMNS", "SweepGrid", "SweepResult", "critical_line", "first_layer", "parse_values", "point_stream",
           "predict_point", "run_point", "run_sweep", "sweep_grid"]

#: The columns of ``sweep.csv``.
COLUMNS = ("i", "j", "sigma_w2", "sigma_b2", "N", "L", "M",
           "measured_c_star", "measured_c_star_se", "measured_chi_c", "measured_chi_c_se",
           "measured_xi_c", "measured_xi_c_se", "jackknife_dof", "first_layer_fitted", "first_layer_q", "first_layer_c",
           "predicted_q_star", "predicted_chi_1", "predicted_c_star", "predicted_chi_c", "predicted_xi_c")


@dataclass(frozen=True)
class SweepGrid:
    """The settings of a sweep: activation, grid, network size, networks per point and seed."""

    phi: str
    sigma_w2: tuple[float, ...]
    sigma_b2: tuple[float, ...]
    N: int  # noqa: N815 (the paper's N)
    L: int  # noqa: N815
    M: int  # noqa: N815
    seed: int

    def points(self) -> list[tuple[int, int]]:
        """Every ``(i, j)``, sigma_b^2 index outermost."""
        return [(i, j) for j in range(len(self.sigma_b2)) for i in range(len(self.sigma_w2))]

    def to_json(self) -> dict:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in asdict(self).items()}


def parse_values(text: str, option: str, *, single: bool = False) -> tuple[float, ...]:
    """``START:STOP:COUNT`` as COUNT evenly spaced values (or, with ``single``, also a lone ``START``).

    Without ``single`` (weight variances) the values must be positive, with it (bias variances) 0 is allowed.

    Examples
    --------
    >>> parse_values("0.5:2.5:5", "--sigma-w2")
    (0.5, 1.0, 1.5, 2.0, 2.5)
    >>> parse_values("0.05", "--sigma-b2", single=True)
    (0.05,)
    >>> parse_values("1:0:3", "--sigma-w2")
    Traceback (most recent call last):
    ...
    ValueError: --sigma-w2 must be START:STOP:COUNT with 0 < START <= STOP and COUNT a positive integer (START alone is not allowed); got '1:0:3'
    """
    form = "START[:STOP:COUNT]" if single else "START:STOP:COUNT"
    alone = "" if single else " (START alone is not allowed)"
    lowest = "0 <= START" if single else "0 < START"
    message = f"{option} must be {form} with {lowest} <= STOP and COUNT a positive integer{alone}; got {text!r}"
    parts = text.split(":")
    try:
        if len(parts) == 1 and single:
            start, stop, count = float(parts[0]), float(parts[0]), 1
        elif len(parts) == 3:
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
        else:
            raise ValueError(message)
    except ValueError:
        raise ValueError(message) from None
    if not (math.isfinite(start) and math.isfinite(stop) and (0 <= start if single else 0 < start) and start <= stop
            and count >= 1) \
            or (count == 1 and start != stop):
        raise ValueError(message)
    return tuple(float(value) for value in np.round(np.linspace(start, stop, count), 12))


def sweep_grid(phi, sigma_w2, sigma_b2, *, N, L, M, seed=0) -> SweepGrid:  # noqa: N803
    """Validated sweep settings.

    Examples
    --------
    >>> grid = sweep_grid("tanh", (0.5, 1.5), (0.05,), N=100, L=16, M=40)
    >>> grid.points()
    [(0, 0), (1, 0)]
    >>> sweep_grid("sigmoid", (1.0,), (0.05,), N=100, L=16, M=40)
    Traceback (most recent call last):
    ...
    ValueError: phi must be one of linear, relu, tanh, erf; got 'sigmoid'
    """
    if phi not in SWEPT_ACTIVATIONS:
        raise ValueError(f"phi must be one of {', '.join(SWEPT_ACTIVATIONS)}; got {phi!r}")
    weights = tuple(positive_real("sigma_w2", value, "the weight variance sigma_w^2") for value in sigma_w2)
    biases = tuple(non_negative_real("sigma_b2", value, "the bias variance sigma_b^2") for value in sigma_b2)
    if not weights or not biases:
        raise ValueError("the grid needs at least one value of sigma_w2 and of sigma_b2")
    depth = positive_integer("L", L, "the number of layers")
    if depth < 8:
        raise ValueError(f"L must be at least 8 layers to fit the approach to c*; got {L}")
    networks = positive_integer("M", M, "the number of networks per point")
    if networks < GROUPS:
        raise ValueError(f"M must be at least {GROUPS} networks per point (jackknife groups); got {M}")
    return SweepGrid(phi, weights, biases, positive_integer("N", N, "the width of each layer"), depth, networks,
                     non_negative_integer("seed", seed, "the random seed"))


#: Jackknife groups of networks at every point.
GROUPS = 10


def point_stream(seed: int, i: int, j: int) -> np.random.Generator:
    """The random stream of grid point ``(i, j)``: ``SeedSequence([seed, i, j])``.

    Examples
    --------
    >>> float(point_stream(0, 1, 2).random()) == float(point_stream(0, 1, 2).random())
    True
    """
    return np.random.default_rng(np.random.SeedSequence([seed, i, j]))


def predict_point(phi: str, sigma_w2: float, sigma_b2: float) -> dict:
    """The mean-field prediction at one point: q*, chi_1, c*, chi_c and xi_c.

    NaN where it does not exist: no finite fixed point of the variance map (or every q one), or
    q* = 0 (no bias, ordered phase of an odd activation), where the correlation is undefined.
    """
    field = mean_field(SWEPT_ACTIVATIONS[phi], sigma_w2=sigma_w2, sigma_b2=sigma_b2)
    prediction = dict.fromkeys(("q_star", "chi_1", "c_star", "chi_c", "xi_c"), math.nan)
    if field.divergent or field.marginal:
        return prediction
    prediction.update(q_star=field.fixed_point(), chi_1=field.chi_1())
    if prediction["q_star"] > 0:
        prediction.update(c_star=field.c_star(), chi_c=field.chi_c(), xi_c=field.correlation_depth_scale())
    return prediction


def first_layer(predicted: dict, sigma_b2: float) -> tuple[float, float]:
    """The first layer's variance and correlation for a measurement: an experimental design, not a result.

    The variance starts at the predicted :math:`q^*` (1 where there is none), so that only the
    correlation relaxes. In the ordered phase the correlation starts at 0.9999, where
    :math:`1 - c` is small enough for the ReLU's non-analytic :math:`(1-c)^{3/2}` term to be
    negligible; in the chaotic phase halfway between the predicted :math:`c^*` and 1.

    Examples
    --------
    >>> first_layer({"q_star": 0.5, "c_star": 0.2}, 0.05)
    (0.5, 0.6)
    """
    q_star, c_star = predicted["q_star"], predicted["c_star"]
    q_first = max(q_star if q_star > 0 else 1.0, 1.01 * sigma_b2)  # NaN > 0 is False
    return q_first, (1 + c_star) / 2 if c_star < 1 else 0.9999


def run_point(grid: SweepGrid, i: int, j: int) -> dict:
    """Measure and predict at grid point ``(i, j)``: one row of the table (see :data:`COLUMNS`)."""
    sigma_w2, sigma_b2 = grid.sigma_w2[i], grid.sigma_b2[j]
    predicted = predict_point(grid.phi, sigma_w2, sigma_b2)
    q_first, c_first = first_layer(predicted, sigma_b2)
    measured = measure_correlation_approach(grid.phi, sigma_w2, sigma_b2, grid.N, grid.L, grid.M,
                                            q_first=q_first, c_first=c_first, groups=GROUPS,
                                            rng=point_stream(grid.seed, i, j))
    row = {"i": i, "j": j, "sigma_w2": sigma_w2, "sigma_b2": sigma_b2, "N": grid.N, "L": grid.L, "M": grid.M,
           "measured_c_star": measured.c_star, "measured_c_star_se": measured.c_star_error,
           "measured_chi_c": measured.chi_c, "measured_chi_c_se": measured.chi_c_error,
           "measured_xi_c": measured.xi_c, "measured_xi_c_se": measured.xi_c_error,
           "jackknife_dof": measured.dof, "first_layer_fitted": measured.first, "first_layer_q": q_first,
           "first_layer_c": c_first}
    row.update({f"predicted_{key}": float(value) for key, value in predicted.items()})
    return row


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: its table, figure, rows, and how many points this run computed."""

    table: Path
    figure: Path
    rows: tuple[dict, ...]
    computed: int


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)  # mkstemp creates the file private
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _point_path(out: Path, i: int, j: int) -> Path:
    return out / "points" / f"w{i}_b{j}.json"


def _check_settings(grid: SweepGrid, out: Path) -> None:
    """Refuse a folder that holds a sweep with other settings (writes nothing)."""
    settings = out / "sweep.json"
    if settings.exists() and json.loads(settings.read_text()) != grid.to_json():
        raise ValueError(f"{out} holds a sweep with other settings ({settings}); resume it with the same "
                         "options, or choose another --out")


def _prepare(grid: SweepGrid, out: Path) -> None:
    """Create the folder and its settings file, unless a resumed sweep already has them."""
    (out / "points").mkdir(parents=True, exist_ok=True)
    if not (out / "sweep.json").exists():
        _write_atomically(out / "sweep.json", json.dumps(grid.to_json(), indent=1) + "\n")


@contextlib.contextmanager
def _dask_client(*, workers, scheduler, processes):
    """A client of an existing scheduler, or of a new LocalCluster closed on exit."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        cluster, client = None, Client(scheduler)
    else:
        # No dashboard; the scheduler's health endpoint takes any free port, so two sweeps at once do not clash.
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=processes,
                               dashboard_address=None, scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _run_serially(grid, pending, finish):
    for i, j in pending:
        finish(run_point(grid, i, j))


def _run_on_dask(client, grid, pending, finish):
    from dask.distributed import as_completed

    futures = [client.submit(run_point, grid, i, j, pure=False) for i, j in pending]
    try:
        for future in as_completed(futures):
            finish(future.result())
    except BaseException:
        client.cancel(futures)
        raise


def run_sweep(grid: SweepGrid, out, *, workers: int | None = None, scheduler: str | None = None,
              processes: bool = True, progress: bool = False) -> SweepResult:
    """Run every unfinished point of ``grid``, then write the table and the phase diagram into ``out``.

    Parameters
    ----------
    grid : SweepGrid
    out : path
        The output folder (created if missing). Points finished by an earlier, interrupted run
        with the same settings are kept and not recomputed.
    workers : int, optional
        Workers of the local Dask cluster (default: the machine's cores); ``0`` runs the points one
        after another in this process, without Dask.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); then ``workers`` is not used.
    processes : bool
        Local workers as processes (default) or as threads of this process.
    progress : bool
        Show a progress bar on standard error.

    Examples
    --------
    >>> import tempfile
    >>> grid = sweep_grid("linear", (0.3, 0.6), (0.1,), N=50, L=12, M=20)
    >>> result = run_sweep(grid, tempfile.mkdtemp(), workers=0)
    >>> [round(row["predicted_xi_c"], 4) for row in result.rows], result.computed
    ([0.8306, 1.9576], 2)
    """
    if not isinstance(grid, SweepGrid):
        raise TypeError(f"grid must be a SweepGrid (see sweep_grid); got {type(grid).__name__}")
    if workers is not None and scheduler is not None:
        raise ValueError("give either workers (a local cluster) or scheduler (an existing one), not both")
    if workers is not None:
        workers = non_negative_integer("workers", workers, "local Dask workers; 0 runs in this process")
    out = Path(out)
    _check_settings(grid, out)
    points = grid.points()
    pending = [(i, j) for i, j in points if not _point_path(out, i, j).exists()]
    serial = workers == 0 and scheduler is None
    if not serial and not processes and scheduler is None:
        # Threads of this process would each load SciPy's submodules on first use, at the same time: load them once.
        import scipy.integrate  # noqa: F401
        import scipy.optimize  # noqa: F401
        import scipy.stats  # noqa: F401
    # Connect before writing anything: an unreachable scheduler leaves no folder behind.
    with contextlib.nullcontext() if serial or not pending else \
            _dask_client(workers=workers, scheduler=scheduler, processes=processes) as client:
        _prepare(grid, out)
        bar = tqdm(total=len(points), initial=len(points) - len(pending), desc=f"sweep {grid.phi}", unit="point",
                   file=sys.stderr, disable=not progress)

        def finish(row):
            _write_atomically(_point_path(out, row["i"], row["j"]), json.dumps(row) + "\n")
            bar.update()

        try:
            if client is None:
                _run_serially(grid, pending, finish)
            else:
                _run_on_dask(client, grid, pending, finish)
        finally:
            bar.close()
    rows = tuple(json.loads(_point_path(out, i, j).read_text()) for i, j in points)
    table = out / "sweep.csv"
    _write_atomically(table, _csv(rows))
    figure = _figure(grid, rows, out / "phase_diagram.png")
    return SweepResult(table, figure, rows, len(pending))


def _csv(rows) -> str:
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: repr(value) if isinstance(value, float) else value for key, value in row.items()})
    return stream.getvalue()


def _figure(grid: SweepGrid, rows, path: Path) -> Path:
    shape = (len(grid.sigma_b2), len(grid.sigma_w2))

    def table(prefix):
        values = {}
        for key in ("c_star", "xi_c") + (("c_star_se", "xi_c_se") if prefix == "measured" else ()):
            array = np.full(shape, np.nan)
            for row in rows:
                array[row["j"], row["i"]] = row[f"{prefix}_{key}"]
            values[key.replace("_se", "_error")] = array
        return values

    title = (f"phi = {grid.phi}: N={grid.N}, L={grid.L}, M={grid.M} networks per point, exact sampler; "
             "mean field beside")
    return plot_phase_diagram(path, grid.sigma_w2, grid.sigma_b2, table("measured"), table("predicted"),
                              critical_line(grid.phi, grid.sigma_b2), title=title)


def critical_line(phi: str, sigma_b2) -> tuple[np.ndarray, np.ndarray]:
    """``(sigma_w2, sigma_b2)`` along :math:`\\chi_1 = 1`, at 9 bias variances spanning ``sigma_b2``
    (the given value alone when there is one), from :func:`~nnfield.numeric.meanfield.critical_sigma_w2`.

    Examples
    --------
    >>> weights, biases = critical_line("relu", (0.0,))
    >>> float(weights[0]), float(biases[0])
    (2.0, 0.0)
    """
    biases = np.atleast_1d(sigma_b2) if len(sigma_b2) == 1 else np.linspace(min(sigma_b2), max(sigma_b2), 9)
    weights = np.array([critical_sigma_w2(SWEPT_ACTIVATIONS[phi], sigma_b2=float(value)) for value in biases])
    return weights, biases
