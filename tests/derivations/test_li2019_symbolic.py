"""li2019, the symbolic half: derivations against independent numerical computations.

The networks here are plain NumPy (real ReLU, real hinge max), differentiated by finite differences,
so that nothing is shared with the symbolic engine but the definitions.
"""

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from nnfield.derivations.li2019 import (
    DERIVATIONS,
    circuits_derivation,
    gate_probability,
    gates_derivation,
    hessian_derivation,
    network_output,
    path_values,
)
from nnfield.derivations.li2019 import labels
from nnfield.derivations.li2019.hessian import WIDTHS
from nnfield.derivations.li2019.symbols import active, y
from nnfield.numeric.activations import RELU, TANH
from nnfield.symbolic import feedforward_network, weight_matrix

# ---------------------------------------------------------------- NumPy networks


def forward(weights, x, activation="relu"):
    """The hand-written reference, W_l of shape (n_l, n_{l-1}): z_l = W_l a_{l-1}."""
    a = x
    for w in weights[:-1]:
        z = w @ a
        a = np.maximum(z, 0) if activation == "relu" else np.tanh(z)
    return (weights[-1] @ a).item()


def loss(theta, shapes, data, activation="relu", kind="hinge"):
    weights, start = [], 0
    for shape in shapes:
        size = shape[0] * shape[1]
        weights.append(theta[start:start + size].reshape(shape))
        start += size
    total = 0.0
    for x, label in data:
        margin = label * forward(weights, x, activation)
        total += max(0.0, 1 - margin) if kind == "hinge" else (1 - margin) ** 2 / 2
    return total / len(data)


def finite_difference_hessian(f, theta, step=1e-4):
    n = len(theta)
    hessian = np.zeros((n, n))
    basis = np.eye(n) * step
    for i, j in itertools.combinations_with_replacement(range(n), 2):
        value = (f(theta + basis[i] + basis[j]) - f(theta + basis[i] - basis[j])
                 - f(theta - basis[i] + basis[j]) + f(theta - basis[i] - basis[j])) / (4 * step**2)
        hessian[i, j] = hessian[j, i] = value
    return hessian


def random_problem(widths, seed, samples=3):
    rng = np.random.default_rng(seed)
    shapes = list(zip(widths[1:], widths))
    theta = rng.normal(size=sum(a * b for a, b in shapes))
    data = [(rng.normal(size=widths[0]), rng.choice([-1.0, 1.0])) for _ in range(samples)]
    return shapes, theta, data


def layer_slices(shapes):
    bounds = np.cumsum([0] + [a * b for a, b in shapes])
    return [slice(lo, hi) for lo, hi in zip(bounds, bounds[1:])]


# ---------------------------------------------------------------- statuses


def test_derivations_are_exposed_for_the_audit():
    assert [derive.__name__ for derive in DERIVATIONS] == ["gates_derivation", "circuits_derivation",
                                                           "hessian_derivation"]


@pytest.mark.slow
def test_gate_and_circuit_statuses():
    statuses = {claim.equation: claim.status() for d in (gates_derivation(), circuits_derivation()) for claim in d.claims}
    assert statuses == {labels.MAXIMUM_ENTROPY: "reproduced", labels.HIERARCHICAL_EXPONENT: "reproduced",
                        labels.MATRIX_FORM: "reproduced", labels.FACTORIZATION: "reproduced",
                        labels.ZERO_TEMPERATURE: "reproduced", labels.CIRCUIT_EXPANSION: "reproduced",
                        labels.HINGE_RISK: "reproduced", labels.PATH_SYMMETRY: "reproduced",
                        labels.OUTPUT_SYMMETRY_TANH: "unsupported"}


@pytest.mark.slow
def test_hessian_statuses_and_conditions():
    derivation = hessian_derivation()
    statuses = {claim.equation: claim.status() for claim in derivation.claims}
    assert statuses == {labels.GRADIENT_NORM: "reproduced", labels.HESSIAN_CIRCUITS: "disputed",
                        labels.SAME_LAYER_BLOCKS: "reproduced", labels.HESSIAN_TRACE: "reproduced",
                        labels.SYMMETRIC_SPECTRUM: "unsupported", labels.SADDLES: "unsupported"}
    relu, hinge, two = sp.symbols("relu hinge_loss two_layers")
    assert derivation.claim(labels.SAME_LAYER_BLOCKS).derived == relu & hinge
    assert derivation.claim(labels.HESSIAN_TRACE).derived == relu & hinge
    assert derivation.claim(labels.SYMMETRIC_SPECTRUM).derived == relu & hinge & two
    # a limit statement: a width trend that shows the asymmetry vanish sides with the paper
    assert derivation.claim(labels.SYMMETRIC_SPECTRUM).status(simulation_supports_derived=False) == "reproduced"
    assert derivation.claim(labels.SYMMETRIC_SPECTRUM).limit


# ---------------------------------------------------------------- gates (eqs 1-8)


