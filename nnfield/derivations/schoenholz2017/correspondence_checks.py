"""The exact correspondence decided on a network: an open chain of two linear layers fed by one input.

Eq 9's energy of a layer (``ln|Sigma|`` once per layer) and eq 10's single-input law (its log term at
layer l) both differ from the derived forms, and only on a network, not on a ring, does the
difference show. Each claim's own printed and derived energies are turned into a law of the squared
norms ``(s_1, s_2)`` of a network of two linear layers,

.. math:: p(s_1, s_2) \\propto e^{-E(s_1, s_2)}\\, s_1^{N/2-1} s_2^{N/2-1}

(the Jacobian of the N-dimensional pre-activations to their squared norms; for a linear network
:math:`P_l = s_l` and :math:`P_0 = |x|^2`), whose means are integrated on a grid and compared with the
exact sampler by Hotelling's test.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from nnfield.derivations.schoenholz2017.correspondence import P, correspondence
from nnfield.derivations.schoenholz2017.symbols import N, s, sigma_b, sigma_w
from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.statistics import SIGNIFICANCE, hotelling

__all__ = ["correspondence_checks", "OPEN_CHAIN", "chain_energies", "predicted_means"]

#: The network of the check: width, the input's squared norm, variances, networks sampled.
OPEN_CHAIN = dict(width=4, input_square=4.0, sigma_w2=0.5, sigma_b2=0.1, networks=40_000)

_Q, _D = sp.symbols("Q_z D_Sigma", positive=True)


def chain_energies(claim) -> dict:
    """The energy of the two-layer open chain, in ``s[1], s[2]``, that each form of ``claim`` implies."""
    variance = {j: sigma_w**2 * P[j] / N + sigma_b**2 for j in (0, 1)}
    linear = {P[1]: s[1], P[2]: s[2]}
    energies = {}
    for name, form in (("printed", claim.printed), ("derived", claim.derived)):
        if form.has(_Q):  # eq 9: a layer's energy in Q_z = z^T Sigma^-1 z summed over units and D_Sigma = |Sigma|
            energy = sum(form.subs({_Q: s[j] / variance[j - 1], _D: variance[j - 1]}) for j in (1, 2))
        else:  # eq 10: already the open chain's energy
            energy = form
        energies[name] = energy.subs(linear)
    return energies


def predicted_means(energy, setting=OPEN_CHAIN, panels=80, order=12) -> np.ndarray:
    """``(E[s_1], E[s_2])`` under :math:`e^{-E} (s_1 s_2)^{N/2-1}`, by composite Gauss-Legendre quadrature.

    Each axis runs over ``[0, 60 N v_0]`` (the law's scale times 60) in ``panels`` panels of ``order``
    nodes: the integrands are smooth, so the rule converges fast.

    Examples
    --------
    The derived law of a linear network has :math:`E[s_1] = N v_0` with :math:`v_0 = \\sigma_w^2|x|^2/N + \\sigma_b^2`:

    >>> claim = correspondence().claim("10")
    >>> means = predicted_means(chain_energies(claim)["derived"])
    >>> round(float(means[0]), 8)  # 4 * (0.5 * 4 / 4 + 0.1)
    2.4
    """
    width = setting["width"]
    values = {N: width, sigma_w: math.sqrt(setting["sigma_w2"]), sigma_b: math.sqrt(setting["sigma_b2"]),
              P[0]: setting["input_square"]}
    function = sp.lambdify((s[1], s[2]), energy.subs(values), "numpy")
    scale = width * (setting["sigma_w2"] * setting["input_square"] / width + setting["sigma_b2"])
    nodes, weights = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(0.0, 60.0 * scale, panels + 1)
    half = np.diff(edges)[:, None] / 2
    grid = ((edges[:-1, None] + edges[1:, None]) / 2 + half * nodes).ravel()
    grid_weights = (half * weights).ravel()
    first, second = np.meshgrid(grid, grid, indexing="ij")
    log_density = -function(first, second) + (width / 2 - 1) * (np.log(first) + np.log(second))
    density = np.exp(log_density - log_density.max()) * np.outer(grid_weights, grid_weights)
    total = density.sum()
    return np.array([(density * first).sum() / total, (density * second).sum() / total])


def _sample(rng, setting=OPEN_CHAIN) -> np.ndarray:
    """Squared norms ``(s_1, s_2)`` of independent two-layer linear networks, drawn exactly."""
    width, count = setting["width"], setting["networks"]
    first_variance = setting["sigma_w2"] * setting["input_square"] / width + setting["sigma_b2"]
    first = first_variance * rng.chisquare(width, count)
    second = (setting["sigma_w2"] * first / width + setting["sigma_b2"]) * rng.chisquare(width, count)
    return np.column_stack([first, second])


def open_chain(rng, figures, progress) -> tuple[Evidence, ...]:
    """Eqs 9 and 10 on a network: each claim's printed and derived laws against the same simulated networks."""
    derivation = correspondence()
    samples = _sample(rng)
    measured = samples.mean(axis=0)
    evidence = []
    for label in ("9 (units)", "10"):
        claim = derivation.claim(label)
        tests = {name: (predicted_means(energy), hotelling(samples, predicted_means(energy)))
                 for name, energy in chain_energies(claim).items()}
        (derived_means, derived), (printed_means, printed) = tests["derived"], tests["printed"]
        evidence.append(Evidence(
            claims=(label,),
            verdict="agrees" if derived.p_value >= SIGNIFICANCE else "disagrees",
            statistic="Hotelling T^2 of the mean squared norms (s_1, s_2) of two-layer linear networks, derived law",
            value=derived.t_squared,
            p_value=derived.p_value,
            sample_sizes={"networks": OPEN_CHAIN["networks"], "N": OPEN_CHAIN["width"], "layers": 2},
            supports_derived=derived.p_value >= SIGNIFICANCE > printed.p_value,
            detail=f"Measured (E[s_1], E[s_2]) = ({measured[0]:.4f}, {measured[1]:.4f}); the derived law predicts "
                   f"({derived_means[0]:.4f}, {derived_means[1]:.4f}) (T^2 = {derived.t_squared:.2f}, p = {derived.p_value:.2g}); "
                   f"the printed law ({printed_means[0]:.4f}, {printed_means[1]:.4f}) (T^2 = {printed.t_squared:.3g}, "
                   f"p = {printed.p_value:.2g}).",
        ))
    return tuple(evidence)


def correspondence_checks() -> tuple[Check, ...]:
    """The check of the exact correspondence the audit runs."""
    return (Check("open chain of two layers", ("9 (units)", "10"), open_chain),)
