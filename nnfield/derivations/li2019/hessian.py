"""Gradient and Hessian in circuit form, and what the Hessian's blocks imply (li2019, Sec. II.5-II.6, eqs 15-19).

Where the Hessian exists (no datum on the hinge, :math:`yT \\neq 1`, no pre-activation at zero) the
gates and the hinge indicator are locally constant, so the risk of one datum is
:math:`\\ell = \\alpha(1 - yT)` with :math:`T` linear in the weights of each layer separately (every
path meets one weight per layer). Hence :math:`H = -\\alpha y\\,\\partial^2 T` has no same-layer
blocks, its trace vanishes, and for two layers it is bipartite, so :math:`S H S = -H` with
:math:`S = \\mathrm{dg}(1, -1)` and the spectrum is exactly symmetric. Each statement is decided
case by case over activation (ReLU or tanh), loss (hinge or squared), biases and depth (2 or 3),
with a counterexample wherever it fails.
"""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass

import sympy as sp

from nnfield.derivations.li2019 import labels
from nnfield.derivations.li2019.labels import PAPER
from nnfield.derivations.li2019.symbols import (
    SETTING,
    active,
    bias_free,
    hinge_loss,
    loss_slope,
    nonzero_hessian,
    relu,
    two_layers,
    y,
)
from nnfield.numeric.activations import RELU, TANH
from nnfield.symbolic import (
    ClaimFactory,
    Claim,
    Derivation,
    LayerHessian,
    Step,
    condition_from_cases,
    derivative,
    feedforward_network,
    layer_hessian,
    margin_loss,
    odd_moments,
    sign_symmetry,
    spectrum_symmetric,
    vanishes,
    weight_matrix,
)


__all__ = ["HessianCase", "hessian_case", "hessian_derivation", "QUOTES"]

QUOTES = {
    "15-16": r"||\nabla_{\theta}R||_{2}^{2}=\sum_{l=1}^{L}\sum_{i_{l-1},i_{l}}\sum_{\bm{i},\bm{i}'\in I^{\setminus\{l-1,l\}}_{i_{l-1}i_{l}}}"
             r"\Omega^{\overline{l}_{\setminus\{l\}}}_{\bm{i}}\Omega^{\overline{l}_{\setminus\{l\}}}_{\bm{i}'} \;(15),\quad "
             r"\Omega = X_{i_{0}}\Psi^{\wedge 1\sim l-1\wedge}_{\bm{i}_{:l}}H^{l-1}_{i_{l-1}}H^{l}_{i_{l}}"
             r"\Psi^{\wedge l+1\sim L\wedge}_{\bm{i}_{l:}}\mathcal{L}^{\prime}(\cdot) \;(16)",
    "18-19": r"\delta\bm{\theta}^{T}\bm{H}\delta\bm{\theta}=\sum_{l,l'=1}^{L}\sum_{i_{l-1},i_{l},i_{l'-1},i_{l'}}"
             r"\sum_{\bm{i}\in I^{\setminus\{l-1,l,l'-1,l'\}}}\mathbb{E}[\Omega^{\overline{l}_{\setminus\{l,l'\}}}_{\bm{i}}]"
             r"\delta w^{l}_{i_{l-1}i_{l}}\delta w^{l'}_{i_{l'-1}i_{l}^{\prime}} \;(18),\quad "
             r"\Omega^{\overline{l}_{\setminus\{l,l'\}}}_{\bm{i}}:=\Psi^{1\sim l-1}_{\bm{i}_{:l}}\Psi^{l+1\sim l'-1}_{\bm{i}_{l:l'}}"
             r"\Psi^{l'+1\sim L}_{\bm{i}_{l':}} \;(19)",
    "spectrum": r"for a hierarchically large DNN, the eigenspectrum of its Hessian is symmetric w.r.t. y-axis throughout "
                r"training ... \forall\lambda\in\mathbb{R},\mu_{\bm{H}}(\lambda)\approx\mu_{\bm{H}}(-\lambda)",
    "blocks": r"eq. 18 ... \Omega^{\overline{l}_{\setminus\{l,l'\}}}_{\bm{i}}:=\Psi^{1\sim l-1}\Psi^{l+1\sim l'-1}\Psi^{l'+1\sim L}: "
              r"basis circuits with the perturbed weights being differentiated out (Fig. 2); the setting: ReLU, no biases, "
              r"hinge loss (Sec. II.7)",
    "trace": r"\forall\lambda\in\mathbb{R},\mu_{\bm{H}}(\lambda)\approx\mu_{\bm{H}}(-\lambda) \text{ (a symmetric "
             r"spectrum has } \mathrm{tr}\,\bm{H} = \int\lambda\,d\mu_{\bm{H}} = 0\text{; eq. 18 without its } l = l' \text{ terms)}",
    "saddles": r"stationary point where the gradients (order parameter) is zero could only be saddle points, and the risk "
               r"decrease would not be trapped in local minima",
}

