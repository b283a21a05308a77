"""The linear stochastic network on a ring (schoenholz2017, Sec. 5 and App. 8.2).

The derivation follows the appendix step by step:

1. the law of a layer given the previous one, as a lattice energy of squared norms (eqs 10-11, 40);
2. the hyperspherical reduction to the norms r (eq 12 / Result 2, eqs 41-45);
3. the uniform saddle r* and where it exists (eq 13 / Result 3, eqs 46-48);
4. the quadratic fluctuation energy (eq 14 / Result 4, eqs 49-55);
5. its Fourier form (eq 15 / Result 5, eqs 56-66);
6. the effective field theory and its symmetries (eq 16 / Result 6, eqs 67-72);
7. the long-wavelength form and the correlation length (eq 17).

Each printed equation is transcribed beside the derived form as a :class:`~nnfield.symbolic.Claim`.
No derived form is built from a printed one.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy as sp
import sympy.stats

from nnfield.derivations.schoenholz2017.symbols import (
    DEFINITIONS,
    Delta_w,
    L,
    N,
    epsilon,
    epsilon_x,
    l,
    q,
    r,
    s,
    sigma_b,
    sigma_w,
    x,
)
from nnfield.numeric.compile import compile_expression
from nnfield.numeric.parameters import positive_integer, positive_real
from nnfield.symbolic import (
    ClaimFactory,
    Claim,
    brillouin_average,
    Derivation,
    Step,
    continuum_limit,
    eft_symmetries,
    fourier_kernel,
    hyperspherical_reduction,
    laplace_approximation,
    lattice_model,
    quadratic_fluctuations,
    uniform_saddle,
)

PAPER = "schoenholz2017"

__all__ = ["linear_ring", "linear_predictor", "LinearRingPrediction", "layer_energy", "paper_mode_energy"]


@functools.lru_cache(maxsize=1)
def layer_energy() -> sp.Expr:
    """:math:`-\\log p(z^l \\mid z^{l-1})` for the linear network, in squared norms :math:`s = |z|^2`.

    Given layer ``l - 1``, each of the N pre-activations of layer ``l`` is Gaussian with mean 0
    and variance :math:`v = \\sigma_w^2 s[l-1]/N + \\sigma_b^2` (sum of N weights times inputs plus
    a bias). The negative log-density of one component, :math:`a \\zeta^2 + b`, is taken from
    ``sympy.stats``; summing over the N components gives :math:`a\\, s[l] + N b`.

    Examples
    --------
    >>> layer_energy()
    N*log(2*pi*(N*sigma_b**2 + sigma_w**2*s[l - 1])/N)/2 + s[l]/(2*sigma_b**2 + 2*sigma_w**2*s[l - 1]/N)
    """
    variance = sigma_w**2 * s[l - 1] / N + sigma_b**2
    zeta = sp.Symbol("zeta", real=True)
    component = sympy.stats.Normal("z", 0, sp.sqrt(variance))
    one = sp.expand_log(-sp.log(sympy.stats.density(component)(zeta)), force=True)
    quadratic = sp.expand(one).coeff(zeta, 2)
    constant = sp.expand(one - quadratic * zeta**2)  # log(sqrt(2 pi v)), written as log(2 pi v)/2
    return quadratic * s[l] + N * sp.log(sp.together(sp.exp(2 * constant))) / 2  # 2 pi v over one denominator


@functools.lru_cache(maxsize=1)
def norm_model():
    """``(reduction, model, saddle)``: the hyperspherical reduction (exact Jacobian), the leading-order
    model of the norms (``N - 1 -> N``, eq 12) and its uniform saddle (eq 13)."""
    reduction = hyperspherical_reduction(layer_energy(), s, r, l, N)
    leading = reduction.model.energy - reduction.jacobian - N * sp.log(r[l])
    model = lattice_model(leading, [r], l)
    return reduction, model, uniform_saddle(model)


def paper_mode_energy(kernel_entry: sp.Expr) -> sp.Expr:
    """Convert :math:`K(q)` (``numpy.fft`` convention) to the paper's Fourier convention.

    The paper writes :math:`\\epsilon^l = \\sum_q \\epsilon_q e^{-iql}` (eq 56), so
    :math:`\\epsilon_q = \\overline{\\hat\\epsilon(q)}/L` with :math:`\\hat\\epsilon = ` ``fft``.
    Our :math:`U = \\frac{1}{2L}\\sum_q K(q) |\\hat\\epsilon(q)|^2` then reads
    :math:`U = \\sum_q P(q)|\\epsilon_q|^2` with :math:`P(q) = L K(q)/2`. This is the one place
    where the two conventions meet (one field; for several the conjugation turns K(q) into K(-q)).
    """
    return sp.factor(L * kernel_entry / 2)


def _transcriptions() -> dict:
    """The printed forms, transcribed from the paper (with the paper's abbreviation Delta_w)."""
    sw2, sb2 = sigma_w**2, sigma_b**2
    return {
        "11": sp.Rational(1, 2) * (s[l] / (sw2 / N * s[l - 1] + sb2) + N * sp.log(sw2 / N * s[l] + sb2)),
        "12": sp.Rational(1, 2) * (r[l] ** 2 / (sw2 / N * r[l - 1] ** 2 + sb2)
                                   - N * sp.log(r[l] ** 2 / (sw2 / N * r[l] ** 2 + sb2))),
        "13": sp.sqrt(N * sb2 / Delta_w),
        "existence": sw2 < 1,
        "14": Delta_w / sb2 * ((1 + sigma_w**4) * epsilon[l] ** 2 - 2 * sw2 * epsilon[l] * epsilon[l - 1]),
        "15": L * Delta_w / sb2 * ((1 + sigma_w**4) - 2 * sw2 * sp.cos(q)),
        "minimum": sw2 < 1,
        "16": Delta_w / sb2 * (Delta_w**2 * epsilon_x(x) ** 2 + sw2 * sp.Derivative(epsilon_x(x), x) ** 2),
        "symmetries": sp.FiniteSet(sp.Symbol("epsilon -> -epsilon"), sp.Symbol("x -> -x")),
        "17": L * Delta_w * sw2 / sb2 * (Delta_w**2 / sw2 + q**2),
        "xi": sigma_w / Delta_w,
    }


QUOTES = {
    "11": r"\mathcal{L}(\{z^{l}\})=\frac{1}{2}\sum_{l=0}^{L}\Bigg\{\frac{z^{l}_{\alpha}z^{l}_{\alpha}}{\sigma_{w}^{2}N_{l}^{-1}\phi(z^{l-1}_{\beta})\phi(z^{l-1}_{\beta})+\sigma_{b}^{2}}+N\log(\sigma_{w}^{2}N^{-1}\phi(z^{l}_{\beta})\phi(z^{l}_{\beta})+\sigma_{b}^{2})\Bigg\}",
    "12": r"\mathcal{L}(\{r^{l}\})=\frac{1}{2}\sum_{l=0}^{L}\Bigg\{\frac{(r^{l})^{2}}{\sigma_{w}^{2}N^{-1}(r^{l-1})^{2}+\sigma_{b}^{2}}-N\log\Bigg(\frac{(r^{l})^{2}}{\sigma_{w}^{2}N^{-1}(r^{l})^{2}+\sigma_{b}^{2}}\Bigg)\Bigg\}",
    "13": r"r^{*}=\sqrt{\frac{N\sigma_{b}^{2}}{\Delta_{w}}}",
    "existence": r"for \sigma_{w}^{2}<1 there is an optimum",
    "14": r"U(\{\epsilon^{l}\})=\frac{\Delta_{w}}{\sigma_{b}^{2}}\sum_{l=0}^{L}\left[(1+\sigma_{w}^{4})(\epsilon^{l})^{2}-2\sigma_{w}^{2}\epsilon^{l}\epsilon^{l-1}\right]",
    "15": r"U(\{\epsilon_{q}\})=\frac{L\Delta_{w}}{\sigma_{b}^{2}}\sum_{q}\left\{(1+\sigma_{w}^{4})-2\sigma_{w}^{2}\cos q\right\}|\epsilon_{q}|^{2}",
    "minimum": r"Since the variance of each mode is positive for \sigma_{w}^{2}<1, the optimum that we identified in eq. (13) is indeed a minimum.",
    "16": r"U[\epsilon(x)]=\frac{\Delta_{w}}{\sigma_{b}^{2}}\int dx\left[\Delta_{w}^{2}(\epsilon(x))^{2}+\sigma_{w}^{2}\left(\frac{\partial\epsilon(x)}{\partial x}\right)^{2}\right]",
    "symmetries": r"this field theory features explicitly \epsilon(x)\to-\epsilon(x) as well as x\to-x symmetry",
    "17": r"U(\{\epsilon_{q}\})\approx\frac{L\Delta_{w}\sigma_{w}^{2}}{\sigma_{b}^{2}}\sum_{q}\left\{\frac{\Delta_{w}^{2}}{\sigma_{w}^{2}}+q^{2}\right\}|\epsilon_{q}|^{2}",
    "xi": r"\xi=\sigma_{w}/\Delta_{w}",
    "laplace": r"I\approx e^{-Af(x^{*})}\int dxe^{-A(x-x^{*})^{T}f^{\prime\prime}(x^{*})(x-x^{*})}",
}

_claim = ClaimFactory(PAPER, QUOTES, {"definitions": DEFINITIONS})


def laplace_claim() -> Claim:
    """The Laplace approximation as printed in Sec. 5, against the engine's expansion.

    The paper writes the Gaussian factor as :math:`e^{-A (x-x^*)^T f''(x^*) (x-x^*)}`; the second
    order Taylor term of :math:`A f` is half of that. In one variable the printed form gives
    :math:`e^{-A f^*}\\sqrt{\\pi/(A f'')}` and the expansion :math:`e^{-A f^*}\\sqrt{2\\pi/(A f'')}`.
    """
    y, A = sp.symbols("y A", positive=True)
    f_star, f2 = sp.symbols("f^* f''", positive=True)
    # The printed recipe, carried out: the Gaussian integral of exp(-A f'' (y - y*)^2).
    printed = sp.exp(-A * f_star) * sp.integrate(sp.exp(-A * f2 * y**2), (y, -sp.oo, sp.oo))
    # The engine's expansion of a generic f about its minimum (quadratic model with the same f*, f'').
    expansion = laplace_approximation(f_star + f2 * y**2 / 2, y, A, point=(0,))
    derived = expansion.leading
    note = (
        "The printed Gaussian factor lacks the 1/2 of the Taylor expansion, so the printed recipe "
        "is smaller than the true leading term by a factor sqrt(2). Exact quadrature decides: "
        "see the audit's check on Gamma(A+1) = A^(A+1) int exp(-A(y - log y)) dy. The factor is "
        "an overall constant, so none of the paper's later results depend on it."
    )
    return _claim("laplace", "Sec. 5 (Laplace)", "Laplace approximation of int exp(-A f)", printed, derived,
                  note=note)


@dataclass(frozen=True)
class LinearRingPrediction:
    """Numeric predictions for the linear network at given parameters.

    Attributes
    ----------
    sigma_w2, sigma_b2 : float
        Weight and bias variances (``sigma_w2 < 1``).
    N : int
        Layer width.
    order : int
        0: the Gaussian (paper's) theory; 1: with the one-loop corrections of relative order 1/N.
    r_star : float
        The saddle norm :math:`r^* = \\sqrt{N\\sigma_b^2/(1-\\sigma_w^2)}` (eq 13), the mode at order 0.
    mean_r : float
        The mean norm: :math:`r^*` at order 0; :math:`r^* + m` at order 1, with the tadpole :math:`m`
        (the exact Jacobian :math:`-(N-1)\\log r` and the cubic vertex on the loop).
    variance_r : float
        The equal-layer variance of r, :math:`\\int\\frac{dq}{2\\pi} C(q)`.
    correlation_length : float
        The EFT's :math:`\\xi = \\sigma_w/\\Delta_w` (eq 17).
    lattice_decay_length : float
        The exact decay length of the lattice correlation function, :math:`1/\\operatorname{arccosh}
        \\frac{1+\\sigma_w^4}{2\\sigma_w^2} = -1/\\ln\\sigma_w^2`; it tends to ``correlation_length``
        as :math:`\\sigma_w^2 \\to 1`.
    """

    sigma_w2: float
    sigma_b2: float
    N: int
    order: int
    r_star: float
    mean_r: float
    variance_r: float
    correlation_length: float
    lattice_decay_length: float
    _covariance: Callable = field(repr=False, compare=False)

    def mode_covariance(self, q):
        """:math:`C(q) = E|\\hat\\epsilon(q)|^2/L` of the norm fluctuations (``numpy.fft`` convention).

        Order 0: :math:`K(q)^{-1}`; order 1: :math:`(K(q) - \\Sigma(q))^{-1}`. ``q`` may be a number
        or an array; the result has its shape.
        """
        q = np.asarray(q, dtype=float)
        values = self._covariance(q)
        return np.broadcast_to(np.asarray(values, dtype=float), q.shape).copy()


def equal_layer_variance(kernel) -> sp.Expr:
    r""":math:`\int_{-\pi}^{\pi}\frac{dq}{2\pi} C(q)`: the Gaussian variance of the norm in one layer."""
    p = sp.Dummy("p", real=True)
    sample = {sigma_w: sp.Rational(1, 2), sigma_b: sp.Rational(1, 10), N: 10}
    return sp.factor(brillouin_average(kernel.mode_covariance()[0, 0].subs(kernel.q, p), p, sample))


def checked_order(order) -> int:
    """The order of the 1/N expansion asked for: 0 (Gaussian, the paper's) or 1 (one loop)."""
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"order must be the integer 0 (Gaussian) or 1 (one loop); got {order!r}")
    if order not in (0, 1):
        raise ValueError(f"order must be 0 (Gaussian, the paper's result) or 1 (one loop, O(1/N)); got {order}")
    return int(order)


