"""Numerical checks of schoenholz2017's linear-network results, run by the audit.

Each check simulates the networks the paper describes (or, for the Laplace recipe, integrates
exactly), compares with the compiled derived prediction, and returns
:class:`~nnfield.numeric.evidence.Evidence` with a statistic whose null distribution follows
from the sample size.

Two exact facts of the linear chain make some comparisons free of finite-width bias. Given
layer ``l-1``, :math:`r_l^2 = (\\sigma_w^2 r_{l-1}^2/N + \\sigma_b^2)\\,\\chi^2_N`, so

- :math:`E[r_l^2 \\mid r_{l-1}] = \\sigma_w^2 r_{l-1}^2 + N\\sigma_b^2`: the stationary mean square
  norm is :math:`N\\sigma_b^2/\\Delta_w = (r^*)^2` exactly, at every N;
- :math:`y_l = r_l^2 - (r^*)^2` has :math:`E[y_l \\mid y_{l-1}] = \\sigma_w^2 y_{l-1}`, so its
  autocorrelation at lag k is :math:`\\sigma_w^{2k}` exactly: the decay length is
  :math:`-1/\\ln\\sigma_w^2`.
"""

from __future__ import annotations

import math
from pathlib import Path

import mpmath
import numpy as np
from scipy import stats

from nnfield.derivations.schoenholz2017.figures import plot_mode_variance, plot_saddle_norm
from nnfield.derivations.schoenholz2017.linear import linear_ring
from nnfield.numeric.compile import compile_expression
from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.samplers import dense_network_observables, exact_network_observables, linear_norm_chain
from nnfield.numeric.spectra import bulk_window, mode_covariance_estimate, windowed_prediction
from nnfield.numeric.statistics import SIGNIFICANCE, bonferroni, combined_chi_square, compare_with_prediction, two_sample_test, z_chi_square

__all__ = ["checks", "FIGURE3", "FIGURE4", "ALPHA"]

#: Significance level of every verdict: a check disagrees when p < ALPHA.
ALPHA = SIGNIFICANCE
#: The paper's Fig. 3 and Fig. 4 set-ups (Sec. 5, App. 8.3).
FIGURE3 = dict(sigma_w2=tuple(np.round(np.linspace(0.05, 0.95, 10), 2)), sigma_b2=0.01, N=200, L=1024, M=200)
FIGURE4 = dict(sigma_w2=(0.02, 0.18, 0.34, 0.5, 0.66, 0.82, 0.98), sigma_b2=0.01, N=200, L=1024, M=200)
#: Layers dropped before the analysis window (the paper analyses layers 512-1024).
TRANSIENT = 512
#: Adjacent Fourier modes averaged per band before the chi-square (see compare_with_prediction).
BAND = 8


def _verdict(p_value: float) -> str:
    return "agrees" if p_value >= ALPHA else "disagrees"


def saddle_norm(rng, figures: Path, progress: bool) -> Evidence:
    """Eq. 13 against Fig. 3's simulation: the bulk mean square norm equals (r*)^2."""
    setup = FIGURE3
    derivation = linear_ring()
    values = np.array(setup["sigma_w2"])
    norms = linear_norm_chain(values, setup["sigma_b2"], setup["N"], setup["L"], setup["M"], rng=rng)
    bulk = norms[..., TRANSIENT:]
    per_network = (bulk**2).mean(axis=-1)  # (S, M): independent across networks
    mean_square = per_network.mean(axis=-1)
    error = per_network.std(axis=-1, ddof=1) / math.sqrt(setup["M"])
    r_star = np.array([derivation.predict(sigma_w2=v, sigma_b2=setup["sigma_b2"], N=setup["N"]).r_star
                       for v in values])
    z = (mean_square - r_star**2) / error
    test = z_chi_square(z)
    chi_square, p_value = test.value, test.p_value
    plot_saddle_norm(figures / "fig3_saddle_norm.png", values, r_star, bulk, {**setup, "transient": TRANSIENT})
    return Evidence(
        claims=("13",),
        verdict=_verdict(p_value),
        statistic="chi-square of z-scores of the bulk mean square norm",
        value=chi_square,
        p_value=p_value,
        sample_sizes={"networks": setup["M"], "layers analysed": setup["L"] - TRANSIENT, "N": setup["N"],
                      "sigma_w2 values": len(values)},
        figure="fig3_saddle_norm.png",
        detail=f"Largest |z| = {np.abs(z).max():.2f} over {len(z)} values of sigma_w^2. The mean square norm "
               "equals (r*)^2 exactly for the linear chain; the mean norm (also drawn) lies below r* by O(1/N), "
               "as the paper's footnote on mode and mean allows.",
    )


