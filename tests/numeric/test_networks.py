"""Bias-free networks: exact Hessians against hand-derived forms and finite differences, structure, training."""

import numpy as np
import pytest
import sympy as sp
from scipy import special

from nnfield.numeric.activations import ACTIVATIONS
from nnfield.numeric.networks import (
    Dataset,
    Network,
    finite_difference_hessian,
    forward_pass,
    gaussian_clouds,
    gradient,
    gradient_descent,
    hessian,
    layer_block,
    loss_slopes,
    output,
    risk,
    spectrum_summary,
)
from nnfield.symbolic import feedforward_network

SETTINGS = [(activation, loss) for activation in ("relu", "tanh", "linear") for loss in ("hinge", "squared")]


def setup(widths, activation="relu", loss="hinge", samples=10, seed=0):
    network = Network(widths, activation, loss)
    rng = np.random.default_rng(seed)
    return network, network.initial_parameters(rng=rng), gaussian_clouds(samples, widths[0], rng=rng)


def test_two_layer_linear_hessian_by_hand():
    """T = w2 . (W1 x), R = (T - y)^2 / 2 on one example: H = J J^T + (T - y) d^2T, d^2T/dW1[i,j] dw2[k] = delta_ik x_j."""
    network = Network((3, 2), activation="linear", loss="squared")
    w1 = np.array([[0.3, -1.2, 0.5], [0.7, 0.1, -0.4]])
    w2 = np.array([1.5, -0.8])
    x, y = np.array([0.9, -0.3, 1.1]), -1.0
    theta = np.concatenate([w1.ravel(), w2])
    hidden = w1 @ x
    t = w2 @ hidden
    jacobian = np.concatenate([np.outer(w2, x).ravel(), hidden])
    second = np.zeros((8, 8))
    for i in range(2):
        for j in range(3):
            second[i * 3 + j, 6 + i] = second[6 + i, i * 3 + j] = x[j]
    expected = np.outer(jacobian, jacobian) + (t - y) * second
    data = Dataset(x[None, :], [y])
    np.testing.assert_allclose(hessian(network, theta, data), expected, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(gradient(network, theta, data), (t - y) * jacobian, rtol=1e-13)
    assert risk(network, theta, data) == pytest.approx((t - y) ** 2 / 2, rel=1e-14)


def test_two_layer_relu_hinge_spectrum_is_plus_minus_the_norms_of_v():
    """Hand derivation: H = [[0, B], [B^T, 0]] with B[(i,j), k] = delta_ik v_i[j],
    v_i = (1/m) sum_mu l'_mu 1[z_mu,i > 0] x_mu, so the spectrum is {+-|v_i|} and n (n_0 - 1) zeros."""
    network, theta, data = setup((5, 7), samples=20, seed=3)
    w1 = network.weights(theta)[0]
    slopes = loss_slopes(network, theta, data) / data.size
    v = ((data.inputs @ w1.T > 0) * slopes[:, None]).T @ data.inputs  # (n, n_0)
    expected = np.sort(np.concatenate([np.linalg.norm(v, axis=1), -np.linalg.norm(v, axis=1), np.zeros(7 * 4)]))
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian(network, theta, data)), expected, atol=1e-12)


@pytest.mark.parametrize("activation, loss", SETTINGS)
@pytest.mark.parametrize("widths", [(4, 5), (3, 4, 5), (3, 4, 3, 4)])
def test_exact_hessian_matches_finite_differences(widths, activation, loss):
    network, theta, data = setup(widths, activation, loss, seed=len(widths))
    exact = hessian(network, theta, data, chunk=5)
    np.testing.assert_allclose(exact, exact.T, atol=1e-14)
    np.testing.assert_allclose(exact, finite_difference_hessian(network, theta, data), atol=1e-7 * np.abs(exact).max())


