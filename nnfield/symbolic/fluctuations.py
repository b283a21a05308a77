"""Quadratic fluctuations about a uniform saddle: the Hessian blocks ``K_delta``.

With :math:`\\phi_a[l] = \\phi_a^* + \\epsilon_a[l]`, the energy to second order is

.. math:: H = H^* + \\sum_{l} \\sum_a g_a\\, \\epsilon_a[l]
          + \\frac{1}{2} \\sum_{l} \\sum_{\\delta} \\epsilon[l+\\delta]^T K_\\delta\\, \\epsilon[l],

.. math:: (K_\\delta)_{ab} = \\frac{\\partial^2 H}{\\partial\\phi_a[\\delta]\\,\\partial\\phi_b[0]}
          = \\sum_{m} \\frac{\\partial^2 E_l}{\\partial\\phi_a[l+m+\\delta]\\,
            \\partial\\phi_b[l+m]}\\Big|_{*},

the sum running over the offsets ``m`` with ``m`` and ``m + delta`` both in the model.
``K_delta`` is the block of the neighbour at offset ``delta`` against the site, and
``K_{-delta} = K_delta^T``. The linear coefficients ``g_a`` vanish at a saddle.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from nnfield.symbolic.conditions import simplify_under
from nnfield.symbolic.differentiation import derivative
from nnfield.symbolic.lattice import LatticeModel
from nnfield.symbolic.quadratic import collect_products
from nnfield.symbolic.saddle import UniformSaddle

__all__ = ["QuadraticFluctuations", "change_of_variables", "quadratic_fluctuations"]


@dataclass(frozen=True)
class QuadraticFluctuations:
    """The quadratic energy of fluctuations about a uniform saddle.

    Attributes
    ----------
    saddle : UniformSaddle
    fluctuation_fields : tuple of sympy.IndexedBase
        :math:`\\epsilon_a`, one per field of the model, in the same order.
    blocks : tuple of (int, sympy.ImmutableMatrix)
        ``(delta, K_delta)`` for every offset difference, sorted by ``delta``; each matrix is
        ``n_fields x n_fields``.
    linear_coefficients : tuple of sympy.Expr
        :math:`g_a`, simplified at the saddle; all zero at a saddle.
    """

    saddle: UniformSaddle
    fluctuation_fields: tuple[sp.IndexedBase, ...]
    blocks: tuple[tuple[int, sp.ImmutableMatrix], ...]
    linear_coefficients: tuple[sp.Expr, ...]

    @property
    def model(self) -> LatticeModel:
        return self.saddle.model

    @property
    def linear_terms_vanish(self) -> bool:
        """Whether every linear coefficient simplifies to zero (it must, at a saddle)."""
        return all(coefficient == 0 for coefficient in self.linear_coefficients)

    def block(self, delta: int) -> sp.ImmutableMatrix:
        """``K_delta`` (the zero matrix for an offset with no coupling)."""
        for offset, matrix in self.blocks:
            if offset == delta:
                return matrix
        size = len(self.fluctuation_fields)
        return sp.ImmutableMatrix.zeros(size, size)

    def site_energy(self) -> sp.Expr:
        """The quadratic energy of one site, coupling it to its backward neighbours.

        .. math:: U_l = \\tfrac12\\, \\epsilon[l]^T K_0\\, \\epsilon[l]
                  + \\sum_{\\delta<0} \\epsilon[l+\\delta]^T K_\\delta\\, \\epsilon[l],

        so that :math:`U = \\sum_l U_l` (each pair ``delta, -delta`` counted once).
        """
        site = self.model.site
        here = sp.Matrix([eps[site] for eps in self.fluctuation_fields])
        energy = (here.T * self.block(0) * here)[0, 0] / 2
        for delta, matrix in self.blocks:
            if delta < 0:
                there = sp.Matrix([eps[site + delta] for eps in self.fluctuation_fields])
                energy += (there.T * matrix * here)[0, 0]
        expanded = sp.expand(energy)
        products = {sp.Mul(*[f for f in term.as_ordered_factors() if isinstance(f.as_base_exp()[0], sp.Indexed)])
                    for term in sp.Add.make_args(expanded)}
        return collect_products(expanded, sorted(products, key=str))

    def _repr_latex_(self) -> str:
        return f"$U_{{{sp.latex(self.model.site)}}} = {sp.latex(self.site_energy())}$"


def quadratic_fluctuations(
    saddle: UniformSaddle,
    *,
    names: tuple[str, ...] | None = None,
) -> QuadraticFluctuations:
    """Expand the energy to second order about ``saddle``.

    Parameters
    ----------
    saddle : UniformSaddle
    names : tuple of str, optional
        Names of the fluctuation fields (default ``epsilon`` for one field, ``epsilon_<field>``
        for several).

    Returns
    -------
    QuadraticFluctuations

    Examples
    --------
    A harmonic chain :math:`E_l = \\tfrac{m}{2} x_l^2 + \\tfrac{k}{2}(x_l - x_{l-1})^2`:

    >>> from nnfield.symbolic.saddle import uniform_saddle
    >>> chain.energy  # the harmonic chain of conftest.py (doctest namespace), with m and k
    k*(-x[l - 1] + x[l])**2/2 + m*x[l]**2/2
    >>> fluctuations = quadratic_fluctuations(uniform_saddle(chain))
    >>> [(delta, matrix[0, 0]) for delta, matrix in fluctuations.blocks]
    [(-1, -k), (0, 2*k + m), (1, -k)]
    """
    model = saddle.model
    fields = model.fields
    if names is None:
        names = ("epsilon",) if len(fields) == 1 else tuple(f"epsilon_{f.label}" for f in fields)
    if len(names) != len(fields):
        raise ValueError(f"names has {len(names)} entries; the model has {len(fields)} fields")
    at_saddle = model.uniform_substitution()
    values = saddle.substitution()
    condition = saddle.existence_condition()

    def evaluate(expression: sp.Expr) -> sp.Expr:
        return simplify_under(expression.xreplace(at_saddle).xreplace(values), condition)  # fields, then symbols

    linear = tuple(
        evaluate(sum(derivative(model.energy, model.field_at(a, m)) for m in model.offsets))
        for a in range(len(fields))
    )
    differences = sorted({m2 - m1 for m1 in model.offsets for m2 in model.offsets})
    blocks = []
    for delta in differences:
        entries = [
            [
                evaluate(
                    sum(
                        derivative(model.energy, model.field_at(a, m + delta), model.field_at(b, m))
                        for m in model.offsets
                        if m + delta in model.offsets
                    )
                )
                for b in range(len(fields))
            ]
            for a in range(len(fields))
        ]
        matrix = sp.ImmutableMatrix(entries)
        if not matrix.is_zero_matrix:
            blocks.append((delta, matrix))
    return QuadraticFluctuations(
        saddle=saddle,
        fluctuation_fields=tuple(sp.IndexedBase(name, real=True) for name in names),
        blocks=tuple(blocks),
        linear_coefficients=linear,
    )


def change_of_variables(fluctuations: QuadraticFluctuations, matrix, names: tuple[str, ...]) -> QuadraticFluctuations:
    """Express the quadratic energy in new fields :math:`\\tilde\\epsilon` with :math:`\\epsilon = T\\tilde\\epsilon`.

    Each block becomes :math:`T^T K_\\delta T` (``T`` the same at every site), so rescalings and sign
    conventions of a paper can be applied before comparing with its printed forms. Each entry is simplified
    where the saddle exists (:func:`~nnfield.symbolic.conditions.simplify_under` its existence condition), as
    the blocks themselves are: a scale such as :math:`\\sqrt{\\sigma_b^2/(2-\\sigma_w^2)}` times a block entry
    :math:`\\sqrt{2-\\sigma_w^2}/\\sigma_b` gives 1, not a product of roots.

    Examples
    --------
    >>> import sympy as sp
    >>> from nnfield.symbolic.lattice import lattice_model
    >>> from nnfield.symbolic.saddle import uniform_saddle
    >>> x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    >>> model = lattice_model(4 * x[l]**2 + (x[l] - x[l - 1])**2, [x], l)
    >>> scaled = change_of_variables(quadratic_fluctuations(uniform_saddle(model)), sp.Matrix([[sp.Rational(1, 2)]]), ("y",))
    >>> scaled.site_energy()
    -y[l - 1]*y[l]/2 + 3*y[l]**2/2
    """
    matrix = sp.ImmutableMatrix(matrix)
    size = len(fluctuations.fluctuation_fields)
    if matrix.shape != (size, size) or len(names) != size:
        raise ValueError(f"the change of variables needs a {size}x{size} matrix and {size} names; "
                         f"got a {matrix.shape[0]}x{matrix.shape[1]} matrix and {len(names)} names")
    condition = fluctuations.saddle.existence_condition()

    def simplified(entry):
        return simplify_under(entry, condition)

    blocks = tuple((delta, sp.ImmutableMatrix((matrix.T * block * matrix).applyfunc(simplified)))
                   for delta, block in fluctuations.blocks)
    linear = tuple(simplified(g) for g in matrix.T * sp.Matrix(fluctuations.linear_coefficients))
    fields = tuple(sp.IndexedBase(name, real=True) for name in names)
    return QuadraticFluctuations(fluctuations.saddle, fields, blocks, linear)
