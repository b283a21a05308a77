"""Numerical checks of schoenholz2017's rectified linear results (Figs. 5 and 6), run by the audit.

The reduced chain on ``(r_+, r_-, k)`` draws the law of the network exactly (see
:func:`~nnfield.numeric.samplers.relu_field_chain`), and it makes two moments exact at any width:
:math:`E[k] = N/2` and :math:`E[r_\\pm^2] = N\\sigma_b^2/(2 - \\sigma_w^2) = (r^*_\\pm)^2`.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from scipy import stats

from nnfield.derivations.schoenholz2017.checks import agreement_evidence
from nnfield.derivations.schoenholz2017.relu import PRINTED_INVERSE_COVARIANCE, relu_ring, tilde_scales
from nnfield.derivations.schoenholz2017.relu_figures import plot_relu_mode_covariance, plot_relu_saddle
from nnfield.derivations.schoenholz2017.symbols import N, q, sigma_b, sigma_w
from nnfield.numeric.compile import compile_matrix
from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.samplers import dense_network_norms, exact_network_norms, relu, relu_field_chain, relu_fields
from nnfield.numeric.spectra import bulk_window, mode_covariance_estimate, windowed_prediction
from nnfield.numeric.statistics import compare_with_prediction, two_sample_test

__all__ = ["relu_checks", "FIGURE5", "FIGURE6", "printed_mode_covariance"]

ALPHA = 1e-3
TRANSIENT = 512
BAND = 8
FIGURE5 = dict(sigma_w2=tuple(np.round(np.linspace(0.1, 1.9, 10), 2)), sigma_b2=0.01, N=200, L=1024, M=200)
FIGURE6 = dict(sigma_w2=(0.02, 0.34, 0.66, 0.98, 1.3, 1.62, 1.94), sigma_b2=0.01, N=200, L=1024, M=200)


def printed_mode_covariance():
    """The mode covariance that the printed eq. 22 predicts, in original units and this toolkit's k.

    Eq. 22 gives the kernel in the rescaled fields as :math:`\\Sigma^{-1}(q) = K(q)^T` (see the claim's
    note); with :math:`\\epsilon = T\\tilde\\epsilon`, the kernel of the original fields is
    :math:`T^{-1}\\Sigma^{-1}(q)^T T^{-1}` and the covariance its inverse.
    """
    inverse_scales = tilde_scales().inv()
    kernel = compile_matrix(inverse_scales * PRINTED_INVERSE_COVARIANCE.T * inverse_scales, (sigma_w, sigma_b, N, q))

    def covariance(sigma_w2, sigma_b2, width):
        def at(q_values):
            matrix = kernel(math.sqrt(sigma_w2), math.sqrt(sigma_b2), width, np.asarray(q_values, dtype=float))
            return np.linalg.inv(np.asarray(matrix, dtype=complex))

        return at

    return covariance


def _verdict(p_value: float) -> str:
    return "agrees" if p_value >= ALPHA else "disagrees"


def relu_saddle(rng, figures, progress) -> Evidence:
    """Eq. 20 against Fig. 5's simulation: bulk mean squares of r_+- and mean k."""
    setup = FIGURE5
    derivation = relu_ring()
    values = np.array(setup["sigma_w2"])
    fields = relu_field_chain(values, setup["sigma_b2"], setup["N"], setup["L"], setup["M"], rng=rng)[..., TRANSIENT:, :]
    z_scores, stars = [], []
    for value, sample in zip(values, fields):
        prediction = derivation.predict(sigma_w2=float(value), sigma_b2=setup["sigma_b2"], N=setup["N"])
        stars.append((prediction.r_plus_star, prediction.r_minus_star, prediction.k_star))
        targets = (prediction.r_plus_star**2, prediction.r_minus_star**2, prediction.k_star)
        observables = (sample[..., 0] ** 2, sample[..., 1] ** 2, sample[..., 2])
        for target, observable in zip(targets, observables):
            per_network = observable.mean(axis=1)
            z_scores.append((per_network.mean() - target) / (per_network.std(ddof=1) / math.sqrt(setup["M"])))
    chi_square = float(np.sum(np.square(z_scores)))
    p_value = float(stats.chi2.sf(chi_square, len(z_scores)))
    plot_relu_saddle(figures / "fig5_relu_saddle.png", values, np.array(stars), fields,
                     {**setup, "transient": TRANSIENT})
    return Evidence(
        claims=("20",),
        verdict=_verdict(p_value),
        statistic="chi-square of z-scores of the bulk mean squares of r_+, r_- and mean k",
        value=chi_square,
        p_value=p_value,
        sample_sizes={"networks": setup["M"], "layers analysed": setup["L"] - TRANSIENT, "N": setup["N"],
                      "sigma_w2 values": len(values)},
        figure="fig5_relu_saddle.png",
        detail=f"Largest |z| = {np.max(np.abs(z_scores)):.2f} over {len(z_scores)} moments.",
    )


