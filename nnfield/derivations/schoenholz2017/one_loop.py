"""The rings of schoenholz2017 at order 1/N: the one-loop expansion about the paper's saddles.

The paper stops at the Gaussian order of its "controlled expansion" (Sec. 4) and predicts the mode
:math:`r^*` where the simulation measures the mean ("equal in the large N limit", footnote 1 of
Sec. 5). Here the engine (:mod:`nnfield.symbolic.loops`) carries the expansion one order further,
from the model's definitions alone:

- the leading-order approximations are revisited: the Jacobian keeps :math:`N-1` (linear ring), the
  orthant sum keeps the exact Jacobians :math:`k-1, N-k-1` and Stirling's series to order 1
  (:math:`-\\tfrac12\\log X`) (ReLU ring); treating k as continuous costs nothing at any power of
  1/N (by Poisson summation the sum over integers differs from the integral by terms exponentially
  small in N, the weight of k being smooth on the scale 1 and of width :math:`\\sqrt N`);
- their differences from the leading energy give a linear term :math:`h` and a mass correction
  :math:`\\delta K`; the cubic and quartic vertices come from the leading energy;
- powers of N are counted from the model (fields of unit size have vertices :math:`N^{-1/2}` and
  :math:`N^{-1}`), which also decides the paper's claim that the expansion is controlled.

Predictions at order 1 are ``linear_ring().predict(..., order=1)`` and
``relu_ring().predict(..., order=1)``; this module derives and compiles the loops they use, once. The same
vertices at tree level give the leading departure of the linear ring's norms from the Gaussian law
(skewness of order :math:`N^{-1/2}`, excess kurtosis of order :math:`N^{-1}`): :func:`linear_cumulants`.
"""

from __future__ import annotations

import functools
import math

import sympy as sp

from nnfield.derivations.schoenholz2017.linear import PAPER, checked_parameters, linear_predictor, norm_model
from nnfield.derivations.schoenholz2017.relu import orthant_model
from nnfield.derivations.schoenholz2017.symbols import N, sigma_b, sigma_w
from nnfield.numeric.one_loop import compile_one_loop
from nnfield.numeric.tree_cumulants import compile_tree_cumulants
from nnfield.symbolic import ClaimFactory, Derivation, Step, interaction_vertices, one_loop, stirling, tree_cumulants

__all__ = ["linear_one_loop", "linear_evaluator", "linear_tree_cumulants", "linear_cumulant_evaluator",
           "linear_cumulants", "relu_one_loop", "relu_evaluator", "large_n_corrections"]

#: A point inside the domain of both saddles (sigma_w^2 < 1), where the poles inside the unit circle are chosen.
SAMPLE = {sigma_w: sp.Rational(7, 10), sigma_b: sp.Rational(1, 10), N: 10}


@functools.lru_cache(maxsize=1)
def linear_one_loop():
    """The one-loop expansion of the linear ring about :math:`r^*` (eq 13).

    The corrected energy is the exact radial energy with the Jacobian :math:`-(N-1)\\log r`; the paper's
    eq 12 has :math:`-N\\log r`, so :math:`h = 1/r^*` and :math:`\\delta K = -1/r^{*2}` at the saddle.

    Examples
    --------
    >>> loop = linear_one_loop()
    >>> [str(c.power) for c in loop.vertices.cubic], loop.vertices.controlled
    (['-1/2', '-1/2', '-1/2', '-1/2'], True)
    >>> loop.method
    'lattice sums by residues; bubble numeric'
    """
    reduction, model, saddle = norm_model()
    vertices = interaction_vertices(model, saddle, N, corrected=reduction.model.energy)
    return one_loop(vertices, inside_at=SAMPLE, exact_bubble=False)


@functools.lru_cache(maxsize=1)
def linear_evaluator():
    """:func:`linear_one_loop` compiled in ``(sigma_w, sigma_b, N)``."""
    return compile_one_loop(linear_one_loop(), (sigma_w, sigma_b, N), grid=64)


@functools.lru_cache(maxsize=1)
def linear_tree_cumulants():
    """The tree-level three- and four-point functions of the norm fluctuations of the linear ring.

    Built by the engine from the vertices of :func:`linear_one_loop` (cubic :math:`N^{-1/2}`, quartic
    :math:`N^{-1}` in fields of unit size): the leading departure of the modes from the Gaussian law.

    Examples
    --------
    >>> tree = linear_tree_cumulants()
    >>> tree.third_power, tree.fourth_power
    (-1/2, -1)
    """
    return tree_cumulants(linear_one_loop().vertices)


@functools.lru_cache(maxsize=1)
def linear_cumulant_evaluator():
    """:func:`linear_tree_cumulants` compiled in ``(sigma_w, sigma_b, N)``."""
    return compile_tree_cumulants(linear_tree_cumulants(), (sigma_w, sigma_b, N))


def linear_cumulants(*, sigma_w2, sigma_b2, N):  # noqa: N803 (the paper's N)
    """The linear ring's tree-level polyspectra at numeric parameters (a
    :class:`~nnfield.numeric.tree_cumulants.TreeCumulantPoint`): skewness and excess kurtosis of its modes
    (``ring_modes``) and of any linear statistic of the norms (``linear_statistic``).

    Examples
    --------
    The norm of one layer: skewness about :math:`N^{-1/2}`, excess kurtosis about :math:`N^{-1}`.

    >>> one_layer = linear_cumulants(sigma_w2=0.5, sigma_b2=1.0, N=64).linear_statistic([1.0] + [0.0] * 63)
    >>> 0 < float(one_layer.skewness) < 1, 0 < float(one_layer.excess_kurtosis) < 0.1
    (True, True)
    """
    sigma_w2, sigma_b2, width = checked_parameters(
        sigma_w2, sigma_b2, N, norm_model()[2].existence_condition(), "0 < sigma_w2 < 1 (Result 3)")
    return linear_cumulant_evaluator()(math.sqrt(sigma_w2), math.sqrt(sigma_b2), width)


