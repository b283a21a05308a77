"""The linear ring at order 1/N against hand derivations and the exact norm chain.

Hand derivation of the one-loop mean (in this test, independent of the engine): with
s = r^2 = (a s' + b) chi2_N, a = sigma_w^2/N, the stationary law has E s = mu = N b/(1 - sigma_w^2)
and, from E s^2 = E[(a s + b)^2] N (N + 2) with a mu + b = mu/N,
Var s = 2 mu^2 / (N (1 - sigma_w^4 (1 + 2/N))). The delta method, E sqrt(s) = sqrt(mu)
(1 - Var s/(8 mu^2) + O(N^-2)), gives E r = r* (1 - 1/(4 N (1 - sigma_w^4)) + O(N^-2)).
The Gaussian variance of r by hand: C(q) = sigma_b^2 / (2 Delta (1 + sigma_w^4 - 2 sigma_w^2 cos q)),
whose average over q is sigma_b^2 / (2 Delta (1 - sigma_w^4)).
"""

import numpy as np
import pytest

from nnfield.derivations.schoenholz2017 import large_n_corrections, linear_ring, relu_ring
from nnfield.derivations.schoenholz2017.linear import linear_predictor
from nnfield.derivations.schoenholz2017.one_loop import linear_cumulants
from nnfield.derivations.schoenholz2017.one_loop_checks import linear_errors, relu_errors, stationary_norm_moments
from nnfield.numeric.samplers import linear_norm_chain
from nnfield.numeric.spectra import bulk_window, mode_covariance_estimate, windowed_prediction
from nnfield.numeric.statistics import compare_with_prediction, sample_shape


@pytest.fixture(scope="module")
def ring():
    return linear_ring()


@pytest.mark.parametrize("sigma_w2", [0.2, 0.5, 0.8])
def test_orders_against_hand_derivation(ring, sigma_w2):
    width, sigma_b2 = 400, 0.3
    order0 = ring.predict(sigma_w2=sigma_w2, sigma_b2=sigma_b2, N=width)
    order1 = ring.predict(sigma_w2=sigma_w2, sigma_b2=sigma_b2, N=width, order=1)
    assert order0.mean_r == order0.r_star == pytest.approx(np.sqrt(width * sigma_b2 / (1 - sigma_w2)), rel=1e-12)
    assert order0.variance_r == pytest.approx(sigma_b2 / (2 * (1 - sigma_w2) * (1 - sigma_w2**2)), rel=1e-12)
    shift = order1.mean_r / order1.r_star - 1
    assert shift == pytest.approx(-1 / (4 * width * (1 - sigma_w2**2)), rel=1e-9)
    # The corrections are of relative order 1/N.
    assert abs(order1.variance_r / order0.variance_r - 1) < 10 / width
    q = np.linspace(0, np.pi, 5)
    assert np.all(np.abs(order1.mode_covariance(q) / order0.mode_covariance(q) - 1) < 10 / width)


def test_order_is_checked(ring):
    with pytest.raises(ValueError, match="order must be 0"):
        ring.predict(sigma_w2=0.5, sigma_b2=0.1, N=10, order=2)
    with pytest.raises(TypeError, match="order must be the integer"):
        ring.predict(sigma_w2=0.5, sigma_b2=0.1, N=10, order="1")


def test_claims_are_decided_by_the_derivation(ring):
    derivation = large_n_corrections()
    assert [claim.status() for claim in derivation.claims] == ["reproduced", "reproduced"]
    # The linear ring's predict, compiled once: the same numbers, from the same compiled function.
    parameters = dict(sigma_w2=0.5, sigma_b2=0.1, N=10, order=1)
    ours, linear = derivation.predict(**parameters), ring.predict(**parameters)
    assert (ours.mean_r, ours.variance_r) == (linear.mean_r, linear.variance_r)
    assert linear_predictor() is ring.predictor


@pytest.mark.slow
def test_mean_against_the_exact_chain():
    """At N = 16 the Gaussian mean is off by many standard errors, the one-loop mean is not."""
    setup = dict(sigma_w2=0.5, sigma_b2=1.0, M=4000, L=48, transient=12)
    measured = linear_errors(np.random.default_rng(11), setup, widths=(16,))
    error = measured["mean_error"][0]
    second_order = 0.1 / 16**2 * measured["mean"][0]  # allowance for O(1/N^2): the slope check measures it
    assert abs(measured["mean"][0] - measured["mean_0"][0]) > 20 * error
    assert abs(measured["mean"][0] - measured["mean_1"][0]) < 4 * error + second_order


@pytest.mark.slow
def test_variance_against_the_exact_chain():
    """At N = 16 the Gaussian variance of r is off by many standard errors; the one-loop one by O(1/N^2)."""
    setup = dict(sigma_w2=0.5, sigma_b2=1.0, M=4000, L=48, transient=12)
    measured = linear_errors(np.random.default_rng(13), setup, widths=(16,))
    value, error = measured["variance"][0], measured["variance_error"][0]
    assert error < 1e-3 * value  # the control variates resolve relative errors of 1/N^2
    assert abs(value - measured["variance_0"][0]) > 20 * error
    assert abs(value - measured["variance_1"][0]) < 4 * error + 0.5 / 16**2 * value


