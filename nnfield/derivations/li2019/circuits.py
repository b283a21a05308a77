"""Circuits: the path expansion of a bias-free ReLU network, the hinge risk, path-value symmetry
(li2019, Sec. II.3.2 and II.4.2, eqs 10-12 and 14).

At a fixed gate pattern (the ReLU gates :math:`h = \\Theta(z)` of one input) the network's output
is a product of gated matrices, :math:`T(x) = x^T W_1 \\mathrm{dg}(h_1) \\cdots W_L`, whose entries
are sums over input-output paths of the product of weights and gates met (eqs 10-11). Eq 14's
circuit symmetry is exact: flipping the sign of the last layer's weights leaves every gate unchanged
(no gate depends on them) and flips every path value, so whenever that flip preserves the law of the
weights the path values are symmetric about zero.
"""

from __future__ import annotations

import functools
import itertools
import random

import sympy as sp

from nnfield.derivations.li2019 import labels
from nnfield.derivations.li2019.labels import PAPER
from nnfield.derivations.li2019.symbols import (
    SETTING,
    WEIGHT_SYMMETRY,
    bias_free,
    output_gate,
    relu,
    symmetric_output_weights,
    two_layers,
)
from nnfield.numeric.activations import RELU, TANH, Activation
from nnfield.symbolic import (
    ClaimFactory,
    Derivation,
    Step,
    condition_from_cases,
    feedforward_network,
    gated_transfer,
    path_expansion,
    reflection_residual,
)


__all__ = ["circuits_derivation", "path_values", "network_output", "QUOTES"]

QUOTES = {
    "10-11": r"\sum_{\bm{i}\in I}X_{i_{0}}\Psi^{\wedge 1\sim L\wedge}_{\bm{i}} \;(10),\quad \Psi^{\wedge 1\ldots L\wedge}_{\bm{i}}"
             r":=\prod_{l=1}^{L-1}W^{l}_{i_{l-1}i_{l}}H^{l}_{i_{l}}W^{L}_{i_{L-1}i_{L}},\ I=\overrightarrow{\otimes}_{l\in\mathbb{L}}[n_{l}] \;(11)",
    "12": r"R=\mathbb{E}_{(X,Y)\sim\mu}\left[\max(0,1-YT(X)\right]=\mathbb{E}_{(X,Y)\sim\mu}\left[\max(0,1-Y\sum_{\bm{i}\in I}"
          r"X_{i_{0}}\Psi^{\wedge 1\sim L\wedge}_{\bm{i}})\right]",
    "14": r"for any basis circuits whose weights are of weight symmetry, \mu(\psi^{1\sim L\wedge}_{\bm{i}})\approx"
          r"\mu(-\psi^{1\sim L\wedge}_{\bm{i}})",
    "tanh": r"this formalism does not apply for activation function like Sigmoid or Tanh: the circuit symmetries do not "
            r"hold for Sigmoid or Tanh",
}

_claim = ClaimFactory(PAPER, QUOTES)

WIDTHS = (2, 2, 2, 1)  # the bias-free ReLU network of the path expansion: L = 3
SAMPLES = 2  # data in the empirical hinge risk


def network_output(weights, inputs) -> float:
    """The output of a bias-free ReLU network with linear output, summed over its paths (eq 10).

    The gates are those of the input, :math:`h_l = \\Theta(z_l)`; this is the ``predict`` of
    :func:`circuits_derivation`.

    Parameters
    ----------
    weights : sequence of 2-d sequences of numbers
        :math:`W_1, \\dots, W_L`, :math:`W_l` of shape :math:`(n_l, n_{l-1})` with :math:`n_L = 1`.
    inputs : sequence of numbers
        :math:`x`, of length :math:`n_0`.

    Examples
    --------
    >>> network_output([[[1.0], [-1.0]], [[2.0, 3.0]]], [1.0])
    2.0
    """
    matrices = [sp.Matrix(w) for w in weights]
    if matrices[-1].shape[0] != 1:
        raise ValueError(f"the last weight matrix must have one row (binary classification); got {matrices[-1].shape}")
    activation, gates = sp.Matrix([list(inputs)]), []
    if activation.shape[1] != matrices[0].shape[1]:
        raise ValueError(f"inputs must have {matrices[0].shape[1]} entries (the columns of W_1); got {activation.shape[1]}")
    for w in matrices[:-1]:
        z = activation * w.T
        gates.append([1 if value > 0 else 0 for value in z])
        activation = z.multiply_elementwise(sp.Matrix([gates[-1]]))
    expansion = path_expansion(matrices, gates)
    return float(sum(inputs[path[0]] * circuit for path, circuit in zip(expansion.paths, expansion.circuits)))


