"""Maximum-entropy gates and their zero-temperature limit, the ReLU (li2019, Sec. II.1-II.2, eqs 1-8).

Eq 1 asks for the law of maximal entropy of the binary gates :math:`h_s \\in \\{0,1\\}^{n_s}` of
scale :math:`s`, given the input and the gates below, under the constraints
:math:`\\mathbb E[\\prod_{s'\\le s} h^{s'}_{i_{s'}} x_{i_0}] = \\tau^s_{\\boldsymbol i}`. The engine
solves it (an exponential family, eqs 2-3), inserts the hierarchical multipliers of eq 4
(:math:`\\lambda^s_{\\boldsymbol i} = \\prod_{s'} w^{s'}_{i_{s'-1}i_{s'}}`), finds that given the
lower gates the law factorises into independent Bernoulli gates with logistic marginals of the field
:math:`u = x^T W_1 \\mathrm{dg}(h_1) \\cdots W_s`, and takes the zero-temperature limit to the ReLU
gate of eq 7. The case computed has two inputs, two gates per layer and :math:`s = 2`.
"""

from __future__ import annotations

import functools
import itertools

import sympy as sp

from nnfield.derivations.li2019 import labels
from nnfield.derivations.li2019.labels import PAPER
from nnfield.derivations.li2019.symbols import field_size, temperature, u
from nnfield.numeric.activations import RELU
from nnfield.symbolic import (
    ClaimFactory,
    Claim,
    Derivation,
    Step,
    bernoulli_factorization,
    feedforward_network,
    logistic,
    maximum_entropy,
    weight_matrix,
)


__all__ = ["gates_derivation", "gate_probability", "QUOTES"]

QUOTES = {
    "1": r"\max-\sum_{\bm{h}_{s}\in\mathbb{B}^{n_{s}}}\mu_{s}(\bm{h}_{s}|\mathcal{O}_{s-1})\log\mu_{s}(\bm{h}_{s}|\mathcal{O}_{s-1}) "
         r"\text{ s.t. } \sum\mu_s = 1,\ \mathbb{E}_{\mu_{s}}[\prod_{s'=1}^{s}h^{s'}_{i_{s'}}x_{i_{0}}]=\tau^{s}_{\bm{i}}",
    "2-3": r"\mu_{s}(\bm{h}_{s}|\mathcal{O}_{s-1})=\frac{1}{Z}e^{\sum_{\bm{i}}\lambda^{s}_{\bm{i}}\prod_{s'=1}^{s}h^{s'}_{i_{s'}}x_{i_{0}}},"
           r"\quad Z=\sum_{\bm{h}_{s}\in\mathbb{B}^{n_{s}}}e^{\sum_{\bm{i}}\lambda^{s}_{\bm{i}}\prod_{s'=1}^{s}h^{s'}_{i_{s'}}x_{i_{0}}}",
    "4-5": r"\lambda^{s}_{\bm{i}}=\prod_{s=1}^{s}w^{s}_{i_{s-1}i_{s}} \;(4),\quad "
           r"\mu_{s}=\frac{1}{Z}e^{\sum_{\bm{i}}\prod_{s'=1}^{s}h^{s'}_{i_{s'}}w^{s}_{i_{s'-1}i_{s'}}x_{i_{0}}} \;(5)",
    "6": r"\mu_{s}(\bm{h}_{s}|\mathcal{O}_{s-1})=\frac{1}{Z}e^{\bm{x}^{T}\overrightarrow{\Pi}_{s'=1}^{s}\bm{W}_{s'}\text{dg}(\bm{h}_{s'})}",
    "5-6": r"Each neuron solves a maximum entropy problem, and thus conditioning on gates in the previous layers, is of "
           r"an exponential family distribution given by \mu(h^{l}_{i_{l}}|\mathcal{O}_{l-1}) (Fig. 2)",
    "7-8": r"\bm{h}^{l}_{i}:=1 \text{ if } (\bm{W}^{T}_{l}\bm{x}_{l-1})_{i}>0,\ 0 \text{ otherwise} \;(7);\quad "
           r"\mu(\bm{h}_{l}|\hat{\bm{h}}_{l-1},\mathcal{O}_{l-2}) = \frac{1}{Z}e^{\bm{x}^{T}\overrightarrow{\Pi}_{l'=1}^{l}"
           r"\bm{W}_{l'}\text{dg}(\bm{h}_{l'})} \;(8);\quad \text{ReLU}(\bm{W}^{T}_{l}\bm{x}_{l-1}):=\text{dg}(\bm{h}_{l})"
           r"\bm{W}^{T}_{l}\bm{x}_{l-1}",
}