@pytest.mark.slow
def test_stationary_moments_of_the_norm_chain():
    """E s^k, k = 1..4, against per-chain sample moments of the exact chain (errors across 20000 chains)."""
    sigma_w2, sigma_b2, width = 0.3, 0.7, 6
    squares = linear_norm_chain(sigma_w2, sigma_b2, width, 30, 20000, rng=np.random.default_rng(17))[:, 10:] ** 2
    exact = stationary_norm_moments(sigma_w2, sigma_b2, width, 4)
    for k in range(1, 5):
        per_chain = (squares**k).mean(axis=1)
        error = per_chain.std(ddof=1) / np.sqrt(per_chain.size)
        assert abs(per_chain.mean() - exact[k]) < 4.5 * error, k


@pytest.mark.slow
def test_mode_covariance_against_the_exact_chain(ring):
    """Band-averaged mode variances at N = 16: the order-0 spectrum is rejected, the order-1 one is not."""
    width, window, transient = 16, 256, 16
    norms = linear_norm_chain(0.5, 1.0, width, window + transient, 3000, rng=np.random.default_rng(5))
    verdicts = {}
    for order in (0, 1):
        prediction = ring.predict(sigma_w2=0.5, sigma_b2=1.0, N=width, order=order)
        estimate = mode_covariance_estimate(bulk_window(norms, transient) - prediction.mean_r)
        expected = windowed_prediction(prediction.mode_covariance, window)
        verdicts[order] = compare_with_prediction(estimate, expected, band=32).verdict
    assert verdicts == {0: "disagrees", 1: "agrees"}


@pytest.fixture(scope="module")
def relu():
    return relu_ring()


@pytest.mark.parametrize("width", [16, 64])
def test_relu_counting_field_is_exact(relu, width):
    """k ~ Binomial(N, 1/2) exactly: mean N/2 at every order, Var k = N/4, met by one loop up to O(1/N^2)."""
    order1 = relu.predict(sigma_w2=1.2, sigma_b2=0.5, N=width, order=1)
    assert order1.mean[2] == pytest.approx(width / 2, rel=1e-12)
    assert abs(order1.covariance[2, 2] / (width / 4) - 1) < 1 / width**2
    assert order1.mode_covariance(np.array([0.3])).shape == (1, 3, 3)
    order0 = relu.predict(sigma_w2=1.2, sigma_b2=0.5, N=width)
    np.testing.assert_allclose(order0.mean, [order0.r_plus_star, order0.r_minus_star, order0.k_star])
    assert np.all(np.abs(order1.mean[:2] / order0.mean[:2] - 1) < 5 / width)


@pytest.mark.slow
def test_relu_means_against_the_exact_chain():
    """At N = 16 the saddle misses the mean norms by many standard errors, the one-loop means do not."""
    setup = dict(sigma_w2=1.0, sigma_b2=1.0, M=4000, L=48, transient=12)
    measured = relu_errors(np.random.default_rng(12), setup, widths=(16,))
    value, error = measured["mean"][0], measured["mean_error"][0]
    assert np.all(np.abs(value - measured["mean_0"][0]) > 20 * error)
    assert np.all(np.abs(value - measured["mean_1"][0]) < 4 * error + 0.2 / 16**2 * value)


@pytest.mark.slow
@pytest.mark.parametrize("width", [16, 64])
def test_departure_from_gaussian_against_the_exact_chain(width):
    """Skewness and excess kurtosis of one layer's norm, of the sum over an 8-layer window and of the window's
    first cosine mode: the tree-level prediction (a window of the chain is a ring of 32 sites whose weights
    vanish outside it; sigma_w^2 = 0.5 decays by e^-24/1.44 over the padding) against 40000 chains. The
    Gaussian law (0) is rejected; the prediction is met within 4 jackknife errors plus its own next order
    (relative 3/N)."""
    window, transient, ring = 8, 20, 32
    weights = np.zeros((3, ring))
    weights[0, 0] = 1.0
    weights[1, :window] = 1.0
    weights[2, :window] = np.cos(2 * np.pi * np.arange(window) / window)
    predicted = linear_cumulants(sigma_w2=0.5, sigma_b2=1.0, N=width).linear_statistic(weights)
    norms = linear_norm_chain(0.5, 1.0, width, transient + window, 40_000, rng=np.random.default_rng(width))
    measured = sample_shape(norms[:, transient:] @ weights[:, :window].T)
    for value, error, expected in ((measured.skewness, measured.skewness_error, predicted.skewness),
                                   (measured.excess_kurtosis, measured.excess_kurtosis_error,
                                    predicted.excess_kurtosis)):
        assert np.all(np.abs(value - expected) < 4 * error + 3 / width * np.abs(expected))
    # Not Gaussian: one layer and the window sum are skewed by 0.2 to 0.5 (the cosine mode only by 0.04 at N = 64).
    assert np.all(np.abs(measured.skewness[:2]) > 6 * measured.skewness_error[:2])