def path_values(*, depth: int = 3, activation: Activation = RELU, biases: bool = False, gated_output: bool = False):
    """The path values :math:`\\psi_{\\boldsymbol i} = x_{i_0}\\Psi_{\\boldsymbol i}` of one input, gates resolved.

    For a gated activation (ReLU) the gates are its gate, :math:`\\Theta(z)`; otherwise (tanh) the soft
    gates :math:`g(z) = \\phi(z)/z`, with which :math:`\\phi(z) = g(z) z` and the path expansion holds as
    for ReLU. Widths are two per layer and one output.

    Returns
    -------
    (network, values) : FeedforwardNetwork and tuple of sympy.Expr

    Examples
    --------
    >>> network, values = path_values(depth=2)
    >>> len(values), values[0]
    (4, w^{1}_{1,1}*w^{2}_{1,1}*x_1*Heaviside(w^{1}_{1,1}*x_1 + w^{1}_{1,2}*x_2, 0))
    """
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"depth must be a positive integer (the number of weight layers); got {depth!r}")
    widths = (2,) * depth + (1,)
    network = feedforward_network(widths, activation, biases=biases, output_gate=gated_output)
    inputs = sp.Matrix([[sp.Symbol(f"x_{i}", real=True) for i in range(1, widths[0] + 1)]])
    forward = network.forward(inputs)
    if forward.gates:
        gates = [forward.resolve(g) for g in forward.gates]
    else:
        gated = network.depth if gated_output else network.depth - 1
        soft = sp.Lambda(activation.variable, activation.expression / activation.variable)
        gates = [z.applyfunc(soft) for z in forward.pre_activations[:gated]]
    expansion = path_expansion(network.weights, gates)
    return network, tuple(inputs[path[0]] * circuit for path, circuit in zip(expansion.paths, expansion.circuits))


def _positive_point(expressions, seed=14) -> dict:
    generator = random.Random(seed)
    symbols = sorted(set().union(*(e.free_symbols for e in expressions)), key=str)
    return {s: sp.Rational(generator.randint(11, 97), 37) for s in symbols}


def _flip_is_odd(relu: bool, bias_free: bool, output_gate: bool, two_layers: bool) -> bool | None:
    """Is every path value odd under the sign flip of the last layer's weights? ``False`` comes with a
    counterexample: a point where :math:`\\psi(-W_L) + \\psi(W_L) \\neq 0`."""
    network, values = path_values(depth=2 if two_layers else 3, activation=RELU if relu else TANH,
                                  biases=not bias_free, gated_output=output_gate)
    last = network.weights[-1]
    point = _positive_point(values)
    flipped_point = {s: -v if s in set(last) else v for s, v in point.items()}
    if any(abs(sp.N(value.xreplace(point) + value.xreplace(flipped_point), 20)) > 1e-12 for value in values):
        return False
    residuals = [reflection_residual(value, last) for value in values]
    return all(r == 0 or sp.cancel(r) == 0 for r in residuals) or None


