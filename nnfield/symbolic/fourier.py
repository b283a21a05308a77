"""Fourier diagonalization of a quadratic lattice energy.

With :math:`\\hat\\epsilon(q) = \\sum_l \\epsilon[l] e^{-iql}` (``numpy.fft.fft``) on a ring of
``L`` sites, :math:`q = 2\\pi n / L`, the quadratic energy becomes

.. math:: U = \\frac{1}{2L} \\sum_q \\hat\\epsilon(q)^\\dagger K(q)\\, \\hat\\epsilon(q),
          \\qquad K(q) = \\sum_\\delta K_\\delta\\, e^{-iq\\delta},

so the modes decouple, :math:`K(q)` is Hermitian, and the mode covariance is
:math:`C(q) = E[\\hat\\epsilon(q)\\hat\\epsilon(q)^\\dagger]/L = K(q)^{-1}`.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from nnfield.symbolic.conditions import identically_zero, positivity_condition, simplify_under
from nnfield.symbolic.fluctuations import QuadraticFluctuations

__all__ = ["FourierKernel", "KernelDeterminant", "fourier_kernel", "kernel_determinant", "polynomial_in_cosine"]


@dataclass(frozen=True)
class FourierKernel:
    """The Fourier kernel :math:`K(q)` of a quadratic lattice energy.

    Attributes
    ----------
    fluctuations : QuadraticFluctuations
    q : sympy.Symbol
        The wavenumber (real).
    matrix : sympy.ImmutableMatrix
        :math:`K(q)`, ``n_fields x n_fields``, written with ``cos`` and ``sin`` of multiples of q.
    """

    fluctuations: QuadraticFluctuations
    q: sp.Symbol
    matrix: sp.ImmutableMatrix

    @property
    def is_hermitian(self) -> bool:
        """Whether :math:`K(q) = K(q)^\\dagger` for every real q (checked symbolically)."""
        difference = self.matrix - self.matrix.H
        return all(identically_zero(entry) for entry in difference)

    def mode_covariance(self) -> sp.ImmutableMatrix:
        """:math:`C(q) = K(q)^{-1}`, the covariance of the modes in the ``numpy.fft`` convention.

        Entries are factored: near a critical point an expanded polynomial in the couplings
        loses digits to cancellation when it is compiled, a product of factors does not.
        """
        inverse = self.matrix.inv()
        condition = self.fluctuations.saddle.existence_condition()
        return sp.ImmutableMatrix(inverse.shape[0], inverse.shape[1],
                                  [sp.factor(simplify_under(entry, condition)) for entry in inverse])

    def minimum_conditions(self) -> tuple[sp.Basic, ...]:
        """Conditions for :math:`K(q)` to be positive definite at every q of the Brillouin zone.

        They are stated without assuming the saddle's existence condition, so that a reader sees
        where the saddle stops being a minimum.

        By Sylvester's criterion every leading principal minor :math:`D_j(q)` must be positive for all q.
        Each minor is written as a polynomial in :math:`c = \\cos q` on :math:`[-1, 1]`: of degree one it is
        positive there exactly when it is at both ends (:math:`q = 0, \\pi`); of degree two, when it is
        also positive at its vertex if the vertex lies inside. Minors of higher degree, or with odd
        :math:`\\sin q` terms, are outside this rule's domain: it refuses them rather than return
        conditions at two points only (:meth:`is_positive_definite` checks a grid of q numerically).

        Raises
        ------
        ValueError
            For a minor that is not a polynomial of degree at most two in :math:`\\cos q`.
        """
        conditions = []
        c = sp.Dummy("c", real=True)
        for size in range(1, self.matrix.shape[0] + 1):
            minor = polynomial_in_cosine(sp.expand(self.matrix[:size, :size].det()), self.q, c)
            if minor is None or minor.degree() > 2:
                raise ValueError(
                    f"the leading {size}x{size} minor of K(q) is not a polynomial of degree <= 2 in cos q, so positivity "
                    "over the whole Brillouin zone is not decided symbolically here; use "
                    "is_positive_definite(parameters) at numeric parameters")
            relations = [positivity_condition(sp.factor(minor.as_expr().subs(c, end))) for end in (1, -1)]
            if minor.degree() == 2:
                a, b, constant = minor.all_coeffs()
                vertex = -b / (2 * a)
                interior = sp.And(a > 0, vertex > -1, vertex < 1)
                relations.append(sp.Or(sp.Not(interior), sp.factor(constant - b**2 / (4 * a)) > 0))
            for relation in relations:
                if relation is not sp.true and relation not in conditions:
                    conditions.append(relation)
        return tuple(conditions)

    def is_positive_definite(self, parameters: dict, samples: int = 513) -> bool:
        """Whether :math:`K(q)` is positive definite on ``samples`` points of ``[0, pi]``.

        Examples
        --------
        >>> import sympy as sp
        >>> from nnfield.symbolic.lattice import lattice_model
        >>> from nnfield.symbolic.saddle import uniform_saddle
        >>> from nnfield.symbolic.fluctuations import quadratic_fluctuations
        >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
        >>> m, k = sp.symbols("m k", real=True)
        >>> model = lattice_model(m * x[l]**2 / 2 + k * (x[l] - x[l - 1])**2 / 2, [x], l)
        >>> kernel = fourier_kernel(quadratic_fluctuations(uniform_saddle(model)))
        >>> kernel.is_positive_definite({m: 1, k: 1}), kernel.is_positive_definite({m: -1, k: 1})
        (True, False)
        """
        import numpy as np

        function = sp.lambdify(self.q, self.matrix.subs(parameters), modules="numpy")
        for q in np.linspace(0.0, np.pi, samples):
            matrix = np.array(function(q), dtype=complex)
            if np.linalg.eigvalsh((matrix + matrix.conj().T) / 2).min() <= 0:
                return False
        return True

    def lattice_decay_lengths(self) -> tuple[sp.Expr, ...]:
        """Exact decay lengths of the lattice correlations, from the poles of :math:`K(q)^{-1}`.

        A pole at :math:`q = i\\kappa` gives correlations :math:`\\propto e^{-\\kappa|\\delta|}`. :math:`\\det K`
        is rewritten as a polynomial in :math:`c = \\cos q` (``cos(n q)`` and even powers of ``sin q`` are
        expanded, so next-nearest and longer couplings are covered); each root :math:`c > 1` gives
        :math:`\\kappa = \\operatorname{arccosh} c`.

        Raises
        ------
        ValueError
            When :math:`\\det K` has odd :math:`\\sin q` terms: its poles are not roots in :math:`\\cos q`.

        Examples
        --------
        >>> from nnfield.symbolic.saddle import uniform_saddle
        >>> from nnfield.symbolic.fluctuations import quadratic_fluctuations
        >>> chain.energy  # the harmonic chain of conftest.py (doctest namespace), with m and k
        k*(-x[l - 1] + x[l])**2/2 + m*x[l]**2/2
        >>> fourier_kernel(quadratic_fluctuations(uniform_saddle(chain))).lattice_decay_lengths()
        (1/acosh((k + m/2)/k),)
        """
        c = sp.Dummy("c", real=True)
        determinant = polynomial_in_cosine(sp.expand(self.matrix.det()), self.q, c)
        if determinant is None:
            raise ValueError("det K(q) is not a polynomial in cos q (it has odd sin q terms), so its poles are not "
                             "given by roots in cos q: exact decay lengths are not available for this kernel")
        lengths = []
        for root in sp.solve(sp.factor(determinant.as_expr()), c):
            length = 1 / sp.acosh(sp.simplify(root))
            if length not in lengths:
                lengths.append(length)
        return tuple(lengths)

    def _repr_latex_(self) -> str:
        body = sp.latex(self.matrix[0, 0] if self.matrix.shape == (1, 1) else self.matrix)
        return f"$K({sp.latex(self.q)}) = {body}$"


def polynomial_in_cosine(expression: sp.Expr, q: sp.Symbol, c: sp.Symbol) -> sp.Poly | None:
    """``expression`` (a trigonometric polynomial in q) as a polynomial in ``c = cos q``, or None if it has odd sine terms.

    ``cos(n q)`` and ``sin(n q)`` are expanded into powers of ``cos q`` and ``sin q``, and
    :math:`\\sin^2 q = 1 - c^2` is used.

    Examples
    --------
    >>> q, c = sp.Symbol("q", real=True), sp.Symbol("c")
    >>> polynomial_in_cosine(3 - 2 * sp.cos(q) + sp.cos(2 * q) + sp.sin(q)**2, q, c).as_expr()
    c**2 - 2*c + 3
    >>> polynomial_in_cosine(sp.sin(q), q, c) is None
    True
    """
    s = sp.Dummy("s")
    rewritten = sp.expand(sp.expand_trig(expression)).subs({sp.cos(q): c, sp.sin(q): s})
    rewritten = sp.expand(rewritten)
    if q in rewritten.free_symbols:
        return None
    polynomial = sp.Poly(rewritten, s)
    reduced = sum(coefficient * (1 - c**2) ** (power // 2) * (s if power % 2 else 1)
                  for (power,), coefficient in polynomial.terms())
    reduced = sp.expand(reduced)
    if reduced.has(s):
        return None
    return sp.Poly(reduced, c)


def fourier_kernel(fluctuations: QuadraticFluctuations, q: sp.Symbol | None = None) -> FourierKernel:
    """:math:`K(q) = \\sum_\\delta K_\\delta e^{-iq\\delta}`, written with cosines and sines.

    Examples
    --------
    >>> from nnfield.symbolic.saddle import uniform_saddle
    >>> from nnfield.symbolic.fluctuations import quadratic_fluctuations
    >>> chain.energy  # the harmonic chain of conftest.py (doctest namespace), with m and k
    k*(-x[l - 1] + x[l])**2/2 + m*x[l]**2/2
    >>> fourier_kernel(quadratic_fluctuations(uniform_saddle(chain))).matrix[0, 0]
    -2*k*cos(q) + 2*k + m
    """
    if q is None:
        q = sp.Symbol("q", real=True)
    size = len(fluctuations.fluctuation_fields)
    total = sp.zeros(size, size)
    for delta in sorted({abs(delta) for delta, _ in fluctuations.blocks}):
        total += _pair_of_offsets(fluctuations.block(delta), fluctuations.block(-delta), q, delta)
    entries = [sp.factor(entry) for entry in total]
    return FourierKernel(fluctuations, q, sp.ImmutableMatrix(size, size, entries))


def _pair_of_offsets(forward, backward, q, delta) -> sp.Matrix:
    r""":math:`K_\delta e^{-iq\delta} + K_{-\delta} e^{iq\delta}` entry by entry, in its shortest form.

    With :math:`s = (K_\\delta + K_{-\\delta})/2` and :math:`a = (K_\\delta - K_{-\\delta})/2` an entry is
    :math:`2s\\cos q\\delta - 2ia\\sin q\\delta`; a coupling to one side only stays one exponential.
    For ``delta = 0`` the block itself.
    """
    if delta == 0:
        return sp.Matrix(forward)
    entries = []
    for ahead, behind in zip(forward, backward):
        if behind == 0:
            entries.append(ahead * sp.exp(-sp.I * q * delta))
        elif ahead == 0:
            entries.append(behind * sp.exp(sp.I * q * delta))
        else:
            even, odd = sp.cancel((ahead + behind) / 2), sp.cancel((ahead - behind) / 2)
            entries.append(2 * even * sp.cos(q * delta) - 2 * sp.I * odd * sp.sin(q * delta))
    return sp.Matrix(forward.shape[0], forward.shape[1], entries)


@dataclass(frozen=True)
class KernelDeterminant:
    """:math:`\\det K` written in :math:`z = e^{-iq}`, and what its roots say about correlations.

    With :math:`K(z) = \\sum_\\delta K_\\delta z^\\delta`, a root :math:`z = r` is a pole of the mode
    covariance at :math:`q = i\\ln r`: lattice correlations decay as :math:`e^{-|\\ln r|\\,|\\delta|}`.
    Roots come in pairs :math:`r, 1/r` (the blocks satisfy :math:`K_{-\\delta} = K_\\delta^T`); a root
    :math:`r = 1` is a massless mode (the kernel is singular at :math:`q = 0`).

    Attributes
    ----------
    z : sympy.Symbol
    determinant : sympy.Expr
        :math:`\\det K(z)`, factored.
    decay_lengths : tuple of sympy.Expr
        :math:`1/|\\ln r|` for every root :math:`r \\neq 1` of the factors of degree at most two in z.
    massless_modes : int
        Half the multiplicity of the root :math:`z = 1`.
    """

    z: sp.Symbol
    determinant: sp.Expr
    decay_lengths: tuple[sp.Expr, ...]
    massless_modes: int


def kernel_determinant(fluctuations: QuadraticFluctuations, z: sp.Symbol | None = None) -> KernelDeterminant:
    """:math:`\\det\\sum_\\delta K_\\delta z^\\delta` and the decay lengths of its roots, for any number of fields.

    Unlike :meth:`FourierKernel.lattice_decay_lengths`, which needs :math:`\\det K(q)` as a polynomial
    in :math:`\\cos q`, this works from the blocks directly, so couplings that are not symmetric
    under :math:`\\delta\\to-\\delta` field by field (a drift) are allowed.

    Examples
    --------
    >>> import sympy as sp
    >>> from nnfield.symbolic.lattice import lattice_model
    >>> from nnfield.symbolic.saddle import uniform_saddle
    >>> from nnfield.symbolic.fluctuations import quadratic_fluctuations
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> a = sp.Symbol("a", positive=True)
    >>> model = lattice_model(x[l]**2 * (1 + a**2) / 2 - a * x[l] * x[l - 1], [x], l)
    >>> result = kernel_determinant(quadratic_fluctuations(uniform_saddle(model)))
    >>> result.determinant, result.decay_lengths, result.massless_modes
    (-(-a + z)*(a*z - 1)/z, (1/Abs(log(a)),), 0)
    """
    if z is None:
        z = sp.Symbol("z")
    size = len(fluctuations.fluctuation_fields)
    matrix = sum((block * z**delta for delta, block in fluctuations.blocks), sp.zeros(size, size))
    determinant = sp.factor(sp.cancel(matrix.det(method="berkowitz")))
    numerator = sp.numer(sp.together(determinant))
    lengths, massless = [], 0
    for factor, multiplicity in sp.factor_list(numerator, z)[1]:
        if not 1 <= sp.degree(factor, z) <= 2:
            continue
        for root in sp.solve(factor, z):
            if identically_zero(root - 1):
                massless += multiplicity
                continue
            length = sp.simplify(1 / sp.Abs(sp.log(root)))
            if length not in lengths:
                lengths.append(length)
    return KernelDeterminant(z, determinant, tuple(lengths), massless // 2)