_claim = ClaimFactory(PAPER, QUOTES)

WIDTHS = (2, 2, 2, 1)  # the network of the circuit forms, eqs 15-19: L = 3


@dataclass(frozen=True)
class HessianCase:
    """The Hessian of one datum's loss for one model of the family, and a point where its formula holds.

    Attributes
    ----------
    hessian : LayerHessian
        Blocks by layer (weights, then biases, of each layer).
    point : dict
        Positive inputs, weights and biases, label :math:`y = -1`, every gate 1 and the hinge active:
        consistent, since all pre-activations are positive there and :math:`yT < 0 < 1`.
    """

    hessian: LayerHessian
    point: dict


@functools.lru_cache(maxsize=None)
def hessian_case(*, relu: bool = True, hinge_loss: bool = True, bias_free: bool = True,
                 two_layers: bool = True) -> HessianCase:
    """The Hessian of :math:`\\ell(yT(x))` for one datum, widths two per layer and one output (the ``predict`` of
    :func:`hessian_derivation`).

    Examples
    --------
    >>> case = hessian_case()
    >>> case.hessian.block(1, 1).is_zero_matrix, case.hessian.matrix.shape
    (True, (6, 6))
    """
    widths = (2, 2, 1) if two_layers else WIDTHS
    network = feedforward_network(widths, RELU if relu else TANH, biases=not bias_free)
    inputs = sp.Matrix([[sp.Symbol(f"x_{i}", real=True) for i in range(1, widths[0] + 1)]])
    forward = network.forward(inputs)
    loss = margin_loss("hinge" if hinge_loss else "squared", y * forward.output[0, 0], active)
    hessian = layer_hessian(loss, network.layers)
    generator = random.Random(2019)
    point = {s: sp.Rational(generator.randint(11, 97), 53) for layer in network.layers for s in layer}
    point.update({x: sp.Rational(generator.randint(11, 97), 53) for x in inputs})
    point.update({gate: 1 for gates in forward.gates for gate in gates})
    point.update({y: -1, active: 1})
    return HessianCase(hessian, point)


def _same_layer_blocks_vanish(**switches) -> bool | None:
    case = hessian_case(**switches)
    undecided = False
    for layer in range(1, len(case.hessian.layers) + 1):
        for entry in case.hessian.block(layer, layer):
            verdict = vanishes(entry, case.point)
            if verdict is False:
                return False
            undecided = undecided or verdict is None
    return None if undecided else True


@functools.lru_cache(maxsize=None)
def _trace_vanishes(**switches) -> bool | None:
    case = hessian_case(**switches)
    return vanishes(case.hessian.matrix.trace(), case.point)


def _spectrum_symmetric(**switches) -> bool | None:
    if _trace_vanishes(**switches) is False:  # tr H is the first odd moment
        return False
    case = hessian_case(**switches)
    return spectrum_symmetric(case.hessian, case.point)


def _gate(gates, layer, unit, depth):
    """H^l_i of the path; the fix of eqs 15-16: H^0 = H^L = 1 (no gate on the input or the linear output)."""
    return gates[layer - 1][unit] if 1 <= layer <= depth - 1 else sp.Integer(1)


def _wedged_segment(weights, gates, path, first, last, depth):
    """Psi^{^ first ~ last ^} along ``path`` (eq 11): prod_{k=first}^{last-1} W^k H^k times W^last; 1 if empty.

    The paper's :math:`W^k_{i_{k-1} i_k}` is entry ``[i_k, i_{k-1}]`` of ``weights[k - 1]`` (shape ``(n_k, n_{k-1})``).
    """
    if first > last:
        return sp.Integer(1)
    product = weights[last - 1][path[last], path[last - 1]]
    for k in range(first, last):
        product *= weights[k - 1][path[k], path[k - 1]] * _gate(gates, k, path[k], depth)
    return product


