"""Samplers: the three agree in distribution, and each matches exact moments of the chain."""

import math

import numpy as np
import pytest
from scipy import stats

from nnfield.numeric.samplers import as_generator, dense_network_observables, exact_network_observables, linear_norm_chain
from nnfield.numeric.spectra import bulk_window
from nnfield.numeric.statistics import two_sample_test

ALPHA = 1e-3
SETUP = dict(sigma_b2=0.05, N=6, L=40, M=600)


def periodogram_at(norms, mode):
    """|fft|^2/Lw at one mode for each network: independent across networks."""
    window = bulk_window(norms, 20)
    return np.abs(np.fft.fft(window - window.mean(), axis=1)[:, mode]) ** 2 / window.shape[1]


@pytest.fixture(scope="module")
def samples():
    rng = np.random.default_rng(7)
    return {
        "dense": dense_network_observables(0.7, **SETUP, rng=rng),
        "exact": exact_network_observables(0.7, **SETUP, rng=rng),
        "chain": linear_norm_chain(0.7, **SETUP, rng=rng),
    }


@pytest.mark.parametrize("other", ["exact", "chain"])
def test_samplers_agree_with_the_dense_one_in_distribution(samples, other):
    assert two_sample_test(samples["dense"][:, -1], samples[other][:, -1]).p_value > ALPHA
    assert two_sample_test(periodogram_at(samples["dense"], 3), periodogram_at(samples[other], 3)).p_value > ALPHA


def test_the_two_sample_test_has_power_against_a_different_weight_variance(samples):
    other = linear_norm_chain(0.4, **SETUP, rng=np.random.default_rng(8))
    assert two_sample_test(samples["dense"][:, -1], other[:, -1]).p_value < ALPHA


def test_exact_sampler_for_tanh_agrees_with_dense():
    rng = np.random.default_rng(9)
    setup = dict(sigma_w2=1.5, sigma_b2=0.05, N=5, L=30, M=600)
    dense = dense_network_observables(**setup, phi=np.tanh, rng=rng)
    exact = exact_network_observables(**setup, phi=np.tanh, rng=rng)
    assert two_sample_test(dense[:, -1], exact[:, -1]).p_value > ALPHA


@pytest.mark.parametrize("sigma_w2", [0.3, 0.9])
def test_chain_mean_square_norm_is_exact(sigma_w2):
    """E r_l^2 = sigma_w2 E r_{l-1}^2 + N sigma_b2: stationary value N sigma_b2 / (1 - sigma_w2) at any N."""
    width, networks = 10, 2000
    norms = linear_norm_chain(sigma_w2, 0.02, width, 400, networks, rng=3)
    per_network = (norms[:, 200:] ** 2).mean(axis=1)
    z = (per_network.mean() - width * 0.02 / (1 - sigma_w2)) / (per_network.std(ddof=1) / math.sqrt(networks))
    assert abs(z) < stats.norm.isf(ALPHA / 2)


def test_chain_accepts_an_array_of_weight_variances_and_seeds_reproduce():
    first = linear_norm_chain([0.1, 0.5, 0.9], 0.01, 200, 16, 5, rng=11)
    second = linear_norm_chain([0.1, 0.5, 0.9], 0.01, 200, 16, 5, rng=11)
    assert first.shape == (3, 5, 16)
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("sampler", [dense_network_observables, exact_network_observables, linear_norm_chain])
@pytest.mark.parametrize(
    "change, error, message",
    [
        (dict(N=0), ValueError, "N must be a positive integer"),
        (dict(N=-2), ValueError, "N must be a positive integer"),
        (dict(L=2.5), ValueError, "L must be a positive integer"),
        (dict(M=0), ValueError, "M must be a positive integer"),
        (dict(M=True), TypeError, "M must be a positive integer"),
        (dict(sigma_w2=0.0), ValueError, "sigma_w2 must be a finite number > 0"),
        (dict(sigma_b2=-0.1), ValueError, "sigma_b2 must be a finite number >= 0"),
        (dict(sigma_b2=float("inf")), ValueError, "sigma_b2 must be a finite number >= 0"),
    ],
)
def test_bad_parameters(sampler, change, error, message):
    parameters = dict(sigma_w2=0.5, sigma_b2=0.01, N=4, L=3, M=2) | change
    with pytest.raises(error, match=message):
        sampler(**parameters, rng=0)


