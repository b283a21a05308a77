"""Order and chaos for two inputs, measured against the mean-field map: phase diagrams for the audit.

A validation without claims: the pair of inputs' correlation :math:`c^l`, sampled with the exact
multi-input sampler on a coarse grid of :math:`(\\sigma_w^2, \\sigma_b^2)`, is fitted by
:math:`c^* + A\\chi_c^l` (jackknife errors over networks) and compared with the mean-field
:math:`c^*` and :math:`\\xi_c = -1/\\ln\\chi_c`, which the pair field theory gives as the decay length of
the kernel fluctuations (:func:`~nnfield.derivations.schoenholz2017.pair.pair_of_inputs`).
"""

from __future__ import annotations

import math

import numpy as np
import scipy

from nnfield.numeric.evidence import Check, Evidence
from nnfield.sweep import SweepGrid, critical_line, run_point
from nnfield.numeric.phase import plot_phase_diagram

__all__ = ["PHASE_GRIDS", "phase_checks"]

ALPHA = 1e-3
#: Coarse grids across the transition. The ReLU has no chaotic phase with a finite variance: at sigma_w^2 >= 2
#: the variance grows without bound (no prediction; the measured correlation is still drawn).
PHASE_GRIDS = {
    "tanh": dict(sigma_w2=(0.5, 1.25, 2.0, 2.75, 3.5), sigma_b2=(0.05, 0.3), N=300, L=48, M=60),
    "relu": dict(sigma_w2=(0.5, 1.0, 1.5, 2.0, 2.5), sigma_b2=(0.05, 0.3), N=300, L=48, M=60),
}
#: Points whose predicted xi_c exceeds L / RESOLVED cannot be fitted in L layers; they are drawn, not tested.
RESOLVED = 4


def _normal_score(value, error, expected, dof) -> float:
    """A t-distributed z-score turned into a standard normal one with the same tail probability."""
    return float(scipy.stats.norm.isf(scipy.stats.t(dof).sf((value - expected) / error)))


def _phase_diagram(phi: str):
    def run(rng, figures, progress) -> Evidence:
        setup = PHASE_GRIDS[phi]
        grid = SweepGrid(phi, setup["sigma_w2"], setup["sigma_b2"], setup["N"], setup["L"], setup["M"],
                         int(rng.integers(2**62)))
        rows = [run_point(grid, i, j) for i, j in grid.points()]
        tested = [row for row in rows
                  if math.isfinite(row["predicted_xi_c"]) and row["predicted_xi_c"] < grid.L / RESOLVED]
        scores = []
        for row in tested:
            for key in ("c_star", "xi_c"):
                value, error, expected = row[f"measured_{key}"], row[f"measured_{key}_se"], row[f"predicted_{key}"]
                if error > 0:
                    scores.append(_normal_score(value, error, expected, row["jackknife_dof"]))
        chi_square = float(np.sum(np.square(scores)))
        p_value = float(scipy.stats.chi2.sf(chi_square, len(scores)))
        shape = (len(grid.sigma_b2), len(grid.sigma_w2))
        tables = {}
        for prefix in ("measured", "predicted"):
            tables[prefix] = {key: np.full(shape, np.nan) for key in ("c_star", "xi_c")}
            for row in rows:
                for key in ("c_star", "xi_c"):
                    tables[prefix][key][row["j"], row["i"]] = row[f"{prefix}_{key}"]
        name = f"phase_diagram_{phi}.png"
        plot_phase_diagram(figures / name, grid.sigma_w2, grid.sigma_b2, tables["measured"], tables["predicted"],
                           critical_line(phi, grid.sigma_b2),
                           title=f"{phi}: c* and xi_c of two inputs, exact sampler (N={grid.N}, L={grid.L}, "
                                 f"M={grid.M}) beside mean field (blank: no fixed point); dashed: chi_1 = 1")
        worst = max(tested, key=lambda row: abs(row["measured_xi_c"] - row["predicted_xi_c"]) / row["measured_xi_c_se"])
        return Evidence(
            claims=(),
            verdict="agrees" if p_value >= ALPHA else "disagrees",
            statistic="chi-square of normal scores of c* and xi_c (jackknife t-scores mapped to normal tails)",
            value=chi_square,
            p_value=p_value,
            sample_sizes={"grid points": len(rows), "scores": len(scores), "networks per point": grid.M,
                          "N": grid.N, "L": grid.L},
            figure=name,
            detail=f"{phi}: {len(rows)} grid points, {len(rows) - len(tested)} not tested (no fixed point, or predicted xi_c >= "
                   f"L/{RESOLVED}: not resolved in {grid.L} layers). Largest xi_c deviation at sigma_w2="
                   f"{worst['sigma_w2']}, sigma_b2={worst['sigma_b2']}: measured {worst['measured_xi_c']:.3g} +- "
                   f"{worst['measured_xi_c_se']:.2g}, predicted {worst['predicted_xi_c']:.3g}.",
        )

    return run


def phase_checks() -> tuple[Check, ...]:
    """The phase-diagram validations, one per activation of :data:`PHASE_GRIDS`."""
    return tuple(Check(f"order-to-chaos phase diagram ({phi})", (), _phase_diagram(phi)) for phi in PHASE_GRIDS)
