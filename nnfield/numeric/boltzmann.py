"""Exact Boltzmann averages of one isotropic multiplet of weights, by mpmath quadrature.

For :math:`w \\in \\mathbb R^D` with an O(D)-invariant potential :math:`V(|w|)` at temperature T,

.. math:: \\langle |w|^p \\rangle = \\frac{\\int_0^\\infty r^{D-1+p} e^{-V(r)/T} dr}{\\int_0^\\infty r^{D-1} e^{-V(r)/T} dr},

the angular integrals cancelling. These are the reference values a sampler of :math:`e^{-V/T}` must
reproduce.
"""

from __future__ import annotations

from typing import Callable

import mpmath

from nnfield.numeric.parameters import positive_integer, positive_real

__all__ = ["radial_moment"]


def radial_moment(radial_potential: Callable, dimension: int, temperature: float, power: float,
                  *, digits: int = 30) -> float:
    """:math:`\\langle |w|^p\\rangle` under :math:`e^{-V(|w|)/T}` in D dimensions.

    Parameters
    ----------
    radial_potential : callable
        ``V(r)`` accepting mpmath numbers; must grow fast enough for the integrals to converge.
    dimension : int
    temperature : float
    power : float
    digits : int
        Working precision of the quadrature.

    Examples
    --------
    A Gaussian :math:`V = r^2/2` at T = 1 in D dimensions has :math:`\\langle |w|^2\\rangle = D`:

    >>> round(radial_moment(lambda r: r**2 / 2, 3, 1.0, 2), 12)
    3.0
    """
    dimension = positive_integer("dimension", dimension, "the number of weights in the multiplet")
    temperature = positive_real("temperature", temperature, "T of the Boltzmann law")
    with mpmath.workdps(digits):
        # Weights are shifted by the minimum of V on a coarse grid, so exp() neither over- nor underflows.
        grid = [mpmath.mpf(k) / 8 for k in range(1, 200)]
        floor = min(radial_potential(r) for r in grid)

        def weight(r, extra):
            return r ** (dimension - 1 + extra) * mpmath.exp(-(radial_potential(r) - floor) / temperature)

        cuts = [0, *(mpmath.mpf(k) / 2 for k in range(1, 9)), mpmath.inf]
        numerator = mpmath.quad(lambda r: weight(r, power), cuts)
        denominator = mpmath.quad(lambda r: weight(r, 0), cuts)
        return float(numerator / denominator)