def test_gate_marginal_is_the_logistic_function_of_the_field():
    """Enumerate eq 6's law of the layer-2 gates numerically; each marginal is logistic(pre-activation)."""
    rng = np.random.default_rng(8)
    x, w1, w2 = rng.normal(size=2), rng.normal(size=(2, 3)), rng.normal(size=(3, 2))
    lower = np.array([1, 0, 1])
    configurations = np.array(list(itertools.product((0, 1), repeat=2)))
    weights = np.array([np.exp(x @ w1 @ np.diag(lower) @ w2 @ np.diag(h) @ np.ones(2)) for h in configurations])
    law = weights / weights.sum()
    field = x @ w1 @ np.diag(lower) @ w2
    marginals = configurations.T @ law
    assert np.allclose(marginals, 1 / (1 + np.exp(-field)))
    assert np.allclose(law, [np.prod([m if c else 1 - m for m, c in zip(marginals, h)]) for h in configurations])


def test_zero_temperature_limit_is_the_relu_gate():
    assert gate_probability(0.7, 1e-3) == 1.0 and gate_probability(-0.7, 1e-3) == pytest.approx(0.0, abs=1e-300)
    assert gate_probability(0.0, 1e-3) == 0.5
    assert gate_probability(0.7, 1.0) == pytest.approx(1 / (1 + np.exp(-0.7)))
    for field in (-1.3, 0.4, 2.0):
        assert field * gate_probability(field, 1e-4) == pytest.approx(max(field, 0.0))
    with pytest.raises(ValueError, match="temperature must be positive"):
        gate_probability(1.0, 0.0)


def test_factorization_holds_within_a_layer_only():
    derivation = gates_derivation()
    gates = [symbol for symbol in derivation.joint_exponent.free_symbols if symbol.name.startswith("h")]
    assert sp.Poly(derivation.joint_exponent, *gates).total_degree() == 2  # h^1 h^2 products: none across layers


# ---------------------------------------------------------------- circuits (eqs 10-12, 14)


@pytest.mark.parametrize("widths", [(3, 1), (2, 3, 1), (3, 2, 2, 1), (2, 3, 2, 2, 1)])
def test_path_sum_equals_the_relu_forward_pass(widths):
    rng = np.random.default_rng(sum(widths))
    for _ in range(3):
        weights = [rng.normal(size=(b, a)) for a, b in zip(widths, widths[1:])]
        x = rng.normal(size=widths[0])
        assert network_output([w.tolist() for w in weights], x.tolist()) == pytest.approx(forward(weights, x))


def test_bad_network_arguments():
    with pytest.raises(ValueError, match="one row"):
        network_output([[[1.0], [2.0]]], [1.0])
    with pytest.raises(ValueError, match="must have 2 entries"):
        network_output([[[1.0, 2.0]]], [1.0])
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        path_values(depth=0)


def _path_value_laws(hidden_values, output_values, gated_output=False):
    """Exact laws (Fractions) of the four path values of a (2, 2, 1) ReLU network, x = (1, 1/2)."""
    x = (Fraction(1), Fraction(1, 2))
    laws = [{} for _ in range(4)]
    weight = Fraction(1, len(hidden_values) ** 4 * len(output_values) ** 2)
    for hidden in itertools.product(hidden_values, repeat=4):
        w1 = [[hidden[0], hidden[1]], [hidden[2], hidden[3]]]  # W_1[i1][i0]
        z = [w1[j][0] * x[0] + w1[j][1] * x[1] for j in range(2)]
        gates = [1 if f > 0 else 0 for f in z]
        for w2 in itertools.product(output_values, repeat=2):
            out = sum(gates[j] * z[j] * w2[j] for j in range(2))
            out_gate = (1 if out > 0 else 0) if gated_output else 1
            for k, (i0, i1) in enumerate(itertools.product(range(2), repeat=2)):
                value = x[i0] * w1[i1][i0] * gates[i1] * w2[i1] * out_gate
                laws[k][value] = laws[k].get(value, 0) + weight
    return laws


def _symmetric(law):
    return all(law.get(-value, 0) == probability for value, probability in law.items())


def test_path_values_are_exactly_symmetric_by_enumeration():
    symmetric, skewed = (-2, -1, 1, 2), (-1, 1, 3)
    assert all(_symmetric(law) for law in _path_value_laws(symmetric, symmetric))
    assert all(_symmetric(law) for law in _path_value_laws(skewed, symmetric))  # hidden weights need no symmetry
    assert not all(_symmetric(law) for law in _path_value_laws(symmetric, skewed))
    assert not all(_symmetric(law) for law in _path_value_laws(symmetric, symmetric, gated_output=True))


def test_tanh_circuits_expand_the_tanh_network():
    network, values = path_values(depth=2, activation=TANH)
    x = [sp.Symbol("x_1", real=True), sp.Symbol("x_2", real=True)]
    point = {s: sp.Rational(k + 2, 7) * (-1) ** k for k, s in enumerate(sorted(
        set().union(*(v.free_symbols for v in values)), key=str))}
    tanh_output = network.forward(sp.Matrix([x])).output[0, 0]
    assert sp.N((sum(values) - tanh_output).xreplace(point)) == pytest.approx(0, abs=1e-12)


