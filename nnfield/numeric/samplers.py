"""Samplers of random networks: the norms of the pre-activations, layer by layer.

Networks have ``z^l = W^l phi(z^{l-1}) + b^l`` with ``W ~ N(0, sigma_w2/N)`` entrywise,
``b ~ N(0, sigma_b2)`` (``sigma_b2 = 0``: no biases), ``phi`` an
:class:`~nnfield.numeric.activations.Activation` or a function of arrays, width N, depth L, and a
random input ``x ~ N(0, I_N)`` that the first layer sees as it is, ``z^0 = W^0 x + b^0`` (the paper's eq 4). Three samplers draw the same law:

- :func:`dense_network_observables` draws every weight matrix, as the paper does (App. 8.3): O(N^2) a layer;
- :func:`exact_network_observables` draws each layer from its conditional law given the previous one,
  ``z^l ~ N(0, (sigma_w2 |phi(z^{l-1})|^2/N + sigma_b2) I_N)``: O(N) a layer;
- :func:`linear_norm_chain` for ``phi(z) = z`` follows the norm alone,
  ``r_l^2 = (sigma_w2 r_{l-1}^2/N + sigma_b2) chi^2_N``: O(1) a layer;
- :func:`relu_parts_chain` for ``phi(z) = max(z, 0)`` follows ``(r_+, r_-, k)`` alone: given the
  previous layer, k ~ Binomial(N, 1/2) units are positive, ``r_+^2 = D chi^2_k`` and
  ``r_-^2 = D chi^2_{N-k}`` with ``D = sigma_w2 r_{+,l-1}^2/N + sigma_b2``: O(1) a layer.

The dense and exact samplers record an observable of each layer: the norm ``|z^l|`` by default
(an array of shape ``(M, L)``), or e.g. :func:`relu_parts` (shape ``(M, L, 3)``).
"""

from __future__ import annotations

import numbers

import numpy as np
from tqdm import tqdm

from nnfield.numeric.activations import Activation
from nnfield.numeric.parameters import non_negative_real, positive_integer, positive_real

__all__ = [
    "as_generator",
    "dense_network_observables",
    "dense_network_overlaps",
    "dense_network_units",
    "exact_network_overlaps",
    "exact_network_observables",
    "exact_network_units",
    "linear_norm_chain",
    "norm",
    "relu_parts_chain",
    "relu_parts",
]


def norm(z: np.ndarray) -> np.ndarray:
    """The norm of each row: the default observable of the samplers."""
    return np.sqrt(np.einsum("...n,...n->...", z, z))


def relu_parts(z: np.ndarray) -> np.ndarray:
    """``(r_+, r_-, k)`` of each row: norms of the positive and negative parts, number of positive units.

    Examples
    --------
    >>> relu_parts(np.array([[3.0, -4.0, 0.0, 1.0]]))
    array([[3.16227766, 4.        , 2.        ]])
    """
    positive = z > 0
    plus = np.sqrt(np.einsum("...n,...n->...", z, z * positive))
    minus = np.sqrt(np.einsum("...n,...n->...", z, z * ~positive))
    return np.stack([plus, minus, positive.sum(axis=-1).astype(float)], axis=-1)