def relu_mode_covariance(rng, figures, progress) -> Evidence:
    """Eqs. 21-23 against Fig. 6's simulation: printed and derived kernels face the same networks."""
    setup = FIGURE6
    derivation = relu_ring()
    printed = printed_mode_covariance()
    values = np.array(setup["sigma_w2"])
    fields = relu_field_chain(values, setup["sigma_b2"], setup["N"], setup["L"], setup["M"], rng=rng)
    window = setup["L"] - TRANSIENT
    totals = {"derived": [0.0, 0], "printed": [0.0, 0]}
    per_value, curves = [], []
    for value, sample in zip(values, fields):
        prediction = derivation.predict(sigma_w2=float(value), sigma_b2=setup["sigma_b2"], N=setup["N"])
        centre = np.array([prediction.r_plus_star, prediction.r_minus_star, prediction.k_star])
        estimate = mode_covariance_estimate(bulk_window(np.moveaxis(sample, -1, 1), TRANSIENT).transpose(0, 2, 1) - centre)
        expected = {
            "derived": windowed_prediction(prediction.mode_covariance, window),
            "printed": windowed_prediction(printed(float(value), setup["sigma_b2"], setup["N"]), window),
        }
        row = {}
        for name, prediction_values in expected.items():
            comparison = compare_with_prediction(estimate, prediction_values, band=BAND, alpha=ALPHA)
            totals[name][0] += comparison.value
            totals[name][1] += comparison.dof
            row[name] = comparison.p_value
        per_value.append((float(value), row["derived"], row["printed"]))
        curves.append((float(value), estimate, expected["derived"], expected["printed"]))
    p_derived = float(stats.chi2.sf(*totals["derived"]))
    p_printed = float(stats.chi2.sf(*totals["printed"]))
    plot_relu_mode_covariance(figures / "fig6_relu_mode_covariance.png", curves, {**setup, "transient": TRANSIENT})
    worst = min(per_value, key=lambda item: item[1])
    return Evidence(
        claims=("94", "21", "90", "22", "23"),
        verdict=_verdict(p_derived),
        statistic=f"chi-square of z-scores of band-averaged diagonal mode variances (bands of {BAND} modes), derived kernel",
        value=totals["derived"][0],
        p_value=p_derived,
        sample_sizes={"networks": setup["M"], "layers analysed": window, "N": setup["N"],
                      "sigma_w2 values": len(values), "degrees of freedom": totals["derived"][1]},
        supports_derived=p_derived >= ALPHA and p_printed < ALPHA,
        figure="fig6_relu_mode_covariance.png",
        detail=f"Diagonal mode variances of (r_+, r_-, k) against the windowed predictions: derived kernel chi-square "
               f"{totals['derived'][0]:.1f} on {totals['derived'][1]} degrees of freedom (p = {p_derived:.3g}; smallest "
               f"per-value p = {worst[1]:.2g} at sigma_w^2 = {worst[0]}); printed eq. 22 chi-square "
               f"{totals['printed'][0]:.1f} (p = {p_printed:.3g}). The printed k row halves the precision of k: it "
               f"predicts an equal-layer variance 0.4 N of k instead of the binomial N/4.",
    )


def relu_samplers_agree(rng, figures, progress) -> Evidence:
    """The exact and reduced ReLU samplers against the dense one at small width, field by field."""
    setup = dict(sigma_w2=1.2, sigma_b2=0.05, N=6, L=40, M=800)
    dense = dense_network_norms(**setup, phi=relu, observe=relu_fields, rng=rng, progress=progress)
    exact = exact_network_norms(**setup, phi=relu, observe=relu_fields, rng=rng)
    chain = relu_field_chain(**setup, rng=rng)
    return agreement_evidence(
        [two_sample_test(dense[:, -1, i], other[:, -1, i]) for other in (exact, chain) for i in range(3)],
        "smallest Kolmogorov-Smirnov p-value (last-layer r_+, r_-, k)",
        {"networks per sampler": setup["M"], "N": setup["N"], "L": setup["L"]},
        "Rectified linear networks: dense against exact and against the (r_+, r_-, k) chain (the test is "
        "conservative for the discrete k).",
    )


def relu_checks() -> tuple[Check, ...]:
    """The rectified linear checks the audit runs."""
    return (
        Check("dense, exact and (r+, r-, k) chain samplers agree (ReLU)", (), relu_samplers_agree),
        Check("ReLU saddle (Fig. 5)", ("20",), relu_saddle),
        Check("ReLU mode covariance (Fig. 6)", ("94", "21", "90", "22", "23"), relu_mode_covariance),
    )
