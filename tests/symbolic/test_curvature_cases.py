"""Hessian blocks, spectrum symmetry, case tables and statement claims."""

import numpy as np
import pytest
import sympy as sp

from nnfield.symbolic import (
    Claim,
    compare,
    condition_from_cases,
    layer_hessian,
    odd_moments,
    sign_symmetry,
    spectrum_symmetric,
    vanishes,
)

a, b, c, d = sp.symbols("a b c d", real=True)


def test_blocks_and_exact_sign_symmetry():
    hessian = layer_hessian(a * c + b * c * d + a * d, [[a, b], [c, d]])
    assert hessian.block(1, 1).is_zero_matrix and hessian.block(2, 2) == sp.Matrix([[0, b], [b, 0]])
    assert sign_symmetry(hessian) is None  # a same-layer block couples c and d
    assert sign_symmetry(layer_hessian(a * c + b * d, [[a, b], [c, d]])) == (1, -1)
    with pytest.raises(ValueError, match="numbered 1..2"):
        hessian.block(0, 1)
    with pytest.raises(ValueError, match="appears in two layers"):
        layer_hessian(a, [[a], [a]])


def test_symmetric_spectrum_where_signs_exist():
    """A random bipartite quadratic form: numerically the spectrum is symmetric, as S H S = -H says."""
    rng = np.random.default_rng(3)
    x, y = sp.symbols("x1:4"), sp.symbols("y1:3")
    coupling = rng.normal(size=(3, 2))
    f = sum(sp.Float(coupling[i, j]) * x[i] * y[j] for i in range(3) for j in range(2))
    hessian = layer_hessian(f, [x, y])
    assert spectrum_symmetric(hessian, {}) is True
    eigenvalues = np.sort(np.linalg.eigvalsh(np.array(hessian.matrix, dtype=float)))
    assert np.allclose(eigenvalues, -eigenvalues[::-1])
    triangle = layer_hessian(a * b * c, [[a], [b], [c]])
    assert spectrum_symmetric(triangle, {a: 1, b: 1, c: 1}) is False
    assert float(odd_moments(triangle, {a: 1, b: 1, c: 1})[1]) == 6  # tr H^3 = 6abc
    with pytest.raises(ValueError, match="odd positive"):
        odd_moments(triangle, {a: 1, b: 1, c: 1}, orders=(2,))
    with pytest.raises(ValueError, match="without values"):
        odd_moments(triangle, {a: 1})


def test_vanishes_is_three_valued():
    assert vanishes(sp.expand((a + b) ** 2) - a**2 - 2 * a * b - b**2, {a: 1, b: 2}) is True
    assert vanishes(sp.tanh(a) ** 2, {a: 1}) is False
    assert vanishes(a - 1, {a: 1}) is None


def test_condition_from_cases():
    relu, hinge, deep = sp.symbols("relu hinge_loss deep")
    table = condition_from_cases(lambda relu, hinge_loss, deep: relu and hinge_loss and not deep, [relu, hinge, deep])
    assert table.condition == relu & hinge & ~deep
    assert len(table.cases) == 8
    assert condition_from_cases(lambda relu: False, [relu]).condition == sp.false
    with pytest.raises(ValueError, match="could not be decided"):
        condition_from_cases(lambda relu: None, [relu])
    with pytest.raises(TypeError, match="sympy Symbols"):
        condition_from_cases(lambda relu: True, ["relu"])
    with pytest.raises(KeyError, match="give one bool for each of: relu, hinge_loss, deep"):
        table.verdict(relu=True)