def checked_parameters(sigma_w2, sigma_b2, N, existence, region: str) -> tuple[float, float, int]:  # noqa: N803
    """Validate the parameters of a prediction; refuse those where the saddle does not exist.

    ``existence`` is the derived condition on ``sigma_w`` and ``region`` says in words where it holds
    and why; both go into the error message.
    """
    sigma_w2 = positive_real("sigma_w2", sigma_w2, "the weight variance sigma_w^2")
    sigma_b2 = positive_real("sigma_b2", sigma_b2, "the bias variance sigma_b^2; the ring's saddle norms are "
                             "proportional to sigma_b, so without biases there is no saddle to expand about")
    width = positive_integer("N", N, "the width of each layer")
    if existence.subs(sigma_w, sp.sqrt(sp.Float(sigma_w2))) is not sp.true:
        raise ValueError(f"no uniform saddle at sigma_w2={sigma_w2}: it exists only where {sp.sstr(existence)}, "
                         f"i.e. {region}")
    return sigma_w2, sigma_b2, width


def _predictor(saddle, kernel, eft, variance):
    """``predict(sigma_w2=..., sigma_b2=..., N=..., order=0)``; the derived results are compiled at its first
    call (printing a derivation compiles nothing)."""
    existence = saddle.existence_condition()

    @functools.cache
    def compiled():
        return (compile_expression(saddle.values[0], (sigma_w, sigma_b, N)),
                compile_expression(kernel.mode_covariance()[0, 0], (sigma_w, sigma_b, N, q)),
                compile_expression(variance, (sigma_w, sigma_b, N)),
                compile_expression(eft.correlation_lengths[0], (sigma_w,)),
                compile_expression(kernel.lattice_decay_lengths()[0], (sigma_w,)))

    def predict(*, sigma_w2, sigma_b2, N, order=0) -> LinearRingPrediction:  # noqa: N803 (the paper's N)
        sigma_w2, sigma_b2, width = checked_parameters(
            sigma_w2, sigma_b2, N, existence,
            "0 < sigma_w2 < 1 (Result 3; sigma_w2 = 1 is the critical point where the correlation length diverges)",
        )
        order = checked_order(order)
        r_star, covariance, gaussian_variance, xi, decay = compiled()
        w, b = math.sqrt(sigma_w2), math.sqrt(sigma_b2)
        star = float(r_star(w, b, width))
        if order == 0:
            mean, var = star, float(gaussian_variance(w, b, width))

            def mode(q):
                return covariance(w, b, width, q)
        else:
            from nnfield.derivations.schoenholz2017.one_loop import linear_evaluator

            point = linear_evaluator()(w, b, width)
            mean, var = star + float(point.mean_shift[0]), float(point.covariance[0, 0])

            def mode(q):
                return point.mode_covariance(q)[..., 0, 0].real
        return LinearRingPrediction(
            sigma_w2=sigma_w2,
            sigma_b2=sigma_b2,
            N=width,
            order=order,
            r_star=star,
            mean_r=mean,
            variance_r=var,
            correlation_length=float(xi(w)),
            lattice_decay_length=float(decay(w)),
            _covariance=mode,
        )

    return predict


