"""The continuum limit: from the lattice kernel to an effective field theory (EFT).

Expanding :math:`K(q)` to second order in q,

.. math:: K(q) = M + 2 i q B + q^2 G + O(q^3), \\qquad
          M = \\sum_\\delta K_\\delta,\\quad B = -\\tfrac12 \\sum_\\delta \\delta K_\\delta,\\quad
          G = -\\tfrac12 \\sum_\\delta \\delta^2 K_\\delta,

is the Fourier form of the EFT energy

.. math:: U[\\epsilon] = \\int dx \\Big[\\tfrac12 \\epsilon^T M \\epsilon
          + \\epsilon^T B\\, \\partial_x\\epsilon + \\tfrac12 (\\partial_x\\epsilon)^T G\\, \\partial_x\\epsilon\\Big],

with the mass matrix ``M``, the first-derivative (drift) matrix ``B`` (antisymmetric) and the
gradient (stiffness) matrix ``G``. Correlations decay as :math:`e^{-|x|/\\xi}` where
:math:`\\det K(i/\\xi) = 0` on the quadratic kernel.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass

import sympy as sp

from nnfield.symbolic.conditions import is_positive_under, simplify_under
from nnfield.symbolic.fourier import FourierKernel
from nnfield.symbolic.quadratic import collect_products

__all__ = ["EffectiveFieldTheory", "continuum_limit", "density_kernel"]

#: The decay rate: correlations fall as exp(-kappa |x|) where K(q = i kappa) is singular.
KAPPA = sp.Dummy("kappa")  # a Dummy: a model parameter named kappa must not be taken for it


@dataclass(frozen=True)
class EffectiveFieldTheory:
    """A quadratic effective field theory in one dimension.

    Attributes
    ----------
    kernel : FourierKernel
        The lattice kernel it comes from.
    x : sympy.Symbol
        The continuous coordinate replacing the site index.
    fields : tuple of sympy.Function
        :math:`\\epsilon_a(x)`.
    mass, drift, stiffness : sympy.ImmutableMatrix
        ``M``, ``B`` and ``G`` of the module docstring.
    correlation_lengths : tuple of sympy.Expr
        The decay lengths :math:`\\xi` of the correlations that can be found in closed form,
        one per pole of the quadratic kernel; see :meth:`correlation_lengths_at` for the others.
    """

    kernel: FourierKernel
    x: sp.Symbol
    fields: tuple[sp.Function, ...]
    mass: sp.ImmutableMatrix
    drift: sp.ImmutableMatrix
    stiffness: sp.ImmutableMatrix
    correlation_lengths: tuple[sp.Expr, ...]

    def field_vector(self) -> sp.Matrix:
        return sp.Matrix([field(self.x) for field in self.fields])

    def energy_density(self) -> sp.Expr:
        """The integrand of :math:`U[\\epsilon]` (see the module docstring)."""
        return _energy_density(self.mass, self.drift, self.stiffness, self.fields, self.x)

    def correlation_lengths_at(self, parameters: dict) -> tuple[float, ...]:
        """All decay lengths :math:`1/\\operatorname{Re}\\kappa` at numeric parameters, largest first.

        A complex root (possible with a drift term) means correlations that oscillate as they
        decay over :math:`1/\\operatorname{Re}\\kappa`.

        Examples
        --------
        >>> from nnfield.symbolic import uniform_saddle, quadratic_fluctuations, fourier_kernel
        >>> chain.energy  # the harmonic chain of conftest.py (doctest namespace), with m and k
        k*(-x[l - 1] + x[l])**2/2 + m*x[l]**2/2
        >>> eft = continuum_limit(fourier_kernel(quadratic_fluctuations(uniform_saddle(chain))))
        >>> eft.correlation_lengths_at({m: 4, k: 1})
        (0.5,)
        """
        import numpy as np

        polynomial = _decay_polynomial(self.mass, self.drift, self.stiffness)
        coefficients = [complex(sp.N(c.subs(parameters))) for c in polynomial.all_coeffs()]
        roots = np.roots(coefficients)
        lengths = {round(float(1 / root.real), 12) for root in roots if root.real > 1e-12 * max(1, abs(root))}
        return tuple(sorted(lengths, reverse=True))

    def small_q_kernel(self) -> sp.ImmutableMatrix:
        """:math:`M + 2iqB + q^2 G`, the kernel of the EFT in the lattice's Fourier convention."""
        q = self.kernel.q
        return sp.ImmutableMatrix(self.mass + 2 * sp.I * q * self.drift + q**2 * self.stiffness)

    def _repr_latex_(self) -> str:
        return rf"$U[\epsilon] = \int d{sp.latex(self.x)}\, \left[{sp.latex(self.energy_density())}\right]$"


@functools.lru_cache(maxsize=64)
def _energy_density(mass, drift, stiffness, fields, x) -> sp.Expr:
    """The density of :meth:`EffectiveFieldTheory.energy_density`, remembered (the symmetry checks ask again)."""
    eps = sp.Matrix([field(x) for field in fields])
    slope = eps.diff(x)
    density = (eps.T * mass * eps)[0, 0] / 2
    density += (eps.T * drift * slope)[0, 0]
    density += (slope.T * stiffness * slope)[0, 0] / 2
    monomials = [a * b for a in (*eps, *slope) for b in (*eps, *slope)]
    return collect_products(sp.expand(density), monomials)


