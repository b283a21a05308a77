"""Feed-forward networks: one forward pass; bias-free networks with one output, their risk, exact gradient and
exact Hessian, training.

The weight convention of every network in nnfield (numeric here, symbolic in
:mod:`nnfield.symbolic.networks`): :math:`W_l` has shape :math:`(n_l, n_{l-1})`, entry :math:`W^l_{ij}`
joins unit j of layer l-1 to unit i of layer l, and on a row of inputs

.. math::  z_l = a_{l-1} W_l^\\top, \\qquad a_l = \\phi(z_l), \\qquad a_0 = x

(:func:`forward_pass`, for one network or a batch of them). A network of depth L maps an input ``x``
(width ``n_0``) to one number,

.. math::  T(x) = W_L\\,\\phi(W_{L-1} \\cdots \\phi(W_1 x)),\\qquad W_l \\in \\mathbb{R}^{n_l \\times n_{l-1}},
           \\; n_L = 1,

without biases, and is trained on data ``(x_mu, y_mu)``, ``y_mu = +-1``, by the empirical risk
``R = (1/m) sum_mu loss(T(x_mu), y_mu)`` (hinge ``max(0, 1 - y T)``, li2019's eq 12, or squared
``(T - y)^2 / 2``). The parameters ``theta`` are the weight matrices flattened row by row and
concatenated, layer 1 first.

The Hessian of the risk is

.. math::  \\nabla^2 R = \\frac1m \\sum_\\mu \\big[\\ell''_\\mu\\, \\nabla T_\\mu \\nabla T_\\mu^\\top
           + \\ell'_\\mu\\, \\nabla^2 T_\\mu\\big],

computed exactly by differentiating back-propagation once more in every parameter direction at
once (forward-over-reverse). With ReLU (``phi'' = 0`` away from gate switches) the output is
multilinear in the layers' weights, so same-layer blocks of ``nabla^2 T`` vanish; with the hinge
loss (``l'' = 0`` away from margin 1) there is no Gauss-Newton term, so the same-layer blocks of
the risk Hessian vanish and its trace is zero. Squared loss adds the positive semidefinite
``J^T diag(l'') J / m``; tanh (``phi'' != 0``) fills the same-layer blocks.

The activation is an :class:`~nnfield.numeric.activations.Activation` (any of its
:data:`~nnfield.numeric.activations.ACTIVATIONS`, or a new one): its compiled value and derivatives
give the forward pass and back-propagation; a gated activation (ReLU, linear) uses its gate as the
slope, zero at the kink. Losses bring their value and first two derivatives together
(:data:`LOSSES`); a network names its loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from tqdm import tqdm

from nnfield.numeric.activations import ACTIVATIONS, RELU, Activation
from nnfield.numeric.parameters import positive_integer, positive_real
from nnfield.numeric.samplers import as_generator

__all__ = [
    "LOSSES",
    "Dataset",
    "ForwardPass",
    "Loss",
    "Network",
    "SpectrumSummary",
    "Trajectory",
    "finite_difference_hessian",
    "forward_pass",
    "gaussian_clouds",
    "gradient",
    "gradient_descent",
    "hessian",
    "layer_block",
    "layer_structure",
    "loss_slopes",
    "output",
    "risk",
    "spectrum_summary",
]


@dataclass(frozen=True)
class Loss:
    """A loss ``l(T, y)`` with its first and second derivatives in the output ``T``.

    The hinge loss's slope is ``-y`` where the margin ``y T < 1`` and 0 where ``y T >= 1``; its
    curvature is 0 away from margin 1.
    """

    name: str
    value: Callable
    slope: Callable
    curvature: Callable


LOSSES = {
    "hinge": Loss("hinge", lambda t, y: np.maximum(0.0, 1.0 - y * t), lambda t, y: -y * (y * t < 1.0),
                  lambda t, y: np.zeros_like(t)),
    "squared": Loss("squared", lambda t, y: (t - y) ** 2 / 2, lambda t, y: t - y, lambda t, y: np.ones_like(t)),
}


@dataclass(frozen=True)
class Network:
    """A bias-free feed-forward network with one output.

    Attributes
    ----------
    widths : tuple of int
        ``(n_0, n_1, ..., n_{L-1})``: the input width and the hidden widths; the output width
        ``n_L = 1`` is implied, so the depth (number of weight matrices) is ``len(widths)``.
    activation : Activation
        An :class:`~nnfield.numeric.activations.Activation`; given by name, one of
        :data:`~nnfield.numeric.activations.ACTIVATIONS` (``"relu"``, ``"tanh"``, ``"linear"`` ...).
    loss : str
        A key of :data:`LOSSES`: ``"hinge"`` or ``"squared"``.

    Examples
    --------
    >>> network = Network((3, 4, 5))
    >>> network.depth, network.shapes, network.parameter_count
    (3, ((4, 3), (5, 4), (1, 5)), 37)
    >>> Network((3, 4), activation="step")
    Traceback (most recent call last):
    ...
    ValueError: activation must be an Activation or one of ['erf', 'gelu', 'linear', 'relu', 'sigmoid', 'softplus', 'swish', 'tanh']; got 'step'
    """

    widths: tuple[int, ...]
    activation: Activation = RELU
    loss: str = "hinge"

    def __post_init__(self):
        if isinstance(self.widths, (str, bytes)) or not hasattr(self.widths, "__iter__"):
            raise TypeError(f"widths must be a sequence of positive integers (n_0, n_1, ..., n_(L-1)); "
                            f"got {self.widths!r}")
        widths = tuple(positive_integer(f"widths[{index}]", width, "a layer width")
                       for index, width in enumerate(self.widths))
        if not widths:
            raise ValueError("widths must hold at least the input width n_0; got an empty sequence")
        object.__setattr__(self, "widths", widths)
        if isinstance(self.activation, str):
            if self.activation not in ACTIVATIONS:
                raise ValueError(f"activation must be an Activation or one of {sorted(ACTIVATIONS)}; "
                                 f"got {self.activation!r}")
            object.__setattr__(self, "activation", ACTIVATIONS[self.activation])
        if not isinstance(self.activation, Activation):
            raise TypeError("activation must be an Activation (nnfield.numeric.activations) or the name of a shipped "
                            f"one; got {type(self.activation).__name__}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}; got {self.loss!r}")

    @property
    def depth(self) -> int:
        """L, the number of weight matrices."""
        return len(self.widths)

    @property
    def shapes(self) -> tuple[tuple[int, int], ...]:
        """``(n_l, n_{l-1})`` for l = 1..L."""
        outputs = self.widths[1:] + (1,)
        return tuple(zip(outputs, self.widths))

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """The number of weights of each layer, ``n_l n_{l-1}``: the block sizes of the Hessian."""
        return tuple(rows * columns for rows, columns in self.shapes)

    @property
    def parameter_count(self) -> int:
        return sum(self.layer_sizes)

    @property
    def layer_slices(self) -> tuple[slice, ...]:
        """Where each layer's weights sit in ``theta``."""
        edges = np.concatenate([[0], np.cumsum(self.layer_sizes)])
        return tuple(slice(int(start), int(stop)) for start, stop in zip(edges[:-1], edges[1:]))

    def weights(self, theta) -> tuple[np.ndarray, ...]:
        """The weight matrices ``W_1 .. W_L`` of the parameter vector ``theta``."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (self.parameter_count,):
            raise ValueError(f"theta must be a vector of the network's {self.parameter_count} weights; "
                             f"got shape {theta.shape}")
        return tuple(theta[part].reshape(shape) for part, shape in zip(self.layer_slices, self.shapes))

    def initial_parameters(self, rng=None, gain: float | None = None) -> np.ndarray:
        """Independent centred Gaussian weights of variance ``gain / n_{l-1}`` (li2019's weight symmetry).

        ``gain`` defaults to 2 for ReLU (He initialisation: the mean square output stays of order
        one through the layers) and 1 otherwise.
        """
        return np.concatenate([weights.ravel() for weights in self.sample_weights(1, rng, gain)])

    def sample_weights(self, count, rng=None, gain: float | None = None) -> tuple[np.ndarray, ...]:
        """The weights ``W_1 .. W_L`` of ``count`` independent networks, shapes ``(count, n_l, n_{l-1})``.

        Entries are independent centred Gaussians of variance ``gain / n_{l-1}``, drawn layer by
        layer (one network's draws are those of :meth:`initial_parameters`).

        Examples
        --------
        >>> [w.shape for w in Network((3, 4)).sample_weights(5, rng=0)]
        [(5, 4, 3), (5, 1, 4)]
        """
        count = positive_integer("count", count, "the number of networks")
        generator = as_generator(rng)
        gain = (2.0 if self.activation == RELU else 1.0) if gain is None else positive_real(
            "gain", gain, "the weight variance times the fan-in")
        return tuple(generator.standard_normal((count, rows, columns)) * math.sqrt(gain / columns)
                     for rows, columns in self.shapes)


@dataclass(frozen=True)
class Dataset:
    """Inputs ``(m, n_0)`` and labels ``y_mu = +-1`` of a binary classification task."""

    inputs: np.ndarray
    labels: np.ndarray

    def __post_init__(self):
        inputs = np.asarray(self.inputs, dtype=float)
        labels = np.asarray(self.labels, dtype=float)
        if inputs.ndim != 2 or inputs.shape[0] < 1:
            raise ValueError(f"inputs must be an array of shape (m, n_0) with m >= 1; got shape {inputs.shape}")
        if labels.shape != (inputs.shape[0],):
            raise ValueError(f"labels must be a vector of the m = {inputs.shape[0]} labels; got shape {labels.shape}")
        if not np.all(np.isfinite(inputs)):
            raise ValueError("inputs must be finite")
        if not np.all(np.abs(labels) == 1):
            bad = labels[np.abs(labels) != 1][:3]
            raise ValueError(f"labels must be +1 or -1 (binary classification); got values such as {bad.tolist()}")
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "labels", labels)

    @property
    def size(self) -> int:
        return self.labels.size


def gaussian_clouds(samples, dimension, *, separation: float = 2.0, rng=None) -> Dataset:
    """Two Gaussian clouds ``x = y * separation * u / 2 + g``, ``g ~ N(0, I/dimension)``, balanced labels.

    ``u`` is a random unit vector; every input has squared norm of order one (li2019's data
    "normalised to Theta(1)"), and the clouds' centres are ``separation`` apart.

    Examples
    --------
    >>> data = gaussian_clouds(6, 3, rng=0)
    >>> data.inputs.shape, data.labels.tolist()
    ((6, 3), [1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    """
    samples = positive_integer("samples", samples, "the number of data points m")
    dimension = positive_integer("dimension", dimension, "the input width n_0")
    separation = positive_real("separation", separation, "the distance between the clouds' centres")
    generator = as_generator(rng)
    direction = generator.standard_normal(dimension)
    direction /= np.linalg.norm(direction)
    labels = np.where(np.arange(samples) % 2 == 0, 1.0, -1.0)
    noise = generator.standard_normal((samples, dimension)) / math.sqrt(dimension)
    return Dataset(labels[:, None] * (separation / 2) * direction + noise, labels)


@dataclass(frozen=True)
class ForwardPass:
    """The pre-activations ``z_l`` (l = 1..L) and the activations ``a_l`` (``a_0 = x``, l < L) of a forward pass.

    Each array has shape ``(..., m, n_l)``: the batch of networks, the inputs, the units.
    """

    pre_activations: tuple[np.ndarray, ...]
    activations: tuple[np.ndarray, ...]

    @property
    def output(self) -> np.ndarray:
        """``T = z_L`` of a network with one output, shape ``(..., m)``."""
        return self.pre_activations[-1][..., 0]


def forward_pass(weights, inputs, activation: Activation) -> ForwardPass:
    """``z_l = a_{l-1} W_l^T``, ``a_l = phi(z_l)``, ``a_0 = x``, the output ``z_L`` linear: the one forward pass.

    Parameters
    ----------
    weights : sequence of ndarray
        ``W_1 .. W_L``, shapes ``(..., n_l, n_{l-1})`` (a leading batch of networks is allowed).
    inputs : ndarray
        Rows of inputs, shape ``(..., m, n_0)``, broadcast against the batch of networks.
    activation : Activation

    Examples
    --------
    >>> weights = (np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, -1.0]]))
    >>> forward_pass(weights, np.array([[3.0, 2.0], [3.0, -2.0]]), RELU).output.tolist()
    [1.0, 3.0]
    """
    if not isinstance(activation, Activation):
        raise TypeError(f"activation must be an Activation (nnfield.numeric.activations); got {type(activation).__name__}")
    phi = activation.function
    activations, pre_activations = [inputs], []
    for layer, matrix in enumerate(weights):
        z = activations[-1] @ np.swapaxes(matrix, -1, -2)
        pre_activations.append(z)
        if layer < len(weights) - 1:
            activations.append(phi(z))
    return ForwardPass(tuple(pre_activations), tuple(activations))


def _slope(activation: Activation):
    """``phi'``; for a gated activation its gate (zero at the kink), exact wherever the gate is locally constant."""
    return activation.gate_function if activation.gate is not None else activation.derivative


def _check_data(network: Network, data) -> Dataset:
    if not isinstance(data, Dataset):
        raise TypeError(f"data must be a Dataset (see gaussian_clouds); got {type(data).__name__}")
    if data.inputs.shape[1] != network.widths[0]:
        raise ValueError(f"the inputs have width {data.inputs.shape[1]} but the network expects n_0 = "
                         f"{network.widths[0]}")
    return data


def output(network: Network, theta, inputs) -> np.ndarray:
    """``T(x_mu)`` for every row of ``inputs``.

    Examples
    --------
    >>> network = Network((2, 2), activation="relu")
    >>> theta = np.array([1.0, 0.0, 0.0, 1.0, 1.0, -1.0])   # W_1 = I, W_2 = (1, -1)
    >>> output(network, theta, np.array([[3.0, 2.0], [3.0, -2.0]])).tolist()
    [1.0, 3.0]
    """
    inputs = np.asarray(inputs, dtype=float)
    if inputs.ndim != 2 or inputs.shape[1] != network.widths[0]:
        raise ValueError(f"inputs must have shape (m, {network.widths[0]}); got shape {inputs.shape}")
    return forward_pass(network.weights(theta), inputs, network.activation).output


def loss_slopes(network: Network, theta, data: Dataset) -> np.ndarray:
    """``l'(T_mu, y_mu)``: for the hinge loss ``-y_mu`` on examples with margin below 1, else 0."""
    data = _check_data(network, data)
    return LOSSES[network.loss].slope(output(network, theta, data.inputs), data.labels)


def risk(network: Network, theta, data: Dataset) -> float:
    """The empirical risk ``R = (1/m) sum_mu l(T(x_mu), y_mu)`` (eq 12 of li2019 for the hinge loss).

    Examples
    --------
    >>> network = Network((2, 2))
    >>> theta = np.array([1.0, 0.0, 0.0, 1.0, 1.0, -1.0])
    >>> risk(network, theta, Dataset([[3.0, 2.0], [3.0, -2.0]], [1, -1]))   # margins 1 and -3
    2.0
    """
    data = _check_data(network, data)
    return float(LOSSES[network.loss].value(output(network, theta, data.inputs), data.labels).mean())


def _backward(network: Network, weights, forward: ForwardPass, data: Dataset):
    """``e_l = dR/dz_l`` for every layer, from the top: ``e_{l-1} = (e_l W_l) * phi'(z_{l-1})``."""
    loss = LOSSES[network.loss]
    slope = _slope(network.activation)
    errors = [None] * network.depth
    errors[-1] = (loss.slope(forward.output, data.labels) / data.size)[:, None]
    for layer in range(network.depth - 1, 0, -1):
        errors[layer - 1] = (errors[layer] @ weights[layer]) * slope(forward.pre_activations[layer - 1])
    return errors


def gradient(network: Network, theta, data: Dataset) -> np.ndarray:
    """``nabla_theta R`` by back-propagation: ``dR/dW_l = e_l^T a_{l-1}``; ``|gradient|^2`` is eq 15's order parameter.

    Examples
    --------
    >>> network = Network((2, 2))
    >>> theta = np.array([1.0, 0.0, 0.0, 1.0, 1.0, -1.0])
    >>> gradient(network, theta, Dataset([[3.0, 2.0], [3.0, -2.0]], [1, -1])).tolist()  # only x_2 has margin < 1
    [1.5, -1.0, 0.0, 0.0, 1.5, 0.0]
    """
    data = _check_data(network, data)
    weights = network.weights(theta)
    forward = forward_pass(weights, data.inputs, network.activation)
    errors = _backward(network, weights, forward, data)
    return np.concatenate([(error.T @ activation).ravel() for error, activation in zip(errors, forward.activations)])


def hessian(network: Network, theta, data: Dataset, *, chunk: int = 256) -> np.ndarray:
    """The exact Hessian ``d^2 R / d theta d theta`` (away from ReLU gate switches and hinge kinks).

    Back-propagation differentiated once more along ``chunk`` unit directions ``V`` at a time
    (Pearlmutter's R-operator): forward ``Rz_l = Ra_{l-1} W_l^T + a_{l-1} V_l^T``,
    ``Ra_l = phi'(z_l) Rz_l``; backward ``Re_L = l'' Rz_L / m``,
    ``Re_{l-1} = (Re_l W_l + e_l V_l) phi'(z_{l-1}) + (e_l W_l) phi''(z_{l-1}) Rz_{l-1}``, and the row
    of the Hessian is ``R(dR/dW_l) = Re_l^T a_{l-1} + e_l^T Ra_{l-1}``.

    Examples
    --------
    A two-layer linear network with squared loss (the tests compare it with the hand-derived form):

    >>> network = Network((2, 2), activation="linear", loss="squared")
    >>> matrix = hessian(network, np.arange(1.0, 7.0), Dataset([[1.0, -1.0]], [1]))
    >>> matrix.shape, bool(np.allclose(matrix, matrix.T))
    ((6, 6), True)
    """
    data = _check_data(network, data)
    chunk = positive_integer("chunk", chunk, "the number of Hessian rows computed at once")
    weights = network.weights(theta)
    forward = forward_pass(weights, data.inputs, network.activation)
    errors = _backward(network, weights, forward, data)
    curvature = LOSSES[network.loss].curvature(forward.output, data.labels)[:, None] / data.size
    slopes = [_slope(network.activation)(z) for z in forward.pre_activations[:-1]]
    curvatures = [network.activation.second_derivative(z) for z in forward.pre_activations[:-1]]
    backs = [errors[layer] @ weights[layer] for layer in range(1, network.depth)]  # dR/da_{l-1}
    count = network.parameter_count
    result = np.empty((count, count))
    for start in range(0, count, chunk):
        rows = np.arange(start, min(start + chunk, count))
        directions = np.zeros((rows.size, count))
        directions[np.arange(rows.size), rows] = 1.0
        tangents = [directions[:, part].reshape((rows.size,) + shape)
                    for part, shape in zip(network.layer_slices, network.shapes)]
        # Forward tangents of z_l and a_l.
        r_activation = np.zeros((rows.size,) + data.inputs.shape)
        r_activations, r_pre = [r_activation], []
        for layer, matrix in enumerate(weights):
            r_z = r_activations[-1] @ matrix.T + np.einsum("mj,ckj->cmk", forward.activations[layer], tangents[layer])
            r_pre.append(r_z)
            if layer < network.depth - 1:
                r_activations.append(slopes[layer] * r_z)
        # Backward tangents of e_l, and the rows of the Hessian.
        r_error = curvature * r_pre[-1]
        for layer in range(network.depth - 1, -1, -1):
            block = (np.einsum("cmk,mj->ckj", r_error, forward.activations[layer])
                     + np.einsum("mk,cmj->ckj", errors[layer], r_activations[layer]))
            result[rows, network.layer_slices[layer]] = block.reshape(rows.size, -1)
            if layer:
                r_error = ((r_error @ weights[layer] + np.einsum("mk,ckj->cmj", errors[layer], tangents[layer]))
                           * slopes[layer - 1] + backs[layer - 1] * curvatures[layer - 1] * r_pre[layer - 1])
    return result


def finite_difference_hessian(network: Network, theta, data: Dataset, *, step: float = 1e-6) -> np.ndarray:
    """Central differences of the exact gradient, ``(g(theta + h e_k) - g(theta - h e_k)) / 2h``, column by column.

    Independent of :func:`hessian` (it uses back-propagation once, not its derivative). Exact up to
    rounding ``~ eps / h`` for piecewise-linear activations and losses when no gate or margin
    switches within ``h``.

    Examples
    --------
    >>> network = Network((2, 3), activation="tanh", loss="squared")
    >>> data = gaussian_clouds(5, 2, rng=1)
    >>> theta = network.initial_parameters(rng=2)
    >>> bool(np.allclose(finite_difference_hessian(network, theta, data), hessian(network, theta, data), atol=1e-7))
    True
    """
    step = positive_real("step", step, "the finite-difference step")
    theta = np.asarray(theta, dtype=float)
    columns = []
    for index in range(theta.size):
        bump = np.zeros_like(theta)
        bump[index] = step
        columns.append((gradient(network, theta + bump, data) - gradient(network, theta - bump, data)) / (2 * step))
    return np.stack(columns, axis=1)


def layer_block(network: Network, matrix, first: int, second: int) -> np.ndarray:
    """The block of a ``(P, P)`` matrix between the weights of layers ``first`` and ``second`` (1-based).

    Examples
    --------
    >>> network = Network((2, 3))
    >>> layer_block(network, np.eye(network.parameter_count), 1, 2).shape
    (6, 3)
    """
    for name, layer in (("first", first), ("second", second)):
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 1 <= layer <= network.depth:
            raise ValueError(f"{name} must be a layer number 1..{network.depth}; got {layer!r}")
    slices = network.layer_slices
    return np.asarray(matrix)[slices[first - 1], slices[second - 1]]


def layer_structure(network: Network, matrix) -> tuple[float, float]:
    """The largest same-layer entry of a ``(P, P)`` matrix relative to its largest entry, and ``|tr H| / |H|_F``.

    Both vanish for the risk Hessian of a bias-free ReLU network with hinge loss.

    Examples
    --------
    >>> network = Network((2, 3))
    >>> layer_structure(network, np.eye(network.parameter_count))
    (1.0, 3.0)
    """
    matrix = np.asarray(matrix, dtype=float)
    same = max(np.abs(layer_block(network, matrix, layer, layer)).max() for layer in range(1, network.depth + 1))
    return float(same / np.abs(matrix).max()), float(abs(np.trace(matrix)) / np.linalg.norm(matrix))


@dataclass(frozen=True)
class SpectrumSummary:
    """What the spectrum of a symmetric matrix says about the landscape.

    Attributes
    ----------
    trace : float
        ``tr H = sum lambda``.
    frobenius : float
        ``|H|_F = (sum lambda^2)^(1/2)``.
    largest, smallest : float
        The extreme eigenvalues.
    zero_fraction : float
        The fraction of eigenvalues with ``|lambda| <= tolerance`` (``tolerance = P eps max|lambda|``,
        numpy's rank convention).
    negative_fraction : float
        The fraction of the nonzero eigenvalues that are negative (1/2 for a symmetric spectrum).
    skewness : float
        ``<lambda^3> / <lambda^2>^(3/2)`` over the nonzero eigenvalues: moments about zero, so that
        any spectrum symmetric about zero has skewness 0; 0 when every eigenvalue is zero.
    """

    trace: float
    frobenius: float
    largest: float
    smallest: float
    zero_fraction: float
    negative_fraction: float
    skewness: float


def spectrum_summary(matrix=None, *, eigenvalues=None) -> SpectrumSummary:
    """Trace, extreme eigenvalues, fraction of negative eigenvalues and skewness of a symmetric matrix.

    Examples
    --------
    >>> s = spectrum_summary(np.array([[0.0, 2.0], [2.0, 0.0]]))
    >>> s.trace, s.negative_fraction, s.skewness
    (0.0, 0.5, 0.0)
    >>> spectrum_summary(eigenvalues=np.array([0.0, 1.0, 1.0, 4.0])).skewness > 0
    True
    """
    if (matrix is None) == (eigenvalues is None):
        raise TypeError("give exactly one of matrix (a symmetric array) or eigenvalues")
    if eigenvalues is None:
        matrix = np.asarray(matrix, dtype=float)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"matrix must be square; got shape {matrix.shape}")
        eigenvalues = np.linalg.eigvalsh((matrix + matrix.T) / 2)
    eigenvalues = np.asarray(eigenvalues, dtype=float).ravel()
    scale = np.abs(eigenvalues).max(initial=0.0)
    tolerance = eigenvalues.size * np.finfo(float).eps * scale
    nonzero = eigenvalues[np.abs(eigenvalues) > tolerance]
    second = float(np.mean(nonzero**2)) if nonzero.size else 0.0
    return SpectrumSummary(
        trace=float(eigenvalues.sum()),
        frobenius=float(np.sqrt(np.sum(eigenvalues**2))),
        largest=float(eigenvalues.max()),
        smallest=float(eigenvalues.min()),
        zero_fraction=1.0 - nonzero.size / eigenvalues.size,
        negative_fraction=float(np.mean(nonzero < 0)) if nonzero.size else 0.0,
        skewness=float(np.mean(nonzero**3) / second**1.5) if nonzero.size else 0.0,
    )