def mode_covariance(rng, figures: Path, progress: bool) -> Evidence:
    """Eqs. 14-15 against Fig. 4's simulation: the variance of every Fourier mode of the norm."""
    setup = FIGURE4
    derivation = linear_ring()
    values = np.array(setup["sigma_w2"])
    norms = linear_norm_chain(values, setup["sigma_b2"], setup["N"], setup["L"], setup["M"], rng=rng)
    window = setup["L"] - TRANSIENT
    tests, worst, curves = [], [], []
    for value, sample in zip(values, norms):
        prediction = derivation.predict(sigma_w2=float(value), sigma_b2=setup["sigma_b2"], N=setup["N"])
        estimate = mode_covariance_estimate(bulk_window(sample, TRANSIENT) - prediction.r_star)
        expected = windowed_prediction(prediction.mode_covariance, window)
        comparison = compare_with_prediction(estimate, expected, band=BAND, alpha=ALPHA)
        tests.append(comparison)
        worst.append((comparison.p_value, float(value)))
        curves.append((float(value), estimate, prediction.mode_covariance(estimate.q)))
    total = combined_chi_square(tests)
    chi_square, dof, p_value = total.value, total.dof, total.p_value
    plot_mode_variance(figures / "fig4_mode_variance.png", curves, {**setup, "transient": TRANSIENT})
    lowest = min(worst)
    return Evidence(
        claims=("14", "15"),
        verdict=_verdict(p_value),
        statistic=f"chi-square of z-scores of band-averaged mode variances (bands of {BAND} modes)",
        value=chi_square,
        p_value=p_value,
        sample_sizes={"networks": setup["M"], "layers analysed": window, "N": setup["N"],
                      "sigma_w2 values": len(values), f"bands of {BAND} modes per value": dof // len(values)},
        figure="fig4_mode_variance.png",
        detail=f"Modes 1..{window // 2} of the norm fluctuations r - r*, against K(q)^-1 averaged over the finite "
               f"analysis window (no free parameter); chi-square {chi_square:.1f} on {dof} degrees of freedom; "
               f"smallest per-value p = {lowest[0]:.2g} at sigma_w^2 = {lowest[1]}.",
    )


def correlation_length(rng, figures: Path, progress: bool) -> Evidence:
    """Eq. 17's correlation length against the measured decay of correlations near criticality."""
    derivation = linear_ring()
    sigma_w2, sigma_b2, width, depth, networks = 0.9, 0.01, 200, 2048, 400
    prediction = derivation.predict(sigma_w2=sigma_w2, sigma_b2=sigma_b2, N=width)
    norms = linear_norm_chain(sigma_w2, sigma_b2, width, depth, networks, rng=rng)
    y = bulk_window(norms, depth // 4) ** 2 - prediction.r_star**2
    lag_products = (y[:, 1:] * y[:, :-1]).mean(axis=1)
    variances = (y**2).mean(axis=1)
    rho = lag_products.mean() / variances.mean()
    # Delta method for a ratio of means over independent networks.
    gradient = np.array([1 / variances.mean(), -lag_products.mean() / variances.mean() ** 2])
    covariance = np.cov(np.vstack([lag_products, variances])) / networks
    rho_error = float(np.sqrt(gradient @ covariance @ gradient))
    measured = -1 / math.log(rho)
    measured_error = rho_error / (rho * math.log(rho) ** 2)
    z = (measured - prediction.correlation_length) / measured_error
    p_value = float(2 * stats.norm.sf(abs(z)))
    return Evidence(
        claims=("17", "Sec. 5 (below eq. 17)"),
        verdict=_verdict(p_value),
        statistic="z-score of (measured decay length - EFT xi) in standard errors",
        value=float(z),
        p_value=p_value,
        sample_sizes={"networks": networks, "layers analysed": depth - depth // 4, "N": width, "sigma_w2": sigma_w2},
        detail=f"Decay length of the correlations of r^2 measured as -1/ln(lag-1 autocorrelation) = "
               f"{measured:.3f} +- {measured_error:.3f}; EFT xi = {prediction.correlation_length:.4f}; exact lattice "
               f"decay length -1/ln(sigma_w^2) = {prediction.lattice_decay_length:.4f} (the two differ by less than "
               "the sampling error here; they converge as sigma_w^2 -> 1).",
    )


def laplace_quadrature(rng, figures: Path, progress: bool) -> Evidence:
    """The printed Laplace recipe against exact quadrature of Gamma(A+1) = A^(A+1) int exp(-A(y - log y)) dy."""
    claim = linear_ring().claim("Sec. 5 (Laplace)")
    # The claim's own forms, in A, f* and f'': here f(y) = y - log y, with f* = f(1) = 1 and f''(1) = 1.
    forms = {name: compile_expression(getattr(claim, name), sorted(getattr(claim, name).free_symbols, key=str),
                                      backend="mpmath")
             for name in ("printed", "derived")}
    symbols = {name: [str(symbol) for symbol in sorted(getattr(claim, name).free_symbols, key=str)]
               for name in forms}
    rows = []
    for large in (5, 20, 100):
        with mpmath.workdps(30):
            width = 1 / mpmath.sqrt(large)  # the peak at y = 1 has this width: split the integral around it
            points = [0, 1 - 8 * width if large > 64 else 0.5, 1 - width, 1, 1 + width, 1 + 8 * width, mpmath.inf]
            exact = mpmath.quad(lambda y: mpmath.exp(-large * (y - mpmath.log(y))), points)
            values = {"A": large, "f^*": 1, "f''": 1}
            derived, printed = (forms[name](*[values[symbol] for symbol in symbols[name]]) for name in ("derived", "printed"))
            rows.append((large, float(exact / derived - 1), float(exact / printed - 1)))
    derived_error = max(abs(row[1]) for row in rows)
    supports = all(abs(d) <= 1 / (6 * a) and abs(p) > 0.3 for a, d, p in rows)
    table = "; ".join(f"A={a}: derived {d:+.2e}, printed {p:+.3f}" for a, d, p in rows)
    return Evidence(
        claims=("Sec. 5 (Laplace)",),
        verdict="agrees" if supports else "disagrees",
        statistic="largest relative error of the derived leading term",
        value=derived_error,
        p_value=None,
        sample_sizes={"quadratures": len(rows)},
        supports_derived=supports,
        detail=f"Relative error of each leading term against mpmath quadrature ({table}). The derived term is off "
               "by the expected 1/(12A); the printed recipe by a factor 1/sqrt(2) at every A (both forms compiled from "
               "the claim).",
    )


def agreement_evidence(results, statistic: str, sample_sizes: dict, detail: str) -> Evidence:
    """Evidence that samplers agree: the smallest two-sample p-value, Bonferroni-corrected over the tests."""
    p_value = min(result.p_value for result in results)
    corrected = bonferroni([result.p_value for result in results])
    return Evidence(claims=(), verdict=_verdict(corrected), statistic=statistic, value=p_value, p_value=corrected,
                    sample_sizes=sample_sizes, detail=f"{detail} Bonferroni-corrected over {len(results)} comparisons.")


def samplers_agree(rng, figures: Path, progress: bool) -> Evidence:
    """The exact and reduced samplers against the dense one (the paper's method) at small width."""
    width, depth, networks, sigma_w2, sigma_b2 = 6, 48, 800, 0.7, 0.05
    dense = dense_network_observables(sigma_w2, sigma_b2, width, depth, networks, rng=rng, progress=progress)
    exact = exact_network_observables(sigma_w2, sigma_b2, width, depth, networks, rng=rng)
    chain = linear_norm_chain(sigma_w2, sigma_b2, width, depth, networks, rng=rng)
    return agreement_evidence(
        [two_sample_test(dense[:, -1], other[:, -1]) for other in (exact, chain)],
        "smallest Kolmogorov-Smirnov p-value (last-layer norm)",
        {"networks per sampler": networks, "N": width, "L": depth},
        "Dense (every weight matrix drawn) against exact (conditional law per layer) and chain (norm alone).",
    )


def checks() -> tuple[Check, ...]:
    """The checks the audit runs for schoenholz2017."""
    return (
        Check("dense, exact and chain samplers agree", (), samplers_agree),
        Check("saddle norm r* (Fig. 3)", ("13",), saddle_norm),
        Check("mode variances (Fig. 4)", ("14", "15"), mode_covariance),
        Check("correlation length", ("17", "Sec. 5 (below eq. 17)"), correlation_length),
        Check("Laplace recipe against quadrature", ("Sec. 5 (Laplace)",), laplace_quadrature),
    )