def as_generator(rng) -> np.random.Generator:
    """A ``numpy.random.Generator`` from a generator, an integer seed, or ``None`` (fresh entropy).

    Examples
    --------
    >>> as_generator(3).normal() == as_generator(3).normal()
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy.random.Generator, an integer seed or None; got {type(rng).__name__}")


def _check(sigma_w2, sigma_b2, N, L, M):
    return (
        positive_real("sigma_w2", sigma_w2, "the weight variance sigma_w^2"),
        non_negative_real("sigma_b2", sigma_b2, "the bias variance sigma_b^2; 0 for a network without biases"),
        positive_integer("N", N, "the width of each layer"),
        positive_integer("L", L, "the number of layers"),
        positive_integer("M", M, "the number of networks"),
    )


def _identity(z):
    return z


def _as_function(phi):
    """The activation as a function of arrays: an :class:`~nnfield.numeric.activations.Activation`, a callable, or None (identity)."""
    if phi is None:
        return _identity
    if isinstance(phi, Activation):
        return phi.function
    if not callable(phi):
        raise TypeError(f"phi must be an Activation (e.g. nnfield.numeric.activations.TANH), a function of arrays "
                        f"such as np.tanh, or None for the identity; got {type(phi).__name__}")
    return phi


def dense_network_observables(sigma_w2, sigma_b2, N, L, M, *, phi=None, observe=norm, rng=None,
                        progress=False) -> np.ndarray:
    """An observable (by default the norm) of every layer of M networks, drawing every weight matrix.

    Examples
    --------
    >>> dense_network_observables(0.5, 0.01, N=20, L=5, M=3, rng=0).shape
    (3, 5)
    >>> from nnfield.numeric.activations import RELU
    >>> dense_network_observables(0.5, 0.01, N=20, L=5, M=3, phi=RELU, observe=relu_parts, rng=0).shape
    (3, 5, 3)
    """
    sigma_w2, sigma_b2, N, L, M = _check(sigma_w2, sigma_b2, N, L, M)
    phi = _as_function(phi)
    generator = as_generator(rng)
    records = []
    for _ in tqdm(range(M), desc="dense networks", disable=not progress, unit="net"):
        z = generator.standard_normal(N)
        layers = []
        for layer in range(L):
            weights = generator.standard_normal((N, N)) * np.sqrt(sigma_w2 / N)
            z = weights @ (phi(z) if layer else z) + generator.standard_normal(N) * np.sqrt(sigma_b2)
            layers.append(observe(z))
        records.append(layers)
    return np.asarray(records, dtype=float)


def exact_network_observables(sigma_w2, sigma_b2, N, L, M, *, phi=None, observe=norm, rng=None,
                        progress=False) -> np.ndarray:
    """An observable (by default the norm) of every layer of M networks, each layer drawn from its law
    given the previous one.

    Given ``z^{l-1}``, the N units of ``z^l = W phi(z^{l-1}) + b`` are independent Gaussians of
    variance ``sigma_w2 |phi(z^{l-1})|^2 / N + sigma_b2``, exactly (the weights of one row are
    independent of each other and of the other rows).

    Examples
    --------
    >>> exact_network_observables(0.5, 0.01, N=20, L=5, M=3, phi=np.tanh, rng=0).shape
    (3, 5)
    """
    sigma_w2, sigma_b2, N, L, M = _check(sigma_w2, sigma_b2, N, L, M)
    phi = _as_function(phi)
    generator = as_generator(rng)
    z = generator.standard_normal((M, N))
    layers = []
    for layer in tqdm(range(L), desc="exact layers", disable=not progress, unit="layer"):
        activation = phi(z) if layer else z
        scale = np.sqrt(sigma_w2 * np.einsum("mn,mn->m", activation, activation) / N + sigma_b2)
        z = generator.standard_normal((M, N)) * scale[:, None]
        layers.append(observe(z))
    return np.stack(layers, axis=1)


def _checked_values(sigma_w2, sigma_b2, N, L, M):
    """The values of sigma_w^2 (a number or a 1-D array), each checked, and the checked other parameters."""
    values = np.atleast_1d(np.asarray(sigma_w2, dtype=float))
    if values.ndim != 1:
        raise ValueError(f"sigma_w2 must be a number or a 1-D array of numbers; got shape {values.shape}")
    for value in values:
        _check(float(value), sigma_b2, N, L, M)
    return values, _check(float(values[0]), sigma_b2, N, L, M)[1:]


def linear_norm_chain(sigma_w2, sigma_b2, N, L, M, *, rng=None) -> np.ndarray:
    """Norms of a linear network, following the norm alone: ``r_l^2 = (sigma_w2 r_{l-1}^2/N + sigma_b2) chi2_N``.

    ``sigma_w2`` may be a 1-D array of S values; the result then has shape ``(S, M, L)``.

    Examples
    --------
    >>> linear_norm_chain([0.2, 0.5], 0.01, N=200, L=8, M=4, rng=1).shape
    (2, 4, 8)
    """
    values, (sigma_b2, N, L, M) = _checked_values(sigma_w2, sigma_b2, N, L, M)
    generator = as_generator(rng)
    squared = generator.chisquare(N, size=(values.size, M))
    norms = np.empty((values.size, M, L))
    weight = values[:, None] / N
    chi_square = generator.chisquare(N, size=(L, values.size, M))
    for layer in range(L):
        squared = (weight * squared + sigma_b2) * chi_square[layer]
        norms[:, :, layer] = squared
    np.sqrt(norms, out=norms)
    return norms[0] if np.ndim(sigma_w2) == 0 else norms


def relu_parts_chain(sigma_w2, sigma_b2, N, L, M, *, rng=None) -> np.ndarray:
    """``(r_+, r_-, k)`` of every layer of M rectified linear networks, following these fields alone.

    Given the previous layer, the N units are independent centred Gaussians of variance
    ``D = sigma_w2 r_+^2 / N + sigma_b2`` (only positive units pass the ReLU). Their signs are fair
    coins, so ``k ~ Binomial(N, 1/2)``; given k, ``r_+^2 = D chi^2_k`` and ``r_-^2 = D chi^2_{N-k}``.

    Returns an array of shape ``(M, L, 3)``, or ``(S, M, L, 3)`` for a 1-D array of S values of
    ``sigma_w2``.

    Examples
    --------
    >>> relu_parts_chain([0.5, 1.5], 0.01, N=200, L=8, M=4, rng=1).shape
    (2, 4, 8, 3)
    """
    values, (sigma_b2, N, L, M) = _checked_values(sigma_w2, sigma_b2, N, L, M)
    generator = as_generator(rng)
    shape = (values.size, M)
    # The first layer sees the raw input x ~ N(0, I_N): its "activation" has |x|^2 ~ chi2_N.
    plus_squared = generator.chisquare(N, size=shape)
    fields = np.empty(shape + (L, 3))
    weight = values[:, None] / N
    for layer in range(L):
        variance = weight * plus_squared + sigma_b2
        positive = generator.binomial(N, 0.5, size=shape)
        plus_squared = variance * generator.gamma(positive / 2, 2.0)
        minus_squared = variance * generator.gamma((N - positive) / 2, 2.0)
        fields[:, :, layer, 0] = np.sqrt(plus_squared)
        fields[:, :, layer, 1] = np.sqrt(minus_squared)
        fields[:, :, layer, 2] = positive
    return fields[0] if np.ndim(sigma_w2) == 0 else fields


def _check_inputs(inputs, N) -> np.ndarray:
    inputs = np.asarray(inputs, dtype=float)
    if inputs.ndim != 2 or inputs.shape[1] != N or inputs.shape[0] < 1:
        raise ValueError(f"inputs must be an array of shape (K, N) = (number of inputs, {N}); got shape {inputs.shape}")
    if not np.all(np.isfinite(inputs)):
        raise ValueError("inputs must be finite")
    return inputs


def _overlap_set_up(sigma_w2, sigma_b2, N, L, M, inputs, phi, rng):
    """The checked sizes, the checked inputs, the activation as a function and the generator of an overlap sampler."""
    sizes = _check(sigma_w2, sigma_b2, N, L, M)
    return sizes, _check_inputs(inputs, sizes[2]), _as_function(phi), as_generator(rng)


def dense_network_overlaps(sigma_w2, sigma_b2, N, L, M, inputs, *, phi=None, rng=None, progress=False) -> np.ndarray:
    """Overlaps ``z_i . z_j / N`` of the pre-activations of several inputs, drawing every weight matrix.

    ``inputs`` has shape ``(K, N)`` (K inputs); the result has shape ``(M, L, K, K)`` (M networks).

    Examples
    --------
    >>> dense_network_overlaps(0.5, 0.1, N=8, L=3, M=2, inputs=np.eye(2, 8), rng=0).shape
    (2, 3, 2, 2)
    """
    (sigma_w2, sigma_b2, N, L, M), inputs, phi, generator = _overlap_set_up(sigma_w2, sigma_b2, N, L, M, inputs, phi, rng)
    overlaps = np.empty((M, L, len(inputs), len(inputs)))
    for network in tqdm(range(M), desc="dense networks", disable=not progress, unit="net"):
        z = inputs.T  # (N, K): column i is input i
        for layer in range(L):
            weights = generator.standard_normal((N, N)) * np.sqrt(sigma_w2 / N)
            bias = generator.standard_normal((N, 1)) * np.sqrt(sigma_b2)  # shared by the inputs
            z = weights @ (phi(z) if layer else z) + bias
            overlaps[network, layer] = z.T @ z / N
    return overlaps


def exact_network_overlaps(sigma_w2, sigma_b2, N, L, M, inputs, *, phi=None, rng=None) -> np.ndarray:
    """The same law as :func:`dense_network_overlaps`, drawing each layer given the previous one.

    Given layer ``l-1``, each unit's pre-activations for the ``K`` inputs are jointly Gaussian with
    covariance :math:`\\Sigma_{ij} = \\sigma_w^2 \\phi_i\\cdot\\phi_j/N + \\sigma_b^2` (the Main Result),
    independently across units: one Cholesky factor per layer, ``O(N K^2)`` work instead of ``O(N^2 K)``.
    The first layer sees the raw inputs, as the dense sampler does.

    Examples
    --------
    >>> exact_network_overlaps(0.5, 0.1, N=8, L=3, M=2, inputs=np.eye(2, 8), rng=0).shape
    (2, 3, 2, 2)
    """
    (sigma_w2, sigma_b2, N, L, M), inputs, phi, generator = _overlap_set_up(sigma_w2, sigma_b2, N, L, M, inputs, phi, rng)
    count = len(inputs)
    activations = np.broadcast_to(inputs, (M, count, N))
    overlaps = np.empty((M, L, count, count))
    jitter = 1e-12 * np.eye(count)  # identical inputs make Sigma singular; the law is then degenerate
    for layer in range(L):
        covariance = sigma_w2 * np.einsum("mia,mja->mij", activations, activations) / N + sigma_b2
        factor = np.linalg.cholesky(covariance + jitter * covariance.trace(axis1=1, axis2=2)[:, None, None])
        z = np.einsum("mij,mjn->min", factor, generator.standard_normal((M, count, N)))
        overlaps[:, layer] = np.einsum("min,mjn->mij", z, z) / N
        activations = phi(z)
    return overlaps


def _check_units(sigma_w2, sigma_b2, N, L, M, input_q):
    return (*_check(sigma_w2, sigma_b2, N, L, M), positive_real("input_q", input_q, "the input's |x|^2 / N"))


def dense_network_units(sigma_w2, sigma_b2, N, L, M, *, phi=None, input_q=1.0, rng=None,
                        batch: int = 256) -> np.ndarray:
    """The pre-activations of every unit of every layer of M networks with one fixed input, drawing every weight.

    ``z^1 = W^1 x + b^1`` and ``z^l = W^l phi(z^{l-1}) + b^l`` with ``W ~ N(0, sigma_w2/N)``,
    ``b ~ N(0, sigma_b2)`` (``sigma_b2 = 0`` allowed), width N, and the fixed input
    ``x = sqrt(input_q) (1, ..., 1)``, so ``|x|^2/N = input_q``. Unlike :func:`dense_network_observables`,
    whose input is random, the first layer is then exactly Gaussian, of variance
    ``sigma_w2 input_q + sigma_b2``. Networks are drawn ``batch`` at a time.

    Returns an array of shape ``(M, L, N)``.

    Examples
    --------
    >>> from nnfield.numeric.activations import RELU
    >>> dense_network_units(0.5, 0.0, N=8, L=3, M=5, phi=RELU, rng=0).shape
    (5, 3, 8)
    """
    sigma_w2, sigma_b2, N, L, M, input_q = _check_units(sigma_w2, sigma_b2, N, L, M, input_q)
    batch = positive_integer("batch", batch, "networks drawn at once")
    phi = _as_function(phi)
    generator = as_generator(rng)
    units = np.empty((M, L, N))
    for start in range(0, M, batch):
        count = min(batch, M - start)
        activation = np.full((count, N), np.sqrt(input_q))
        for layer in range(L):
            weights = generator.standard_normal((count, N, N)) * np.sqrt(sigma_w2 / N)
            z = np.einsum("mij,mj->mi", weights, activation) + generator.standard_normal((count, N)) * np.sqrt(sigma_b2)
            units[start:start + count, layer] = z
            activation = phi(z)
    return units


def exact_network_units(sigma_w2, sigma_b2, N, L, M, *, phi=None, input_q=1.0, rng=None) -> np.ndarray:
    """The law of :func:`dense_network_units`, each layer drawn given the previous one: O(N) a layer.

    Given layer ``l-1``, the N units of layer l are independent Gaussians of variance
    ``sigma_w2 |phi(z^{l-1})|^2/N + sigma_b2``; the first layer's variance is ``sigma_w2 input_q + sigma_b2``.

    Examples
    --------
    >>> exact_network_units(0.5, 0.1, N=8, L=3, M=5, phi=np.tanh, rng=0).shape
    (5, 3, 8)
    """
    sigma_w2, sigma_b2, N, L, M, input_q = _check_units(sigma_w2, sigma_b2, N, L, M, input_q)
    phi = _as_function(phi)
    generator = as_generator(rng)
    units = np.empty((M, L, N))
    variance = np.full(M, sigma_w2 * input_q + sigma_b2)
    for layer in range(L):
        z = generator.standard_normal((M, N)) * np.sqrt(variance)[:, None]
        units[:, layer] = z
        activation = phi(z)
        variance = sigma_w2 * np.einsum("mn,mn->m", activation, activation) / N + sigma_b2
    return units