@dataclass(frozen=True)
class Trajectory:
    """A gradient-descent run ``theta <- theta - eta nabla R`` (li2019's eq 13, discretised).

    Attributes
    ----------
    steps : ndarray of int
        Step numbers of the records ``risk`` and ``order_parameter`` (every step, the last one included).
    risk : ndarray
    order_parameter : ndarray
        ``|nabla R|^2`` (eq 15), at the same steps.
    hessian_steps : ndarray of int
        Steps at which the Hessian was diagonalised.
    hessian_spectra : tuple of SpectrumSummary
    final_parameters : ndarray
    reached_zero_risk : bool
        Whether the risk reached exactly zero (every margin at least 1 for the hinge loss).
    learning_rate : float
    """

    steps: np.ndarray
    risk: np.ndarray
    order_parameter: np.ndarray
    hessian_steps: np.ndarray
    hessian_spectra: tuple[SpectrumSummary, ...]
    final_parameters: np.ndarray
    reached_zero_risk: bool
    learning_rate: float


def gradient_descent(network: Network, theta, data: Dataset, *, learning_rate: float = 0.1,
                     max_steps: int = 2000, hessian_every: int = 50, progress: bool = False) -> Trajectory:
    """Plain gradient descent until the risk is exactly zero or ``max_steps``; records risk, ``|nabla R|^2``
    every step and the Hessian's spectrum every ``hessian_every`` steps (and at the last step).

    Examples
    --------
    >>> network = Network((3, 8))
    >>> data = gaussian_clouds(10, 3, separation=4.0, rng=0)
    >>> run = gradient_descent(network, network.initial_parameters(rng=1), data, learning_rate=0.2, max_steps=500)
    >>> run.reached_zero_risk, float(run.risk[-1]), float(run.order_parameter[-1])
    (True, 0.0, 0.0)
    """
    data = _check_data(network, data)
    learning_rate = positive_real("learning_rate", learning_rate, "the step size eta")
    max_steps = positive_integer("max_steps", max_steps, "the largest number of steps")
    hessian_every = positive_integer("hessian_every", hessian_every, "steps between Hessian spectra")
    network.weights(theta)  # checks the shape
    theta = np.array(theta, dtype=float)
    risks, orders, hessian_steps, spectra = [], [], [], []
    bar = tqdm(total=max_steps, desc="gradient descent", disable=not progress, unit="step")
    step = 0
    while True:
        value = risk(network, theta, data)
        slope = gradient(network, theta, data)
        risks.append(value)
        orders.append(float(slope @ slope))
        finished = value == 0.0 or step == max_steps
        if step % hessian_every == 0 or finished:
            hessian_steps.append(step)
            spectra.append(spectrum_summary(hessian(network, theta, data)))
        if finished:
            break
        theta = theta - learning_rate * slope
        step += 1
        bar.update()
    if value == 0.0:  # stopped early: the bar ends at 100% of the steps taken and says why
        bar.total = step
        bar.set_postfix_str("stopped: zero risk reached")
    bar.close()
    return Trajectory(np.arange(step + 1), np.array(risks), np.array(orders), np.array(hessian_steps),
                      tuple(spectra), theta, risks[-1] == 0.0, learning_rate)
