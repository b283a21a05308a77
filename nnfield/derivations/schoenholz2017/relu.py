"""The rectified linear stochastic network on a ring (schoenholz2017, Sec. 6 and App. 8.4).

The derivation follows the appendix:

1. the law of a layer given the previous one, in the squared norms of the positive and the
   negative units (eqs 18, 73);
2. the sum over orthants with its angular factors (eq 19 / Result 7, eqs 74-78);
3. the large-N continuum of the orthant sum by Stirling's series (eq 79 / Result 8, eqs 80-83);
4. the uniform saddle and where it exists (eq 20 / Result 9, eqs 84-88);
5. the quadratic fluctuations in the three fields (eq 21 / Result 10, eqs 89-95);
6. the Fourier-space inverse covariance (eq 22 / Result 11, eqs 96-102);
7. the effective field theory and its symmetries (eq 23 / Result 12, eqs 103-106).

**Convention.** Here ``k[l]`` counts the *positive* units of layer l, as the paper's text says
(Sec. 6 and Result 7). The paper's formulas (eqs 19, 74-83 and the signs of eqs 21-23) are written
for k counting the *negative* units: the exponent of :math:`r_+` in eq 19 is :math:`N-k-1`. The
printed forms are compared after :func:`paper_k` converts, and nowhere else.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy as sp

from nnfield.derivations.schoenholz2017.linear import checked_order, checked_parameters, layer_energy
from nnfield.derivations.schoenholz2017.symbols import (
    N,
    epsilon_k,
    epsilon_minus,
    epsilon_plus,
    k,
    l,
    q,
    r_minus,
    r_plus,
    s,
    s_minus,
    s_plus,
    sigma_b,
    sigma_w,
    x,
)
from nnfield.numeric.compile import compile_expression, compile_matrix
from nnfield.symbolic import (
    ClaimFactory,
    Claim,
    Derivation,
    Step,
    change_of_variables,
    compare,
    continuum_limit,
    density_kernel,
    eft_symmetries,
    fourier_kernel,
    lattice_model,
    orthant_reduction,
    quadratic_fluctuations,
    stationary_equations,
    stirling,
    uniform_saddle,
)

PAPER = "schoenholz2017"
FIELDS = ("r_plus", "r_minus", "k")

__all__ = ["relu_ring", "ReluRingPrediction", "paper_k", "tilde_scales", "PRINTED_INVERSE_COVARIANCE"]


def paper_k(expression: sp.Expr) -> sp.Expr:
    """Rewrite an expression in this module's k (positive units) with the paper's k (negative units).

    ``k[l] -> N - k[l]``, and for fluctuations ``epsilon_k -> -epsilon_k``.
    """
    replacements = {atom: N - atom for atom in expression.atoms(sp.Indexed) if atom.base == k}
    replacements.update({atom: -atom for atom in expression.atoms(sp.Indexed) if atom.base == epsilon_k})
    return expression.xreplace(replacements)


def tilde_scales() -> sp.ImmutableMatrix:
    """``T`` with :math:`\\epsilon = T\\tilde\\epsilon`: the paper's rescaling below eq 21, in its k.

    :math:`\\tilde\\epsilon_\\pm = \\sqrt{2(1-\\sigma_w^2/2)/\\sigma_b^2}\\,\\epsilon_\\pm`,
    :math:`\\tilde\\epsilon_k = \\epsilon_k/\\sqrt N`, and the sign of :math:`\\epsilon_k` flips with the
    count of negative units.
    """
    scale = sp.sqrt(sigma_b**2 / (2 * (1 - sigma_w**2 / 2)))
    return sp.ImmutableMatrix(sp.diag(scale, scale, -sp.sqrt(N)))


def _transcriptions() -> dict:
    """The printed forms, in the paper's k (negative units) and tilde variables where printed so."""
    sw2, sb2 = sigma_w**2, sigma_b**2
    variance_previous = sw2 / N * s_plus[l - 1] + sb2
    radial_previous = sw2 / N * r_plus[l - 1] ** 2 + sb2
    radial_here = sw2 / N * r_plus[l] ** 2 + sb2
    kk = k[l]
    ep, em, ek = epsilon_plus, epsilon_minus, epsilon_k
    tilde_energy = ((1 + sigma_w**4 / 2) * ep[l] ** 2 + em[l] ** 2 + 3 * ek[l] ** 2 + ek[l] * (ep[l] - em[l])
                    - sw2 * ep[l - 1] * (ep[l] + em[l]))
    scale = 2 * (1 - sw2 / 2) / sb2
    eps = {name: sp.Function(name, real=True)(x) for name in ("epsilon_+", "epsilon_-", "epsilon_k")}
    slope = sp.Derivative(eps["epsilon_+"], x)
    return {
        "18": sp.Rational(1, 2) * ((s_plus[l] + s_minus[l]) / variance_previous
                                   + N * sp.log(sw2 / N * s_plus[l] + sb2)),
        "19": (sp.Rational(1, 2) * ((r_plus[l] ** 2 + r_minus[l] ** 2) / radial_previous + N * sp.log(radial_here))
               - sp.log(sp.binomial(N, kk)) + sp.log(sp.gamma((N - kk) / 2)) + sp.log(sp.gamma(kk / 2))
               - (N - kk - 1) * sp.log(r_plus[l]) - (kk - 1) * sp.log(r_minus[l])),
        "79": sp.Rational(1, 2) * ((r_plus[l] ** 2 + r_minus[l] ** 2) / radial_previous + N * sp.log(radial_here)
                                   + (N - kk) * (3 * sp.log(N - kk) - 2 * sp.log(r_plus[l]))
                                   + kk * (3 * sp.log(kk) - 2 * sp.log(r_minus[l]))),
        "20": sp.Matrix([sp.sqrt(N * sb2 / (2 * (1 - sw2 / 2)))] * 2 + [N / 2]),
        "existence": sw2 < 2,
        "94": sp.Rational(1, 2) * (scale * (1 + sigma_w**4 / 2) * ep[l] ** 2 + scale * em[l] ** 2 + 6 / N * ek[l] ** 2
                                   + 2 * sp.sqrt(scale / N) * ek[l] * (ep[l] - em[l])
                                   - sw2 * scale * ep[l - 1] * (ep[l] + em[l])),
        "21": sp.Rational(1, 2) * tilde_energy,
        "90": -sp.Rational(1, 2) * tilde_energy,
        "22": PRINTED_INVERSE_COVARIANCE,
        "23": sp.Rational(1, 2) * ((1 - sw2 + sigma_w**4 / 2) * eps["epsilon_+"] ** 2 + eps["epsilon_-"] ** 2
                                   + 3 * eps["epsilon_k"] ** 2 + sw2 * eps["epsilon_+"] * eps["epsilon_-"]
                                   + eps["epsilon_k"] * (eps["epsilon_+"] - eps["epsilon_-"])
                                   + sw2 * slope**2 + sw2 * slope * eps["epsilon_-"]),
        "symmetries": sp.FiniteSet(sp.Symbol("epsilon -> -epsilon")),
    }


