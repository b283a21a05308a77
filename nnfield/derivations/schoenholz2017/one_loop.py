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
``relu_ring().predict(..., order=1)``; this module derives and compiles the loops they use, once.
"""

from __future__ import annotations

import functools

import sympy as sp

from nnfield.derivations.schoenholz2017.linear import norm_model
from nnfield.derivations.schoenholz2017.symbols import N, sigma_b, sigma_w
from nnfield.numeric.one_loop import compile_one_loop
from nnfield.symbolic import interaction_vertices, one_loop

__all__ = ["linear_one_loop", "linear_evaluator"]

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
    return compile_one_loop(linear_one_loop(), (sigma_w, sigma_b, N))