_claim = ClaimFactory(PAPER, QUOTES)

WIDTH = 2  # inputs and gates per layer in the case computed
SCALE = 2  # the scale s of the maximum-entropy problem


def gate_probability(field: float, temperature: float) -> float:
    """:math:`P(h = 1) = 1/(1 + e^{-u/T})`, the derived marginal of one gate (the ``predict`` of :func:`gates_derivation`).

    Examples
    --------
    >>> gate_probability(0.0, 1.0), round(gate_probability(1.0, 0.01), 6)
    (0.5, 1.0)
    """
    if not temperature > 0:
        raise ValueError(f"the temperature must be positive (T -> 0+ gives the ReLU gate); got {temperature!r}")
    return float(logistic(sp.Float(field) / sp.Float(temperature)))


def _gate_vector(layer: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"h^{{{layer}}}_{{{j}}}", nonnegative=True) for j in range(1, WIDTH + 1)]


@functools.lru_cache(maxsize=1)
def gates_derivation() -> Derivation:
    """Eqs 1-8 of li2019: maximum-entropy gates, the hierarchical parameterization, the ReLU limit.

    Named results: ``law`` (the maximum-entropy law), ``exponent`` (with the hierarchical multipliers of
    eq 4), ``factorization`` (into Bernoulli gates, given the layer below) and ``joint_exponent`` (of both layers'
    gates together); ``predict(field, temperature)`` is
    :func:`gate_probability`.

    Examples
    --------
    >>> [(claim.equation, claim.status()) for claim in gates_derivation().claims]
    [('2-3', 'reproduced'), ('4-5', 'reproduced'), ('6', 'reproduced'), ('5-6', 'reproduced'), ('7-8', 'reproduced')]
    """
    steps, claims = [], []
    inputs = [sp.Symbol(f"x_{i}", real=True) for i in range(1, WIDTH + 1)]
    lower, upper = _gate_vector(1), _gate_vector(2)
    indices = list(itertools.product(range(WIDTH), repeat=SCALE + 1))
    multipliers = [sp.Symbol(f"lambda_{''.join(str(k + 1) for k in i)}", real=True) for i in indices]

    # Eq 1 -> eqs 2-3: the statistics of eq 1's constraints, entropy maximised over h_2 given x and h_1.
    statistics = [inputs[i0] * lower[i1] * upper[i2] for i0, i1, i2 in indices]
    law = maximum_entropy(statistics, upper, multipliers)
    steps.append(Step("Maximum-entropy law of h_2 given x, h_1 (Lagrangian stationarity), P(h_2 = (1, 1))",
                      law.probabilities[-1], "1"))
    steps.append(Step("Partition function from the normalisation multiplier", law.partition_function, "3"))
    printed_exponent = sum(lam * inputs[i0] * lower[i1] * upper[i2] for lam, (i0, i1, i2) in zip(multipliers, indices))
    printed_partition = sum(sp.exp(printed_exponent.subs(dict(zip(upper, c)))) for c in law.configurations)
    printed_law = sp.Matrix([sp.exp(printed_exponent.subs(dict(zip(upper, c)))) / printed_partition
                             for c in law.configurations])
    claims.append(_claim(labels.MAXIMUM_ENTROPY, labels.MAXIMUM_ENTROPY,
                         "maximum-entropy law of the gates is the exponential family", printed_law,
                         sp.Matrix(law.probabilities),
                         note=f"Compared over the {len(law.configurations)} configurations of h_2 for s = 2 and two "
                              "units per layer (x and h_1 held fixed: the law is conditional on O_{s-1}). The means "
                              "tau only fix the multipliers; the entropy is strictly concave, so the stationary point "
                              "is the maximum."))

    # Eqs 4-5: the hierarchical multipliers lambda_{i0 i1 i2} = w^1_{i0 i1} w^2_{i1 i2}.
    w1, w2 = weight_matrix(1, WIDTH, WIDTH), weight_matrix(2, WIDTH, WIDTH)
    hierarchical = {lam: w1[i0, i1] * w2[i1, i2] for lam, (i0, i1, i2) in zip(multipliers, indices)}
    exponent = sp.expand(law.exponent.subs(hierarchical))
    steps.append(Step("Exponent of the law with the multipliers of eq 4", exponent, "4"))
    printed_eq5 = sum(lower[i1] * w1[i0, i1] * upper[i2] * w2[i1, i2] * inputs[i0] for i0, i1, i2 in indices)
    claims.append(_claim(labels.HIERARCHICAL_EXPONENT, labels.HIERARCHICAL_EXPONENT,
                         "exponent with hierarchical multipliers", printed_eq5, exponent,
                         note="Needs a fix to be well formed. Eq 4 reuses s as the product index and its upper limit "
                              "(prod_{s=1}^{s} w^s); eq 5 keeps the superscript s on every weight, w^s_{i_{s'-1} i_s'}, "
                              "which read literally puts the top layer's weights on every layer (and is defined only "
                              "when all widths agree). Transcribed with w^{s'}, as eq 6 (W_{s'}) and the text "
                              "(lambda^{s+1} = w_{i_s i_{s+1}} lambda^s) require."))

    # Eq 6: the matrix form. As printed the exponent is a row vector; its entries must be summed.
    x_row = sp.Matrix([inputs])
    literal = x_row * w1 * sp.diag(*lower) * w2 * sp.diag(*upper)
    steps.append(Step(f"Eq 6's exponent as printed, x^T W_1 dg(h_1) W_2 dg(h_2): a row vector of shape {literal.shape}",
                      sp.ImmutableMatrix(literal), "6"))
    printed_eq6 = (literal * sp.ones(WIDTH, 1))[0, 0]
    claims.append(_claim(labels.MATRIX_FORM, labels.MATRIX_FORM,
                         "exponent in matrix form", printed_eq6, exponent,
                         note="Needs a fix to be well formed: x^T prod W_{s'} dg(h_{s'}) is a row vector of n_s "
                              "entries, not a number; the exponent of eq 5 is the sum of its entries, "
                              "x^T prod W_{s'} dg(h_{s'}) 1 (compared so). Eq 8 has the same omission."))

    # Eqs 5-6 -> independent Bernoulli gates given the lower gates.
    factorization = bernoulli_factorization(exponent, upper)
    field_row = sp.ImmutableMatrix([list(factorization.fields)])
    steps.append(Step("Fields u of the layer-2 gates: the coefficients of h_2 in the exponent, the pre-activations "
                      "x^T W_1 dg(h_1) W_2 of a bias-free ReLU layer", field_row, "6"))
    steps.append(Step("Partition function, factorised over the gates", factorization.partition_function, "3"))
    steps.append(Step("Marginal of a gate, P(h^2_1 = 1)", factorization.marginals[0], "6"))
    joint = sp.expand(sp.Matrix([inputs]) * w1 * sp.diag(*lower) * w2 * sp.diag(*upper) * sp.ones(WIDTH, 1))[0, 0]
    steps.append(Step("Jointly over both layers the exponent couples gates of adjacent layers (h^1 h^2 terms); "
                      "the gates are independent within a layer given the layers below, not across layers",
                      sp.Poly(joint, *lower, *upper).total_degree(), "6"))
    printed_partition6 = sum(sp.exp(printed_eq6.subs(dict(zip(upper, c)))) for c in law.configurations)
    printed_factor = sp.Matrix([sp.exp(printed_eq6.subs(dict(zip(upper, c)))) / printed_partition6
                                for c in law.configurations])
    derived_factor = sp.Matrix([factorization.probability(c) for c in law.configurations])
    claims.append(_claim(labels.FACTORIZATION, labels.FACTORIZATION,
                         "given the lower gates, the gates are independent Bernoulli, P(h=1) = logistic(field)",
                         printed_factor, derived_factor,
                         note="The law of eq 6 (with the fix of eq 6) equals the product of independent Bernoulli laws "
                              "with P(h_i = 1) = 1/(1 + exp(-u_i)), u = x^T W_1 dg(h_1) W_2 the pre-activation, and "
                              "Z = prod_i (1 + exp(u_i)). This holds conditionally on the lower gates only: the joint "
                              "law of all layers does not factorise (the exponent has products h^1_j h^2_k)."))

    claims.append(_zero_temperature(steps))
    return Derivation(PAPER, "Maximum-entropy gates and the ReLU limit (eqs 1-8)", tuple(steps), tuple(claims),
                      predictor=gate_probability,
                      results=dict(law=law, exponent=exponent, factorization=factorization, joint_exponent=joint))