#: Eq. 22 (= eqs 97, 102): the printed Fourier-space inverse covariance in the tilde variables.
PRINTED_INVERSE_COVARIANCE = sp.ImmutableMatrix([
    [1 + sigma_w**4 / 2 - sigma_w**2 * sp.cos(q), -sigma_w**2 * sp.exp(-sp.I * q) / 2, sp.Rational(1, 2)],
    [-sigma_w**2 * sp.exp(sp.I * q) / 2, 1, -sp.Rational(1, 2)],
    [sp.Rational(1, 2), -sp.Rational(1, 2), 3],
])

QUOTES = {
    "18": r"\mathcal{L}(\{z^{l}\})=\frac{1}{2}\sum_{l=0}^{L}\Bigg\{\frac{(z^{l}_{+})^{2}+(z^{l}_{-})^{2}}{\sigma_{w}^{2}N^{-1}(z^{l}_{+})^{2}+\sigma_{b}^{2}}+N\log(\sigma_{w}^{2}N^{-1}(z^{l}_{+})^{2}+\sigma_{b}^{2})\Bigg\}",
    "19": r"Q=2\left(\frac{\sqrt{\pi}}{2}\right)^{N}\prod_{l}\sum_{k_{l}=0}^{N}{N\choose k_{l}}\frac{1}{\Gamma\left(\frac{N-k_{l}}{2}\right)\Gamma\left(\frac{k_{l}}{2}\right)}\int dr^{l}_{+}dr^{l}_{-}(r^{l}_{+})^{N-k_{l}-1}(r^{l}_{-})^{k_{l}-1}\times\exp[\dots]",
    "79": r"\frac{(r_{+}^{l})^{2}+(r^{l}_{-})^{2}}{\sigma_{w}^{2}N^{-1}(r^{l-1}_{+})^{2}+\sigma_{b}^{2}}+k_{l}(3\log k_{l}-2\log r_{-}^{l})+N\log(\sigma_{w}^{2}N^{-1}(r^{l}_{+})^{2}+\sigma_{b}^{2})+(N-k_{l})(3\log(N-k_{l})-2\log r_{+}^{l})",
    "20": r"r^{*}_{+/-}=\sqrt{\frac{N\sigma_{b}^{2}}{2(1-\sigma_{w}^{2}/2)}}\,,\quad k^{*}=\frac{N}{2}",
    "existence": r"For \sigma_{w}^{2}<2 rectified linear stochastic networks have a uniform configuration of fields that minimizes the energy.",
    "94": r"\frac{1}{2}\sum_{l}\Bigg(\frac{2(1-\sigma_{w}^{2}/2)(1+\sigma_{w}^{4}/2)}{\sigma_{b}^{2}}(\epsilon_{+}^{l})^{2}+\frac{2(1-\sigma_{w}^{2}/2)}{\sigma_{b}^{2}}(\epsilon_{-}^{l})^{2}+\frac{6}{N}(\epsilon_{k}^{l})^{2}+2\sqrt{\frac{2(1-\sigma_{w}^{2}/2)}{N\sigma_{b}^{2}}}\epsilon_{k}^{l}(\epsilon_{+}^{l}-\epsilon_{-}^{l})-\frac{2\sigma_{w}^{2}(1-\sigma_{w}^{2}/2)}{\sigma_{b}^{2}}\epsilon_{+}^{l-1}(\epsilon_{+}^{l}+\epsilon_{-}^{l})\Bigg)",
    "21": r"U=\frac{1}{2}\sum_{l=0}^{L}\Bigg((1+\sigma_{w}^{4}/2)(\tilde{\epsilon}^{l}_{+})^{2}+(\tilde{\epsilon}^{l}_{-})^{2}+3(\tilde{\epsilon}^{l}_{k})^{2}+\tilde{\epsilon}^{l}_{k}(\tilde{\epsilon}^{l}_{+}-\tilde{\epsilon}^{l}_{-})-\sigma_{w}^{2}\tilde{\epsilon}_{+}^{l-1}(\tilde{\epsilon}_{+}^{l}+\tilde{\epsilon}_{-}^{l})\Bigg)",
    "90": r"U=-\frac{1}{2}\sum_{l=0}^{L}\Bigg((1+\sigma_{w}^{4}/2)(\tilde{\epsilon}_{+}^{l})^{2}+(\tilde{\epsilon}_{-}^{l})^{2}+3(\tilde{\epsilon}_{k}^{l})^{2}+\tilde{\epsilon}_{k}^{l}(\tilde{\epsilon}_{+}^{l}-\tilde{\epsilon}_{-}^{l})-\sigma_{w}^{2}\tilde{\epsilon}_{+}^{l-1}(\tilde{\epsilon}_{+}^{l}+\tilde{\epsilon}_{-}^{l})\Bigg)",
    "22": r"\bm{\Sigma}^{-1}(q)=\begin{pmatrix}1+\sigma_{w}^{4}/2-\sigma_{w}^{2}\cos q&-\frac{1}{2}\sigma_{w}^{2}e^{-iq}&\frac{1}{2}\\-\frac{1}{2}\sigma_{w}^{2}e^{iq}&1&-\frac{1}{2}\\\frac{1}{2}&-\frac{1}{2}&3\end{pmatrix}",
    "23": r"U=\frac{1}{2}\int dx\Bigg[(1-\sigma_{w}^{2}+\sigma_{w}^{4}/2)(\epsilon_{+}(x))^{2}+(\epsilon_{-}(x))^{2}+3(\epsilon_{k}(x))^{2}+\sigma_{w}^{2}\epsilon_{+}(x)\epsilon_{-}(x)+\epsilon_{k}(x)(\epsilon_{+}(x)-\epsilon_{-}(x))+\sigma_{w}^{2}\left(\frac{\partial\epsilon_{+}(x)}{\partial x}\right)^{2}+\sigma_{w}^{2}\frac{\partial\epsilon_{+}(x)}{\partial x}\epsilon_{-}(x)\Bigg]",
    "symmetries": r"both the \epsilon\to-\epsilon and x\to-x symmetries are broken when acting on any given field",
    "86": r"\frac{\partial H}{\partial r_{+}}=\frac{(1+\sigma_{w}^{2})r_{+}}{\sigma_{w}^{2}N^{-1}r_{+}^{2}+\sigma_{b}^{2}}-\frac{r_{+}^{2}+r_{-}^{2}}{(\sigma_{w}^{2}N^{-1}r_{+}^{2}+\sigma_{b}^{2})^{2}}\sigma_{w}^{2}N^{-1}r_{+}-\frac{N-k_{l}}{r_{+}^{l}}=0",
    "87": r"\frac{\partial H}{\partial r_{-}}=\frac{r_{-}}{\sigma_{w}^{2}N^{-1}r_{+}^{2}+\sigma_{b}^{2}}-\frac{k}{r_{-}}=0",
    "88": r"\frac{\partial H}{\partial k}=\log r_{+}-\log r_{-}-\frac{3}{2}\log(N-k)+\frac{3}{2}\log k=0",
}

