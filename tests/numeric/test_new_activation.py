"""A new activation is one object: defined here only, it works in the samplers, the mean-field map, the
finite-width recursion and the networks' exact Hessian, each checked against a number computed here
independently (Gauss-Hermite quadrature of a hand-written NumPy function, Monte Carlo, finite differences)."""

import functools

import numpy as np
import pytest
import sympy as sp
from scipy import special

from nnfield.numeric.activations import activation
from nnfield.numeric.finite_width import cumulants
from nnfield.numeric.meanfield import mean_field
from nnfield.numeric.networks import Network, finite_difference_hessian, gaussian_clouds, hessian
from nnfield.numeric.samplers import dense_network_observables, exact_network_observables

x = sp.Symbol("x", real=True)
#: The new activation, defined only here: softplus shifted to pass through the origin (not shipped).
SHIFTED_SOFTPLUS = activation(sp.log(1 + sp.exp(x)) - sp.log(2), x, name="shifted softplus")
SIGMA_W2, SIGMA_B2 = 1.5, 0.1


def phi(y):
    """The same activation written by hand in NumPy."""
    return np.logaddexp(0.0, y) - np.log(2.0)


def gaussian_average(function, variance):
    """E[function(sqrt(variance) xi)], xi ~ N(0, 1), by 80-point Gauss-Hermite quadrature (exact to ~1e-14 here)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    return float(weights @ function(np.sqrt(variance) * nodes) / np.sqrt(2 * np.pi))


def g(variance):
    return gaussian_average(lambda y: phi(y) ** 2, variance)


def test_the_mean_field_map_of_a_new_activation():
    field = mean_field(SHIFTED_SOFTPLUS, sigma_w2=SIGMA_W2, sigma_b2=SIGMA_B2)
    for q in (0.3, 1.0, 4.0):
        assert field.variance_map(q) == pytest.approx(SIGMA_W2 * g(q) + SIGMA_B2, rel=1e-9)


def test_the_finite_width_recursion_of_a_new_activation():
    width, depth = 64, 4
    result = cumulants(SHIFTED_SOFTPLUS, sigma_w2=SIGMA_W2, sigma_b2=SIGMA_B2, width=width, depth=depth, input_q=1.0)
    kernel = [SIGMA_W2 + SIGMA_B2]  # K^1 = sigma_w^2 q_x + sigma_b^2
    for _ in range(depth - 1):
        kernel.append(SIGMA_B2 + SIGMA_W2 * g(kernel[-1]))
    np.testing.assert_allclose(result.kernel, kernel, rtol=1e-9)
    # Layer 2: V^2 = 3 Var(Delta^1) = (3 sigma_w^4 / n) (E[phi^4] - E[phi^2]^2) at K^1 (layer 1 is Gaussian).
    fourth = 3 * SIGMA_W2**2 / width * (gaussian_average(lambda y: phi(y) ** 4, kernel[0]) - g(kernel[0]) ** 2)
    assert result.fourth[1] == pytest.approx(fourth, rel=1e-9)


#: Weight variance of the sampler test: large enough that the activation's shape shows in E|z^1|^2 (tanh in its
#: place misses the expectation by more than a hundred standard errors).
SAMPLED_SIGMA_W2 = 3.0


@functools.cache
def _second_layer_expectation(width):
    """E|z^1|^2/N = sigma_w^2 E[g(Delta^0)] + sigma_b^2, Delta^0 = sigma_w^2 |x|^2/N + sigma_b^2, |x|^2 ~ chi^2_N.

    The chi-square average by generalised Gauss-Laguerre quadrature: |x|^2 = 2t, t ~ Gamma(N/2).
    """
    nodes, weights = special.roots_genlaguerre(60, width / 2 - 1)
    values = [g(SAMPLED_SIGMA_W2 * 2 * t / width + SIGMA_B2) for t in nodes]
    return SAMPLED_SIGMA_W2 * float(weights @ values) / special.gamma(width / 2) + SIGMA_B2


@pytest.mark.slow
@pytest.mark.parametrize("sampler, networks", [(exact_network_observables, 4000), (dense_network_observables, 600)])
def test_the_samplers_draw_networks_of_a_new_activation(sampler, networks):
    width = 40
    norms = sampler(SAMPLED_SIGMA_W2, SIGMA_B2, width, 2, networks, phi=SHIFTED_SOFTPLUS, rng=np.random.default_rng(14))
    second = norms[:, 1] ** 2 / width
    standard_error = second.std(ddof=1) / np.sqrt(networks)
    # Four standard errors: a false alarm about once in 16000 runs.
    assert abs(second.mean() - _second_layer_expectation(width)) < 4 * standard_error


def test_the_exact_hessian_of_a_network_with_a_new_activation():
    network = Network((3, 4, 3), SHIFTED_SOFTPLUS, "squared")
    rng = np.random.default_rng(3)
    theta, data = network.initial_parameters(rng=rng), gaussian_clouds(6, 3, rng=rng)
    exact = hessian(network, theta, data)
    np.testing.assert_allclose(exact, finite_difference_hessian(network, theta, data), atol=1e-7 * np.abs(exact).max())
