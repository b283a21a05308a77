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

from nnfield.symbolic.conditions import positivity_condition, simplify_under
from nnfield.symbolic.fluctuations import QuadraticFluctuations

__all__ = ["FourierKernel", "fourier_kernel"]


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
        return all(sp.simplify(entry) == 0 for entry in difference)

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
        """Conditions for :math:`K(q)` to be positive definite at :math:`q = 0` and :math:`q = \\pi`.

        They are stated without assuming the saddle's existence condition, so that a reader sees
        where the saddle stops being a minimum.

        By Sylvester's criterion every leading principal minor must be positive. For one field
        with nearest-neighbour coupling, :math:`K(q)` is linear in :math:`\\cos q` and these two
        points decide positivity at every q; otherwise they are necessary conditions, and
        :meth:`is_positive_definite` checks a grid of q numerically.
        """
        conditions = []
        for point in (sp.Integer(0), sp.pi):
            matrix = self.matrix.subs(self.q, point)
            for size in range(1, matrix.shape[0] + 1):
                relation = positivity_condition(sp.factor(matrix[:size, :size].det()))
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

        A pole at :math:`q = i\\kappa` gives correlations :math:`\\propto e^{-\\kappa|\\delta|}`. When
        :math:`\\det K` is a polynomial in :math:`c = \\cos q` alone, each root :math:`c > 1` gives
        :math:`\\kappa = \\operatorname{arccosh} c`; otherwise nothing is returned.

        Examples
        --------
        >>> import sympy as sp
        >>> from nnfield.symbolic.lattice import lattice_model
        >>> from nnfield.symbolic.saddle import uniform_saddle
        >>> from nnfield.symbolic.fluctuations import quadratic_fluctuations
        >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
        >>> a = sp.Symbol("a", positive=True)
        >>> model = lattice_model(x[l]**2 * (1 + a**2) / 2 - a * x[l] * x[l - 1], [x], l)
        >>> fourier_kernel(quadratic_fluctuations(uniform_saddle(model))).lattice_decay_lengths()
        (1/acosh((a**2 + 1)/(2*a)),)
        """
        c = sp.Dummy("c", real=True)
        determinant = sp.factor(self.matrix.det()).subs(sp.cos(self.q), c)
        if self.q in determinant.free_symbols:
            return ()
        lengths = []
        for root in sp.solve(determinant, c):
            length = 1 / sp.acosh(sp.simplify(root))
            if length not in lengths:
                lengths.append(length)
        return tuple(lengths)

    def _repr_latex_(self) -> str:
        body = sp.latex(self.matrix[0, 0] if self.matrix.shape == (1, 1) else self.matrix)
        return f"$K({sp.latex(self.q)}) = {body}$"


def fourier_kernel(fluctuations: QuadraticFluctuations, q: sp.Symbol | None = None) -> FourierKernel:
    """:math:`K(q) = \\sum_\\delta K_\\delta e^{-iq\\delta}`, written with cosines and sines.

    Examples
    --------
    >>> import sympy as sp
    >>> from nnfield.symbolic.lattice import lattice_model
    >>> from nnfield.symbolic.saddle import uniform_saddle
    >>> from nnfield.symbolic.fluctuations import quadratic_fluctuations
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> m, k = sp.symbols("m k", positive=True)
    >>> model = lattice_model(m * x[l]**2 / 2 + k * (x[l] - x[l - 1])**2 / 2, [x], l)
    >>> fourier_kernel(quadratic_fluctuations(uniform_saddle(model))).matrix[0, 0]
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
    """:math:`K_\\delta e^{-iq\\delta} + K_{-\\delta} e^{iq\\delta}` entry by entry, in its shortest form.

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