@functools.lru_cache(maxsize=1)
def relu_one_loop():
    """The one-loop expansion of the rectified linear ring about its saddle (eq 20).

    The corrected energy is the exact orthant sum (eq 19: Jacobians :math:`r_+^{k-1} r_-^{N-k-1}`,
    the binomial and the orthant areas) with every Gamma function replaced by Stirling's series to
    order 1 (:math:`X\\log X - X - \\tfrac12\\log X + \\tfrac12\\log 2\\pi`). The next term of the series,
    :math:`1/(12X)`, would enter h with :math:`N^{-3/2}` in fields of unit size: beyond one loop. Three
    fields make the poles of :math:`C(p)` roots of a polynomial SymPy solves only at great cost, so
    every lattice sum is left to the compiled quadrature.

    Examples
    --------
    >>> loop = relu_one_loop()
    >>> loop.vertices.field_powers, loop.vertices.controlled
    ((0, 0, -1), True)
    """
    reduction, continuum, saddle = orthant_model()
    corrected = stirling(reduction.model.energy, order=1)
    vertices = interaction_vertices(saddle.model, saddle, N, corrected=corrected)
    return one_loop(vertices, closed_form=False)


@functools.lru_cache(maxsize=1)
def relu_evaluator():
    """:func:`relu_one_loop` compiled in ``(sigma_w, sigma_b, N)``."""
    return compile_one_loop(relu_one_loop(), (sigma_w, sigma_b, N), grid=64)


QUOTES = {
    "mean-mode": r"while we are measuring the average norm of the linear stochastic network, we are predicting r^{*} "
                 r"which is the mode of the distribution. However, these quantities are equal in the large N limit of "
                 r"the Laplace approximation.",
    "controlled": r"we pursue a more principled solution to eq. (9) by considering a controlled expansion for large N_{l}.",
}

_claim = ClaimFactory(PAPER, QUOTES)


def _linear_predict(**parameters):
    """The linear ring's ``predict`` (:func:`~nnfield.derivations.schoenholz2017.linear.linear_predictor`), whose kernel
    and continuum limit are derived at its first call rather than with these claims."""
    return linear_predictor()(**parameters)


@functools.lru_cache(maxsize=1)
def large_n_corrections() -> Derivation:
    """The linear ring one order beyond the paper: the mean against the mode, and whether the expansion is controlled.

    Returns
    -------
    Derivation
        Steps: the vertices with their powers of N, the tadpole (closed form, by residues), the
        local self-energy. Claims: footnote 1 of Sec. 5 (mean and mode equal as N grows), decided
        by the limit of the derived relative shift :math:`m/r^*` and, in the audit, by the measured
        slopes of the errors against N; and the "controlled expansion" of Sec. 4, decided by the
        powers of N of every vertex (all negative) and, in the audit, by order-1 errors falling
        like :math:`1/N^2`. Named results: ``one_loop`` (the engine's :class:`~nnfield.symbolic.loops.OneLoop`),
        ``saddle``, ``mean_shift`` (m), ``relative_shift`` (m/r*) and ``large_n_limit`` (of m/r*);
        ``predict`` is the linear ring's, with ``order=1``.

    Examples
    --------
    >>> derivation = large_n_corrections()
    >>> [claim.status() for claim in derivation.claims]
    ['reproduced', 'reproduced']
    >>> derivation.large_n_limit
    0
    """
    loop = linear_one_loop()
    reduction, model, saddle = norm_model()
    r_star = saddle.values[0]
    shift = sp.factor(loop.tadpole[0])
    relative = sp.factor(sp.simplify(shift / r_star))
    steps = (
        Step("Vertices about r* with their powers of N (fields of unit size)",
             sp.Tuple(*[sp.Tuple(c.value, c.power) for c in loop.vertices.cubic + loop.vertices.quartic])),
        Step("Exact Jacobian against eq. 12: h = 1/r*, delta K = -1/r*^2", sp.Tuple(
            *[c.value for c in loop.vertices.linear + loop.vertices.quadratic])),
        Step("One-loop shift of the mean norm, m = <r> - r* (lattice sums by residues)", shift),
        Step("Relative shift m/r*", relative),
        Step("Local self-energy Sigma_loc(q) (the bubble is summed numerically)", loop.local_self_energy[0, 0]),
    )
    limit = sp.limit(relative, N, sp.oo)
    controlled = sp.true if loop.vertices.controlled else sp.false
    claims = (
        _claim("mean-mode", "Sec. 5 (footnote 1)", "mean and mode of the norm are equal as N grows", sp.Integer(0),
               limit,
               note=f"Derived: (<r> - r*)/r* = {sp.sstr(relative)}, which vanishes like 1/N. The audit measures the "
                    "slope of the error of r* (order 0) and of r* + m (order 1) against N with the exact norm chain."),
        _claim("controlled", "Sec. 4 (controlled expansion)", "the large-N expansion is controlled", sp.true,
               controlled, statement=True,
               note="Derived: every vertex and correction about r* carries a negative power of N in fields of unit "
                    "size (cubic N^-1/2, quartic N^-1), so each order of the loop expansion is smaller by 1/N; the "
                    "audit checks that the order-1 errors fall like 1/N^2."),
    )
    return Derivation(PAPER, "The linear ring at order 1/N (one loop)", steps, claims,
                      predictor=_linear_predict,
                      results=dict(one_loop=loop, saddle=saddle, mean_shift=shift, relative_shift=relative,
                                   large_n_limit=limit))
