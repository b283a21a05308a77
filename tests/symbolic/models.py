"""Small lattice models that are not from any paper, shared by the engine's tests."""

import sympy as sp

from nnfield.symbolic import lattice_model

l = sp.Symbol("l", integer=True)
x = sp.IndexedBase("x", real=True)
u = sp.IndexedBase("u", real=True)
v = sp.IndexedBase("v", real=True)
p = sp.IndexedBase("p", positive=True)
m, k = sp.symbols("m k", positive=True)
a, b, c, d = sp.symbols("a b c d", positive=True)


def harmonic_chain():
    """E_l = m x_l^2 / 2 + k (x_l - x_{l-1})^2 / 2."""
    return lattice_model(m * x[l] ** 2 / 2 + k * (x[l] - x[l - 1]) ** 2 / 2, [x], l)


def two_field_chain():
    """Two fields, a gradient on u, and a u-v coupling at distance two (next-nearest neighbour)."""
    energy = a * u[l] ** 2 / 2 + b * v[l] ** 2 / 2 + d * (u[l] - u[l - 1]) ** 2 / 2 + c * u[l] * v[l - 2]
    return lattice_model(energy, [u, v], l)


def log_barrier_chain():
    """A positive field with a nonzero saddle: E_l = p_l^2/2 - a log p_l + k (p_l - p_{l-1})^2/2."""
    return lattice_model(p[l] ** 2 / 2 - a * sp.log(p[l]) + k * (p[l] - p[l - 1]) ** 2 / 2, [p], l)