_claim = ClaimFactory(PAPER, QUOTES)


@functools.lru_cache(maxsize=1)
def orthant_model():
    """``(reduction, continuum, saddle)``: the exact orthant sum (eq 19), its leading-order continuum
    (Jacobian exponents k-1 -> k, Stirling's series at order 0, eq 79) and the uniform saddle (eq 20)."""
    network = layer_energy().subs({s[l]: s_plus[l] + s_minus[l], s[l - 1]: s_plus[l - 1]})
    reduction = orthant_reduction(network, [(s_plus, r_plus, k[l]), (s_minus, r_minus, N - k[l])], l,
                                  sp.binomial(N, k[l]), [r_plus, r_minus, k])
    leading = (reduction.model.energy - reduction.jacobian
               - k[l] * sp.log(r_plus[l]) - (N - k[l]) * sp.log(r_minus[l]))
    continuum = stirling(leading, order=0)
    return reduction, continuum, uniform_saddle(lattice_model(continuum, [r_plus, r_minus, k], l))


def _printed_stationary(plus, minus, count) -> dict:
    """Eqs 86-88, the printed gradient of the uniform energy (paper's k), in the uniform symbols."""
    variance = sigma_w**2 / N * plus**2 + sigma_b**2
    return {
        "86": (1 + sigma_w**2) * plus / variance - (plus**2 + minus**2) / variance**2 * sigma_w**2 / N * plus
              - (N - count) / plus,
        "87": minus / variance - count / minus,
        "88": sp.log(plus) - sp.log(minus) - sp.Rational(3, 2) * sp.log(N - count) + sp.Rational(3, 2) * sp.log(count),
    }


