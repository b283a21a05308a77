"""Finite-width cumulants: the derived recursion against hand-derived forms, exact finite-width laws
derived here, and Monte Carlo of dense networks at widths 8 to 128."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from nnfield.numeric.activations import LINEAR, RELU, TANH
from nnfield.numeric.finite_width import cumulants, derive_recursion, exact_piecewise_linear_cumulants
from nnfield.numeric.samplers import dense_network_units, exact_network_units
from nnfield.numeric.statistics import fourth_cumulant

Z_LIMIT = 4.0  # two-sided false-alarm rate 6e-5 per comparison


# --- hand-derived references -------------------------------------------------------------------

def gaussian_average(function, variance, weight=lambda t: 1.0):
    """E[function(sqrt(variance) xi) weight(xi)], xi ~ N(0, 1), by scipy's adaptive quadrature."""
    integrand = lambda t: function(math.sqrt(variance) * t) * weight(t) * math.exp(-t * t / 2)  # noqa: E731
    return integrate.quad(integrand, -np.inf, np.inf, epsabs=1e-13, epsrel=1e-11)[0] / math.sqrt(2 * math.pi)


def hand_recursion(phi, sigma_w2, sigma_b2, width, depth, input_q=1.0):
    """The first-order recursion written out by hand; derivatives of g(K) = E phi^2 by Hermite weights:
    g'(K) = E[phi^2 He_2(xi)]/(2K), g''(K) = E[phi^2 He_4(xi)]/(4K^2)."""
    kernel, shift, fourth = [sigma_w2 * input_q + sigma_b2], [0.0], [0.0]
    square = lambda z: phi(z) ** 2  # noqa: E731
    for _ in range(depth - 1):
        k = kernel[-1]
        g0 = gaussian_average(square, k)
        g1 = gaussian_average(square, k, lambda t: t * t - 1) / (2 * k)
        g2 = gaussian_average(square, k, lambda t: t**4 - 6 * t * t + 3) / (4 * k * k)
        h0 = gaussian_average(lambda z: phi(z) ** 4, k)
        shift.append(sigma_w2 * g1 * shift[-1] + sigma_w2 * g2 * fourth[-1] / 6)
        fourth.append((sigma_w2 * g1) ** 2 * fourth[-1] + 3 * sigma_w2**2 * (h0 - g0**2) / width)
        kernel.append(sigma_b2 + sigma_w2 * g0)
    return np.array(kernel), np.array(shift), np.array(fourth)


def exact_chain(sigma_w2, sigma_b2, width, depth, *, relu_units, input_q=1):
    """Exact E z^2 and E z^4 - 3 (E z^2)^2 of every layer, in fractions.

    Given the previous layer, a unit is N(0, D) with D = s_b + s_w S/n and S the sum of phi^2 of the
    previous layer's units. Linear: S = D_prev chi2_n, E chi2_n = n, E chi2_n^2 = n(n + 2).
    ReLU: S = D_prev chi2_k with k ~ Binomial(n, 1/2) positive units; the moments of S are summed
    over k here, with E chi2_k = k and E chi2_k^2 = k(k + 2).
    """
    n = width
    if relu_units:
        weights = [Fraction(math.comb(n, k), 2**n) for k in range(n + 1)]
        first = sum(w * k for k, w in enumerate(weights))
        second = sum(w * k * (k + 2) for k, w in enumerate(weights))
    else:
        first, second = Fraction(n), Fraction(n * (n + 2))
    s_w, s_b = Fraction(sigma_w2), Fraction(sigma_b2)
    mean, square = s_w * input_q + s_b, (s_w * input_q + s_b) ** 2
    moments = [(mean, square)]
    for _ in range(depth - 1):
        mean, square = (s_b + s_w * first / n * mean,
                        s_b**2 + 2 * s_b * s_w * first / n * mean + s_w**2 * second / n**2 * square)
        moments.append((mean, square))
    return (np.array([float(m) for m, _ in moments]),
            np.array([float(3 * s - 3 * m * m) for m, s in moments]))


# --- the recursion -------------------------------------------------------------------------------

def test_recursion_is_derived_with_the_first_layer_gaussian():
    recursion = derive_recursion()
    assert [str(eq.rhs) for eq in recursion.first_layer[1:]] == ["0", "0"]
    assert recursion.latex().startswith(r"\begin{aligned}") and "V_{l+1}" in recursion.latex()
    # the fourth cumulant's source term is of order 1/n, its transport term of order 1
    n = sp.Symbol("n", positive=True)
    source = recursion.fourth.rhs.subs(sp.Symbol("V_l", real=True), 0)
    assert sp.limit(source * n, n, sp.oo) != 0 and sp.limit(source, n, sp.oo) == 0


