"""Numerical checks of schoenholz2017's linear-network results, run by the audit.

Each check simulates the networks the paper describes (or, for the Laplace recipe, integrates
exactly), compiles each claim's own printed and derived forms (:func:`claim_form`), scores both on
the same simulated data, and returns :class:`~nnfield.numeric.evidence.Evidence` per claim with a
statistic whose null distribution follows from the sample size. The verdict is the derived form's;
the detail gives the printed form's statistic beside it.

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
import sympy as sp
import scipy

from nnfield.derivations.schoenholz2017.figures import plot_mode_variance, plot_saddle_norm
from nnfield.derivations.schoenholz2017.linear import linear_ring
from nnfield.derivations.schoenholz2017.symbols import L, N, epsilon, l, q, sigma_b, sigma_w
from nnfield.numeric.compile import compile_expression
from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.samplers import dense_network_observables, exact_network_observables, linear_norm_chain
from nnfield.numeric.spectra import bulk_window, mode_covariance_estimate, windowed_prediction
from nnfield.symbolic import fourier_kernel, lattice_model, quadratic_fluctuations, uniform_saddle
from nnfield.numeric.statistics import SIGNIFICANCE, bonferroni, combined_chi_square, compare_with_prediction, two_sample_test, z_chi_square

__all__ = ["checks", "claim_form", "FIGURE3", "FIGURE4", "ALPHA"]

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


#: What each claim's form is, hence how its prediction for the simulation follows from it.
FORM_KINDS = {"13": "saddle norm", "14": "site energy", "15": "mode energy", "17": "mode energy",
              "Sec. 5 (below eq. 17)": "correlation length"}


def claim_form(label: str, form: str):
    """The prediction one form (``"printed"`` or ``"derived"``) of a linear-ring claim makes, compiled.

    The paper's abbreviation :math:`\\Delta_w = 1 - \\sigma_w^2` (the claim's ``abbreviations``) is written
    out; then

    - eq 13, :math:`r^*`: ``f(sigma_w, sigma_b, N)``;
    - eq 14, the fluctuation energy of one layer, carried through the engine (lattice model, quadratic
      expansion, Fourier kernel): the mode covariance :math:`K(q)^{-1}` as ``f(sigma_w, sigma_b, N, q)``;
    - eqs 15 and 17, the energy :math:`\\frac L2 K(q)` of a mode :math:`|\\epsilon_q|^2`: the mode
      covariance :math:`L/(2E(q))`, and for eq 17, a small-q form :math:`a + b q^2`, also the decay length
      :math:`\\sqrt{b/a}` as ``f(sigma_w)``;
    - the correlation length below eq 17: ``f(sigma_w)``.

    Examples
    --------
    >>> printed, derived = (claim_form("13", form) for form in ("printed", "derived"))
    >>> round(float(printed(0.5**0.5, 0.1, 200)), 6), round(float(derived(0.5**0.5, 0.1, 200)), 6)
    (2.0, 2.0)
    """
    claim = linear_ring().claim(label)
    expression = sp.sympify(getattr(claim, form)).subs(dict(claim.abbreviations))
    kind = FORM_KINDS[label]
    if kind == "saddle norm":
        return compile_expression(expression, (sigma_w, sigma_b, N))
    if kind == "correlation length":
        return compile_expression(expression, (sigma_w,))
    if kind == "site energy":
        model = lattice_model(expression, [epsilon], l)
        kernel = fourier_kernel(quadratic_fluctuations(uniform_saddle(model)), q)
        return compile_expression(kernel.mode_covariance()[0, 0], (sigma_w, sigma_b, N, q))
    if label == "17":
        polynomial = sp.Poly(sp.expand(expression), q)
        length = sp.sqrt(polynomial.coeff_monomial(q**2) / polynomial.coeff_monomial(1))
        return compile_expression(sp.simplify(length), (sigma_w,))
    return compile_expression(sp.cancel(L / (2 * expression)), (sigma_w, sigma_b, N, q))


FORMS = ("derived", "printed")


def saddle_norm(rng, figures: Path, progress: bool) -> Evidence:
    """Eq. 13 against Fig. 3's simulation: the bulk mean square norm equals (r*)^2, for each form of r*."""
    setup = FIGURE3
    values = np.array(setup["sigma_w2"])
    norms = linear_norm_chain(values, setup["sigma_b2"], setup["N"], setup["L"], setup["M"], rng=rng)
    bulk = norms[..., TRANSIENT:]
    per_network = (bulk**2).mean(axis=-1)  # (S, M): independent across networks
    mean_square = per_network.mean(axis=-1)
    error = per_network.std(axis=-1, ddof=1) / math.sqrt(setup["M"])
    r_star = {form: claim_form("13", form)(np.sqrt(values), math.sqrt(setup["sigma_b2"]), setup["N"]) * np.ones_like(values)
              for form in FORMS}
    z = {form: (mean_square - r_star[form] ** 2) / error for form in FORMS}
    tests = {form: z_chi_square(z[form]) for form in FORMS}
    derived = tests["derived"]
    plot_saddle_norm(figures / "fig3_saddle_norm.png", values, r_star["derived"], bulk, {**setup, "transient": TRANSIENT})
    return Evidence(
        claims=("13",),
        verdict=_verdict(derived.p_value),
        statistic="chi-square of z-scores of the bulk mean square norm",
        value=derived.value,
        p_value=derived.p_value,
        sample_sizes={"networks": setup["M"], "layers analysed": setup["L"] - TRANSIENT, "N": setup["N"],
                      "sigma_w2 values": len(values)},
        figure="fig3_saddle_norm.png",
        detail=f"Largest |z| = {np.abs(z['derived']).max():.2f} over {len(values)} values of sigma_w^2 (derived r*; "
               f"the printed r*, compiled from the claim, gives chi-square {tests['printed'].value:.1f}, "
               f"p = {tests['printed'].p_value:.3g}). The mean square norm equals (r*)^2 exactly for the linear "
               "chain; the mean norm (also drawn) lies below r* by O(1/N), as the paper's footnote on mode and "
               "mean allows.",
    )