@functools.lru_cache(maxsize=1)
def hessian_derivation() -> Derivation:
    """Eqs 15-19 of li2019 and the statements about the Hessian's blocks, trace, spectrum and saddles.

    Named results: ``network``, ``loss`` (one datum, hinge active), ``gradient_norm``, ``hessian`` (by layer
    blocks), ``second_variation``, the case tables ``same_layer_blocks``, ``trace`` and ``symmetric_spectrum``,
    and ``two_layer_case``; ``predict(relu=..., hinge_loss=..., bias_free=..., two_layers=...)`` is
    :func:`hessian_case`.

    Examples
    --------
    >>> [(claim.equation, claim.status()) for claim in hessian_derivation().claims]  # doctest: +NORMALIZE_WHITESPACE
    [('15-16', 'reproduced'), ('18-19', 'disputed'), ('Hessian: same-layer blocks', 'reproduced'),
     ('Hessian: trace', 'reproduced'), ('Hessian: symmetric spectrum', 'unsupported'),
     ('Hessian: stationary points are saddles', 'unsupported')]
    """
    steps, claims = [], []
    network = feedforward_network(WIDTHS, RELU)
    depth = network.depth
    inputs = sp.Matrix([[sp.Symbol(f"x_{i}", real=True) for i in range(1, WIDTHS[0] + 1)]])
    forward = network.forward(inputs)
    output = forward.output[0, 0]
    loss = margin_loss("hinge", y * output, active)
    parameters = [p for layer in network.layers for p in layer]
    paths = list(itertools.product(*(range(n) for n in WIDTHS)))
    weights, gates = network.weights, forward.gates
    steps.append(Step("Loss of one datum where the hinge is active (alpha = 1[yT < 1], locally constant)", loss, "12"))

    # Eqs 15-16: the squared gradient norm.
    gradient_norm = sp.expand(sum(derivative(loss, p) ** 2 for p in parameters))
    printed_norm = sp.Integer(0)
    for layer in range(1, depth + 1):
        for j, k in itertools.product(range(WIDTHS[layer - 1]), range(WIDTHS[layer])):
            assembly = sum(inputs[path[0]] * _wedged_segment(weights, gates, path, 1, layer - 1, depth)
                           * _gate(gates, layer - 1, path[layer - 1], depth) * _gate(gates, layer, path[layer], depth)
                           * _wedged_segment(weights, gates, path, layer + 1, depth, depth) * loss_slope
                           for path in paths if path[layer - 1] == j and path[layer] == k)
            printed_norm += assembly**2  # sum over i, i' of Omega_i Omega_i'
    claims.append(_claim("15-16", labels.GRADIENT_NORM, "squared gradient norm as a sum over pairs of first-order circuits",
                         printed_norm, gradient_norm, definitions={loss_slope: -active * y},
                         note=f"One datum, depth {depth}, widths {WIDTHS}, hinge loss: L'(T) = -y 1[yT < 1]. Needs "
                              "fixes to be well formed: H^0 and H^L in eq 16 do not exist (no gate on the input, none on "
                              "the linear output of eq 11) and must be read as 1, as must the empty circuits Psi^{1~0} "
                              "and Psi^{L+1~L}. Eq 15 has no expectation although R (eq 12) is one: it is the squared "
                              "gradient of one datum's loss. For a risk over several data each factor needs its own "
                              "mean, ||grad R||^2 = sum (E sum_i Omega_i)(E sum_i' Omega_i'), as eq 18 writes E[Omega]; "
                              "the mean of the printed sum is not ||grad R||^2."))

    # Eqs 18-19: the second variation in circuit form.
    hessian = layer_hessian(loss, network.layers)
    variations = [weight_matrix(l, WIDTHS[l], WIDTHS[l - 1], name=r"\delta w") for l in range(1, depth + 1)]
    delta = sp.Matrix([v for matrix in variations for v in matrix])
    second_variation = sp.expand((delta.T * hessian.matrix * delta)[0, 0])
    printed_variation = sp.Integer(0)
    for first, second in itertools.permutations(range(1, depth + 1), 2):  # l = l' terms: no circuit is left (fix)
        for path in paths:
            circuit = inputs[path[0]] * sp.Mul(*(_gate(gates, k, path[k], depth) for k in range(1, depth)))
            kept = [k for k in range(1, depth + 1) if k not in (first, second)]
            circuit *= sp.Mul(*(weights[k - 1][path[k], path[k - 1]] for k in kept))
            printed_variation += (circuit * variations[first - 1][path[first], path[first - 1]]
                                  * variations[second - 1][path[second], path[second - 1]])
    printed_variation = sp.expand(printed_variation)
    steps.append(Step("Printed second variation times L'(T) = -alpha y, minus the derived one",
                      sp.expand(-active * y * printed_variation - second_variation), "18"))
    claims.append(_claim("18-19", labels.HESSIAN_CIRCUITS, "second variation of the risk in circuit form",
                         printed_variation, second_variation,
                         note="One datum (the expectation of one datum is itself), depth 3. Eq 19's un-wedged circuits "
                              "are read as closed at both ends (Fig. 2: a basis circuit multiplies all the gates and "
                              "weights it connects, the input included), i.e. Omega is the path with the two perturbed "
                              "weights removed. So read, eqs 18-19 are the second variation of T(X), not of the risk: "
                              "the factor L'(T) = -y 1[yT < 1] that eq 16 carries is missing (restoring it gives the "
                              "derived form exactly, see the step). For a loss with L'' != 0 (squared, logistic) a "
                              "Gauss-Newton term E[L'' dT dT] would be missing as well. Also needed to be well formed: "
                              "the l = l' terms (Psi^{l+1~l-1} has no meaning) must be zero, which the derivation "
                              "confirms; delta w^{l'}_{i_{l'-1} i_l'} is printed with i_l'; the last factor of the index "
                              "set should run over p > l', not p > l; for l' = l + 1 the indices i_l and i_{l'-1} "
                              "coincide. A finite-difference Hessian of the risk would decide between the forms."))

    # The Hessian statements, decided over activation, loss, biases and depth.
    switches = [relu, hinge_loss, bias_free, two_layers]
    blocks = condition_from_cases(_same_layer_blocks_vanish, switches)
    trace = condition_from_cases(_trace_vanishes, switches)
    spectrum = condition_from_cases(_spectrum_symmetric, switches)
    steps.append(Step("Condition for all same-layer Hessian blocks to vanish (cases: ReLU/tanh, hinge/squared, "
                      "biases, depth 2/3)", blocks.condition, "18"))
    steps.append(Step("Condition for tr H = 0", trace.condition))
    steps.append(Step("Condition for an exactly symmetric spectrum (S H S = -H, S = dg(+1, -1) by layer)",
                      spectrum.condition))
    two_layer = hessian_case()
    steps.append(Step("Layer signs S with S H S = -H, ReLU, hinge, L = 2", sp.Tuple(*sign_symmetry(two_layer.hessian))))
    three_layer = hessian_case(two_layers=False)
    steps.append(Step("Odd moments (tr H, tr H^3) at a point, ReLU, hinge, L = 3 (tr H^3 = 6 tr H_12 H_23 H_31)",
                      sp.Tuple(*odd_moments(three_layer.hessian, three_layer.point))))
    tanh_case = hessian_case(relu=False)
    steps.append(Step("A same-layer block that does not vanish: tanh, hinge, L = 2, block (1, 1) at the point",
                      tanh_case.hessian.block(1, 1).xreplace(tanh_case.point).evalf(6)))
    squared_case = hessian_case(hinge_loss=False)
    steps.append(Step("A same-layer block that does not vanish: ReLU, squared loss, L = 2, block (2, 2) "
                      "(the Gauss-Newton term dT dT^T)", squared_case.hessian.block(2, 2)))
    claims.append(_claim("blocks", labels.SAME_LAYER_BLOCKS, "same-layer Hessian blocks vanish", SETTING,
                         blocks.condition, statement=True,
                         note="Derived: the same-layer blocks vanish wherever the Hessian exists iff the loss is "
                              "piecewise linear (hinge: L'' = 0) and the activation is piecewise linear (ReLU: T is "
                              "affine in each layer's weights and biases at a fixed gate pattern), at any depth, with "
                              "or without biases; so the paper's bias-free condition is not needed. They do not vanish "
                              "for the squared loss (block l,l = E[L'' d_l T d_l T^T] != 0) nor for tanh (d^2 tanh "
                              "terms; only the last layer's block vanishes there). Exactly zero, not approximately: eq "
                              "18's l = l' terms must vanish."))
    claims.append(_claim("trace", labels.HESSIAN_TRACE, "the trace of the Hessian vanishes", SETTING, trace.condition,
                         statement=True,
                         note="Follows from the vanishing same-layer blocks (the diagonal lies in them), under the same "
                              "conditions: ReLU and hinge, any depth, biases allowed. With the squared loss and ReLU "
                              "tr H = E|grad T|^2 > 0 (the Gauss-Newton term); with tanh the hidden diagonal is "
                              "nonzero. A zero trace makes every nonzero Hessian indefinite: its eigenvalues sum to "
                              "zero."))
    claims.append(_claim("spectrum", labels.SYMMETRIC_SPECTRUM, "the Hessian spectrum is symmetric about zero", SETTING,
                         spectrum.condition, statement=True, limit="hierarchically large networks (width -> infinity)",
                         note="Exact symmetry holds iff the same-layer blocks vanish and the layers can be two-coloured "
                              "by the nonzero blocks: for ReLU and hinge with L = 2 (bipartite H, S H S = -H). For "
                              "L = 3 every pair of layers is coupled, tr H^3 = 6 tr(H_12 H_23 H_31) != 0 at a generic "
                              "point (see the step), so the spectrum is not symmetric. The paper states an "
                              "approximate symmetry for hierarchically large networks (and, in the caption of its Fig. "
                              "8, for 'a matrix in a decomposed form of Hessian'): a statement about a limit, decided by "
                              "the measured trend of the skewness with width at every depth beyond two (reproduced if it "
                              "vanishes significantly everywhere, unsupported otherwise)."))

    # Saddles: tr H = 0 makes a nonzero Hessian indefinite; a zero Hessian leaves room for minima.
    claims.append(_saddles(steps, trace.condition))
    return Derivation(PAPER, "Gradient and Hessian in circuit form (eqs 15-19)", tuple(steps), tuple(claims),
                      predictor=hessian_case,
                      results=dict(network=network, loss=loss, gradient_norm=gradient_norm, hessian=hessian,
                                   second_variation=second_variation, same_layer_blocks=blocks, trace=trace,
                                   symmetric_spectrum=spectrum, two_layer_case=two_layer))


