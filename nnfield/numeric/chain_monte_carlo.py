"""Metropolis Monte Carlo of a chain of O(D) weights along the layers.

The chain energy on a ring of L layers is

.. math:: H = \\sum_l \\Big[\\frac J2 |w_{l+1} - w_l|^2 + V(w_l)\\Big], \\qquad w_l \\in \\mathbb R^D,

sampled from :math:`e^{-H/T}`. Layers of one parity do not interact, so all even layers are updated at
once, then all odd layers (checkerboard), in many independent chains side by side. The proposal
step is tuned towards an acceptance of one half during the burn-in only, so the recorded part is
an exact Metropolis chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from tqdm import tqdm

from nnfield.numeric.parameters import non_negative_integer, positive_integer, positive_real
from nnfield.numeric.samplers import as_generator

__all__ = ["ChainSamples", "o_chain_metropolis"]


@dataclass(frozen=True)
class ChainSamples:
    """Recorded configurations of independent chains.

    Attributes
    ----------
    configurations : numpy.ndarray
        Shape ``(records, chains, L, D)``.
    acceptance : float
        The fraction of accepted proposals after the burn-in.
    step : float
        The proposal's standard deviation after tuning.
    """

    configurations: np.ndarray
    acceptance: float
    step: float


def _bond_energy(w, left, right, coupling):
    return coupling / 2 * (np.sum((w - left) ** 2, axis=-1) + np.sum((w - right) ** 2, axis=-1))


def o_chain_metropolis(potential: Callable, *, dimension: int, length: int, coupling: float, temperature: float,
                       chains: int, sweeps: int, burn_in: int, record_every: int = 1, start=None, rng=None,
                       progress: bool = False) -> ChainSamples:
    """Sample the O(D) chain on a ring by checkerboard Metropolis updates.

    Parameters
    ----------
    potential : callable
        ``V(w)`` for an array of shape ``(..., D)``, returning shape ``(...)``.
    dimension, length : int
        D weights per layer, L layers (even, for the checkerboard).
    coupling, temperature : float
        J and T.
    chains, sweeps, burn_in, record_every : int
        Independent chains; recorded sweeps after ``burn_in`` tuning sweeps; keep every
        ``record_every``-th sweep.
    start : array_like, optional
        Shape ``(D,)`` or ``(chains, L, D)``; default zero.
    rng : numpy.random.Generator or int, optional
    progress : bool

    Examples
    --------
    Free Gaussian weights (J small) have :math:`\\langle w_a^2\\rangle = T/m^2`:

    >>> samples = o_chain_metropolis(lambda w: np.sum(w**2, axis=-1), dimension=2, length=8, coupling=1e-9,
    ...                              temperature=1.0, chains=400, sweeps=200, burn_in=100, rng=0)
    >>> samples.configurations.shape
    (200, 400, 8, 2)
    >>> bool(abs(np.mean(samples.configurations**2) - 0.5) < 0.02)
    True
    """
    dimension = positive_integer("dimension", dimension, "the number of weights at each layer")
    length = positive_integer("length", length, "the number of layers on the ring")
    if length % 2:
        raise ValueError(f"length must be even for the checkerboard updates; got {length}")
    coupling = positive_real("coupling", coupling, "the stiffness J between neighbouring layers")
    temperature = positive_real("temperature", temperature, "T of the Boltzmann law")
    chains = positive_integer("chains", chains, "the number of independent chains")
    sweeps = positive_integer("sweeps", sweeps, "the number of recorded sweeps")
    every = positive_integer("record_every", record_every, "the thinning of the recorded sweeps")
    burn_in = non_negative_integer("burn_in", burn_in, "the discarded sweeps")
    generator = as_generator(rng)
    w = np.zeros((chains, length, dimension))
    if start is not None:
        w = w + np.asarray(start, dtype=float)
    step = np.sqrt(temperature / (2 * coupling + 1.0))
    recorded = np.empty((sweeps // every, chains, length, dimension))
    parities = (np.arange(0, length, 2), np.arange(1, length, 2))
    accepted = proposed = 0
    tuned = 0
    for sweep in tqdm(range(burn_in + sweeps), desc=f"O({dimension}) chain T={temperature:g}", disable=not progress,
                      unit="sweep", mininterval=1.0):
        for sites in parities:
            left, right = w[:, sites - 1], w[:, (sites + 1) % length]
            old = w[:, sites]
            new = old + step * generator.standard_normal(old.shape)
            change = (potential(new) - potential(old)
                      + _bond_energy(new, left, right, coupling) - _bond_energy(old, left, right, coupling))
            accept = np.log(generator.random(change.shape)) < -change / temperature
            w[:, sites] = np.where(accept[..., None], new, old)
            tuned += accept.sum()
            if sweep >= burn_in:
                accepted += accept.sum()
                proposed += accept.size
        if sweep < burn_in and (sweep + 1) % 50 == 0:
            rate = tuned / (50 * chains * length)
            step *= float(np.clip(rate / 0.5, 0.5, 2.0))
            tuned = 0
        kept = sweep - burn_in
        if kept >= 0 and (kept + 1) % every == 0:
            recorded[kept // every] = w
    return ChainSamples(recorded, accepted / max(proposed, 1), float(step))
