"""Feedforward networks with symbolic weights, and the losses of a margin.

A network of depth :math:`L` and widths :math:`n_0, \\dots, n_L` acts on a row vector of inputs,

.. math:: z_l = a_{l-1} W_l^\\top + b_l, \\qquad a_l = \\phi(z_l), \\qquad T(x) = z_L \\;(\\text{or } \\phi(z_L)),

with :math:`W_l` of shape :math:`(n_l, n_{l-1})`: the weight convention of every network in nnfield (the
numeric forward pass :func:`nnfield.numeric.networks.forward_pass` is the same map), entry
:math:`w^l_{i,j}` joining unit j of layer l-1 to unit i of layer l.

The activation is an activation object: anything with a SymPy ``expression`` in one ``variable`` and a
``gate`` (``None``, or :math:`g` with :math:`\\phi(x) = x\\, g(x)`), such as the shipped
:class:`nnfield.numeric.activations.Activation` objects. A gated activation whose gate is not constant
(the ReLU, :math:`g = \\Theta(z)`) is written with gate symbols, :math:`\\phi(z) = h z`; the gate is
locally constant wherever :math:`z \\neq 0`, so derivatives are taken at a fixed gate pattern and
:meth:`ForwardPass.resolve` puts :math:`g(z)` back (with :math:`\\Theta(0) = 0`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["MARGIN_LOSSES", "FeedforwardNetwork", "ForwardPass", "feedforward_network", "margin_loss", "weight_matrix"]

#: Losses of the margin :math:`m = yT`: ``hinge`` :math:`\\max(0, 1 - m)`, ``squared`` :math:`(1-m)^2/2`,
#: ``logistic`` :math:`\\log(1 + e^{-m})`.
MARGIN_LOSSES = ("hinge", "squared", "logistic")


def weight_matrix(layer: int, rows: int, columns: int, name: str = "w") -> sp.ImmutableMatrix:
    """The symbolic weights :math:`w^{l}_{i,j}` of one layer, shape ``(rows, columns)``, indices from 1.

    Examples
    --------
    >>> weight_matrix(2, 1, 2)
    Matrix([[w^{2}_{1,1}, w^{2}_{1,2}]])
    """
    return sp.ImmutableMatrix(rows, columns, lambda i, j: sp.Symbol(f"{name}^{{{layer}}}_{{{i + 1},{j + 1}}}", real=True))


@dataclass(frozen=True)
class ForwardPass:
    """One input through a :class:`FeedforwardNetwork`.

    Attributes
    ----------
    inputs : sympy.ImmutableMatrix
        Row vector, shape ``(1, n_0)``.
    pre_activations : tuple of sympy.ImmutableMatrix
        :math:`z_l`, ``l = 1..L``, with the gates below as symbols.
    gates : tuple of sympy.ImmutableMatrix
        The gate symbols of each gated layer (hidden layers, and the output with ``output_gate``);
        empty for an activation without a gate symbol.
    output : sympy.ImmutableMatrix
        :math:`T(x)`, shape ``(1, n_L)``, at the fixed gate pattern.
    gate : sympy.Lambda or None
        :math:`z \\mapsto g(z)`, zero at a kink, that each gate symbol stands for.
    """

    inputs: sp.ImmutableMatrix
    pre_activations: tuple[sp.ImmutableMatrix, ...]
    gates: tuple[sp.ImmutableMatrix, ...]
    output: sp.ImmutableMatrix
    gate: sp.Lambda | None = None

    def gate_values(self) -> dict:
        """Each gate symbol -> :math:`g(z)` (:math:`\\Theta(0) = 0`), with the gates below resolved too."""
        values = {}
        for gates, pre_activations in zip(self.gates, self.pre_activations):
            for gate, z in zip(gates, pre_activations):
                values[gate] = self.gate(z.xreplace(values))
        return values

    def resolve(self, expression):
        """``expression`` with every gate replaced by the step function of its field."""
        return sp.sympify(expression).xreplace(self.gate_values())


@dataclass(frozen=True)
class FeedforwardNetwork:
    """A feedforward network with symbolic weights (see the module docstring).

    Attributes
    ----------
    widths : tuple of int
        :math:`(n_0, \\dots, n_L)`.
    activation : activation object
        With ``expression``, ``variable`` and ``gate`` (e.g. :data:`nnfield.numeric.activations.RELU`).
    weights : tuple of sympy.ImmutableMatrix
        :math:`W_1, \\dots, W_L`, :math:`W_l` of shape :math:`(n_l, n_{l-1})`.
    biases : tuple of sympy.ImmutableMatrix
        :math:`b_1, \\dots, b_L` (row vectors), or empty for a bias-free network.
    output_gate : bool
        Whether the activation is applied to the output too (the default output is linear).
    """

    widths: tuple[int, ...]
    activation: object
    weights: tuple[sp.ImmutableMatrix, ...]
    biases: tuple[sp.ImmutableMatrix, ...]
    output_gate: bool

    @property
    def depth(self) -> int:
        return len(self.weights)

    @property
    def layers(self) -> tuple[tuple[sp.Symbol, ...], ...]:
        """The parameters of each layer: the weights row by row, then the biases."""
        biases = self.biases or tuple(sp.ImmutableMatrix(0, 0, []) for _ in self.weights)
        return tuple(tuple(w) + tuple(b) for w, b in zip(self.weights, biases))

    def forward(self, inputs, tag: str = "") -> ForwardPass:
        """The forward pass of a row vector of inputs; ``tag`` ends the subscript of its gates (one per datum, e.g. ``";2"``).

        Examples
        --------
        >>> import sympy as sp
        >>> from nnfield.numeric.activations import RELU
        >>> network = feedforward_network((1, 1, 1), RELU)
        >>> network.forward(sp.Matrix([[sp.Symbol("x")]])).output
        Matrix([[h^{1}_{1}*w^{1}_{1,1}*w^{2}_{1,1}*x]])
        """
        activation = sp.ImmutableMatrix(inputs)
        if activation.shape != (1, self.widths[0]):
            raise ValueError(f"inputs must be a row vector of shape (1, {self.widths[0]}); got shape {activation.shape}")
        gate = _gate(self.activation)
        phi = sp.Lambda(self.activation.variable, self.activation.expression)
        pre_activations, gates = [], []
        for layer, weights in enumerate(self.weights, 1):
            z = activation * weights.T + (self.biases[layer - 1] if self.biases else sp.zeros(1, weights.shape[0]))
            pre_activations.append(sp.ImmutableMatrix(z))
            if layer == self.depth and not self.output_gate:
                activation = z
            elif gate is not None:
                symbols = sp.ImmutableMatrix(1, z.shape[1],
                                             lambda _, j: sp.Symbol(f"h^{{{layer}}}_{{{j + 1}{tag}}}", nonnegative=True))
                gates.append(symbols)
                activation = z.multiply_elementwise(symbols)
            else:
                activation = z.applyfunc(phi)
        return ForwardPass(sp.ImmutableMatrix(inputs), tuple(pre_activations), tuple(gates),
                           sp.ImmutableMatrix(activation), gate)


def _gate(activation) -> sp.Lambda | None:
    """:math:`z \\mapsto g(z)` with :math:`\\Theta(0) = 0`, for a gate that is not constant; else ``None``."""
    gate = activation.gate
    if gate is None or not gate.has(activation.variable):
        return None
    at_kink_zero = gate.replace(sp.Heaviside, lambda argument, *_: sp.Heaviside(argument, 0))
    return sp.Lambda(activation.variable, at_kink_zero)


def feedforward_network(widths, activation, *, biases: bool = False, output_gate: bool = False) -> FeedforwardNetwork:
    """A network with symbolic weights :math:`w^{l}_{i,j}` (:math:`W_l` of shape :math:`(n_l, n_{l-1})`) and biases
    :math:`b^{l}_{1,j}`.

    Parameters
    ----------
    widths : sequence of int
        :math:`(n_0, \\dots, n_L)`, at least two entries, each positive.
    activation : activation object
        With a SymPy ``expression`` in one ``variable`` and a ``gate`` (e.g.
        :data:`nnfield.numeric.activations.RELU` or ``TANH``).
    biases : bool
    output_gate : bool

    Examples
    --------
    >>> from nnfield.numeric.activations import RELU
    >>> network = feedforward_network((2, 2, 1), RELU)
    >>> network.depth, [len(layer) for layer in network.layers], network.weights[1]
    (2, [4, 2], Matrix([[w^{2}_{1,1}, w^{2}_{1,2}]]))
    """
    widths = tuple(widths)
    if len(widths) < 2 or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in widths):
        raise ValueError(f"widths must be at least two positive integers (n_0, ..., n_L), i.e. depth >= 1; got {widths!r}")
    if not all(hasattr(activation, name) for name in ("expression", "variable", "gate")):
        raise TypeError("activation must be an activation object with expression, variable and gate, such as "
                        f"nnfield.numeric.activations.RELU; got {activation!r}")
    weights = tuple(weight_matrix(l, widths[l], widths[l - 1]) for l in range(1, len(widths)))
    bias_rows = tuple(weight_matrix(l, 1, widths[l], name="b") for l in range(1, len(widths))) if biases else ()
    return FeedforwardNetwork(widths, activation, weights, bias_rows, bool(output_gate))


def margin_loss(kind: str, margin, active=None) -> sp.Expr:
    """The loss of a margin :math:`m = yT`, as a function valid where it is smooth.

    Parameters
    ----------
    kind : {"hinge", "squared", "logistic"}
    margin : sympy.Expr
    active : sympy.Symbol, optional
        For the hinge loss (required): the indicator :math:`\\mathbb 1[m < 1]`, locally constant
        wherever :math:`m \\neq 1`, so that :math:`\\max(0, 1 - m) = \\text{active}\\,(1 - m)` there.

    Examples
    --------
    >>> import sympy as sp
    >>> m, a = sp.symbols("m a")
    >>> margin_loss("hinge", m, a), margin_loss("squared", m)
    (a*(1 - m), (1 - m)**2/2)
    """
    if kind == "hinge":
        if active is None:
            raise ValueError("the hinge loss needs the symbol of its active indicator 1[margin < 1] (active=...)")
        return active * (1 - margin)
    if kind == "squared":
        return (1 - margin) ** 2 / 2
    if kind == "logistic":
        return sp.log(1 + sp.exp(-margin))
    raise ValueError(f"kind must be one of {MARGIN_LOSSES}; got {kind!r}")
