"""The path expansion of a product of matrices with diagonal gates, and sign reflections.

For matrices :math:`W_1, \\dots, W_L` (:math:`W_l` of shape :math:`(n_l, n_{l-1})`, the convention of
:mod:`nnfield.symbolic.networks`) and gate vectors :math:`h_l`, the transfer matrix of a bias-free gated
network is

.. math:: M = W_L\\,\\mathrm{dg}(h_{L-1})\\,W_{L-1} \\cdots \\mathrm{dg}(h_1)\\,W_1,
          \\qquad M_{i_L i_0} = \\sum_{i_1,\\dots,i_{L-1}} W^L_{i_L i_{L-1}} \\prod_{l=1}^{L-1} h^l_{i_l} W^l_{i_l i_{l-1}},

a sum over the paths :math:`(i_0, \\dots, i_L)` of the product of the weights and gates met on the way.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

__all__ = ["PathExpansion", "gated_transfer", "path_expansion", "reflection_residual"]


def _checked(weights, gates):
    weights = tuple(sp.ImmutableMatrix(w) for w in weights)
    if not weights:
        raise ValueError("at least one weight matrix is needed (depth >= 1)")
    for layer, (first, second) in enumerate(zip(weights, weights[1:]), 1):
        if first.shape[0] != second.shape[1]:
            raise ValueError(f"W_{layer} has shape {first.shape} and W_{layer + 1} shape {second.shape}; the rows of "
                             "one (n_l) must match the columns of the next")
    gates = tuple(sp.ImmutableMatrix(g) for g in gates)
    if len(gates) not in (len(weights) - 1, len(weights)):
        raise ValueError(f"give one gate vector per hidden layer ({len(weights) - 1}), or one more for gated outputs; "
                         f"got {len(gates)}")
    for layer, (w, g) in enumerate(zip(weights, gates), 1):
        if len(g) != w.shape[0]:
            raise ValueError(f"gate vector h_{layer} must have {w.shape[0]} entries (the rows of W_{layer}); "
                             f"got {len(g)}")
    return weights, gates


def gated_transfer(weights, gates) -> sp.ImmutableMatrix:
    """:math:`W_L \\cdots \\mathrm{dg}(h_1)\\,W_1` (times :math:`\\mathrm{dg}(h_L)` on the left if ``L`` gate vectors
    are given), shape :math:`(n_L, n_0)`.

    Examples
    --------
    >>> import sympy as sp
    >>> gated_transfer([sp.Matrix([[2], [3]]), sp.Matrix([[5, 7]])], [[1, 0]])
    Matrix([[10]])
    """
    weights, gates = _checked(weights, gates)
    product = weights[0]
    for layer, w in enumerate(weights[1:], 1):
        product = w * sp.diag(*gates[layer - 1]) * product
    if len(gates) == len(weights):
        product = sp.diag(*gates[-1]) * product
    return sp.ImmutableMatrix(product)


@dataclass(frozen=True)
class PathExpansion:
    """The paths through a gated product and the circuit (product along the path) of each.

    Attributes
    ----------
    paths : tuple of tuple of int
        :math:`(i_0, \\dots, i_L)`, zero-based, in lexicographic order.
    circuits : tuple of sympy.Expr
        :math:`\\prod_l W^l_{i_l i_{l-1}} h^l_{i_l}` along each path (gates of the hidden layers, and of
        the outputs when given).
    shape : tuple of int
        ``(n_L, n_0)``, the shape of the transfer matrix.
    """

    paths: tuple[tuple[int, ...], ...]
    circuits: tuple[sp.Expr, ...]
    shape: tuple[int, int]

    def transfer(self) -> sp.ImmutableMatrix:
        """The matrix assembled from the circuits, :math:`M_{i_L i_0} = \\sum` over paths from ``i_0`` to ``i_L``."""
        matrix = sp.zeros(*self.shape)
        for path, circuit in zip(self.paths, self.circuits):
            matrix[path[-1], path[0]] += circuit
        return sp.ImmutableMatrix(matrix)


def path_expansion(weights, gates) -> PathExpansion:
    """Expand a gated product over its paths.

    Examples
    --------
    >>> import sympy as sp
    >>> a, b, c, d, h1, h2 = sp.symbols("a b c d h1 h2")
    >>> expansion = path_expansion([sp.Matrix([[a], [b]]), sp.Matrix([[c, d]])], [[h1, h2]])
    >>> expansion.paths, expansion.circuits
    (((0, 0, 0), (0, 1, 0)), (a*c*h1, b*d*h2))
    """
    weights, gates = _checked(weights, gates)
    widths = [weights[0].shape[1]] + [w.shape[0] for w in weights]
    paths, circuits = [], []
    for path in itertools.product(*(range(n) for n in widths)):
        circuit = sp.Integer(1)
        for layer, w in enumerate(weights, 1):
            circuit *= w[path[layer], path[layer - 1]]
            if layer <= len(gates):
                circuit *= gates[layer - 1][path[layer]]
        paths.append(path)
        circuits.append(circuit)
    return PathExpansion(tuple(paths), tuple(circuits), (widths[-1], widths[0]))


def reflection_residual(expression, symbols) -> sp.Expr:
    """:math:`f(-s) + f(s)`, expanded: zero when ``expression`` is odd under the sign flip of ``symbols``.

    A residual that does not expand to zero can still vanish, e.g. :math:`\\tanh(-z)/(-z) - \\tanh(z)/z`
    with :math:`z` a sum; :func:`sympy.cancel` (one fraction) decides such cases.

    If the flip :math:`s \\to -s` leaves the joint law of all variables unchanged (e.g. ``symbols``
    have a sign-symmetric law independent of the rest), an odd ``expression`` has a law symmetric
    about zero: :math:`f \\overset{d}{=} -f`.

    Examples
    --------
    >>> import sympy as sp
    >>> w, v = sp.symbols("w v", real=True)
    >>> reflection_residual(w * sp.Heaviside(v), [w]), reflection_residual(w * sp.Heaviside(w), [w])
    (0, -w*Heaviside(-w) + w*Heaviside(w))
    """
    expression = sp.sympify(expression)
    flipped = expression.xreplace({s: -s for s in symbols})
    return sp.expand(flipped + expression)