def test_statement_comparison_and_status():
    relu, hinge, biases = sp.symbols("relu hinge_loss biases")
    weaker = compare(relu & hinge & ~biases, relu & hinge, kind="statement")
    assert weaker.equal is True and weaker.residual == sp.false and weaker.method == "statement"
    contradicted = compare(relu & hinge, relu & hinge & ~biases, kind="statement")
    assert contradicted.equal is False and contradicted.residual == relu & hinge & biases
    with pytest.raises(TypeError, match="SymPy Boolean"):
        compare(a > 0, relu, kind="statement")
    statement = Claim("p", "s", (), "a statement", "", relu & hinge, relu & hinge & ~biases, contradicted, statement=True)
    assert statement.status() == "unsupported"
    assert statement.status(simulation_supports_derived=True) == "unsupported"
    assert statement.status(simulation_supports_derived=False) == "disputed"
    supported = Claim("p", "s", (), "a statement", "", sp.true, sp.true, compare(sp.true, sp.true, kind="statement"),
                      statement=True)
    assert supported.status() == "reproduced"
    equation = Claim("p", "1", (), "an equation", "", a, 2 * a, compare(a, 2 * a))
    assert equation.statement is False and equation.status() == "disputed"


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("loss", ["squared", "hinge", "logistic"])
def test_derivative_is_sympys_diff_node_for_node(activation, loss):
    from nnfield.numeric.activations import RELU, TANH
    from nnfield.symbolic import derivative, feedforward_network, margin_loss

    network = feedforward_network((2, 2, 1), TANH if activation == "tanh" else RELU, biases=True)
    inputs = sp.Matrix([[sp.Symbol("x_1", real=True), sp.Symbol("x_2", real=True)]])
    label, active = sp.Symbol("y", real=True), sp.Symbol("alpha", real=True)
    expression = margin_loss(loss, label * network.forward(inputs).output[0, 0], active)
    parameters = [p for layer in network.layers for p in layer]
    for first in parameters[::3]:
        gradient = derivative(expression, first)
        assert sp.srepr(gradient) == sp.srepr(sp.diff(expression, first))  # the same tree, not only the same value
        for second in parameters[::2]:
            assert sp.srepr(derivative(gradient, second)) == sp.srepr(sp.diff(gradient, second))


def test_derivative_by_hand_and_its_errors():
    from nnfield.symbolic import derivative

    x = sp.IndexedBase("x", real=True)
    # d/da [a^3 tanh(a b) + exp(a)] = 3 a^2 tanh(a b) + a^3 b (1 - tanh(a b)^2) + exp(a), written out by hand.
    by_hand = 3 * a**2 * sp.tanh(a * b) + a**3 * b * (1 - sp.tanh(a * b) ** 2) + sp.exp(a)
    assert sp.expand(derivative(a**3 * sp.tanh(a * b) + sp.exp(a), a) - by_hand) == 0
    assert derivative(c * x[1] ** 2, c) == x[1] ** 2 and derivative(d, c) == 0
    with pytest.raises(TypeError, match="Symbol"):
        derivative(a * b, a * b)


def test_derivative_in_indexed_fields_is_sympys_diff():
    from nnfield.symbolic import derivative

    x, y = sp.IndexedBase("x", positive=True), sp.IndexedBase("y", real=True)
    site, n = sp.Symbol("l", integer=True), sp.Symbol("N", positive=True)
    energy = (n * sp.log(c**2 + d**2 * x[site - 1] ** 2 / n) / 2
              + x[site] ** 2 / (2 * c**2 + 2 * d**2 * x[site - 1] ** 2 / n)
              - (n - y[site]) * sp.log(x[site]) + y[site] * sp.log(y[site]) + sp.tanh(y[site - 1] * x[site]))
    fields = [x[site], x[site - 1], y[site], y[site - 1]]
    for first in fields:
        assert sp.srepr(derivative(energy, first)) == sp.srepr(sp.diff(energy, first))
        for second in fields:  # two variables: Derivative's order and its factor_terms(signsimp(...)) tidying
            assert sp.srepr(derivative(energy, first, second)) == sp.srepr(sp.diff(energy, first, second))
    i, j = sp.symbols("i j", integer=True)  # symbolic offsets: KroneckerDelta(i, j) is not zero, sympy.diff decides
    assert derivative(x[i] * x[j], x[i]) == sp.diff(x[i] * x[j], x[i])
