"""Samplers of random networks: the norms of the pre-activations, layer by layer.

Networks have ``z^l = W^l phi(z^{l-1}) + b^l`` with ``W ~ N(0, sigma_w2/N)`` entrywise,
``b ~ N(0, sigma_b2)``, width N, depth L, and a random input ``x = z^{-1} ~ N(0, I_N)`` (so the
first layer sees ``phi(x)``; for the identity, ``x``). Three samplers draw the same law:

- :func:`dense_network_norms` draws every weight matrix, as the paper does (App. 8.3): O(N^2) a layer;
- :func:`exact_network_norms` draws each layer from its conditional law given the previous one,
  ``z^l ~ N(0, (sigma_w2 |phi(z^{l-1})|^2/N + sigma_b2) I_N)``: O(N) a layer;
- :func:`linear_norm_chain` for ``phi(z) = z`` follows the norm alone,
  ``r_l^2 = (sigma_w2 r_{l-1}^2/N + sigma_b2) chi^2_N``: O(1) a layer.

Each returns an array of shape ``(M, L)`` of norms ``|z^l|``.
"""

from __future__ import annotations

import numbers

import numpy as np
from tqdm.auto import tqdm

from nnfield.numeric.parameters import positive_integer, positive_real

__all__ = ["dense_network_norms", "exact_network_norms", "linear_norm_chain", "as_generator"]


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
        positive_real("sigma_b2", sigma_b2, "the bias variance sigma_b^2"),
        positive_integer("N", N, "the width of each layer"),
        positive_integer("L", L, "the number of layers"),
        positive_integer("M", M, "the number of networks"),
    )


def _identity(z):
    return z


def dense_network_norms(sigma_w2, sigma_b2, N, L, M, *, phi=None, rng=None, progress=False) -> np.ndarray:
    """Norms of pre-activations of M networks, drawing every weight matrix.

    Examples
    --------
    >>> dense_network_norms(0.5, 0.01, N=20, L=5, M=3, rng=0).shape
    (3, 5)
    """
    sigma_w2, sigma_b2, N, L, M = _check(sigma_w2, sigma_b2, N, L, M)
    phi = phi or _identity
    generator = as_generator(rng)
    norms = np.empty((M, L))
    for network in tqdm(range(M), desc="dense networks", disable=not progress, unit="net"):
        z = generator.standard_normal(N)
        for layer in range(L):
            weights = generator.standard_normal((N, N)) * np.sqrt(sigma_w2 / N)
            z = weights @ phi(z) + generator.standard_normal(N) * np.sqrt(sigma_b2)
            norms[network, layer] = np.sqrt(z @ z)
    return norms


def exact_network_norms(sigma_w2, sigma_b2, N, L, M, *, phi=None, rng=None, progress=False) -> np.ndarray:
    """Norms of pre-activations of M networks, each layer drawn from its law given the previous one.

    Given ``z^{l-1}``, the N units of ``z^l = W phi(z^{l-1}) + b`` are independent Gaussians of
    variance ``sigma_w2 |phi(z^{l-1})|^2 / N + sigma_b2``, exactly (the weights of one row are
    independent of each other and of the other rows).

    Examples
    --------
    >>> exact_network_norms(0.5, 0.01, N=20, L=5, M=3, phi=np.tanh, rng=0).shape
    (3, 5)
    """
    sigma_w2, sigma_b2, N, L, M = _check(sigma_w2, sigma_b2, N, L, M)
    phi = phi or _identity
    generator = as_generator(rng)
    z = generator.standard_normal((M, N))
    norms = np.empty((M, L))
    for layer in tqdm(range(L), desc="exact layers", disable=not progress, unit="layer"):
        activation = phi(z)
        scale = np.sqrt(sigma_w2 * np.einsum("mn,mn->m", activation, activation) / N + sigma_b2)
        z = generator.standard_normal((M, N)) * scale[:, None]
        norms[:, layer] = np.sqrt(np.einsum("mn,mn->m", z, z))
    return norms


def linear_norm_chain(sigma_w2, sigma_b2, N, L, M, *, rng=None) -> np.ndarray:
    """Norms of a linear network, following the norm alone: ``r_l^2 = (sigma_w2 r_{l-1}^2/N + sigma_b2) chi2_N``.

    ``sigma_w2`` may be a 1-D array of S values; the result then has shape ``(S, M, L)``.

    Examples
    --------
    >>> linear_norm_chain([0.2, 0.5], 0.01, N=200, L=8, M=4, rng=1).shape
    (2, 4, 8)
    """
    values = np.atleast_1d(np.asarray(sigma_w2, dtype=float))
    if values.ndim != 1:
        raise ValueError(f"sigma_w2 must be a number or a 1-D array of numbers; got shape {values.shape}")
    for value in values:
        _check(float(value), sigma_b2, N, L, M)
    _, sigma_b2, N, L, M = _check(float(values[0]), sigma_b2, N, L, M)
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
