"""Hyperspherical reduction of an isotropic energy to the norms of its vector fields.

When the energy of a vector field :math:`z[l] \\in \\mathbb{R}^N` depends on it only through the
squared norm :math:`s[l] = z[l]\\cdot z[l]`, the change of variables
:math:`d^N z = r^{N-1} dr\\, d\\Omega_N` with :math:`r = |z|` gives

.. math:: \\int d^N z[l]\\, e^{-E} = \\Omega_N \\int dr[l]\\, e^{-(E|_{s = r^2} - (N-1)\\log r[l])},
          \\qquad \\Omega_N = \\frac{2\\pi^{N/2}}{\\Gamma(N/2)},

so the radial energy of a site gains the Jacobian term :math:`-(N-1)\\log r[l]` and the angular
integral contributes the constant factor :math:`\\Omega_N` per site.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from nnfield.symbolic.lattice import LatticeModel, lattice_model

__all__ = ["RadialReduction", "hyperspherical_reduction"]


@dataclass(frozen=True)
class RadialReduction:
    """The result of :func:`hyperspherical_reduction`.

    Attributes
    ----------
    model : LatticeModel
        The lattice model of the norms, with the Jacobian term included.
    jacobian : sympy.Expr
        The term :math:`-(N-1)\\log r[l]` added to the site energy.
    angular_factor : sympy.Expr
        :math:`\\Omega_N`, the area of the unit sphere in N dimensions, per site.
    """

    model: LatticeModel
    jacobian: sp.Expr
    angular_factor: sp.Expr


def hyperspherical_reduction(energy, squared_norm, norm, site, dimension) -> RadialReduction:
    """Rewrite a site energy in the squared norms ``squared_norm[l]`` as a model of the norms.

    Parameters
    ----------
    energy : sympy.Expr
        The site energy, written with ``squared_norm[site + delta]``.
    squared_norm, norm : sympy.IndexedBase
        :math:`s = |z|^2` as used in ``energy``, and the norm :math:`r` (give it ``positive=True``).
    site : sympy.Symbol
    dimension : sympy.Expr
        N, the dimension of each vector.

    Examples
    --------
    Independent Gaussian vectors, :math:`E = s/2`: the norm has the chi density.

    >>> import sympy as sp
    >>> s, r = sp.IndexedBase("s"), sp.IndexedBase("r", positive=True)
    >>> l, N = sp.Symbol("l", integer=True), sp.Symbol("N", positive=True, integer=True)
    >>> reduction = hyperspherical_reduction(s[l] / 2, s, r, l, N)
    >>> reduction.model.energy
    (1 - N)*log(r[l]) + r[l]**2/2
    >>> reduction.angular_factor
    2*pi**(N/2)/gamma(N/2)
    """
    dimension = sp.sympify(dimension)  # a Python int would make N/2 a float
    replaced = energy.replace(
        lambda e: isinstance(e, sp.Indexed) and e.base == squared_norm,
        lambda e: norm[e.indices[0]] ** 2,
    )
    jacobian = -(dimension - 1) * sp.log(norm[site])
    model = lattice_model(replaced + jacobian, [norm], site)
    angular = 2 * sp.pi ** (dimension / 2) / sp.gamma(dimension / 2)
    return RadialReduction(model, jacobian, angular)
