"""Cold cost of the derivations, of the audit and the engine's growth, measured in one run; prints one JSON object.

Run with ``make bench`` or ``.venv/bin/python benchmarks/derivations.py`` (``--no-audit`` leaves out the
two audits, the slowest part). Every derivation is timed **cold, in a fresh subprocess** (SymPy's caches
empty, imports done before the clock starts), three times (the median is given; so is the median of three
runs of ``nnfield derive schoenholz2017``, imports and exit included), and reported as a ratio to a fixed
reference workload timed the same way right before each run: a hand-written SymPy derivation of the
rectified linear ring's saddle, Hessian blocks and Fourier kernel (the same model as ``relu_ring``), with
the blanket ``simplify`` a person would write. A ratio is the median of the three ratios of adjacent runs:
the machine's speed drifts by up to half within one run of this script, and a reference timed only at its
start and end once made a derivation look 35% slower than it was. Ratios are what to compare across
machines and loads; both wall-clock and CPU seconds are given, with the load average before and after (the
machine is shared, and CPU seconds are the less noisy figure when it is busy).

The growth of the engine's cost is measured on a synthetic ring of ``n`` positive fields
:math:`x_a` with couplings reaching ``R`` neighbours,

.. math:: E_l = \\sum_a \\Big(\\frac{x_a[l]^2}{2} - m_a \\log x_a[l]\\Big)
          + \\sum_{d=1}^{R} c_d \\sum_a (x_a[l] - x_a[l-d])(x_{a+1}[l] - x_{a+1}[l-d]),

whose uniform saddle is :math:`x_a^* = \\sqrt{m_a}` while every field couples to the next one at every
range: saddle, fluctuations, Fourier kernel and continuum limit are derived for n = 1, 2, 3, 6 (R = 1)
and R = 1, 2, 4 (n = 2).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

FIELDS = (1, 2, 3, 6)
RANGES = (1, 2, 4)
#: Cold runs per derivation, reference and synthetic ring; the JSON gives their median.
REPEATS = 3


def reference_workload() -> None:
    """The rectified linear ring by hand, SymPy alone (the fixed yardstick): saddle, Hessian blocks, kernel.

    The large-N energy of a layer in the norms of its positive and negative units and the count k of
    positive units (schoenholz2017 eq. 79 in k counting positive units); the stationary equations with
    denominators cleared and the k equation exponentiated, solved at once; the blocks simplified entry by
    entry; :math:`K(q) = K_0 + K_1 e^{-iq} + K_1^T e^{iq}`.
    """
    import sympy as sp

    plus, minus, previous, count, n, s_b, s_w = sp.symbols("r_p r_m r_q k N sigma_b sigma_w", positive=True)
    q = sp.Symbol("q", real=True)
    variance = s_b**2 + s_w**2 * previous**2 / n
    energy = ((plus**2 + minus**2) / variance + n * sp.log(variance) + count * (3 * sp.log(count) - 2 * sp.log(plus))
              + (n - count) * (3 * sp.log(n - count) - 2 * sp.log(minus))) / 2
    uniform = energy.subs(previous, plus)
    radial = [sp.numer(sp.together(sp.diff(uniform, v))) for v in (plus, minus)]
    counting = sp.expand(plus**2 * (n - count) ** 3 - minus**2 * count**3)  # dE/dk = 0, exponentiated and squared
    solutions = sp.solve([*radial, counting], [plus, minus, count], dict=True)
    (saddle,) = [s for s in solutions if not any(v.could_extract_minus_sign() or v == 0 for v in s.values())]
    saddle = {symbol: sp.simplify(value) for symbol, value in saddle.items()}
    at = {**saddle, previous: saddle[plus]}
    here = (plus, minus, count)
    same = sp.Matrix(3, 3, lambda a, b: sp.diff(energy, here[a], here[b]))
    same[0, 0] += sp.diff(energy, previous, 2)
    same = same.subs(at).applyfunc(sp.simplify)
    neighbour = sp.Matrix(3, 3, lambda a, b: sp.diff(energy, previous, here[b]) if a == 0 else 0).subs(at)
    neighbour = neighbour.applyfunc(sp.simplify)
    (same + neighbour * sp.exp(-sp.I * q) + neighbour.T * sp.exp(sp.I * q)).applyfunc(sp.simplify)


def synthetic_ring(fields: int, reach: int):
    """The lattice energy of the module docstring with ``fields`` fields and couplings to ``reach`` neighbours."""
    import sympy as sp

    from nnfield.symbolic import lattice_model

    site = sp.Symbol("l", integer=True)
    x = [sp.IndexedBase(f"x{a}", positive=True) for a in range(fields)]
    masses = sp.symbols(f"m0:{fields}", positive=True)
    couplings = sp.symbols(f"c1:{reach + 1}", positive=True)
    energy = sum(x[a][site] ** 2 / 2 - masses[a] * sp.log(x[a][site]) for a in range(fields))
    for d, coupling in enumerate(couplings, 1):
        for a in range(fields):
            b = (a + 1) % fields
            energy += coupling * (x[a][site] - x[a][site - d]) * (x[b][site] - x[b][site - d])
    return lattice_model(energy, x, site)


def derive_synthetic(fields: int, reach: int) -> None:
    from nnfield.symbolic import continuum_limit, fourier_kernel, quadratic_fluctuations, uniform_saddle

    continuum_limit(fourier_kernel(quadratic_fluctuations(uniform_saddle(synthetic_ring(fields, reach)))))


def _task(name: str):
    """The function a worker times, by name: ``reference``, ``<paper>/<derivation>`` or ``ring/<n>/<R>``."""
    if name == "reference":
        return reference_workload
    if name.startswith("ring/"):
        _, fields, reach = name.split("/")
        synthetic_ring(int(fields), int(reach))  # imports and model building are not timed
        return lambda: derive_synthetic(int(fields), int(reach))
    from snapshot_derivations import _name

    from nnfield.derivations import paper

    identifier, derivation = name.split("/")
    for function in paper(identifier).derivations:
        if _name(function) == derivation:
            return function
    raise ValueError(f"no derivation {name!r}")


def worker(name: str) -> dict:
    """Time one task in this (fresh) process: wall-clock and CPU seconds."""
    import sympy  # noqa: F401  (imports outside the clock)

    import nnfield.symbolic  # noqa: F401

    function = _task(name)
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def _run_worker(name: str) -> dict:
    here = os.path.dirname(os.path.abspath(__file__))
    return json.loads(subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", name], check=True,
                                     capture_output=True, text=True, cwd=here).stdout.strip().splitlines()[-1])


def cold(name: str, references: list) -> dict:
    """:data:`REPEATS` runs of :func:`worker` for ``name``, each in a fresh interpreter and each right after a run of
    the reference workload: the median seconds, and the median of the ratios of each run to the reference run
    before it. One cold run varies by up to 40% (SymPy orders its assumption queries at random in each process),
    and the machine's own speed drifts within a run of this script, which a ratio of adjacent runs cancels.
    The reference runs are appended to ``references``."""
    pairs = []
    for _ in range(REPEATS):
        reference = _run_worker("reference")
        references.append(reference)
        pairs.append((_run_worker(name), reference))
    seconds = {key: statistics.median(run[key] for run, _ in pairs) for key in ("wall", "cpu")}
    ratio = {key: round(statistics.median(run[key] / reference[key] for run, reference in pairs), 2)
             for key in ("wall", "cpu")}
    return {"seconds": seconds, "ratio": ratio}


def command_seconds(arguments: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(arguments, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--no-audit", action="store_true", help="leave out the two audits")
    arguments = parser.parse_args(argv)
    if arguments.worker:
        print(json.dumps(worker(arguments.worker)))
        return {}

    from snapshot_derivations import _name

    from nnfield.derivations import PAPERS, paper
    from nnfield.workers import default_workers

    load_before = os.getloadavg()[0]
    references = []
    derivations = {f"{identifier}/{_name(function)}": cold(f"{identifier}/{_name(function)}", references)
                   for identifier in PAPERS for function in paper(identifier).derivations}
    fields = {n: cold(f"ring/{n}/1", references) for n in FIELDS}
    ranges = {reach: cold(f"ring/2/{reach}", references) for reach in RANGES}
    audits = {}
    nnfield = os.path.join(os.path.dirname(sys.executable), "nnfield")
    audits["derive_schoenholz2017_seconds"] = statistics.median(
        command_seconds([nnfield, "derive", "schoenholz2017", "--quiet"]) for _ in range(REPEATS))
    if not arguments.no_audit:
        with tempfile.TemporaryDirectory() as folder:
            audits["audit_no_simulate_seconds"] = command_seconds(
                [nnfield, "audit", "--no-simulate", "--quiet", "--out", os.path.join(folder, "a")])
            audits["audit_seconds"] = command_seconds([nnfield, "audit", "--quiet", "--out", os.path.join(folder, "b")])
    reference = {key: statistics.median(run[key] for run in references) for key in ("wall", "cpu")}
    slowest = max(derivations, key=lambda key: derivations[key]["ratio"]["wall"])
    result = {
        "cold": f"each derivation in a fresh subprocess, imports outside the clock; median of {REPEATS} runs, each "
                "after a run of the reference workload; a ratio is the median of the ratios of adjacent runs",
        "load_average": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "reference_seconds": {"wall": round(reference["wall"], 3), "cpu": round(reference["cpu"], 3),
                              "fastest_wall": round(min(run["wall"] for run in references), 3),
                              "slowest_wall": round(max(run["wall"] for run in references), 3)},
        "derivation_seconds": {key: {k: round(v, 3) for k, v in value["seconds"].items()}
                               for key, value in derivations.items()},
        "derivation_ratio_to_reference": {key: value["ratio"] for key, value in derivations.items()},
        "slowest_derivation": {"name": slowest, **derivations[slowest]["ratio"]},
        "growth_with_fields_range_1": {str(n): value["ratio"] for n, value in fields.items()},
        "growth_with_range_fields_2": {str(reach): value["ratio"] for reach, value in ranges.items()},
    }
    result["workers"] = default_workers()
    for key, seconds in audits.items():
        result[key] = round(seconds, 2)
        result[key.replace("_seconds", "_ratio_to_reference")] = round(seconds / reference["wall"], 2)
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