@dataclass(frozen=True)
class ReluRingPrediction:
    """Numeric predictions for the rectified linear network at given parameters.

    Attributes
    ----------
    sigma_w2, sigma_b2 : float
        Weight and bias variances (``sigma_w2 < 2``).
    N : int
    order : int
        0: the Gaussian (paper's) theory; 1: with the one-loop corrections of relative order 1/N.
    r_plus_star, r_minus_star, k_star : float
        The saddle (eq 20); ``k_star`` counts positive units.
    mean : numpy.ndarray
        The means of ``(r_+, r_-, k)``: the saddle at order 0, the saddle plus the tadpole at order 1.
    covariance : numpy.ndarray
        The 3x3 equal-layer covariance of ``(r_+, r_-, k)``, :math:`\\int\\frac{dq}{2\\pi} C(q)`.
    """

    sigma_w2: float
    sigma_b2: float
    N: int
    order: int
    r_plus_star: float
    r_minus_star: float
    k_star: float
    mean: np.ndarray
    covariance: np.ndarray
    _covariance: Callable = field(repr=False, compare=False)

    def mode_covariance(self, q):
        """:math:`C(q)`, shape ``q.shape + (3, 3)``, over (r_plus, r_minus, k) in original units.

        Order 0: :math:`K(q)^{-1}`; order 1: :math:`(K(q) - \\Sigma(q))^{-1}`. ``numpy.fft`` convention:
        ``C(q)[a, b] = E[x_hat_a(q) conj(x_hat_b(q))] / L``.
        """
        return self._covariance(np.asarray(q, dtype=float))


