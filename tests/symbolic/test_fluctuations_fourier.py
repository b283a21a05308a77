"""Hessian blocks and Fourier kernels against explicit rings, including the matrix orientation."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from nnfield.symbolic import fourier_kernel, quadratic_fluctuations, uniform_saddle

from .models import a, b, c, d, harmonic_chain, k, log_barrier_chain, m, two_field_chain

PARAMETERS = {a: 3, b: 2, c: sp.Rational(1, 2), d: sp.Rational(3, 4)}


def explicit_ring_hessian(model, saddle, values, sites):
    """The Hessian of sum_l E_l on a ring of `sites` sites, built by brute force."""
    fields = len(model.fields)
    symbols = [[sp.Symbol(f"f{a_}_{s}") for s in range(sites)] for a_ in range(fields)]
    total = 0
    for site in range(sites):
        replacement = {model.field_at(a_, o): symbols[a_][(site + o) % sites] for a_ in range(fields) for o in model.offsets}
        total += model.energy.xreplace(replacement)
    flat = [symbols[a_][s] for s in range(sites) for a_ in range(fields)]  # index s * fields + a
    point = {symbol: saddle.values[i % fields] for i, symbol in enumerate(flat)}
    hessian = sp.hessian(total, flat).subs(point).subs(values)
    return np.array(hessian.evalf(), dtype=float)


@pytest.mark.parametrize("build", [harmonic_chain, two_field_chain, log_barrier_chain])
def test_blocks_are_transposes_and_linear_terms_vanish(build):
    fluctuations = quadratic_fluctuations(uniform_saddle(build()))
    assert fluctuations.linear_terms_vanish
    for delta, block in fluctuations.blocks:
        assert sp.simplify(fluctuations.block(-delta) - block.T) == sp.zeros(*block.shape)


def test_site_energy_reconstructs_the_explicit_ring_hessian():
    model = two_field_chain()
    saddle = uniform_saddle(model)
    fluctuations = quadratic_fluctuations(saddle)
    sites, fields = 6, 2
    hessian = explicit_ring_hessian(model, saddle, PARAMETERS, sites)
    for delta in range(-2, 3):
        block = np.array(fluctuations.block(delta).subs(PARAMETERS), dtype=float)
        # K_delta[a, b] = d^2 H / d phi_a[delta] d phi_b[0]
        assert np.allclose(hessian[(delta % sites) * fields:(delta % sites) * fields + fields, 0:fields], block)


def test_kernel_inverse_is_the_mode_covariance_of_the_explicit_ring():
    """C(q) = E[x_hat x_hat^H]/L = sum_delta Cov(x[delta], x[0]) e^{-iq delta} must equal K(q)^{-1}."""
    model = two_field_chain()
    saddle = uniform_saddle(model)
    kernel = fourier_kernel(quadratic_fluctuations(saddle))
    sites, fields = 8, 2
    covariance = np.linalg.inv(explicit_ring_hessian(model, saddle, PARAMETERS, sites))
    blocks = [covariance[s * fields:(s + 1) * fields, 0:fields] for s in range(sites)]
    inverse = sp.lambdify(kernel.q, kernel.mode_covariance().subs(PARAMETERS), "numpy")
    for n in range(sites):
        q = 2 * np.pi * n / sites
        from_ring = sum(blocks[s] * np.exp(-1j * q * s) for s in range(sites))
        assert np.allclose(from_ring, np.array(inverse(q), dtype=complex), atol=1e-12)


@pytest.mark.parametrize("build", [harmonic_chain, two_field_chain, log_barrier_chain])
def test_kernels_are_hermitian(build):
    assert fourier_kernel(quadratic_fluctuations(uniform_saddle(build()))).is_hermitian


def test_positivity_and_minimum_conditions():
    kernel = fourier_kernel(quadratic_fluctuations(uniform_saddle(two_field_chain())))
    assert kernel.is_positive_definite(PARAMETERS)
    assert not kernel.is_positive_definite({**PARAMETERS, c: 3})  # the coupling beats the masses
    harmonic = fourier_kernel(quadratic_fluctuations(uniform_saddle(harmonic_chain())))
    assert harmonic.minimum_conditions() == ()  # m, k > 0: a minimum for every value


@settings(max_examples=20, deadline=None)
@given(mass=st.floats(0.01, 10), stiffness=st.floats(0.01, 10))
def test_harmonic_chain_covariance_matches_the_textbook_formula(mass, stiffness):
    kernel = fourier_kernel(quadratic_fluctuations(uniform_saddle(harmonic_chain())))
    inverse = sp.lambdify((m, k, kernel.q), kernel.mode_covariance()[0, 0], "numpy")
    q = np.linspace(0, 2 * np.pi, 17)
    np.testing.assert_allclose(inverse(mass, stiffness, q), 1 / (mass + 2 * stiffness * (1 - np.cos(q))), rtol=1e-12)


def test_lattice_decay_length_of_the_harmonic_chain():
    kernel = fourier_kernel(quadratic_fluctuations(uniform_saddle(harmonic_chain())))
    (length,) = kernel.lattice_decay_lengths()
    value = float(length.subs({m: 1, k: 2}))
    # Pole of 1/(m + 2k(1 - cos q)) at cosh(kappa) = 1 + m/(2k).
    assert np.isclose(value, 1 / np.arccosh(1 + 1 / 4))


def test_collect_products_is_sympys_collect_on_a_quadratic_form():
    from nnfield.symbolic.quadratic import collect_products

    e, f = sp.IndexedBase("e", real=True), sp.IndexedBase("f", real=True)
    site = sp.Symbol("l", integer=True)
    a, b, w = sp.symbols("a b w", positive=True)
    form = sp.expand((a + b) ** 2 * e[site] ** 2 / 2 - w * sp.sqrt(2 - w**2) * e[site] * f[site - 1]
                     + 3 * a * e[site] * f[site - 1] + (a * b - b**2) * f[site] ** 2 + 7)
    products = [e[site] ** 2, e[site] * f[site - 1], f[site] ** 2]
    collected = collect_products(form, products)
    assert sp.srepr(collected) == sp.srepr(sp.collect(form, products, func=sp.factor))
    # By hand: each product once, its coefficient factored, the constant kept.
    assert collected == ((a + b) ** 2 * e[site] ** 2 / 2 + (3 * a - w * sp.sqrt(2 - w**2)) * e[site] * f[site - 1]
                         + b * (a - b) * f[site] ** 2 + 7)
    # A term with a product not in the list: SymPy's collect decides, as before.
    cubic = form + a * e[site] ** 3
    assert collect_products(cubic, products) == sp.collect(cubic, products, func=sp.factor)
