"""The shared symbols of fok2017 (Spontaneous Symmetry Breaking in Deep Neural Networks)."""

import sympy as sp

t = sp.Symbol("t", real=True)  #: "time": the layer direction
z = sp.Symbol("z", real=True)  #: "space": the sample direction
mu, lam, eta = sp.symbols("mu lambda eta", positive=True)  #: mu^2 > 0, quartic coupling, learning rate
m2 = sp.Symbol("m^2", real=True)  #: the (possibly negative) mass squared of the weights
omega, k = sp.symbols("omega k", real=True)  #: frequency and momentum

#: The paper's learning-rate dependent mass, m^2(eta) = -mu^2 + lambda eta^2 / 4 (Sec. 2.4-2.5).
MASS_OF_ETA = -mu**2 + lam * eta**2 / 4