def test_rng_of_the_wrong_kind():
    with pytest.raises(TypeError, match="numpy.random.Generator, an integer seed or None"):
        as_generator("seed")
    with pytest.raises(TypeError, match="rng must be"):
        exact_network_observables(0.5, 0.01, 4, 3, 2, rng=np.random.RandomState(0))


def test_relu_samplers_agree_field_by_field():
    from nnfield.numeric.activations import RELU
    from nnfield.numeric.samplers import relu_parts, relu_parts_chain

    setup = dict(sigma_w2=1.4, sigma_b2=0.05, N=6, L=30, M=800)
    rng = np.random.default_rng(21)
    dense = dense_network_observables(**setup, phi=RELU, observe=relu_parts, rng=rng)
    for other in (exact_network_observables(**setup, phi=RELU, observe=relu_parts, rng=rng), relu_parts_chain(**setup, rng=rng)):
        for field in range(3):
            assert two_sample_test(dense[:, -1, field], other[:, -1, field]).p_value > ALPHA / 6


def test_relu_chain_has_power_against_a_wrong_weight_variance():
    from nnfield.numeric.samplers import relu_parts_chain

    first = relu_parts_chain(1.4, 0.05, 6, 30, 800, rng=1)
    second = relu_parts_chain(0.7, 0.05, 6, 30, 800, rng=2)
    assert two_sample_test(first[:, -1, 0], second[:, -1, 0]).p_value < ALPHA


@pytest.mark.parametrize("phi", [None, np.tanh])
def test_multi_input_exact_sampler_agrees_with_dense(phi):
    from nnfield.numeric.samplers import dense_network_overlaps, exact_network_overlaps

    inputs = np.random.default_rng(5).standard_normal((3, 6))
    dense = dense_network_overlaps(1.3, 0.1, 6, 5, 1200, inputs, phi=phi, rng=1)
    exact = exact_network_overlaps(1.3, 0.1, 6, 5, 1200, inputs, phi=phi, rng=2)
    p_values = [two_sample_test(dense[:, -1, i, j], exact[:, -1, i, j]).p_value for i in range(3) for j in range(i, 3)]
    assert min(p_values) > ALPHA / len(p_values)
    # Power: a different bias variance is detected in the off-diagonal overlap.
    shifted = exact_network_overlaps(1.3, 0.4, 6, 5, 1200, inputs, phi=phi, rng=3)
    assert two_sample_test(dense[:, -1, 0, 1], shifted[:, -1, 0, 1]).p_value < ALPHA


def test_multi_input_inputs_are_checked():
    from nnfield.numeric.samplers import exact_network_overlaps

    with pytest.raises(ValueError, match=r"inputs must be an array of shape \(K, N\)"):
        exact_network_overlaps(1.0, 0.1, 6, 5, 10, np.ones((2, 5)))


def test_without_bias_and_with_an_activation_object():
    """sigma_b2 = 0 is allowed; a linear network then has E[|z^l|^2/N] = sigma_w2^(l+1) |x|^2/N exactly."""
    from nnfield.numeric.activations import LINEAR, TANH
    from nnfield.numeric.samplers import exact_network_overlaps

    inputs = np.ones((1, 20))
    overlaps = exact_network_overlaps(0.8, 0.0, N=20, L=4, M=4000, inputs=inputs, phi=LINEAR, rng=3)[:, :, 0, 0]
    errors = overlaps.std(axis=0, ddof=1) / math.sqrt(4000)
    assert np.all(np.abs(overlaps.mean(axis=0) - 0.8 ** np.arange(1, 5)) < 4.5 * errors)
    assert exact_network_observables(1.5, 0.0, N=10, L=3, M=2, phi=TANH, rng=0).shape == (2, 3)
    with pytest.raises(TypeError, match="phi must be an Activation"):
        exact_network_observables(1.5, 0.0, N=10, L=3, M=2, phi="tanh", rng=0)
