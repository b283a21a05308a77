"""The chain of fok2017's weights along the layers, as kahn2017's simulations set it up.

One O(D') multiplet of weights per layer, coupled to its neighbours with stiffness J, each in fok2017's
potential at the parameters of fok2017's own checks (a learning rate below :math:`\\eta_c`):

.. math:: H = \\sum_l \\Big[\\frac J2 |w_{l+1} - w_l|^2 + V(w_l)\\Big], \\qquad
          V(w) = \\frac{m^2}{2}|w|^2 + \\frac{\\lambda}{4}|w|^4,

with V compiled from the theory's expression (:func:`~nnfield.derivations.fok2017.potential.weights_potential`).
Its exact transfer operators are pure functions of (D', T) here and are solved once per process.
"""

from __future__ import annotations

import functools
import math

from nnfield.derivations.fok2017.checks import PARAMETERS
from nnfield.derivations.fok2017.potential import WeightsPotential, mass_squared, weights_potential
from nnfield.numeric.transfer import ChainTransfer, o_chain_transfer

__all__ = ["CHAIN", "chain_potential", "chain_transfer", "vacuum"]

#: The chain's stiffness and the weights' potential (fok2017's mu, lambda at eta below eta_c).
CHAIN = dict(coupling=1.0, mass_squared=mass_squared(**PARAMETERS), quartic=PARAMETERS["lam"])


def chain_potential(dimension: int) -> WeightsPotential:
    """V of one O(D') multiplet at the chain's :math:`m^2` and :math:`\\lambda`.

    Examples
    --------
    >>> round(float(chain_potential(2).radial(0.0)), 12)
    0.0
    """
    return weights_potential(dimension, mass_squared=CHAIN["mass_squared"], quartic=CHAIN["quartic"])


@functools.lru_cache(maxsize=None)
def chain_transfer(dimension: int, temperature: float) -> ChainTransfer:
    """The exact transfer operator of the chain of O(D') weights at T (solved once per process and kept).

    Examples
    --------
    >>> chain_transfer(2, 1.0) is chain_transfer(2, 1.0)
    True
    """
    return o_chain_transfer(chain_potential(dimension).radial, dimension, CHAIN["coupling"], temperature)


def vacuum(dimension: int) -> list[float]:
    """The ordered vacuum :math:`(0, \\dots, 0, v)` with :math:`v^2 = -m^2/\\lambda` where the chains start."""
    return [0.0] * (dimension - 1) + [math.sqrt(-CHAIN["mass_squared"] / CHAIN["quartic"])]
