"""Tree-level connected three- and four-point functions of the Fourier modes of a lattice model.

With the energy of :mod:`nnfield.symbolic.loops` written in the modes :math:`\\hat\\epsilon_a(k)`
(``numpy.fft`` convention on a ring of L sites), the Gaussian part is
:math:`\\frac1{2L}\\sum_k \\hat\\epsilon(-k)^T K(k) \\hat\\epsilon(k)`, so
:math:`\\langle\\hat\\epsilon_a(k)\\hat\\epsilon_b(-k)\\rangle = L\\,C_{ab}(k)`, :math:`C = K^{-1}`, and the
interactions are :math:`\\frac{1}{3!\\,L^2}\\sum_{k_1+k_2+k_3=0} W_{abc}(k_1,k_2,k_3)\\hat\\epsilon_a\\hat\\epsilon_b
\\hat\\epsilon_c` and :math:`\\frac{1}{4!\\,L^3}\\sum W_{abcd}\\hat\\epsilon^4`, with the Fourier vertices
:math:`W` of :meth:`~nnfield.symbolic.loops.InteractionVertices.fourier_vertex` (momenta conserved
modulo :math:`2\\pi`). At tree level (first order in each vertex, second order in the cubic one for
the four-point function) the connected functions of one field f are
:math:`\\kappa(\\hat\\epsilon_f(k_1), \\dots, \\hat\\epsilon_f(k_n)) = L\\,P_n(k_1,\\dots,k_n)` on
:math:`\\sum k_i \\equiv 0` and zero otherwise, with the polyspectra

.. math:: P_3 = -\\sum_{abc} C_{fa}(k_1) C_{fb}(k_2) C_{fc}(k_3)\\, W_{abc}(-k_1,-k_2,-k_3),

.. math:: P_4 = \\prod_i C_{fa_i}(k_i)\\Big[-W_{a_1a_2a_3a_4}(-k_1,\\dots,-k_4)
          + \\sum_{(ij)(kl)} W_{a_ia_jb}(-k_i,-k_j,k_i+k_j)\\,C_{bc}(k_i+k_j)\\,W_{a_ka_lc}(-k_k,-k_l,k_k+k_l)\\Big],

summed over the fields and over the three channels :math:`(12)(34), (13)(24), (14)(23)`. In fields of
unit size the cubic vertex carries :math:`N^{p_3}` and the quartic :math:`N^{p_4}` (their powers in
:class:`~nnfield.symbolic.loops.Coefficient`), so the standardized third cumulant carries
:math:`N^{p_3}` and the fourth :math:`N^{\\max(p_4, 2p_3)}`: :math:`N^{-1/2}` and :math:`N^{-1}` in a
controlled expansion, the leading departures from the Gaussian law.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

__all__ = ["TreeCumulants", "tree_cumulants"]

#: The three ways to pair four legs into two cubic vertices joined by one propagator.
CHANNELS = (((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2)))


@dataclass(frozen=True)
class TreeCumulants:
    """The tree-level polyspectra of one field's modes (see the module docstring).

    Attributes
    ----------
    vertices : InteractionVertices
        The expansion they are built from.
    field : int
        The index f of the field whose modes they describe.
    momenta : tuple of sympy.Symbol
        :math:`k_1, k_2, k_3`; the last momentum of each function is minus the sum of the others.
    third : sympy.Expr
        :math:`P_3(k_1, k_2, -k_1-k_2)`: :math:`\\kappa_3` of the modes is L times it.
    fourth : sympy.Expr
        :math:`P_4(k_1, k_2, k_3, -k_1-k_2-k_3)`: the contact term and the three exchange channels.
    third_power, fourth_power : sympy.Rational or None
        The power of N of the standardized third and fourth cumulants (``None`` without a vertex of
        that order): the largest cubic power, and the larger of the largest quartic power and twice it.
    """

    vertices: object
    field: int
    momenta: tuple[sp.Symbol, ...]
    third: sp.Expr
    fourth: sp.Expr
    third_power: sp.Rational | None
    fourth_power: sp.Rational | None

    def _repr_latex_(self) -> str:
        k1, k2, k3 = (sp.latex(k) for k in self.momenta)
        return (r"$\begin{aligned}P_3(" + f"{k1}, {k2}" + r") &= " + sp.latex(self.third) + r"\\"
                + r"P_4(" + f"{k1}, {k2}, {k3}" + r") &= " + sp.latex(self.fourth) + r"\end{aligned}$")


def tree_cumulants(vertices, *, field: int = 0) -> TreeCumulants:
    """The tree-level connected three- and four-point functions of the modes of field ``field``.

    Parameters
    ----------
    vertices : InteractionVertices
        From :func:`~nnfield.symbolic.loops.interaction_vertices`.
    field : int
        Which field's modes (an index into the model's fields).

    Returns
    -------
    TreeCumulants

    Raises
    ------
    TypeError
        If ``field`` is not an integer.
    ValueError
        If ``field`` is not the index of a field of the model.

    Examples
    --------
    Independent sites with :math:`E = N(x^2/2 + a x^3/3 + b x^4/4)`: :math:`C = 1/N`, the vertices are
    :math:`2Na` and :math:`6Nb`, so :math:`P_3 = -2a/N^2` and :math:`P_4 = (3(2a)^2 - 6b)/N^3`.

    >>> import sympy as sp
    >>> from nnfield.symbolic import interaction_vertices, lattice_model, saddle_at
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> N, a, b = sp.symbols("N a b", positive=True)
    >>> model = lattice_model(N * (x[l]**2 / 2 + a * x[l]**3 / 3 + b * x[l]**4 / 4), [x], l)
    >>> tree = tree_cumulants(interaction_vertices(model, saddle_at(model, [0]), N))
    >>> sp.simplify(tree.third), sp.factor(tree.fourth), tree.third_power, tree.fourth_power
    (-2*a/N**2, 6*(2*a**2 - b)/N**3, -1/2, -1)
    """
    size = vertices.kernel.matrix.shape[0]
    if isinstance(field, bool) or not isinstance(field, int):
        raise TypeError(f"field must be the integer index of a field; got {field!r}")
    if not 0 <= field < size:
        raise ValueError(f"field must be one of 0..{size - 1} (the model's fields); got {field}")
    kernel = vertices.kernel
    k1, k2, k3 = sp.symbols("k_1 k_2 k_3", real=True)
    covariance = kernel.mode_covariance()

    def c(a, b, k):
        return covariance[a, b].subs(kernel.q, k)

    fields = range(size)
    momenta3 = (k1, k2, -k1 - k2)
    third = sp.Integer(0)
    for legs in itertools.product(fields, repeat=3):
        vertex = vertices.fourier_vertex(3, legs, [-k for k in momenta3])
        if vertex != 0:
            third -= sp.Mul(*[c(field, a, k) for a, k in zip(legs, momenta3)]) * vertex
    momenta4 = (k1, k2, k3, -k1 - k2 - k3)
    fourth = sp.Integer(0)
    for legs in itertools.product(fields, repeat=4):
        bracket = -vertices.fourier_vertex(4, legs, [-k for k in momenta4])
        for (i, j), (m, n) in CHANNELS:
            inner = momenta4[i] + momenta4[j]
            for b, d in itertools.product(fields, repeat=2):
                left = vertices.fourier_vertex(3, (legs[i], legs[j], b), (-momenta4[i], -momenta4[j], inner))
                right = vertices.fourier_vertex(3, (legs[m], legs[n], d), (-momenta4[m], -momenta4[n], -inner))
                if left != 0 and right != 0:
                    bracket += left * c(b, d, inner) * right
        if bracket != 0:
            fourth += sp.Mul(*[c(field, a, k) for a, k in zip(legs, momenta4)]) * bracket
    cubic = [coefficient.power for coefficient in vertices.cubic]
    quartic = [coefficient.power for coefficient in vertices.quartic]
    third_power = max(cubic) if cubic else None
    fourth_candidates = ([max(quartic)] if quartic else []) + ([2 * third_power] if cubic else [])
    fourth_power = max(fourth_candidates) if fourth_candidates else None
    return TreeCumulants(vertices, field, (k1, k2, k3), third, fourth, third_power, fourth_power)
