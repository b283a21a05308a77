"""Numerical checks of schoenholz2017's rectified linear results (Figs. 5 and 6), run by the audit.

The reduced chain on ``(r_+, r_-, k)`` draws the law of the network exactly (see
:func:`~nnfield.numeric.samplers.relu_parts_chain`), and it makes two moments exact at any width:
:math:`E[k] = N/2` and :math:`E[r_\\pm^2] = N\\sigma_b^2/(2 - \\sigma_w^2) = (r^*_\\pm)^2`.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from nnfield.derivations.schoenholz2017.checks import agreement_evidence
from nnfield.derivations.schoenholz2017.relu import relu_ring, tilde_scales
from nnfield.derivations.schoenholz2017.relu_figures import plot_relu_mode_covariance, plot_relu_saddle
from nnfield.derivations.schoenholz2017.symbols import N, epsilon_k, epsilon_minus, epsilon_plus, l, q, sigma_b, sigma_w, x
from nnfield.numeric.compile import compile_matrix
from nnfield.symbolic import fourier_kernel, lattice_model, quadratic_fluctuations, uniform_saddle
from nnfield.symbolic.continuum import density_kernel
from nnfield.numeric.evidence import Check, Evidence
from nnfield.numeric.activations import RELU
from nnfield.numeric.samplers import dense_network_observables, exact_network_observables, relu_parts, relu_parts_chain
from nnfield.numeric.spectra import bulk_window, mode_covariance_estimate, windowed_prediction
from nnfield.numeric.statistics import SIGNIFICANCE, combined_chi_square, compare_with_prediction, two_sample_test, z_chi_square

__all__ = ["relu_checks", "FIGURE5", "FIGURE6", "claim_kernel", "claim_mode_covariance"]

ALPHA = SIGNIFICANCE
TRANSIENT = 512
BAND = 8
FIGURE5 = dict(sigma_w2=tuple(np.round(np.linspace(0.1, 1.9, 10), 2)), sigma_b2=0.01, N=200, L=1024, M=200)
FIGURE6 = dict(sigma_w2=(0.02, 0.34, 0.66, 0.98, 1.3, 1.62, 1.94), sigma_b2=0.01, N=200, L=1024, M=200)


#: The long-wavelength modes on which an effective field theory (eq 23) is judged: q = 2 pi n / 512 <= 0.1.
EFT_MODES = 8

#: How each ReLU claim's form turns into a kernel of the original fields: an energy in them (with the paper's
#: k), an energy in the rescaled fields, the printed matrix Sigma^-1 = K^T of the rescaled fields, or an EFT
#: density of the rescaled fields.
FORM_KINDS = {"94": "energy", "21": "rescaled energy", "90": "rescaled energy", "22": "rescaled matrix",
              "23": "rescaled density"}


def claim_kernel(claim, form: str) -> sp.ImmutableMatrix:
    """The Fourier kernel K(q) of the original fields, in this toolkit's k, that one form of a ReLU claim implies.

    ``form`` is ``"printed"`` or ``"derived"``: the claim's own expression is carried through the engine
    (lattice model, quadratic expansion, Fourier kernel; or the EFT kernel of a density), so that its
    evidence is computed from that very form, never from a retyped one. With :math:`\\epsilon = T\\tilde\\epsilon`
    (:func:`~nnfield.derivations.schoenholz2017.relu.tilde_scales`, which carries the paper's k), a kernel
    :math:`\\tilde K` of the rescaled fields is :math:`T^{-1}\\tilde K T^{-1}` in the original ones.
    """
    expression = getattr(claim, form)
    kind = FORM_KINDS[claim.equation]
    inverse_scales = tilde_scales().inv()
    if kind == "rescaled matrix":
        return sp.ImmutableMatrix(inverse_scales * sp.Matrix(expression).T * inverse_scales)
    if kind == "rescaled density":
        functions = sorted(expression.atoms(sp.core.function.AppliedUndef), key=lambda f: str(f.func))
        return sp.ImmutableMatrix(inverse_scales * density_kernel(expression, functions, x, q) * inverse_scales)
    model = lattice_model(expression, [epsilon_plus, epsilon_minus, epsilon_k], l)
    kernel = fourier_kernel(quadratic_fluctuations(uniform_saddle(model)), q).matrix
    if kind == "energy":  # the paper's k counts negative units: epsilon_k -> -epsilon_k
        flip = sp.diag(1, 1, -1)
        return sp.ImmutableMatrix(flip * kernel * flip)
    return sp.ImmutableMatrix(inverse_scales * kernel * inverse_scales)


def claim_mode_covariance(claim, form: str):
    """``covariance(sigma_w2, sigma_b2, width)(q)``: the inverse of :func:`claim_kernel`, compiled.

    An EFT's kernel is a polynomial in q, valid near q = 0: it is evaluated at the wavenumber folded into
    (-pi, pi].
    """
    kernel = compile_matrix(claim_kernel(claim, form), (sigma_w, sigma_b, N, q))
    continuum = FORM_KINDS[claim.equation] == "rescaled density"

    def covariance(sigma_w2, sigma_b2, width):
        def at(q_values):
            wavenumbers = np.asarray(q_values, dtype=float)
            if continuum:
                wavenumbers = np.mod(wavenumbers + np.pi, 2 * np.pi) - np.pi
            matrix = kernel(math.sqrt(sigma_w2), math.sqrt(sigma_b2), width, wavenumbers)
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
    fields = relu_parts_chain(values, setup["sigma_b2"], setup["N"], setup["L"], setup["M"], rng=rng)[..., TRANSIENT:, :]
    z_scores, stars = [], []
    for value, sample in zip(values, fields):
        prediction = derivation.predict(sigma_w2=float(value), sigma_b2=setup["sigma_b2"], N=setup["N"])
        stars.append((prediction.r_plus_star, prediction.r_minus_star, prediction.k_star))
        targets = (prediction.r_plus_star**2, prediction.r_minus_star**2, prediction.k_star)
        observables = (sample[..., 0] ** 2, sample[..., 1] ** 2, sample[..., 2])
        for target, observable in zip(targets, observables):
            per_network = observable.mean(axis=1)
            z_scores.append((per_network.mean() - target) / (per_network.std(ddof=1) / math.sqrt(setup["M"])))
    test = z_chi_square(z_scores)
    chi_square, p_value = test.value, test.p_value
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


def relu_mode_covariance(rng, figures, progress) -> tuple[Evidence, ...]:
    """Eqs 94, 21, 90, 22 and 23 against Fig. 6's simulation: each claim's printed and derived forms face the same networks.

    Every form is turned into a mode covariance by :func:`claim_mode_covariance` and scored on the full 3x3
    periodogram of the same simulated chains; eq 23, an effective field theory, on its long-wavelength
    modes only.
    """
    setup = FIGURE6
    derivation = relu_ring()
    claims = {label: derivation.claim(label) for label in FORM_KINDS}
    covariances = {(label, form): claim_mode_covariance(claim, form) for label, claim in claims.items()
                   for form in ("printed", "derived")}
    values = np.array(setup["sigma_w2"])
    fields = relu_parts_chain(values, setup["sigma_b2"], setup["N"], setup["L"], setup["M"], rng=rng)
    window = setup["L"] - TRANSIENT
    tests = {key: [] for key in covariances}
    curves = []
    for value, sample in zip(values, fields):
        prediction = derivation.predict(sigma_w2=float(value), sigma_b2=setup["sigma_b2"], N=setup["N"])
        centre = np.array([prediction.r_plus_star, prediction.r_minus_star, prediction.k_star])
        estimate = mode_covariance_estimate(bulk_window(np.moveaxis(sample, -1, 1), TRANSIENT).transpose(0, 2, 1) - centre)
        expected = {}
        for (label, form), covariance in covariances.items():
            expected[label, form] = windowed_prediction(covariance(float(value), setup["sigma_b2"], setup["N"]), window)
            highest = EFT_MODES if FORM_KINDS[label] == "rescaled density" else None
            tests[label, form].append(compare_with_prediction(estimate, expected[label, form], band=BAND, alpha=ALPHA,
                                                              highest_mode=highest))
        curves.append((float(value), estimate, expected["22", "derived"], expected["22", "printed"]))
    plot_relu_mode_covariance(figures / "fig6_relu_mode_covariance.png", curves, {**setup, "transient": TRANSIENT})
    evidence = []
    for label in FORM_KINDS:
        derived, printed = (combined_chi_square(tests[label, form]) for form in ("derived", "printed"))
        scope = (f"modes 1..{EFT_MODES} (q <= {2 * np.pi * EFT_MODES / window:.2f}), where the EFT holds"
                 if FORM_KINDS[label] == "rescaled density" else f"modes 1..{window // 2}")
        evidence.append(Evidence(
            claims=(label,),
            verdict=_verdict(derived.p_value),
            statistic=f"band-wise Hotelling tests of the full 3x3 mode covariance (bands of {BAND} modes), derived form",
            value=derived.value,
            p_value=derived.p_value,
            sample_sizes={"networks": setup["M"], "layers analysed": window, "N": setup["N"],
                          "sigma_w2 values": len(values), "degrees of freedom": derived.dof},
            supports_derived=derived.p_value >= ALPHA > printed.p_value,
            figure="fig6_relu_mode_covariance.png",
            detail=f"Eq {label}'s own forms, each turned into the mode covariance of (r_+, r_-, k) and compared on "
                   f"{scope}: derived chi-square {derived.value:.1f} on {derived.dof} degrees of freedom "
                   f"(p = {derived.p_value:.3g}); printed chi-square {printed.value:.4g} (p = {printed.p_value:.3g}).",
        ))
    return tuple(evidence)


def relu_samplers_agree(rng, figures, progress) -> Evidence:
    """The exact and reduced ReLU samplers against the dense one at small width, field by field."""
    setup = dict(sigma_w2=1.2, sigma_b2=0.05, N=6, L=40, M=800)
    dense = dense_network_observables(**setup, phi=RELU, observe=relu_parts, rng=rng, progress=progress)
    exact = exact_network_observables(**setup, phi=RELU, observe=relu_parts, rng=rng)
    chain = relu_parts_chain(**setup, rng=rng)
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