# ---------------------------------------------------------------- Hessian (eqs 15-19 and statements)


@pytest.mark.parametrize("activation, kind, expect_zero", [("relu", "hinge", True), ("relu", "squared", False),
                                                           ("tanh", "hinge", False)])
@pytest.mark.parametrize("widths", [(3, 3, 1), (2, 3, 2, 1)])
def test_same_layer_blocks_by_finite_differences(activation, kind, expect_zero, widths):
    shapes, theta, data = random_problem(widths, seed=len(widths) + len(kind))
    data = [(x, -np.sign(forward([theta[s].reshape(shape) for s, shape in zip(layer_slices(shapes), shapes)], x,
                                 activation))) for x, _ in data]  # y T < 0: every hinge active
    hessian = finite_difference_hessian(lambda t: loss(t, shapes, data, activation, kind), theta)
    blocks = [np.abs(hessian[s, s]).max() for s in layer_slices(shapes)]
    if expect_zero:
        assert max(blocks) < 1e-6 and abs(np.trace(hessian)) < 1e-6
    else:
        assert max(blocks[:-1]) > 1e-3 and abs(np.trace(hessian)) > 1e-3


@pytest.mark.parametrize("widths, symmetric", [((3, 4, 1), True), ((3, 3, 3, 1), False)])
def test_spectrum_symmetry_by_finite_differences(widths, symmetric):
    shapes, theta, data = random_problem(widths, seed=11)
    hessian = finite_difference_hessian(lambda t: loss(t, shapes, data), theta)
    eigenvalues = np.sort(np.linalg.eigvalsh(hessian))
    scale = np.abs(eigenvalues).max()
    asymmetry = np.abs(eigenvalues + eigenvalues[::-1]).max() / scale
    assert (asymmetry < 1e-5) == symmetric
    if not symmetric:
        assert abs(np.sum(eigenvalues**3)) / scale**3 > 1e-3  # tr H^3 != 0


def _claim_point(seed, label):
    """Values for the symbols of the eq 15-19 claims at a random point, gates and hinge indicator resolved."""
    rng = np.random.default_rng(seed)
    network = feedforward_network(WIDTHS, RELU)
    inputs = [sp.Symbol(f"x_{i}", real=True) for i in range(1, WIDTHS[0] + 1)]
    pass_ = network.forward(sp.Matrix([inputs]))
    values = {s: sp.Float(rng.normal()) for layer in network.layers for s in layer}
    values.update({s: sp.Float(rng.normal()) for s in inputs})
    values.update({gate: value.xreplace(values) for gate, value in pass_.gate_values().items()})
    output = float(pass_.output[0, 0].xreplace(values))
    values.update({y: label, active: 1 if label * output < 1 else 0})
    weights = [np.array(w.xreplace(values), dtype=float) for w in network.weights]
    x = np.array([float(values[s]) for s in inputs])
    return values, weights, x


@pytest.mark.slow
def test_gradient_norm_and_second_variation_against_finite_differences():
    derivation = hessian_derivation()
    values, weights, x = _claim_point(seed=4, label=1.0)
    assert values[active] == 1, "the point should have an active hinge"
    shapes = [w.shape for w in weights]
    theta = np.concatenate([w.ravel() for w in weights])
    f = lambda t: loss(t, shapes, [(x, 1.0)])
    gradient = np.array([(f(theta + e) - f(theta - e)) / 2e-6 for e in np.eye(len(theta)) * 1e-6])
    norm = derivation.claim(labels.GRADIENT_NORM).derived
    assert float(norm.xreplace(values)) == pytest.approx(gradient @ gradient, rel=1e-6)

    claim = derivation.claim(labels.HESSIAN_CIRCUITS)
    rng = np.random.default_rng(6)
    deltas = [rng.normal(size=shape) for shape in shapes]
    values.update({s: sp.Float(v) for l, d in enumerate(deltas, 1)
                   for s, v in zip(weight_matrix(l, *d.shape, name=r"\delta w"), d.ravel())})
    delta = np.concatenate([d.ravel() for d in deltas])
    quadratic = delta @ finite_difference_hessian(f, theta) @ delta
    assert float(claim.derived.xreplace(values)) == pytest.approx(quadratic, rel=1e-4)
    printed = float(claim.printed.xreplace(values))
    assert printed == pytest.approx(-quadratic, rel=1e-4)  # the missing L'(T) = -y = -1 here
    assert abs(printed - quadratic) > 1e-3 * abs(quadratic)


def test_dead_network_is_a_local_minimum_of_nonzero_risk():
    weights = [-np.ones((2, 2)), np.ones((1, 2))]
    x, label = np.ones(2), 1.0
    rng = np.random.default_rng(4)
    for _ in range(200):
        perturbed = [w + rng.uniform(-0.5, 0.5, size=w.shape) for w in weights]
        assert max(0.0, 1 - label * forward(perturbed, x)) == 1.0
