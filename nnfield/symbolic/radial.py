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

__all__ = ["RadialReduction", "hyperspherical_reduction", "orthant_reduction"]


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


def orthant_reduction(energy, parts, site, multiplicity, fields) -> RadialReduction:
    """Reduce an energy of sign-split vectors to the norms of their parts, orthant by orthant.

    When the energy depends on a vector only through the squared norms of groups of its
    components (e.g. the positive and the negative ones), the integral splits into orthants. In
    an orthant where group ``i`` has :math:`d_i` components, each group is integrated in its own
    hyperspherical coordinates over one orthant of its sphere, of area :math:`\\Omega_{d_i}/2^{d_i}`,
    and ``multiplicity`` orthants share the same dimensions. The site energy becomes

    .. math:: E|_{s_i = r_i^2} - \\sum_i (d_i - 1)\\log r_i - \\sum_i \\log\\frac{\\Omega_{d_i}}{2^{d_i}}
              - \\log(\\text{multiplicity}).

    Parameters
    ----------
    energy : sympy.Expr
        The site energy in the squared norms.
    parts : sequence of (IndexedBase, IndexedBase, sympy.Expr)
        ``(squared_norm, norm, dimension)`` per group; a dimension may depend on a field (e.g. k[l]).
    site : sympy.Symbol
    multiplicity : sympy.Expr
        The number of orthants with these dimensions, e.g. ``binomial(N, k[l])``.
    fields : sequence of IndexedBase
        The fields of the resulting model (the norms and any counting field).

    Examples
    --------
    A vector of N standard Gaussians split into its k positive and N - k negative components:

    >>> import sympy as sp
    >>> l = sp.Symbol("l", integer=True)
    >>> N = sp.Symbol("N", positive=True, integer=True)
    >>> sp_, sm, rp, rm = (sp.IndexedBase(n, positive=True) for n in ("s_p", "s_m", "r_p", "r_m"))
    >>> k = sp.IndexedBase("k", positive=True)
    >>> reduction = orthant_reduction((sp_[l] + sm[l]) / 2, [(sp_, rp, k[l]), (sm, rm, N - k[l])], l,
    ...                               sp.binomial(N, k[l]), [rp, rm, k])
    >>> reduction.model.offsets, [str(f) for f in reduction.model.fields]
    ((0,), ['r_p', 'r_m', 'k'])
    """
    replaced, jacobian, angular = energy, sp.Integer(0), sp.Integer(1)
    for squared_norm, norm, dimension in parts:
        dimension = sp.sympify(dimension)
        replaced = replaced.replace(
            lambda e, base=squared_norm: isinstance(e, sp.Indexed) and e.base == base,
            lambda e, radius=norm: radius[e.indices[0]] ** 2,
        )
        jacobian += -(dimension - 1) * sp.log(norm[site])
        angular *= 2 * sp.pi ** (dimension / 2) / sp.gamma(dimension / 2) / 2**dimension
    total = replaced + jacobian - sp.log(angular) - sp.log(multiplicity)
    return RadialReduction(lattice_model(total, fields, site), jacobian, angular)