def _zero_temperature(steps) -> Claim:
    gate = logistic(u / temperature)  # P(h = 1) at temperature T: the field scaled by 1/T (W = W_hat / T)
    positive, negative = gate.subs(u, field_size), gate.subs(u, -field_size)
    limits = [sp.limit(positive, temperature, 0, "+"), sp.limit(negative, temperature, 0, "+")]
    relu_limits = [sp.limit(field_size * positive, temperature, 0, "+"),
                   sp.limit(-field_size * negative, temperature, 0, "+")]
    steps.append(Step("P(h = 1) as T -> 0+ for fields +a and -a", sp.Tuple(*limits), "7"))
    steps.append(Step("P(h = 1) as T -> 0- for fields +a and -a (the gate reverses)",
                      sp.Tuple(sp.limit(positive, temperature, 0, "-"), sp.limit(negative, temperature, 0, "-")), "7"))
    steps.append(Step("P(h = 1) at zero field, any T", gate.subs(u, 0), "7"))
    steps.append(Step("Mean unit output E[h] u as T -> 0+ for fields +a and -a", sp.Tuple(*relu_limits), "8"))

    # Eq 8: a layer-1 law that sharpens (fields +a1, -a2 over T) under a layer-2 gate of finite field.
    a1, a2 = sp.symbols("a_1 a_2", positive=True)
    network = feedforward_network((1, 2, 1), RELU)
    forward = network.forward(sp.Matrix([[1]]))
    (first, second), (layer2_field,) = forward.gates[0], forward.pre_activations[1]
    signs = {network.weights[0][0, 0]: a1, network.weights[0][1, 0]: -a2}  # x = 1: the pre-activations are the weights
    layer1_exponent = forward.pre_activations[0].subs(signs).dot(forward.gates[0]) / temperature
    lower_law = bernoulli_factorization(sp.expand(layer1_exponent),
                                        [first, second])
    upper_field = layer2_field.subs(signs)
    # Factor by factor (independent gates), so that each factor's limit is that of one logistic function.
    marginal = sum(sp.Mul(*(m if c_j else 1 - m for m, c_j in zip(lower_law.marginals, c)))
                   * logistic(upper_field.subs({first: c[0], second: c[1]}))
                   for c in itertools.product((0, 1), repeat=2))
    marginal_limit = sp.simplify(sp.limit(marginal, temperature, 0, "+"))
    steps.append(Step("Marginal P(h_2 = 1 | x) = sum_{h_1} mu_1(h_1) mu_2(h_2 = 1 | h_1), layer-1 fields +a_1/T, -a_2/T, "
                      "as T -> 0+", marginal_limit, "8"))

    printed_gate = sp.Piecewise((1, u > 0), (0, True))  # eq 7
    printed_relu = printed_gate * u  # ReLU(W^T x) := dg(h) W^T x with h from eq 7
    degenerate = {first: printed_gate.subs(u, a1), second: printed_gate.subs(u, -a2)}
    printed_eq8_field = upper_field.subs(degenerate)
    printed_eq8 = sp.exp(printed_eq8_field) / (1 + sp.exp(printed_eq8_field))  # eq 8 at h_2 = 1
    printed = sp.Matrix([printed_gate.subs(u, field_size), printed_gate.subs(u, -field_size),
                         printed_relu.subs(u, field_size), printed_relu.subs(u, -field_size), printed_eq8])
    derived = sp.Matrix([*limits, *relu_limits, marginal_limit])
    return _claim(labels.ZERO_TEMPERATURE, labels.ZERO_TEMPERATURE,
                  "zero-temperature limit: ReLU gate (eq 7), ReLU output, degenerate marginal (eq 8)",
                  printed, derived,
                  note="Rows: the gate at fields +a and -a, the unit output h u at +a and -a, and P(h_2 = 1) of a layer-2 "
                       "gate once the layer-1 gates are degenerate. Needs fixes to be well formed: (i) T in R with "
                       "T -> 0 must be T > 0, T -> 0+ (for T -> 0- the limit is the reversed gate h = 1[u < 0]); "
                       "(ii) x_{l-1} is defined as the row vector x^T prod W dg(h), so (W_l^T x_{l-1})_i must read "
                       "(x_{l-1} W_l)_i. At u = 0 the limit is P(h = 1) = 1/2 for every T, not eq 7's 0; the unit "
                       "output u h is 0 there either way. Scaling W_{l-1} by 1/T as the text does also scales the "
                       "fields of every layer above (they are linear in W_{l-1}), so all those gates sharpen "
                       "together; eq 8's finite-temperature law of h_l is the limit with the temperature on layer "
                       "l-1 only, as computed here.")