@pytest.mark.parametrize("sigma_w2, sigma_b2", [(0.8, 0.1), (1.0, 0.0), (1.3, 0.4)])
def test_linear_network_matches_the_hand_derived_recursion(sigma_w2, sigma_b2):
    # g(K) = K, h(K) = 3K^2: K' = s_b + s_w K, dK' = s_w dK, V' = s_w^2 V + 6 s_w^2 K^2 / n
    result = cumulants(LINEAR, sigma_w2=sigma_w2, sigma_b2=sigma_b2, width=20, depth=6, input_q=0.7)
    kernel, fourth = [sigma_w2 * 0.7 + sigma_b2], [0.0]
    for _ in range(5):
        fourth.append(sigma_w2**2 * fourth[-1] + 6 * sigma_w2**2 * kernel[-1] ** 2 / 20)
        kernel.append(sigma_b2 + sigma_w2 * kernel[-1])
    np.testing.assert_allclose(result.kernel, kernel, rtol=1e-13)
    np.testing.assert_allclose(result.fourth, fourth, rtol=1e-13)
    assert np.all(result.kernel_correction == 0) and result.fourth[0] == 0


def test_tanh_by_quadrature_matches_the_hand_derived_recursion():
    result = cumulants(TANH, sigma_w2=1.5, sigma_b2=0.05, width=50, depth=6)
    assert "heat equation" in result.methods["g''"] and "quadrature" in result.methods["h"]
    kernel, shift, fourth = hand_recursion(math.tanh, 1.5, 0.05, 50, 6)
    np.testing.assert_allclose(result.kernel, kernel, rtol=1e-8)
    np.testing.assert_allclose(result.fourth, fourth, rtol=1e-7)
    np.testing.assert_allclose(result.kernel_correction, shift, rtol=1e-6, atol=1e-12)
    assert np.all(shift[2:] < 0)  # tanh saturates: finite width lowers the variance


def test_an_expression_and_its_activation_give_the_same_result():
    x = sp.Symbol("x", real=True)
    by_expression = cumulants(sp.tanh(x), x, sigma_w2=1.5, sigma_b2=0.05, width=50, depth=3)
    by_object = cumulants(TANH, sigma_w2=1.5, sigma_b2=0.05, width=50, depth=3)
    np.testing.assert_allclose(by_expression.fourth, by_object.fourth, rtol=1e-12)


# --- exact finite-width laws ---------------------------------------------------------------------

