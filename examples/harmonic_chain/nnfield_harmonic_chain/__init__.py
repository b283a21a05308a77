"""An example paper: a Gaussian chain with nearest- and next-nearest-neighbour couplings.

The module is what nnfield needs of a registered paper: ``PAPER`` (the id under which the entry point
registers it), ``TITLE``, ``DERIVATIONS`` and ``audit_checks()``. The derivation is written with
nnfield's engine from the lattice energy; the printed forms are transcribed beside it.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from nnfield.numeric.compile import compile_expression
from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.samplers import as_generator
from nnfield.numeric.spectra import mode_covariance_estimate
from nnfield.numeric.statistics import SIGNIFICANCE, compare_with_prediction
from nnfield.symbolic import (Claim, Derivation, Step, compare, continuum_limit, fourier_kernel, lattice_model,
                              quadratic_fluctuations, uniform_saddle)

__all__ = ["PAPER", "TITLE", "DERIVATIONS", "audit_checks", "chain_derivation", "sample_chain"]

PAPER = "example-harmonic-chain"
TITLE = "A Gaussian chain with nearest- and next-nearest-neighbour couplings (a textbook example)"

site = sp.Symbol("l", integer=True)
x = sp.IndexedBase("x", real=True)
q = sp.Symbol("q", real=True)
m, J1, J2 = sp.symbols("m J_1 J_2", positive=True)

#: The parameters the simulation check uses.
SETTING = {"m": 0.5, "J1": 1.0, "J2": 0.3, "length": 64, "samples": 400}


def chain_derivation() -> Derivation:
    """The chain's saddle, kernel, mode covariance and continuum stiffness, derived and compared.

    Examples
    --------
    >>> derivation = chain_derivation()
    >>> [claim.status() for claim in derivation.claims]
    ['reproduced', 'reproduced', 'disputed', 'reproduced']
    """
    energy = m * x[site] ** 2 / 2 + J1 * (x[site] - x[site - 1]) ** 2 / 2 + J2 * (x[site] - x[site - 2]) ** 2 / 2
    model = lattice_model(energy, [x], site)
    saddle = uniform_saddle(model)
    kernel = fourier_kernel(quadratic_fluctuations(saddle), q)
    eft = continuum_limit(kernel)
    covariance = kernel.mode_covariance()[0, 0]
    printed = {
        "saddle": sp.Integer(0),
        "kernel": m + 2 * J1 * (1 - sp.cos(q)) + 2 * J2 * (1 - sp.cos(2 * q)),
        "covariance": 1 / (m + 2 * J1 * (1 - sp.cos(q)) + J2 * (1 - sp.cos(2 * q))),  # misprinted on purpose
        "stiffness": J1 + 4 * J2,
    }
    derived = {"saddle": saddle.values[0], "kernel": kernel.matrix[0, 0], "covariance": covariance,
               "stiffness": eft.stiffness[0, 0]}
    titles = {"saddle": "uniform saddle x* = 0", "kernel": "Fourier kernel K(q)",
              "covariance": "mode covariance C(q) = 1/K(q)", "stiffness": "continuum stiffness (coefficient of q^2)"}
    quotes = {"saddle": r"x^* = 0", "kernel": r"K(q) = m + 2J_1(1-\cos q) + 2J_2(1-\cos 2q)",
              "covariance": r"C(q) = \frac{1}{m + 2J_1(1-\cos q) + J_2(1-\cos 2q)}",
              "stiffness": r"U = \frac{1}{2}\int dx\,[m\,\epsilon^2 + (J_1 + 4J_2)(\partial_x\epsilon)^2]"}
    claims = tuple(Claim(PAPER, key, (), titles[key], quotes[key], printed[key], derived[key],
                         compare(printed[key], derived[key])) for key in printed)
    steps = (Step("lattice energy", energy), Step("uniform saddle", saddle.values[0]),
             Step("Fourier kernel", kernel.matrix[0, 0]), Step("mode covariance", covariance),
             Step("EFT energy density", eft.energy_density()))
    return Derivation(PAPER, "Gaussian chain with two couplings", steps, claims)


def sample_chain(m_value, j1, j2, length, samples, rng=None) -> np.ndarray:
    """Exact samples of the chain on a ring, shape ``(samples, length)``: Gaussian with precision matrix K.

    Examples
    --------
    >>> sample_chain(0.5, 1.0, 0.3, 16, 3, rng=0).shape
    (3, 16)
    """
    precision = np.zeros((length, length))
    for site_index in range(length):
        precision[site_index, site_index] = m_value + 2 * j1 + 2 * j2
        for distance, coupling in ((1, j1), (2, j2)):
            precision[site_index, (site_index + distance) % length] -= coupling
            precision[site_index, (site_index - distance) % length] -= coupling
    lower = np.linalg.cholesky(precision)
    noise = as_generator(rng).standard_normal((length, samples))
    return np.linalg.solve(lower.T, noise).T  # covariance (L L^T)^-1 = K^-1


def covariance_check(rng, figures, progress) -> Evidence:
    """The misprinted claim's own printed and derived forms, compiled and scored on the same exact samples."""
    claim = chain_derivation().claim("covariance")
    setting = SETTING
    estimate = mode_covariance_estimate(sample_chain(setting["m"], setting["J1"], setting["J2"], setting["length"],
                                                     setting["samples"], rng))
    results = {}
    for name, form in (("printed", claim.printed), ("derived", claim.derived)):
        function = compile_expression(form, (m, J1, J2, q))
        predicted = np.asarray(function(setting["m"], setting["J1"], setting["J2"], estimate.q), dtype=float)
        results[name] = compare_with_prediction(estimate, predicted, band=4)
    derived, printed = results["derived"], results["printed"]
    return Evidence(
        claims=("covariance",),
        verdict=derived.verdict,
        statistic=derived.statistic,
        value=derived.value,
        p_value=derived.p_value,
        sample_sizes={"chains": setting["samples"], "ring length": setting["length"]},
        supports_derived=derived.p_value >= SIGNIFICANCE > printed.p_value,
        detail=f"Exact samples of the ring: derived form chi-square {derived.value:.1f} on {derived.dof} bands "
               f"(p = {derived.p_value:.2g}); printed form chi-square {printed.value:.3g} (p = {printed.p_value:.2g}).",
    )


def audit_checks() -> tuple[Check, ...]:
    """The one simulation check of the example paper."""
    return (Check("exact chain against the mode covariance", ("covariance",), covariance_check),)


DERIVATIONS = (chain_derivation,)