@pytest.mark.parametrize("activation, loss", SETTINGS)
def test_gradient_matches_finite_differences_of_the_risk(activation, loss):
    network, theta, data = setup((3, 4, 3), activation, loss, seed=5)
    step = 1e-6
    numeric = [(risk(network, theta + step * e, data) - risk(network, theta - step * e, data)) / (2 * step)
               for e in np.eye(theta.size)]
    np.testing.assert_allclose(gradient(network, theta, data), numeric, atol=1e-8)


@pytest.mark.parametrize("depth", [2, 3, 4])
def test_relu_hinge_has_empty_same_layer_blocks_and_zero_trace(depth):
    network, theta, data = setup((6,) + (5,) * (depth - 1), samples=16, seed=depth)
    matrix = hessian(network, theta, data)
    assert np.abs(matrix).max() > 0.01
    for layer in range(1, depth + 1):
        assert np.abs(layer_block(network, matrix, layer, layer)).max() == 0.0
    assert abs(np.trace(matrix)) == 0.0
    summary = spectrum_summary(matrix)
    assert summary.smallest < 0 < summary.largest  # a nonzero traceless matrix is indefinite


@pytest.mark.parametrize("activation, loss", [("relu", "squared"), ("tanh", "hinge")])
def test_controls_fill_the_same_layer_blocks(activation, loss):
    network, theta, data = setup((6, 5, 5), activation, loss, samples=16, seed=1)
    matrix = hessian(network, theta, data)
    scale = np.abs(matrix).max()
    assert all(np.abs(layer_block(network, matrix, layer, layer)).max() > 1e-3 * scale for layer in (1, 2))
    if loss == "squared":  # the Gauss-Newton term is positive semidefinite with positive trace
        assert np.trace(matrix) > 0.1 * np.linalg.norm(matrix)


def test_two_layer_spectrum_is_symmetric_and_deeper_is_not():
    two = spectrum_summary(hessian(*setup((8, 12), samples=24, seed=2)))
    assert abs(two.skewness) < 1e-10 and two.negative_fraction == 0.5
    three = spectrum_summary(hessian(*setup((8, 12, 12), samples=24, seed=2)))
    assert abs(three.skewness) > 1e-6 and abs(three.trace) < 1e-12 * three.frobenius


def test_gradient_descent_reaches_zero_hinge_risk_where_gradient_and_hessian_vanish():
    network, theta, data = setup((4, 10, 10), samples=16, seed=4)
    run = gradient_descent(network, theta, data, learning_rate=0.05, max_steps=3000, hessian_every=25)
    assert run.reached_zero_risk and run.risk[-1] == 0.0 and run.order_parameter[-1] == 0.0
    assert np.all(run.order_parameter[:-1] > 0)
    assert run.hessian_spectra[-1].frobenius == 0.0
    assert run.order_parameter[0] == pytest.approx(np.sum(gradient(network, theta, data) ** 2))
    assert run.hessian_steps[-1] == run.steps[-1] == len(run.risk) - 1


def test_spectrum_summary_of_known_eigenvalues():
    summary = spectrum_summary(eigenvalues=np.array([-2.0, 0.0, 0.0, 1.0, 1.0]))
    assert summary.trace == 0.0 and summary.zero_fraction == 0.4
    assert summary.negative_fraction == pytest.approx(1 / 3)
    assert summary.skewness == pytest.approx((-8 + 2) / 3 / (6 / 3) ** 1.5)  # over the nonzero ones