def mode_covariance(rng, figures: Path, progress: bool) -> tuple[Evidence, ...]:
    """Eqs. 14-15 against Fig. 4's simulation: the variance of every Fourier mode of the norm, for each claim's forms."""
    setup = FIGURE4
    derivation = linear_ring()
    values = np.array(setup["sigma_w2"])
    norms = linear_norm_chain(values, setup["sigma_b2"], setup["N"], setup["L"], setup["M"], rng=rng)
    window = setup["L"] - TRANSIENT
    labels = ("14", "15")
    covariances = {(label, form): claim_form(label, form) for label in labels for form in FORMS}
    tests = {key: [] for key in covariances}
    worst, curves = {label: [] for label in labels}, []
    for value, sample in zip(values, norms):
        w, b = math.sqrt(value), math.sqrt(setup["sigma_b2"])
        r_star = derivation.predict(sigma_w2=float(value), sigma_b2=setup["sigma_b2"], N=setup["N"]).r_star
        estimate = mode_covariance_estimate(bulk_window(sample, TRANSIENT) - r_star)
        for key, covariance in covariances.items():
            def predicted(wavenumbers, covariance=covariance):
                return np.real(covariance(w, b, setup["N"], np.asarray(wavenumbers, dtype=float)))

            comparison = compare_with_prediction(estimate, windowed_prediction(predicted, window), band=BAND, alpha=ALPHA)
            tests[key].append(comparison)
            if key[1] == "derived":
                worst[key[0]].append((comparison.p_value, float(value)))
            if key == ("14", "derived"):
                curves.append((float(value), estimate, predicted(estimate.q)))
    totals = {key: combined_chi_square(results) for key, results in tests.items()}
    plot_mode_variance(figures / "fig4_mode_variance.png", curves, {**setup, "transient": TRANSIENT})
    evidence = []
    for label in labels:
        derived, printed = totals[label, "derived"], totals[label, "printed"]
        lowest = min(worst[label])
        evidence.append(Evidence(
            claims=(label,),
            verdict=_verdict(derived.p_value),
            statistic=f"chi-square of z-scores of band-averaged mode variances (bands of {BAND} modes)",
            value=derived.value,
            p_value=derived.p_value,
            sample_sizes={"networks": setup["M"], "layers analysed": window, "N": setup["N"],
                          "sigma_w2 values": len(values), f"bands of {BAND} modes per value": derived.dof // len(values)},
            figure="fig4_mode_variance.png",
            detail=f"Modes 1..{window // 2} of the norm fluctuations r - r*, against the mode covariance that eq {label}'s "
                   f"derived form implies, averaged over the finite analysis window (no free parameter): chi-square "
                   f"{derived.value:.1f} on {derived.dof} degrees of freedom (printed form: {printed.value:.1f}, "
                   f"p = {printed.p_value:.3g}); smallest per-value p = {lowest[0]:.2g} at sigma_w^2 = {lowest[1]}.",
        ))
    return tuple(evidence)


def correlation_length(rng, figures: Path, progress: bool) -> tuple[Evidence, ...]:
    """The correlation length of eq 17's mode energy and of the text below it, against the measured decay near criticality."""
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
    labels = ("17", "Sec. 5 (below eq. 17)")
    derived_lengths = {label: float(claim_form(label, "derived")(math.sqrt(sigma_w2))) for label in labels}
    shared = (" Eq 17 and the text below it give the same xi here, so their two records rest on one measurement."
              if math.isclose(*derived_lengths.values(), rel_tol=1e-12) else "")
    evidence = []
    for label in labels:
        lengths = {form: float(claim_form(label, form)(math.sqrt(sigma_w2))) for form in FORMS}
        z = {form: (measured - lengths[form]) / measured_error for form in FORMS}
        p_value = float(2 * scipy.stats.norm.sf(abs(z["derived"])))
        source = "the ratio of the q^2 and constant terms of" if label == "17" else "the correlation length of"
        gap = abs(lengths["derived"] - prediction.lattice_decay_length)
        comparison = ("less than the sampling error here" if gap < measured_error
                      else f"{gap / measured_error:.1f} sampling errors here")
        evidence.append(Evidence(
            claims=(label,),
            verdict=_verdict(p_value),
            statistic=f"z-score of (measured decay length - xi of eq {label}'s derived form) in standard errors"
                      if label == "17" else "z-score of (measured decay length - derived xi) in standard errors",
            value=z["derived"],
            p_value=p_value,
            sample_sizes={"networks": networks, "layers analysed": depth - depth // 4, "N": width, "sigma_w2": sigma_w2},
            detail=f"Decay length of the correlations of r^2 measured as -1/ln(lag-1 autocorrelation) = "
                   f"{measured:.3f} +- {measured_error:.3f}; xi from {source} the claim's derived form = "
                   f"{lengths['derived']:.4f} (printed form: {lengths['printed']:.4f}, z = {z['printed']:.2f}); exact "
                   f"lattice decay length -1/ln(sigma_w^2) = {prediction.lattice_decay_length:.4f} (the two differ by "
                   f"{comparison}; they converge as sigma_w^2 -> 1).{shared}",
        ))
    return tuple(evidence)


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
