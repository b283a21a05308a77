"""The engine's targeted steps (issue 11): unchecked solutions are verified, forms are canonical.

Each expected value is derived by hand in the test.
"""

import pytest
import sympy as sp

from nnfield.symbolic import fourier_kernel, lattice_model, quadratic_fluctuations, uniform_saddle, uniform_saddles
from nnfield.symbolic.conditions import simplify_under
from nnfield.symbolic.fieldtheory import vacuum_manifold, vacuum_radius_squared

x = sp.IndexedBase("x", positive=True)
l = sp.Symbol("l", integer=True)


def test_a_root_cleared_by_squaring_is_a_saddle():
    # E = x^2/2 - (4/3) x^(3/2): dE/dx = x - 2 sqrt(x) = 0 at x = 4 (x = 0 is not positive).
    model = lattice_model(x[l] ** 2 / 2 - sp.Rational(4, 3) * x[l] ** sp.Rational(3, 2) + (x[l] - x[l - 1]) ** 2, [x], l)
    assert uniform_saddle(model).values == (4,)


def test_a_solution_added_by_squaring_is_rejected():
    # E = x^2/2 + (4/3) x^(3/2): dE/dx = x + 2 sqrt(x) > 0 for x > 0, no saddle; squared, x^2 = 4x has x = 4.
    model = lattice_model(x[l] ** 2 / 2 + sp.Rational(4, 3) * x[l] ** sp.Rational(3, 2) + (x[l] - x[l - 1]) ** 2, [x], l)
    with pytest.raises(ValueError, match="no uniform saddle found"):
        uniform_saddles(model)


def test_relu_saddle_norms_share_one_canonical_form(relu_ring_derivation):
    from nnfield.derivations.schoenholz2017.symbols import N, sigma_b, sigma_w

    # By hand (schoenholz2017 eq 20 in k counting positive units): r_+* = r_-* = sqrt(N sigma_b^2 / (2 - sigma_w^2)).
    saddle = relu_ring_derivation.saddle.values
    by_hand = sp.sqrt(N) * sigma_b / sp.sqrt(2 - sigma_w**2)
    assert saddle[0] == saddle[1] == by_hand
    assert saddle[2] == N / 2


def test_one_sided_coupling_stays_one_exponential():
    u, v = sp.IndexedBase("u", real=True), sp.IndexedBase("v", real=True)
    q = sp.Symbol("q", real=True)
    model = lattice_model(u[l] ** 2 + v[l] ** 2 + u[l] * v[l - 1] / 4, [u, v], l)
    kernel = fourier_kernel(quadratic_fluctuations(uniform_saddle(model)), q)
    # H = sum_l u_l v_(l-1)/4: K_1[u, v] = 1/4 and K_-1[v, u] = 1/4, so K(q)[u, v] = e^(-iq)/4.
    expected = sp.Matrix([[2, sp.exp(-sp.I * q) / 4], [sp.exp(sp.I * q) / 4, 2]])
    assert kernel.matrix == expected
    assert kernel.is_hermitian


def test_simplify_under_a_condition_it_cannot_use_only_simplifies():
    w = sp.Symbol("sigma_w", positive=True)
    assert simplify_under((w**2 - 1) / (w - 1), w < 1) == w + 1
    assert simplify_under(sp.sqrt((1 - w**2) ** 2), w < 1) == 1 - w**2


def test_vacuum_radius_is_the_vacuum_manifolds():
    a, b = sp.symbols("a b", real=True)
    mu, lam = sp.symbols("mu lambda", positive=True)
    potential = -mu**2 * (a**2 + b**2) / 2 + lam * (a**2 + b**2) ** 2 / 4
    # dV/d rho = -mu^2/2 + lambda rho/2 = 0 at rho = mu^2/lambda.
    assert vacuum_radius_squared(potential, [a, b]) == mu**2 / lam == vacuum_manifold(potential, [a, b]).radius_squared