def test_data_and_parameters_are_reproducible():
    first, second = gaussian_clouds(8, 3, rng=5), gaussian_clouds(8, 3, rng=5)
    np.testing.assert_array_equal(first.inputs, second.inputs)
    network = Network((3, 4))
    np.testing.assert_array_equal(network.initial_parameters(rng=1), network.initial_parameters(rng=1))
    assert output(network, network.initial_parameters(rng=1), first.inputs).shape == (8,)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Network((3, 0)), ValueError, "widths\\[1\\] must be a positive integer"),
        (lambda: Network((3, 2.5)), ValueError, "widths\\[1\\] must be a positive integer"),
        (lambda: Network(()), ValueError, "at least the input width"),
        (lambda: Network(4), TypeError, "widths must be a sequence"),
        (lambda: Network((3, 4), activation="step"), ValueError, "activation must be an Activation or one of"),
        (lambda: Network((3, 4), activation=np.tanh), TypeError, "activation must be an Activation"),
        (lambda: Network((3, 4), loss="logistic"), ValueError, "loss must be one of"),
        (lambda: Dataset(np.ones((2, 3)), [1, 0]), ValueError, "labels must be \\+1 or -1"),
        (lambda: Dataset(np.ones((2, 3)), [1]), ValueError, "labels must be a vector"),
        (lambda: Network((3, 4)).weights(np.ones(5)), ValueError, "theta must be a vector of the network's 16"),
        (lambda: risk(Network((2, 4)), np.ones(12), gaussian_clouds(4, 3, rng=0)), ValueError, "expects n_0 = 2"),
        (lambda: risk(Network((3, 4)), np.ones(16), np.ones((4, 3))), TypeError, "data must be a Dataset"),
        (lambda: gaussian_clouds(0, 3), ValueError, "samples must be a positive integer"),
        (lambda: spectrum_summary(np.ones((2, 3))), ValueError, "matrix must be square"),
    ],
)
def test_errors_name_the_bad_value(make, error, message):
    with pytest.raises(error, match=message):
        make()


def _by_hand(weights, inputs, phi):
    """The reference forward pass, written out: W_l of shape (n_l, n_{l-1}), one input column at a time."""
    outputs = []
    for x in inputs:
        a = x
        for w in weights[:-1]:
            a = phi(w @ a)
        outputs.append(weights[-1] @ a)
    return np.array(outputs)


HAND_WRITTEN = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z,
                "gelu": lambda z: z * special.ndtr(z)}


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_one_forward_pass_numeric_symbolic_and_by_hand(name):
    """The numeric forward pass, the symbolic network with its gates resolved, and the pass written out by hand
    agree, all three in the one weight convention."""
    widths = (3, 4, 2)
    rng = np.random.default_rng(17)
    weights = [rng.normal(size=(n, previous)) for previous, n in zip(widths, widths[1:])]
    inputs = rng.normal(size=(4, widths[0]))
    expected = _by_hand(weights, inputs, HAND_WRITTEN[name])
    numeric = forward_pass(weights, inputs, ACTIVATIONS[name])
    np.testing.assert_allclose(numeric.pre_activations[-1], expected, rtol=1e-12, atol=1e-12)
    network = feedforward_network(widths, ACTIVATIONS[name])
    values = {symbol: value for matrix, w in zip(network.weights, weights) for symbol, value in zip(matrix, w.ravel())}
    for x, row in zip(inputs, expected):
        passed = network.forward(sp.Matrix([x.tolist()]))
        output = passed.resolve(passed.output).xreplace(values)
        np.testing.assert_allclose(np.array(output.evalf(), dtype=float).ravel(), row, rtol=1e-12, atol=1e-12)


def test_a_batch_of_networks_is_each_network_on_its_own():
    network = Network((3, 5, 4), "tanh")
    weights = network.sample_weights(6, rng=2)
    inputs = np.random.default_rng(3).normal(size=(6, 2, 3))
    batched = forward_pass(weights, inputs, network.activation).output
    for index in range(6):
        alone = forward_pass([w[index] for w in weights], inputs[index], network.activation).output
        np.testing.assert_allclose(batched[index], alone, rtol=1e-13)
    first = network.initial_parameters(rng=np.random.default_rng(9))
    np.testing.assert_array_equal(first, np.concatenate([w[0].ravel() for w in network.sample_weights(1, rng=9)]))