@functools.lru_cache(maxsize=1)
def _linear_theory():
    """``(fluctuations, kernel, variance, eft)`` about r* (eqs 14-17): what the claims and the predictor share."""
    saddle = norm_model()[2]
    fluctuations = quadratic_fluctuations(saddle)
    kernel = fourier_kernel(fluctuations, q)
    return fluctuations, kernel, equal_layer_variance(kernel), continuum_limit(kernel, x)


@functools.lru_cache(maxsize=1)
def linear_predictor():
    """The compiled ``predict`` of :func:`linear_ring` (the same function), built without its claims."""
    fluctuations, kernel, variance, eft = _linear_theory()
    return _predictor(norm_model()[2], kernel, eft, variance)


@functools.lru_cache(maxsize=1)
def linear_ring() -> Derivation:
    """Derive the field theory of the linear stochastic network on a ring.

    Returns
    -------
    Derivation
        Steps and claims of Sec. 5 / App. 8.2; ``.predict(sigma_w2=..., sigma_b2=..., N=...)``
        gives a :class:`LinearRingPrediction`.

    Examples
    --------
    >>> derivation = linear_ring()
    >>> [claim.status() for claim in derivation.claims][:3]
    ['reproduced', 'reproduced', 'reproduced']
    >>> prediction = derivation.predict(sigma_w2=0.5, sigma_b2=0.01, N=200)
    >>> round(prediction.r_star, 6), round(prediction.correlation_length, 6)
    (2.0, 1.414214)
    >>> derivation.predict(sigma_w2=1.2, sigma_b2=0.01, N=200)
    Traceback (most recent call last):
    ...
    ValueError: no uniform saddle at sigma_w2=1.2: it exists only where sigma_w < 1, i.e. 0 < sigma_w2 < 1 (Result 3; sigma_w2 = 1 is the critical point where the correlation length diverges)
    """
    printed = _transcriptions()
    steps, claims = [], []

    # Eqs 10-11 / 40: the network's law as a lattice energy of squared norms.
    network = layer_energy()
    steps.append(Step("Energy of a layer given the previous one, -log p(z^l | z^(l-1))", network, "11"))
    claims.append(_claim(
        "11", "11", "lattice energy of the linear network on a ring", printed["11"], network,
        also=("40",), kind="ring", site=l, fields=[s],
        note="phi(z) = z, so phi.phi = s = |z|^2. The printed log term sits at layer l, the derived "
             "one at l-1; on a ring the two sums are equal, and constants (log 2 pi) are dropped.",
    ))

    # Eq 12 / Result 2 (eqs 41-45): hyperspherical coordinates.
    reduction, model, saddle = norm_model()
    steps.append(Step("Hyperspherical reduction: Jacobian r^(N-1) per layer", reduction.model.energy, "44",
                      note=f"angular factor per layer: {sp.sstr(reduction.angular_factor)}"))
    leading = model.energy
    steps.append(Step("Leading order in N: (N-1) log r replaced by N log r, as the paper does", leading, "45"))
    claims.append(_claim(
        "12", "12", "energy of the norms (hyperspherical reduction)", printed["12"], leading,
        also=("41",), kind="ring", site=l, fields=[r],
        note="Compared at the paper's stated approximation N-1 -> N (below eq 45); the exact energy "
             "has -(N-1) log r, which moves r* by a relative O(1/N).",
    ))

    # Eq 13 / Result 3: the uniform saddle and where it exists.
    steps.append(Step("Uniform saddle r*", saddle.values[0], "13"))
    claims.append(_claim("13", "13", "uniform saddle r*", printed["13"], saddle.values[0], also=("46",)))
    claims.append(_claim(
        "existence", "Result 3", "existence condition of the saddle", printed["existence"],
        saddle.existence_condition(), also=("Sec. 5",), kind="relation",
        note="The derived condition is where r*^2 = N sigma_b^2/(1 - sigma_w^2) is positive.",
    ))

    # Eq 14 / Result 4: quadratic fluctuations.
    fluctuations, kernel, variance, eft = _linear_theory()
    steps.append(Step("Linear terms at the saddle (must vanish)", sp.Tuple(*fluctuations.linear_coefficients), "53"))
    quadratic = fluctuations.site_energy()
    steps.append(Step("Quadratic fluctuation energy of one layer", quadratic, "14"))
    claims.append(_claim("14", "14", "quadratic fluctuation energy", printed["14"], quadratic,
                         also=("49", "55"), kind="ring", site=l, fields=[epsilon]))

    # Eq 15 / Result 5: Fourier diagonalization.
    steps.append(Step("Fourier kernel K(q) = sum_delta K_delta exp(-i q delta)", kernel.matrix[0, 0], "15"))
    steps.append(Step("Mode covariance C(q) = 1/K(q) (numpy.fft convention)", kernel.mode_covariance()[0, 0]))
    steps.append(Step("Equal-layer variance of r, int dq/2pi C(q) (residues inside the unit circle)", variance))
    claims.append(_claim(
        "15", "15", "Fourier form of the fluctuation energy (coefficient of |eps_q|^2)", printed["15"],
        paper_mode_energy(kernel.matrix[0, 0]), also=("57", "66"),
        note="Derived K(q) converted to the paper's convention eps^l = sum_q eps_q exp(-iql) by "
             "paper_mode_energy (P = L K / 2). The paper sums l = 0..L yet uses L sites and, in eq 56, "
             "q = 2 pi n/(L+1); we use L sites throughout.",
    ))
    claims.append(_claim(
        "minimum", "Sec. 5 (after eq. 15)", "the saddle is a minimum", printed["minimum"],
        sp.And(*kernel.minimum_conditions()), kind="relation",
        note="Derived from Sylvester's criterion on K(q) at q = 0 and q = pi, which for one field with "
             "nearest-neighbour coupling decides positivity at every q.",
    ))

    # Eq 16 / Result 6: the effective field theory and its symmetries.
    density = eft.energy_density()
    steps.append(Step("EFT energy density (continuum limit of K(q) to order q^2)", density, "16"))
    claims.append(_claim("16", "16", "effective field theory", printed["16"], density, also=("67", "72")))
    symmetric = sp.FiniteSet(*(sp.Symbol(name) for name, ok in eft_symmetries(eft).checks if ok))
    claims.append(_claim("symmetries", "Sec. 5 (after eq. 16)", "symmetries of the EFT",
                         printed["symmetries"], symmetric, kind="set"))

    # Eq 17: long wavelengths and the correlation length.
    small_q = paper_mode_energy(eft.small_q_kernel()[0, 0])
    steps.append(Step("Long-wavelength kernel, paper's convention", small_q, "17"))
    claims.append(_claim("17", "17", "long-wavelength form of the mode energy", printed["17"], small_q))
    xi = eft.correlation_lengths[0]
    steps.append(Step("Correlation length of the EFT", xi, "17"))
    claims.append(_claim("xi", "Sec. 5 (below eq. 17)", "correlation length xi", printed["xi"], xi))
    steps.append(Step("Exact decay length of the lattice correlations (poles of 1/K)",
                      kernel.lattice_decay_lengths()[0],
                      note="equals -1/log(sigma_w^2); tends to xi as sigma_w^2 -> 1"))
    claims.append(laplace_claim())

    return Derivation(
        paper=PAPER,
        title="Linear stochastic network on a ring",
        steps=tuple(steps),
        claims=tuple(claims),
        predictor=linear_predictor(),
        results=dict(reduction=reduction, model=model, saddle=saddle, fluctuations=fluctuations, kernel=kernel,
                     eft=eft),
    )
