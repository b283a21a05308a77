"""fok2017's potential of the weights in numbers, compiled from the theory's own SymPy expression.

Every numeric use of the potential (minimisation, Monte Carlo, transfer operator, Langevin, quadrature,
figures) goes through here, so that the numbers follow the expression the derivation uses
(:func:`~nnfield.derivations.fok2017.ssb.o_theory`, eq 5):

.. math:: V(w) = \\frac{m^2}{2}|w|^2 + \\frac{\\lambda}{4}|w|^4 = f(|w|^2), \\qquad m^2(\\eta) = -\\mu^2 + \\lambda\\eta^2/4.

The profile :math:`f(s)` is read off the theory's potential at :math:`w = (\\sqrt s, 0, \\dots, 0)` and
verified to give back the whole potential, :math:`V(w) = f(|w|^2)`, before anything is compiled; then
:math:`\\nabla V = 2 f'(|w|^2)\\, w`.
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass

import numpy as np
import sympy as sp

from nnfield.derivations.fok2017.ssb import o_theory
from nnfield.derivations.fok2017.symbols import MASS_OF_ETA, eta, lam, m2, mu
from nnfield.numeric.chain_monte_carlo import multiplet_dot
from nnfield.numeric.compile import CompiledExpression, compile_expression
from nnfield.numeric.parameters import positive_integer, positive_real

__all__ = ["mass_squared", "compiled_potential", "radial_profile", "weights_potential", "WeightsPotential"]

#: The squared radius :math:`s = |w|^2` of one multiplet.
SQUARED_RADIUS = sp.Symbol("s", nonnegative=True)

_MASS_OF_ETA = compile_expression(MASS_OF_ETA, (mu, lam, eta))


def mass_squared(mu, lam, eta) -> float:
    """fok2017's :math:`m^2(\\eta) = -\\mu^2 + \\lambda\\eta^2/4`, compiled from
    :data:`~nnfield.derivations.fok2017.symbols.MASS_OF_ETA`.

    Examples
    --------
    >>> mass_squared(1.0, 0.5, 2.0)
    -0.5
    """
    return float(_MASS_OF_ETA(mu, lam, eta))


def compiled_potential(dimension: int):
    """V(w), its gradient and its Hessian for ``dimension`` weights, compiled term by term from the theory's own
    potential (eq 5).

    Each takes the weights as one sequence of ``dimension`` numbers, then :math:`m^2` and :math:`\\lambda`.

    Examples
    --------
    >>> value, gradient, hessian = compiled_potential(2)
    >>> float(value([1.0, 1.0], -1.0, 0.5)), [float(g) for g in gradient([1.0, 0.0], -1.0, 0.5)]
    (-0.5, [-0.5, 0.0])
    """
    theory = o_theory(dimension)
    values = list(theory.values)
    potential = theory.potential()
    value = sp.lambdify((values, m2, lam), potential, "numpy")
    gradient = sp.lambdify((values, m2, lam), [sp.diff(potential, v) for v in values], "numpy")
    hessian = sp.lambdify((values, m2, lam), sp.hessian(potential, values), "numpy")
    return value, gradient, hessian


@functools.lru_cache(maxsize=None)
def radial_profile(dimension: int) -> sp.Expr:
    """:math:`f(s)` with :math:`V(w) = f(|w|^2)` for ``dimension`` weights, read off the theory's potential.

    Raises
    ------
    ValueError
        If the potential is not a function of :math:`|w|^2` alone (it is, for the O(D') theory).

    Examples
    --------
    >>> radial_profile(3)
    lambda*s**2/4 + m^2*s/2
    """
    dimension = positive_integer("dimension", dimension, "the number of weights D' in the multiplet")
    theory = o_theory(dimension)
    values = list(theory.values)
    potential = theory.potential()
    profile = sp.expand(potential.subs({v: 0 for v in values[1:]}).subs(values[0], sp.sqrt(SQUARED_RADIUS)))
    if sp.expand(profile.subs(SQUARED_RADIUS, sum(v**2 for v in values)) - potential) != 0:
        raise ValueError(f"the potential {potential} is not a function of |w|^2 alone")
    return profile


@functools.lru_cache(maxsize=None)
def _compiled_profile(dimension: int) -> tuple[CompiledExpression, CompiledExpression, CompiledExpression]:
    """f(s) and 2 f'(s) for numpy, and f(s) for mpmath, compiled in (s, m^2, lambda)."""
    profile = radial_profile(dimension)
    arguments = (SQUARED_RADIUS, m2, lam)
    return (compile_expression(profile, arguments),
            compile_expression(2 * sp.diff(profile, SQUARED_RADIUS), arguments),
            compile_expression(profile, arguments, backend="mpmath"))


@dataclass(frozen=True)
class WeightsPotential:
    """The potential of one O(D') multiplet at numeric :math:`m^2` and :math:`\\lambda`; made by
    :func:`weights_potential`.

    Calling it with weights of shape ``(..., D')`` gives :math:`V(w)` of shape ``(...)``.

    Attributes
    ----------
    dimension : int
        D', the number of weights in the multiplet.
    mass_squared, quartic : float
        :math:`m^2` and :math:`\\lambda`.
    profile : sympy.Expr
        :math:`f(s)` with :math:`V(w) = f(|w|^2)` (:func:`radial_profile`).
    """

    dimension: int
    mass_squared: float
    quartic: float
    profile: sp.Expr

    def _checked(self, weights) -> np.ndarray:
        weights = np.asarray(weights, dtype=float)
        if weights.ndim == 0 or weights.shape[-1] != self.dimension:
            raise ValueError(f"weights must have the {self.dimension} weights of the multiplet on their last axis; "
                             f"got shape {weights.shape}")
        return weights

    def __call__(self, weights) -> np.ndarray:
        """:math:`V(w) = f(|w|^2)` for weights of shape ``(..., D')``."""
        value = _compiled_profile(self.dimension)[0]
        weights = self._checked(weights)
        return value(multiplet_dot(weights, weights), self.mass_squared, self.quartic)

    def radial(self, radius) -> np.ndarray:
        """:math:`V` at distance ``radius`` from the origin, :math:`f(r^2)`, for an array of radii."""
        value = _compiled_profile(self.dimension)[0]
        radius = np.asarray(radius, dtype=float)
        return value(radius**2, self.mass_squared, self.quartic)

    def radial_mpmath(self, radius):
        """:math:`f(r^2)` for one mpmath number, at mpmath's working precision (for exact quadrature)."""
        value = _compiled_profile(self.dimension)[2]
        return value(radius**2, self.mass_squared, self.quartic)

    def gradient(self, weights) -> np.ndarray:
        """:math:`\\nabla V = 2 f'(|w|^2)\\, w`, of the shape of ``weights`` ``(..., D')``."""
        slope = _compiled_profile(self.dimension)[1]
        weights = self._checked(weights)
        return slope(multiplet_dot(weights, weights), self.mass_squared, self.quartic)[..., None] * weights


def weights_potential(dimension: int, *, mass_squared: float, quartic: float) -> WeightsPotential:
    """fok2017's potential of ``dimension`` weights at numeric :math:`m^2` and :math:`\\lambda`, compiled from the
    theory's expression.

    Parameters
    ----------
    dimension : int
        D', the number of weights in the multiplet.
    mass_squared : float
        :math:`m^2`, of either sign.
    quartic : float
        :math:`\\lambda > 0`.

    Examples
    --------
    >>> potential = weights_potential(2, mass_squared=-1.0, quartic=0.5)
    >>> float(potential([1.0, 1.0])), float(potential.radial(2.0)), potential.gradient([1.0, 2.0]).tolist()
    (-0.5, 0.0, [1.5, 3.0])
    >>> import mpmath
    >>> potential.radial_mpmath(mpmath.sqrt(2))
    mpf('-0.5')
    """
    dimension = positive_integer("dimension", dimension, "the number of weights D' in the multiplet")
    if isinstance(mass_squared, bool) or not isinstance(mass_squared, numbers.Real):
        raise TypeError(f"mass_squared must be a real number (m^2 of either sign); got {mass_squared!r}")
    if not math.isfinite(mass_squared):
        raise ValueError(f"mass_squared must be finite; got {mass_squared!r}")
    quartic = positive_real("quartic", quartic, "the quartic coupling lambda")
    return WeightsPotential(dimension, float(mass_squared), quartic, radial_profile(dimension))
