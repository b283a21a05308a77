"""Feedforward networks with symbolic weights, and the losses of a margin.

A network of depth :math:`L` and widths :math:`n_0, \\dots, n_L` acts on a row vector of inputs,

.. math:: z_l = a_{l-1} W_l + b_l, \\qquad a_l = \\phi(z_l), \\qquad T(x) = z_L \\;(\\text{or } \\phi(z_L)),

with :math:`W_l` of shape :math:`(n_{l-1}, n_l)`. A rectified linear unit is written with its gate,
:math:`\\mathrm{ReLU}(z) = h z` with :math:`h = \\Theta(z)`; the gate is locally constant wherever
:math:`z \\neq 0`, so derivatives are taken at a fixed gate pattern (gates as symbols) and
:meth:`ForwardPass.resolve` puts :math:`\\Theta(z)` back.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["ACTIVATIONS", "LOSSES", "FeedforwardNetwork", "ForwardPass", "feedforward_network", "margin_loss",
           "weight_matrix"]

#: Activations: ``relu`` (gated, piecewise linear) and ``tanh`` (smooth).
ACTIVATIONS = ("relu", "tanh")
#: Losses of the margin :math:`m = yT`: ``hinge`` :math:`\\max(0, 1 - m)`, ``squared`` :math:`(1-m)^2/2`,
#: ``logistic`` :math:`\\log(1 + e^{-m})`.
LOSSES = ("hinge", "squared", "logistic")


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
    fields : tuple of sympy.ImmutableMatrix
        The pre-activations :math:`z_l`, ``l = 1..L``, with the gates below as symbols.
    gates : tuple of sympy.ImmutableMatrix
        The gate symbols of each gated layer (hidden layers, and the output with ``output_gate``);
        empty for a smooth activation.
    output : sympy.ImmutableMatrix
        :math:`T(x)`, shape ``(1, n_L)``, at the fixed gate pattern.
    """

    inputs: sp.ImmutableMatrix
    fields: tuple[sp.ImmutableMatrix, ...]
    gates: tuple[sp.ImmutableMatrix, ...]
    output: sp.ImmutableMatrix

    def gate_values(self) -> dict:
        """Each gate symbol -> :math:`\\Theta(z)` (zero at :math:`z = 0`), with the gates below resolved too."""
        values = {}
        for gates, fields in zip(self.gates, self.fields):
            for gate, field in zip(gates, fields):
                values[gate] = sp.Heaviside(field.xreplace(values), 0)
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
    activation : str
        One of :data:`ACTIVATIONS`.
    weights : tuple of sympy.ImmutableMatrix
        :math:`W_1, \\dots, W_L`.
    biases : tuple of sympy.ImmutableMatrix
        :math:`b_1, \\dots, b_L` (row vectors), or empty for a bias-free network.
    output_gate : bool
        Whether the activation is applied to the output too (the default output is linear).
    """

    widths: tuple[int, ...]
    activation: str
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
        >>> network = feedforward_network((1, 1, 1))
        >>> network.forward(sp.Matrix([[sp.Symbol("x")]])).output
        Matrix([[h^{1}_{1}*w^{1}_{1,1}*w^{2}_{1,1}*x]])
        """
        activation = sp.ImmutableMatrix(inputs)
        if activation.shape != (1, self.widths[0]):
            raise ValueError(f"inputs must be a row vector of shape (1, {self.widths[0]}); got shape {activation.shape}")
        fields, gates = [], []
        for layer, weights in enumerate(self.weights, 1):
            field = activation * weights + (self.biases[layer - 1] if self.biases else sp.zeros(1, weights.shape[1]))
            fields.append(sp.ImmutableMatrix(field))
            if layer == self.depth and not self.output_gate:
                activation = field
            elif self.activation == "relu":
                gate = sp.ImmutableMatrix(1, field.shape[1],
                                          lambda _, j: sp.Symbol(f"h^{{{layer}}}_{{{j + 1}{tag}}}", nonnegative=True))
                gates.append(gate)
                activation = field.multiply_elementwise(gate)
            else:
                activation = field.applyfunc(sp.tanh)
        return ForwardPass(sp.ImmutableMatrix(inputs), tuple(fields), tuple(gates), sp.ImmutableMatrix(activation))


def feedforward_network(widths, *, activation: str = "relu", biases: bool = False,
                        output_gate: bool = False) -> FeedforwardNetwork:
    """A network with symbolic weights :math:`w^{l}_{i,j}` and biases :math:`b^{l}_{1,j}`.

    Parameters
    ----------
    widths : sequence of int
        :math:`(n_0, \\dots, n_L)`, at least two entries, each positive.
    activation : {"relu", "tanh"}
    biases : bool
    output_gate : bool

    Examples
    --------
    >>> network = feedforward_network((2, 2, 1))
    >>> network.depth, [len(layer) for layer in network.layers]
    (2, [4, 2])
    """
    widths = tuple(widths)
    if len(widths) < 2 or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in widths):
        raise ValueError(f"widths must be at least two positive integers (n_0, ..., n_L), i.e. depth >= 1; got {widths!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}")
    weights = tuple(weight_matrix(l, widths[l - 1], widths[l]) for l in range(1, len(widths)))
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
    raise ValueError(f"kind must be one of {LOSSES}; got {kind!r}")