def continuum_limit(kernel: FourierKernel, x: sp.Symbol | None = None) -> EffectiveFieldTheory:
    """The EFT of the long-wavelength fluctuations of a lattice kernel.

    Examples
    --------
    >>> from nnfield.symbolic.saddle import uniform_saddle
    >>> from nnfield.symbolic.fluctuations import quadratic_fluctuations
    >>> from nnfield.symbolic.fourier import fourier_kernel
    >>> chain.energy  # the harmonic chain of conftest.py (doctest namespace), with m and k
    k*(-x[l - 1] + x[l])**2/2 + m*x[l]**2/2
    >>> eft = continuum_limit(fourier_kernel(quadratic_fluctuations(uniform_saddle(chain))))
    >>> eft.energy_density()
    k*Derivative(epsilon(x), x)**2/2 + m*epsilon(x)**2/2
    >>> eft.correlation_lengths
    (sqrt(k)/sqrt(m),)
    """
    if x is None:
        x = sp.Symbol("x", real=True)
    fluctuations = kernel.fluctuations
    condition = fluctuations.saddle.existence_condition()
    size = len(fluctuations.fluctuation_fields)

    def combine(weight) -> sp.ImmutableMatrix:
        total = sp.zeros(size, size)
        for delta, block in fluctuations.blocks:
            total += weight(delta) * block
        return sp.ImmutableMatrix(size, size, [simplify_under(e, condition) for e in total])

    mass = combine(lambda delta: 1)
    drift = combine(lambda delta: -sp.Rational(delta, 2))
    stiffness = combine(lambda delta: -sp.Rational(delta**2, 2))
    fields = tuple(sp.Function(str(eps.label), real=True) for eps in fluctuations.fluctuation_fields)
    lengths = _correlation_lengths(mass, drift, stiffness, condition)
    return EffectiveFieldTheory(kernel, x, fields, mass, drift, stiffness, lengths)


def density_kernel(density: sp.Expr, fields, x: sp.Symbol, q: sp.Symbol) -> sp.ImmutableMatrix:
    """The kernel :math:`M + 2iqB + q^2 G` of a quadratic EFT energy density, read off by differentiation.

    :math:`M_{ab} = \\partial^2 u/\\partial\\epsilon_a\\partial\\epsilon_b`,
    :math:`G_{ab} = \\partial^2 u/\\partial\\epsilon'_a\\partial\\epsilon'_b`, and ``B`` the antisymmetric part
    of :math:`\\partial^2 u/\\partial\\epsilon_a\\partial\\epsilon'_b` (its symmetric part is a total derivative).
    Two densities describe the same theory exactly when their kernels are equal, so this is how
    printed and derived EFTs are compared.

    Examples
    --------
    >>> import sympy as sp
    >>> x, q, m = sp.symbols("x q m", real=True)
    >>> u, v = sp.Function("u")(x), sp.Function("v")(x)
    >>> density_kernel(m * u**2 / 2 + u * v.diff(x) + u.diff(x) * v, [u, v], x, q)
    Matrix([
    [m, 0],
    [0, 0]])
    """
    values = [sp.Dummy(f"e{i}") for i in range(len(fields))]
    slopes = [sp.Dummy(f"d{i}") for i in range(len(fields))]
    plain = density.subs({sp.Derivative(f, x): d for f, d in zip(fields, slopes)}).subs(dict(zip(fields, values)))
    size = len(fields)
    mass = sp.Matrix(size, size, lambda a, b: sp.diff(plain, values[a], values[b]))
    stiffness = sp.Matrix(size, size, lambda a, b: sp.diff(plain, slopes[a], slopes[b]))
    mixed = sp.Matrix(size, size, lambda a, b: sp.diff(plain, values[a], slopes[b]))
    drift = (mixed - mixed.T) / 2
    return sp.ImmutableMatrix((mass + 2 * sp.I * q * drift + q**2 * stiffness).applyfunc(sp.simplify))


def _decay_polynomial(mass, drift, stiffness) -> sp.Poly:
    """:math:`\\det(M - 2\\kappa B - \\kappa^2 G)` as a polynomial in :math:`\\kappa` (:math:`q = i\\kappa`)."""
    return sp.Poly(sp.expand((mass - 2 * KAPPA * drift - KAPPA**2 * stiffness).det()), KAPPA)


def _correlation_lengths(mass, drift, stiffness, condition) -> tuple[sp.Expr, ...]:
    """Decay lengths :math:`1/\\kappa` for the roots of the decay polynomial that are provably positive.

    At :math:`q = i\\kappa` the quadratic kernel is singular, so correlations decay as
    :math:`e^{-\\kappa |x|}`. Factors of degree above two (several fields with a drift term) are
    left to :meth:`EffectiveFieldTheory.correlation_lengths_at`, which solves them numerically.
    """
    lengths = []
    try:
        factors = sp.factor_list(_decay_polynomial(mass, drift, stiffness).as_expr(), KAPPA)[1]
    except sp.PolynomialError:  # algebraic coefficients SymPy cannot factor over
        return ()
    for factor, _ in factors:
        if sp.degree(factor, KAPPA) > 2:
            continue
        for root in sp.solve(factor, KAPPA):
            length = simplify_under(1 / root, condition)
            if is_positive_under(length, condition) and length not in lengths:
                lengths.append(length)
    return tuple(lengths)