def _predictor(saddle, kernel):
    """``predict(sigma_w2=..., sigma_b2=..., N=..., order=0)``; the saddle and the kernel are compiled at its first
    call (printing a derivation compiles nothing)."""
    existence = saddle.existence_condition()
    grid = 2 * np.pi * np.arange(256) / 256

    @functools.cache
    def compiled():
        return ([compile_expression(value, (sigma_w, sigma_b, N)) for value in saddle.values],
                compile_matrix(kernel.matrix, (sigma_w, sigma_b, N, q)))

    def predict(*, sigma_w2, sigma_b2, N, order=0) -> ReluRingPrediction:  # noqa: N803 (the paper's N)
        sigma_w2, sigma_b2, width = checked_parameters(sigma_w2, sigma_b2, N, existence,
                                                       "0 < sigma_w2 < 2 for the rectified linear network (Result 9)")
        order = checked_order(order)
        values, matrix = compiled()
        w, b = math.sqrt(sigma_w2), math.sqrt(sigma_b2)
        plus, minus, count = (float(value(w, b, width)) for value in values)
        saddle_point = np.array([plus, minus, count])
        if order == 0:
            def mode(q):
                return np.linalg.inv(np.asarray(matrix(w, b, width, q), dtype=complex))

            mean, covariance = saddle_point, mode(grid).mean(axis=0).real
        else:
            from nnfield.derivations.schoenholz2017.one_loop import relu_evaluator

            point = relu_evaluator()(w, b, width)
            mean, covariance, mode = saddle_point + point.mean_shift, point.covariance, point.mode_covariance
        return ReluRingPrediction(sigma_w2, sigma_b2, width, order, plus, minus, count, mean, covariance, mode)

    return predict


