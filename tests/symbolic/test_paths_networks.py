"""Path expansions and symbolic networks against NumPy forward passes at random points."""

import numpy as np
import pytest
import sympy as sp

from nnfield.numeric.activations import RELU, TANH
from nnfield.symbolic import feedforward_network, gated_transfer, margin_loss, path_expansion, reflection_residual


def _numeric(matrix, values):
    return np.array(sp.Matrix(matrix).xreplace(values).evalf(), dtype=float)


@pytest.mark.parametrize("widths", [(3, 1), (2, 3, 1), (3, 2, 2, 2), (2, 2, 3, 2, 1)])
def test_path_sum_equals_the_matrix_product(widths):
    rng = np.random.default_rng(len(widths))
    weights = [rng.normal(size=(b, a)) for a, b in zip(widths, widths[1:])]  # W_l of shape (n_l, n_{l-1})
    gates = [rng.integers(0, 2, size=n) for n in widths[1:-1]]
    expected = weights[0]
    for gate, w in zip(gates, weights[1:]):
        expected = w @ np.diag(gate) @ expected
    expansion = path_expansion([sp.Matrix(w) for w in weights], [list(map(int, g)) for g in gates])
    assert len(expansion.paths) == np.prod(widths)
    assert np.allclose(np.array(expansion.transfer(), dtype=float), expected)
    assert np.allclose(np.array(gated_transfer(weights, gates), dtype=float), expected)


def test_gated_outputs_and_shape_errors():
    w1, w2 = sp.Matrix([[1], [2]]), sp.Matrix([[3, 4]])
    assert gated_transfer([w1, w2], [[1, 1], [0]]) == sp.Matrix([[0]])
    assert path_expansion([w1, w2], [[1, 1], [1]]).transfer() == sp.Matrix([[11]])
    with pytest.raises(ValueError, match=r"rows of one \(n_l\) must match the columns"):
        gated_transfer([w1, w1], [[1, 1]])
    with pytest.raises(ValueError, match="one gate vector per hidden layer"):
        path_expansion([w1, w2], [])
    with pytest.raises(ValueError, match="must have 2 entries"):
        path_expansion([w1, w2], [[1, 1, 1]])
    with pytest.raises(ValueError, match="at least one weight matrix"):
        path_expansion([], [])


def _numpy_forward(weights, x, activation, output_gate=False, biases=None):
    """The hand-written reference: rows of inputs, W_l of shape (n_l, n_{l-1}), z_l = a_{l-1} W_l^T + b_l."""
    a = x
    for layer, w in enumerate(weights):
        z = a @ w.T + (biases[layer] if biases is not None else 0)
        last = layer == len(weights) - 1
        a = z if last and not output_gate else (np.maximum(z, 0) if activation == "relu" else np.tanh(z))
    return a


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("biases", [False, True])
def test_forward_pass_with_resolved_gates_matches_numpy(activation, biases):
    network = feedforward_network((2, 3, 2, 1), {"relu": RELU, "tanh": TANH}[activation], biases=biases)
    x = sp.Matrix([[sp.Symbol("x1"), sp.Symbol("x2")]])
    forward = network.forward(x)
    output = forward.resolve(forward.output)
    rng = np.random.default_rng(7)
    for _ in range(5):
        values = {s: sp.Float(rng.normal()) for layer in network.layers for s in layer}
        values.update({s: sp.Float(rng.normal()) for s in x})
        weights = [_numeric(w, values) for w in network.weights]
        bias_values = [_numeric(b, values) for b in network.biases] if biases else None
        expected = _numpy_forward(weights, _numeric(x, values), activation, biases=bias_values)
        assert np.allclose(_numeric(output, values), expected)


def test_network_validation_and_losses():
    with pytest.raises(ValueError, match="at least two positive integers"):
        feedforward_network((2,), RELU)
    with pytest.raises(ValueError, match="at least two positive integers"):
        feedforward_network((2, 0, 1), RELU)
    with pytest.raises(TypeError, match="activation must be an activation object"):
        feedforward_network((2, 1), "sigmoid")
    with pytest.raises(ValueError, match=r"shape \(1, 2\)"):
        feedforward_network((2, 1), RELU).forward(sp.Matrix([[1, 2, 3]]))
    m, a = sp.symbols("m a")
    assert sp.diff(margin_loss("logistic", m), m, 2) != 0
    assert sp.diff(margin_loss("hinge", m, a), m, 2) == 0
    with pytest.raises(ValueError, match="active indicator"):
        margin_loss("hinge", m)
    with pytest.raises(ValueError, match="kind must be one of"):
        margin_loss("cross-entropy", m)


def test_reflection_residual():
    w, v = sp.symbols("w v", real=True)
    assert reflection_residual(w**3 * sp.Heaviside(v), [w]) == 0
    assert reflection_residual(w**2, [w]) == 2 * w**2