@functools.lru_cache(maxsize=1)
def circuits_derivation() -> Derivation:
    """Eqs 10-12 and 14 of li2019: path expansion, hinge risk, circuit symmetry.

    Named results: ``network`` and its ``forward`` pass, ``output``, ``hinge_risk``, ``path_symmetry`` (the
    derived condition of eq 14) and ``flip_cases`` (its case table); ``predict(weights, inputs)`` is
    :func:`network_output`.

    Examples
    --------
    >>> [(claim.equation, claim.status()) for claim in circuits_derivation().claims]
    [('10-11', 'reproduced'), ('12', 'reproduced'), ('14', 'reproduced'), ('Sec. II.7: tanh', 'unsupported')]
    """
    steps, claims = [], []
    network = feedforward_network(WIDTHS, RELU)
    depth = network.depth
    inputs = sp.Matrix([[sp.Symbol(f"x_{i}", real=True) for i in range(1, WIDTHS[0] + 1)]])
    forward = network.forward(inputs)
    (output,) = forward.output
    steps.append(Step(f"Output of the bias-free ReLU network {WIDTHS} at a fixed gate pattern (forward pass)", output, "10"))

    # Eqs 10-11, transcribed: sum over index tuples of X_{i0} prod_{l<L} W^l H^l W^L. The paper's W^l_{i_{l-1} i_l} is
    # entry [i_l, i_{l-1}] of nnfield's W_l, of shape (n_l, n_{l-1}).
    printed_output = sp.Integer(0)
    for path in itertools.product(*(range(n) for n in WIDTHS)):
        circuit = inputs[path[0]]
        for layer in range(1, depth):
            circuit *= network.weights[layer - 1][path[layer], path[layer - 1]] * forward.gates[layer - 1][path[layer]]
        printed_output += circuit * network.weights[-1][path[-1], path[-2]]
    claims.append(_claim("10-11", labels.CIRCUIT_EXPANSION, "output of a bias-free ReLU network as a sum over paths",
                         printed_output, sp.expand(output),
                         note=f"Depth {depth}, widths {WIDTHS}, {len(list(itertools.product(*map(range, WIDTHS))))} paths, "
                              "symbolic weights and gates. The expansion needs no biases (a bias would start extra paths "
                              "of its own) and a gate pattern held fixed (the gates of the input at hand). The text calls "
                              "eq 10 'the exponent in eq 6'; it is the field of the output gate: the exponent at s = L "
                              "(with eq 6's fix) is h_L times eq 10."))
    output_gate_symbol = sp.Matrix([[sp.Symbol(f"h^{{{depth}}}_{{1}}")]])
    gated_exponent = (gated_transfer(network.weights, [*forward.gates, output_gate_symbol]) * inputs.T)[0, 0]
    steps.append(Step("Exponent of eq 6 at s = L (summed), divided by the forward-pass output: the output gate h_L",
                      sp.factor(sp.expand(gated_exponent) / sp.expand(output)), "10"))

    # Eq 12: the empirical hinge risk over SAMPLES data, each with its own gates.
    labels_y = sp.symbols(f"y_1:{SAMPLES + 1}", real=True)
    derived_risk, printed_risk = sp.Integer(0), sp.Integer(0)
    for k in range(1, SAMPLES + 1):
        datum = sp.Matrix([[sp.Symbol(f"x^{{({k})}}_{{{i}}}", real=True) for i in range(1, WIDTHS[0] + 1)]])
        datum_forward = network.forward(datum, tag=f";{k}")
        derived_risk += sp.Max(0, sp.expand(1 - labels_y[k - 1] * datum_forward.output[0, 0])) / SAMPLES
        expansion = path_expansion(network.weights, datum_forward.gates)
        paths_sum = sum(datum[path[0]] * circuit for path, circuit in zip(expansion.paths, expansion.circuits))
        printed_risk += sp.Max(0, sp.expand(1 - labels_y[k - 1] * paths_sum)) / SAMPLES
    steps.append(Step(f"Empirical hinge risk over {SAMPLES} data (forward pass; the gates differ per datum)",
                      derived_risk, "12"))
    claims.append(_claim("12", labels.HINGE_RISK, "hinge risk in circuit form", printed_risk, derived_risk,
                         note="The expectation is the empirical mean over the sample. Each datum has its own gate "
                              "pattern, so Psi_i in the second line depends on X through its gates. The first line of "
                              "eq 12 as printed misses a closing parenthesis, max(0, 1 - Y T(X)."))

    # Eq 14: the sign flip of the last layer's weights, decided model by model.
    table = condition_from_cases(_flip_is_odd, [relu, bias_free, output_gate, two_layers])
    steps.append(Step("Condition (over activation, biases, output gate, depth 2 or 3) under which every path value is "
                      "odd in the last layer's weights", table.condition, "14"))
    gated_network, gated_values = path_values(depth=2, gated_output=True)
    steps.append(Step("With an output gate: psi(-W_L) + psi(W_L) for the first path (not zero: the gate depends on W_L)",
                      reflection_residual(gated_values[0], gated_network.weights[-1]), "14"))
    tanh_network = feedforward_network((2, 2, 1), TANH)
    tanh_output = tanh_network.forward(inputs).output[0, 0]
    steps.append(Step("tanh network: T(-W_L) + T(W_L), the output is odd in the last layer's weights too",
                      reflection_residual(tanh_output, tanh_network.weights[-1]), "14"))
    derived_symmetry = symmetric_output_weights & table.condition
    claims.append(_claim("14", labels.PATH_SYMMETRY, "path values symmetric about zero at initialisation",
                         WEIGHT_SYMMETRY & SETTING, derived_symmetry, statement=True,
                         note="Exact, not approximate. For every path, psi_i(-W_L) = -psi_i(W_L): no gate depends on the "
                              "last layer's weights (the output is linear, eq 11 has no H^L). If W_L has a sign-symmetric "
                              "law independent of the other weights and the data, W_L -> -W_L preserves the joint law, so "
                              "psi_i and -psi_i have the same law, jointly for all paths (and the output T). The "
                              "derivation needs neither ReLU (tanh with soft gates tanh(z)/z works alike), nor symmetric "
                              "hidden weights, nor biases to be absent, nor weakly correlated gates; it fails with a gate "
                              "on the output. Derived condition: the flip argument's hypothesis times the case table "
                              "(depths 2 and 3)."))
    claims.append(_claim("tanh", labels.OUTPUT_SYMMETRY_TANH, "circuit symmetry fails for tanh",
                         ~relu & WEIGHT_SYMMETRY & bias_free & ~output_gate, ~derived_symmetry, statement=True,
                         note="The printed form is where the paper says circuit symmetry fails (tanh networks, otherwise "
                              "its setting); the derived form is a necessary condition for it to fail, the negation of the "
                              "sufficient condition of eq 14. With tanh written as g(z) z, g = tanh(z)/z, the path "
                              "expansion holds and every path value, like the output, is odd in the last layer's weights: "
                              "at initialisation with symmetric weights the symmetry holds exactly for tanh too. What "
                              "tanh changes is the curvature (see the Hessian claims), not this symmetry."))
    return Derivation(PAPER, "Circuits: path expansion, hinge risk, circuit symmetry (eqs 10-12, 14)", tuple(steps),
                      tuple(claims), predictor=network_output,
                      results=dict(network=network, forward=forward, output=output, hinge_risk=derived_risk,
                                   path_symmetry=derived_symmetry, flip_cases=table))
