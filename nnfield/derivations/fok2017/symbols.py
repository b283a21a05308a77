"""The shared symbols of fok2017 (Spontaneous Symmetry Breaking in Deep Neural Networks)."""

import sympy as sp

t = sp.Symbol("t", real=True)  #: "time": the layer direction
z = sp.Symbol("z", real=True)  #: "space": the sample direction
mu, lam, eta = sp.symbols("mu lambda eta", positive=True)  #: mu^2 > 0, quartic coupling, learning rate
m2 = sp.Symbol("m^2", real=True)  #: the (possibly negative) mass squared of the weights
omega, k = sp.symbols("omega k", real=True)  #: frequency and momentum

#: The paper's learning-rate dependent mass, m^2(eta) = -mu^2 + lambda eta^2 / 4 (Sec. 2.4-2.5).
MASS_OF_ETA = -mu**2 + lam * eta**2 / 4


def potential_of_square(squared, mass_squared=m2):
    """fok2017's potential of one multiplet of weights in terms of :math:`|w|^2` (eq 5),
    :math:`V = m^2|w|^2/2 + \\lambda|w|^4/4`: the one definition the theory of weights
    (:func:`~nnfield.derivations.fok2017.ssb.o_theory`) and the chain along the layers
    (:func:`~nnfield.derivations.fok2017.layers.chain_energy`) are built from.

    Examples
    --------
    >>> potential_of_square(sp.Symbol("s"))
    lambda*s**2/4 + m^2*s/2
    """
    return mass_squared * squared / 2 + lam * squared**2 / 4