@functools.lru_cache(maxsize=1)
def relu_ring() -> Derivation:
    """Derive the field theory of the rectified linear stochastic network on a ring.

    Returns
    -------
    Derivation
        Steps and claims of Sec. 6 / App. 8.4; ``.predict(sigma_w2=..., sigma_b2=..., N=...)`` gives a
        :class:`ReluRingPrediction`.

    Examples
    --------
    >>> derivation = relu_ring()
    >>> derivation.claim("20").status(), derivation.claim("22").status()
    ('reproduced', 'disputed')
    >>> prediction = derivation.predict(sigma_w2=1.0, sigma_b2=0.01, N=200)
    >>> round(prediction.r_plus_star, 6), prediction.k_star
    (1.414214, 100.0)
    """
    printed = _transcriptions()
    steps, claims = [], []

    # Eq 18 / 73: only the positive units pass the ReLU, so |phi(z^(l-1))|^2 = s_+[l-1].
    network = layer_energy().subs({s[l]: s_plus[l] + s_minus[l], s[l - 1]: s_plus[l - 1]})
    steps.append(Step("Energy of a layer given the previous one, in s_+ = |z_+|^2 and s_- = |z_-|^2", network, "18"))
    claims.append(_claim("18", "18", "lattice energy of the rectified linear network", printed["18"], network,
                         also=("73",), kind="ring", site=l, fields=[s_plus, s_minus],
                         note="Printed log term at layer l, derived at l-1: equal sums on a ring."))

    # Eq 19 / Result 7: orthants with k positive units, each part in its own spherical coordinates.
    reduction = orthant_model()[0]
    steps.append(Step("Sum over orthants: Jacobians, orthant areas Omega_d/2^d and binomial counts",
                      reduction.model.energy, "19"))
    claims.append(_claim(
        "19", "19", "orthant sum with angular factors", printed["19"], paper_k(reduction.model.energy),
        also=("74", "78"), kind="ring", site=l, fields=[r_plus, r_minus, k],
        note="Reproduced once k counts negative units, as the printed exponents (N-k-1 on r_+) require; the "
             "text of Sec. 6 and Result 7 says k counts positive units. The constant prefactor differs "
             "(derived 4 (sqrt(pi)/2)^N, printed 2 (sqrt(pi)/2)^N), which changes no result.",
    ))

    # Eq 79 / Result 8: k continuous, Gamma functions by Stirling's series at leading order in N.
    reduction, continuum, saddle = orthant_model()
    steps.append(Step("Leading order in N: Jacobian exponents k-1 -> k, Stirling's series for the Gamma functions",
                      continuum, "79"))
    claims.append(_claim(
        "79", "79", "large-N continuum of the orthant sum", printed["79"], paper_k(continuum),
        also=("83", "85"), kind="ring", site=l, fields=[r_plus, r_minus, k],
        note="Stirling's series at leading order (x log x - x) from SymPy's asymptotic expansion of loggamma; "
             "constants and O(log N) terms dropped as the paper does.",
    ))

    # Eq 20 / Result 9: the uniform saddle.
    steps.append(Step("Uniform saddle (r_+*, r_-*, k*), k counting positive units", sp.Matrix(saddle.values), "20"))
    claims.append(_claim("20", "20", "uniform saddle r_+*, r_-*, k*", printed["20"],
                         sp.Matrix([saddle.values[0], saddle.values[1], N - saddle.values[2]]), also=("84",),
                         note="k* = N/2 in either convention."))
    claims.append(_claim("existence", "Result 9", "existence condition of the saddle", printed["existence"],
                         saddle.existence_condition(), kind="relation"))
    paper_model = lattice_model(paper_k(continuum), [r_plus, r_minus, k], l)
    gradient = stationary_equations(paper_model)
    printed_gradient = _printed_stationary(*paper_model.uniform)
    for equation, variable, derived in zip(("86", "87", "88"), ("r_+", "r_-", "k"), gradient):
        claims.append(_claim(equation, equation, f"stationary equation dH/d{variable} = 0 (paper's k)",
                             printed_gradient[equation], derived.lhs))

    # Eqs 21, 90-95 / Result 10: quadratic fluctuations, then the paper's rescaling.
    fluctuations = quadratic_fluctuations(saddle, names=("epsilon_+", "epsilon_-", "epsilon_k"))
    quadratic = fluctuations.site_energy()
    steps.append(Step("Quadratic fluctuation energy in original units", quadratic, "94"))
    claims.append(_claim(
        "94", "94", "quadratic fluctuation energy before rescaling", printed["94"], paper_k(quadratic),
        kind="ring", site=l, fields=[epsilon_plus, epsilon_minus, epsilon_k],
    ))
    tilde = change_of_variables(fluctuations, tilde_scales(), ("epsilon_+", "epsilon_-", "epsilon_k"))
    rescaled = tilde.site_energy()
    steps.append(Step("The same in the paper's rescaled fields and its k", rescaled, "21"))
    rescaling_note = (
        "Rescaling eq 94 by eps_k -> sqrt(N) eps_k, eps_+- -> eps_+- sqrt(sigma_b^2/(2(1-sigma_w^2/2))) gives "
        "6 eps_k^2 and 2 eps_k (eps_+ - eps_-) inside the bracket; the printed form has 3 and 1: the k row "
        "is halved. A simulation decides (Var k = N/4 exactly for Binomial(N, 1/2))."
    )
    claims.append(_claim("21", "21", "quadratic fluctuation energy (rescaled)", printed["21"], rescaled,
                         also=("95",), kind="ring", site=l, fields=[epsilon_plus, epsilon_minus, epsilon_k],
                         note=rescaling_note))
    claims.append(_claim("90", "90", "quadratic fluctuation energy (Result 10, with its overall sign)", printed["90"],
                         rescaled, also=("104",), kind="ring", site=l, fields=[epsilon_plus, epsilon_minus, epsilon_k],
                         note="Printed with an overall minus sign, which would make the energy unbounded below; "
                              "and the k row is halved as in eq 21."))

    # Eq 22 / Result 11: Fourier space.
    kernel = fourier_kernel(fluctuations, q)
    steps.append(Step("Fourier kernel K(q) in original units (numpy.fft convention)", kernel.matrix, "22"))
    tilde_kernel = fourier_kernel(tilde, q)
    claims.append(_claim(
        "22", "22", "Fourier-space inverse covariance matrix", printed["22"], sp.ImmutableMatrix(tilde_kernel.matrix.T),
        also=("96", "97", "102"),
        note="The paper's U = 1/2 sum_q eps(q)^dagger Sigma^-1 eps(q) with eps^l = sum_q eps_q e^{-iql} means "
             "Sigma^-1 = L K(q)^T in the tilde variables; the paper leaves out the factor L (eq 57 keeps it). "
             "Compared as K(q)^T. The k row and column are halved in print, as in eq 21.",
    ))

    # Eq 23 / Result 12: the effective field theory.
    eft = continuum_limit(tilde_kernel, x)
    density = eft.energy_density()
    steps.append(Step("EFT energy density, paper's rescaled fields", density, "23"))
    fields_of_x = [field(x) for field in eft.fields]
    kernels = compare(density_kernel(printed["23"], fields_of_x, x, q), eft.small_q_kernel())
    claims.append(Claim(
        PAPER, "23", ("103", "106"), "effective field theory", QUOTES["23"], printed["23"], density, kernels,
        "Compared through the kernels M + 2iqB + q^2 G of the two densities, so that terms differing by a total "
        "derivative count as equal. Inherits the halved k row of eq 21, and the printed continuum limit keeps only "
        "the first-derivative part of the coupling eps_+^(l-1) eps_-^l, while the small-q expansion of the lattice "
        "kernel also has a gradient-gradient term at the same order q^2.",
    ))
    symmetric = sp.FiniteSet(*(sp.Symbol(name) for name, ok in eft_symmetries(eft).checks
                               if ok and name in ("epsilon -> -epsilon", "x -> -x")
                               or ok and name.startswith("epsilon_")))
    claims.append(_claim("symmetries", "Sec. 6 (after eq. 23)", "symmetries of the EFT", printed["symmetries"],
                         symmetric, kind="set",
                         note="The printed statement: no single-field sign flip and no reflection x -> -x; the "
                              "flip of all fields together is a symmetry of any quadratic theory."))

    return Derivation(
        paper=PAPER,
        title="Rectified linear stochastic network on a ring",
        steps=tuple(steps),
        claims=tuple(claims),
        predictor=_predictor(saddle, kernel),
        results=dict(reduction=reduction, model=saddle.model, saddle=saddle, fluctuations=fluctuations, kernel=kernel,
                     rescaled_fluctuations=tilde, rescaled_kernel=tilde_kernel, eft=eft),
    )