def _saddles(steps, trace_condition) -> Claim:
    """A dead network: every hidden unit off on the datum, a stationary point of risk 1 that is a local minimum."""
    network = feedforward_network((2, 2, 1), RELU)
    inputs = sp.Matrix([[1, 1]])
    forward = network.forward(inputs)
    dead = {w: -1 for w in network.weights[0]}
    dead.update({w: 1 for w in network.weights[1]})
    dead.update({y: 1})
    box = sp.AccumBounds(-sp.Rational(1, 2), sp.Rational(1, 2))
    perturbed = {w: value + box for w, value in dead.items() if w != y}
    fields = [sp.expand(f.xreplace(perturbed)) for f in forward.pre_activations[0]]
    steps.append(Step("Dead network (x = (1, 1), W_1 = -1, w_2 = 1, y = 1): hidden fields over the box |dW| <= 1/2",
                      sp.Tuple(*fields)))
    gates_off = {g: 0 for g in forward.gates[0]} if all(f.max < 0 for f in fields) else {}
    box_output = forward.output[0, 0].xreplace(gates_off)
    steps.append(Step("Output and risk throughout the box (every gate off there)",
                      sp.Tuple(box_output, sp.Max(0, 1 - y * box_output).xreplace({y: 1})), "12"))
    local_loss = margin_loss("hinge", y * forward.output[0, 0], active).xreplace(gates_off)
    parameters = [p for layer in network.layers for p in layer]
    at_point = {**dead, active: 1}
    gradient = sp.Matrix([derivative(local_loss, p) for p in parameters]).xreplace(at_point)
    hessian = layer_hessian(local_loss, network.layers).matrix.xreplace(at_point)
    steps.append(Step("Gradient and Hessian there (both zero: a stationary point with a zero Hessian)",
                      sp.Tuple(gradient.is_zero_matrix, hessian.is_zero_matrix)))
    # A zero trace forces a saddle only where H != 0; the condition H != 0 joins the derived form only because the
    # dead network above is a stationary point of nonzero risk whose Hessian vanishes.
    flat_minimum = gates_off and box_output == 0 and gradient.is_zero_matrix and hessian.is_zero_matrix
    derived = trace_condition & nonzero_hessian if flat_minimum else trace_condition
    return _claim("saddles", labels.SADDLES, "every stationary point of nonzero risk is a saddle", SETTING,
                  derived, statement=True,
                  note="Derived: where the Hessian exists, tr H = 0 (ReLU, hinge), so a stationary point with a "
                       "nonzero Hessian has eigenvalues of both signs: a strict saddle. A zero Hessian is not excluded "
                       "by the setting: in a dead network (every hidden pre-activation negative on every datum) the "
                       "output is 0 on a whole neighbourhood, so the risk is constant there (1 for the datum in the "
                       "steps), gradient and Hessian vanish, and the point is a local minimum of nonzero risk, not a "
                       "saddle. The paper's supplementary assumptions (not available) may exclude such points.")
