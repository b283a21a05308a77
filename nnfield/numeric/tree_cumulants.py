"""Numeric tree-level third and fourth cumulants of the modes and of linear statistics of a lattice field.

:func:`compile_tree_cumulants` compiles the polyspectra :math:`P_3, P_4` of a
:class:`~nnfield.symbolic.cumulants.TreeCumulants` (read through its attributes, so this module does
not import the symbolic engine) together with :math:`C(k)`. At numeric parameters it gives a
:class:`TreeCumulantPoint`, which turns them into the cumulants of real statistics of a ring of n sites:

- a linear statistic :math:`Y = \\sum_l w_l \\epsilon_l` (real weights; a window of a longer chain is
  a ring whose weights vanish outside the window, exact once the ring exceeds the window by many
  correlation lengths). With :math:`\\tilde w(k) = \\sum_l w_l e^{ikl}` on :math:`k = 2\\pi j/n`,

  .. math:: \\kappa_2 = \\frac1n\\sum_k |\\tilde w(k)|^2 C(k),\\quad
            \\kappa_3 = \\frac1{n^2}\\sum_{k_1,k_2}\\tilde w(k_1)\\tilde w(k_2)\\tilde w(-k_1-k_2) P_3(k_1,k_2),

  and :math:`\\kappa_4 = n^{-3}\\sum_{k_1,k_2,k_3}\\tilde w_1\\tilde w_2\\tilde w_3\\tilde w(-k_1-k_2-k_3)P_4`;
- the real or imaginary part of one mode :math:`\\hat\\epsilon(q)/\\sqrt n`, :math:`q = 2\\pi m/n`. Writing
  :math:`\\operatorname{Re}\\hat\\epsilon = (\\hat\\epsilon(q) + \\hat\\epsilon(-q))/2` and
  :math:`\\operatorname{Im}\\hat\\epsilon = (\\hat\\epsilon(q) - \\hat\\epsilon(-q))/2i`, its r-th cumulant is a sum
  over the :math:`2^r` sign choices :math:`s_i = \\pm1` of :math:`n P_r(s_1 q, \\dots)` on those with
  :math:`\\sum s_i m \\equiv 0 \\pmod n` (momentum conservation on the ring). For a generic q only the
  choices with as many + as - survive: the third cumulant vanishes (unless :math:`3q \\equiv 0`) and
  the excess kurtosis is :math:`\\tfrac32 P_4(q, q, -q)/(n\\,C(q)^2)`, of order :math:`1/(nN)`: a
  mode sums n weakly dependent layers, and its law approaches the Gaussian as n grows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from nnfield.numeric.compile import compile_expression

__all__ = ["StatisticShape", "TreeCumulantPoint", "TreeCumulantEvaluator", "compile_tree_cumulants"]


@dataclass(frozen=True)
class StatisticShape:
    """Variance, third and fourth cumulant of real statistics at tree level (arrays of one shape).

    Attributes
    ----------
    variance, third, fourth : numpy.ndarray
        :math:`\\kappa_2` (Gaussian order), :math:`\\kappa_3`, :math:`\\kappa_4`.
    """

    variance: np.ndarray
    third: np.ndarray
    fourth: np.ndarray

    @property
    def skewness(self) -> np.ndarray:
        """:math:`\\kappa_3/\\kappa_2^{3/2}` (zero where the variance is)."""
        return np.divide(self.third, self.variance**1.5, out=np.zeros_like(self.third), where=self.variance > 0)

    @property
    def excess_kurtosis(self) -> np.ndarray:
        """:math:`\\kappa_4/\\kappa_2^2` (zero where the variance is)."""
        return np.divide(self.fourth, self.variance**2, out=np.zeros_like(self.fourth), where=self.variance > 0)


@dataclass(frozen=True)
class TreeCumulantPoint:
    """The compiled polyspectra at numeric parameters.

    Attributes
    ----------
    values : tuple of float
        The parameters, in the evaluator's order.
    """

    values: tuple
    _covariance: object = field(repr=False, compare=False)
    _third: object = field(repr=False, compare=False)
    _fourth: object = field(repr=False, compare=False)

    def covariance(self, k) -> np.ndarray:
        """:math:`C(k)` of the field, the shape of ``k``."""
        k = np.asarray(k, dtype=float)
        return np.broadcast_to(np.asarray(self._covariance(*self.values, k), dtype=complex), k.shape).real

    def third(self, k1, k2) -> np.ndarray:
        """:math:`P_3(k_1, k_2, -k_1-k_2)`, broadcast over the arguments."""
        k1, k2 = np.broadcast_arrays(np.asarray(k1, dtype=float), np.asarray(k2, dtype=float))
        return np.broadcast_to(np.asarray(self._third(*self.values, k1, k2), dtype=complex), k1.shape)

    def fourth(self, k1, k2, k3) -> np.ndarray:
        """:math:`P_4(k_1, k_2, k_3, -k_1-k_2-k_3)`, broadcast over the arguments."""
        k1, k2, k3 = np.broadcast_arrays(*(np.asarray(k, dtype=float) for k in (k1, k2, k3)))
        return np.broadcast_to(np.asarray(self._fourth(*self.values, k1, k2, k3), dtype=complex), k1.shape)

    def linear_statistic(self, weights) -> StatisticShape:
        """Cumulants of :math:`Y = \\sum_l w_l\\epsilon_l` on a ring of ``len(weights)`` sites.

        ``weights`` has shape ``(..., n)`` (real); the cost of the fourth cumulant is :math:`n^3` a statistic.
        """
        weights = np.asarray(weights, dtype=float)
        if weights.ndim < 1 or weights.shape[-1] < 1:
            raise ValueError(f"weights must have a last axis over the n sites of the ring; got shape {weights.shape}")
        n = weights.shape[-1]
        transform = n * np.fft.ifft(weights, axis=-1)  # w~(k_j) = sum_l w_l e^{i k_j l}
        k = 2 * np.pi * np.arange(n) / n
        index = np.arange(n)
        variance = np.einsum("...j,j->...", np.abs(transform) ** 2, self.covariance(k)) / n
        pair = self.third(k[:, None], k[None, :])
        closing = transform[..., (-index[:, None] - index[None, :]) % n]
        third = np.einsum("...i,...j,...ij,ij->...", transform, transform, closing, pair) / n**2
        quartet = self.fourth(k[:, None, None], k[None, :, None], k[None, None, :])
        closing = transform[..., (-index[:, None, None] - index[None, :, None] - index[None, None, :]) % n]
        fourth = np.einsum("...i,...j,...k,...ijk,ijk->...", transform, transform, transform, closing, quartet,
                           optimize=True) / n**3
        return StatisticShape(variance.real, third.real, fourth.real)

    def ring_modes(self, mode_numbers, n: int, *, part: str = "real") -> StatisticShape:
        """Cumulants of the real (or imaginary) part of :math:`\\hat\\epsilon(2\\pi m/n)/\\sqrt n` on a ring of n sites.

        Examples
        --------
        For a generic mode the skewness vanishes and the excess kurtosis is :math:`\\tfrac32 P_4(q,q,-q)/(nC^2)`
        (see the module docstring); the doctest of :func:`compile_tree_cumulants` evaluates one.
        """
        if part not in ("real", "imaginary"):
            raise ValueError(f"part must be 'real' or 'imaginary'; got {part!r}")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer number of sites; got {n!r}")
        numbers = np.atleast_1d(np.asarray(mode_numbers))
        if not np.issubdtype(numbers.dtype, np.integer):
            raise TypeError(f"mode_numbers must be integers m of q = 2 pi m/n; got {mode_numbers!r}")
        cumulants = []
        for order, polyspectrum in ((2, lambda k: self.covariance(k[0])), (3, lambda k: self.third(k[0], k[1])),
                                    (4, lambda k: self.fourth(k[0], k[1], k[2]))):
            total = np.zeros(numbers.shape, dtype=complex)
            for signs in itertools.product((1, -1), repeat=order):
                conserved = (sum(signs) * numbers) % n == 0
                weight = np.prod(signs) / (2j) ** order if part == "imaginary" else 1 / 2**order
                momenta = [2 * np.pi * s * numbers / n for s in signs]
                total += np.where(conserved, weight * n * polyspectrum(momenta), 0)
            cumulants.append(total.real / n ** (order / 2))
        return StatisticShape(*cumulants)


@dataclass(frozen=True)
class TreeCumulantEvaluator:
    """Compiled polyspectra; call with numbers in the order of ``arguments`` for a :class:`TreeCumulantPoint`.

    Attributes
    ----------
    arguments : tuple of sympy.Symbol
    """

    arguments: tuple
    _parts: tuple = field(repr=False, compare=False)

    def __call__(self, *values) -> TreeCumulantPoint:
        if len(values) != len(self.arguments):
            names = ", ".join(str(a) for a in self.arguments)
            raise TypeError(f"expected {len(self.arguments)} values ({names}); got {len(values)}")
        return TreeCumulantPoint(tuple(float(v) for v in values), *self._parts)


def compile_tree_cumulants(tree, arguments) -> TreeCumulantEvaluator:
    """Compile the polyspectra of a :class:`~nnfield.symbolic.cumulants.TreeCumulants` in ``arguments``.

    Examples
    --------
    Independent sites with :math:`E = N(x^2/2 + a x^3/3)`: :math:`P_3 = -2a/N^2`, :math:`P_4 = 12a^2/N^3`. One
    site alone (n = 1) has skewness :math:`-2a/\\sqrt N` and excess kurtosis :math:`12a^2/N`; the real part of
    a generic mode of n sites weighs them by :math:`\\cos(ql)`, :math:`\\sum_l\\cos^4 = 3n/8` against
    :math:`(\\sum_l\\cos^2)^2 = n^2/4`: excess kurtosis :math:`\\tfrac32\\cdot 12a^2/(nN)`.

    >>> import sympy as sp
    >>> from nnfield.symbolic import interaction_vertices, lattice_model, saddle_at
    >>> from nnfield.symbolic.cumulants import tree_cumulants
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> N, a = sp.symbols("N a", positive=True)
    >>> model = lattice_model(N * (x[l]**2 / 2 + a * x[l]**3 / 3), [x], l)
    >>> tree = tree_cumulants(interaction_vertices(model, saddle_at(model, [0]), N))
    >>> point = compile_tree_cumulants(tree, (N, a))(100, 0.5)
    >>> one = point.linear_statistic([1.0])
    >>> round(float(one.skewness), 12), round(float(one.excess_kurtosis), 12)
    (-0.1, 0.03)
    >>> modes = point.ring_modes([1, 2], 10)
    >>> modes.skewness.round(12).tolist(), modes.excess_kurtosis.round(12).tolist()
    ([0.0, 0.0], [0.0045, 0.0045])
    """
    arguments = tuple(arguments)
    k1, k2, k3 = tree.momenta
    covariance = tree.vertices.kernel.mode_covariance()[tree.field, tree.field]
    return TreeCumulantEvaluator(arguments, (
        compile_expression(covariance.subs(tree.vertices.kernel.q, k1), arguments + (k1,)),
        compile_expression(sp.sympify(tree.third), arguments + (k1, k2)),
        compile_expression(sp.sympify(tree.fourth), arguments + (k1, k2, k3)),
    ))
