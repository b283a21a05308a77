"""Cost of the audit's numerical checks and of the chain kernels, measured in one run; prints one JSON object.

Run with ``make bench`` or ``.venv/bin/python benchmarks/checks.py`` (``--papers`` picks papers, default
kahn2017, schoenholz2017 and fok2017). Every figure is CPU seconds (``time.process_time``), the less noisy
measure on a shared machine, with the load average before and after.

- ``checks``: each check as the audit runs it (one BLAS thread, its own random stream), after every
  paper's derivations have been derived, so that a check's time is its own.
- ``kernels``: timed in this run on the same input: the checkerboard Metropolis sampler against a
  straightforward one (fancy-indexed neighbours, both energies and both bonds recomputed with reductions
  over the multiplet's axis) on the O(2) chain of kahn2017's check (200 sweeps), as a ratio; and the
  seconds of one exact transfer operator (320 nodes).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

PAPERS = ("kahn2017", "schoenholz2017", "fok2017")


def _cpu(function, repeat: int = 1) -> float:
    start = time.process_time()
    for _ in range(repeat):
        function()
    return (time.process_time() - start) / repeat


def straightforward_metropolis(potential, dimension, length, coupling, temperature, chains, sweeps, start, step, rng):
    """The yardstick: one checkerboard sweep as first written, every energy recomputed, reductions over the last axis."""
    w = np.zeros((chains, length, dimension)) + np.asarray(start, dtype=float)
    parities = (np.arange(0, length, 2), np.arange(1, length, 2))

    def bonds(x, left, right):
        return coupling / 2 * (np.sum((x - left) ** 2, axis=-1) + np.sum((x - right) ** 2, axis=-1))

    for _ in range(sweeps):
        for sites in parities:
            left, right = w[:, sites - 1], w[:, (sites + 1) % length]
            old = w[:, sites]
            new = old + step * rng.standard_normal(old.shape)
            change = potential(new) - potential(old) + bonds(new, left, right) - bonds(old, left, right)
            accept = np.log(rng.random(change.shape)) < -change / temperature
            w[:, sites] = np.where(accept[..., None], new, old)
    return w


def check_times(papers) -> dict:
    from nnfield.audit import load_paper
    from nnfield.numeric.statistics import check_stream
    from nnfield.numeric.threads import one_blas_thread

    entries = [load_paper(identifier) for identifier in papers]
    for entry in entries:  # every derivation first, as the audit has them when it reaches a paper's checks
        for derive in entry.derivations:
            derive()
    times = {}
    for identifier, entry in zip(papers, entries):
        for check in entry.checks():
            with tempfile.TemporaryDirectory() as folder, one_blas_thread():
                times[f"{identifier}: {check.name}"] = round(_cpu(
                    lambda: check.run(check_stream(2017, f"{identifier}: {check.name}"), Path(folder), False)), 3)
    return times


def kernel_ratios() -> dict:
    from nnfield.derivations.kahn2017.chain import CHAIN, chain_potential, vacuum
    from nnfield.numeric.chain_monte_carlo import o_chain_metropolis
    from nnfield.numeric.transfer import o_chain_transfer

    potential = chain_potential(2)
    settings = dict(dimension=2, length=64, coupling=CHAIN["coupling"], temperature=1.0, chains=128)
    sampler = _cpu(lambda: o_chain_metropolis(potential, **settings, sweeps=200, burn_in=0, start=vacuum(2), rng=1))
    yardstick = _cpu(lambda: straightforward_metropolis(potential, **settings, sweeps=200, start=vacuum(2), step=0.5,
                                                        rng=np.random.default_rng(1)))
    temperatures = np.geomspace(0.05, 8, 8)

    def transfer():
        for temperature in temperatures:
            o_chain_transfer(potential.radial, 2, CHAIN["coupling"], temperature)

    return {
        "metropolis_seconds": round(sampler, 3),
        "metropolis_straightforward_over_checkerboard": round(yardstick / sampler, 2),
        "transfer_seconds_per_solve": round(_cpu(transfer) / temperatures.size, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", nargs="*", default=list(PAPERS))
    arguments = parser.parse_args()
    load_before = os.getloadavg()[0]
    kernels = kernel_ratios()
    checks = check_times(arguments.papers)
    print(json.dumps({"load_before": round(load_before, 2), "kernels": kernels, "checks": checks,
                      "checks_total_seconds": round(sum(checks.values()), 2),
                      "load_after": round(os.getloadavg()[0], 2)}, indent=1))


if __name__ == "__main__":
    main()