@pytest.mark.parametrize("relu_units", [False, True], ids=["linear", "relu"])
@pytest.mark.parametrize("sigma_b2", [0.0, 0.3])
def test_exact_piecewise_linear_law_matches_the_chain_derived_here(relu_units, sigma_b2):
    slopes = (1.0, 0.0) if relu_units else (1.0, 1.0)
    sigma_w2 = 2.0 if relu_units else 0.9
    exact = exact_piecewise_linear_cumulants(*slopes, sigma_w2=sigma_w2, sigma_b2=sigma_b2, width=12, depth=7)
    second, fourth = exact_chain(sigma_w2, sigma_b2, 12, 7, relu_units=relu_units)
    np.testing.assert_allclose(exact.second_moment, second, rtol=1e-13)
    np.testing.assert_allclose(exact.fourth, fourth, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation, relu_units", [(LINEAR, False), (RELU, True)], ids=["linear", "relu"])
def test_first_order_misses_the_exact_law_by_order_one_over_n_squared(activation, relu_units):
    """n^2 (first order - exact) tends to a constant: successive doublings of n change it by O(1/n)."""
    sigma_w2 = 2.0 if relu_units else 0.9
    scaled = []
    for width in (50, 100, 200, 400):
        theory = cumulants(activation, sigma_w2=sigma_w2, sigma_b2=0.2, width=width, depth=5)
        second, fourth = exact_chain(sigma_w2, 0.2, width, 5, relu_units=relu_units)
        np.testing.assert_allclose(theory.second_moment, second, rtol=1e-12)  # no 1/n shift of E z^2 here
        scaled.append(width**2 * (theory.fourth[-1] - fourth[-1]))
    changes = np.abs(np.diff(scaled)) / np.abs(scaled[1:])
    assert scaled[-1] != 0 and np.all(changes[1:] < changes[:-1]) and changes[-1] < 0.03


# --- Monte Carlo -----------------------------------------------------------------------------------

DENSE = {8: 6000, 32: 3000, 128: 700}  # networks per width: about a second of weights in all


@pytest.fixture(scope="module")
def dense_relu():
    seeds = np.random.SeedSequence(2024).spawn(len(DENSE))
    return {n: dense_network_units(2.0, 0.0, n, 4, M, phi=RELU, rng=np.random.default_rng(seed))
            for (n, M), seed in zip(DENSE.items(), seeds)}


@pytest.mark.slow
@pytest.mark.parametrize("width", sorted(DENSE))
def test_dense_relu_networks_follow_the_exact_law_and_first_order_where_it_holds(dense_relu, width):
    units = dense_relu[width]
    second, fourth = exact_chain(2.0, 0.0, width, 4, relu_units=True)
    theory = cumulants(RELU, sigma_w2=2.0, sigma_b2=0.0, width=width, depth=4)
    for layer in range(4):
        estimate = fourth_cumulant(units[:, layer])
        assert abs(estimate.z_score(fourth[layer])) < Z_LIMIT, (width, layer)
        network_means = (units[:, layer] ** 2).mean(axis=1)
        error = network_means.std(ddof=1) / math.sqrt(len(network_means))
        assert abs(network_means.mean() - second[layer]) < Z_LIMIT * error, (width, layer)
    last = fourth_cumulant(units[:, 3])
    if width == 128:  # first order is within 2 % of exact here, far below the error bar
        assert abs(last.z_score(theory.fourth[3])) < Z_LIMIT
    if width == 8:  # first order is 45 % low at depth 4 of width 8: the measurement must see it
        assert last.z_score(theory.fourth[3]) > Z_LIMIT


@pytest.mark.slow
def test_dense_tanh_network_agrees_with_first_order_and_not_with_the_gaussian_limit():
    # tanh at criticality (sigma_w2 = 1, no bias): V/K^2 reaches 0.11 at depth 5 of width 64
    units = dense_network_units(1.0, 0.0, 64, 5, 1200, phi=np.tanh, rng=np.random.default_rng(5))
    theory = cumulants(TANH, sigma_w2=1.0, sigma_b2=0.0, width=64, depth=5)
    z = [fourth_cumulant(units[:, layer]).z_score(theory.fourth[layer]) for layer in range(5)]
    assert max(map(abs, z)) < Z_LIMIT, z
    assert fourth_cumulant(units[:, 4]).z_score(0.0) > Z_LIMIT  # the Gaussian limit is rejected


@pytest.mark.slow
def test_the_kernel_shift_of_tanh_is_seen_at_width_sixteen():
    # E z^2 at depth 5 of width 16 from 100 000 networks drawn layer by layer (the dense law, O(n) a
    # layer): the 1/n shift is -1.6 % of K, 12 standard errors; the next order, about 10 % of the
    # shift at l/n = 0.3, is 1.2 of them
    units = exact_network_units(1.5, 0.05, 16, 5, 100_000, phi=np.tanh, rng=np.random.default_rng(9))
    theory = cumulants(TANH, sigma_w2=1.5, sigma_b2=0.05, width=16, depth=5)
    network_means = (units[:, 4] ** 2).mean(axis=1)
    error = network_means.std(ddof=1) / math.sqrt(len(network_means))
    shifted = (network_means.mean() - theory.second_moment[4]) / error
    unshifted = (network_means.mean() - theory.kernel[4]) / error
    assert abs(shifted) < Z_LIMIT and abs(unshifted) > 2 * Z_LIMIT, (shifted, unshifted)


# --- errors that teach ------------------------------------------------------------------------------

def test_wrong_inputs_are_refused_with_what_would_be_valid():
    x = sp.Symbol("x", real=True)
    with pytest.raises(TypeError, match="Activation"):
        cumulants("tanh", sigma_w2=1.0, sigma_b2=0.0, width=8, depth=2)
    with pytest.raises(TypeError, match="not both"):
        cumulants(TANH, x, sigma_w2=1.0, sigma_b2=0.0, width=8, depth=2)
    with pytest.raises(TypeError, match="needs its variable"):
        cumulants(sp.tanh(x), sigma_w2=1.0, sigma_b2=0.0, width=8, depth=2)
    with pytest.raises(ValueError, match="sigma_b2 must be a finite number >= 0"):
        cumulants(TANH, sigma_w2=1.0, sigma_b2=-0.1, width=8, depth=2)
    with pytest.raises(ValueError, match="width must be a positive integer"):
        cumulants(TANH, sigma_w2=1.0, sigma_b2=0.0, width=0, depth=2)
