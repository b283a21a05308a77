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

__all__ = ["ChainSamples", "o_chain_metropolis", "multiplet_dot"]


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


def multiplet_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """:math:`a\\cdot b = \\sum_c a_c b_c` over the last axis (the D weights of a multiplet).

    Summed one component at a time, in order: the same numbers as ``np.sum(a * b, axis=-1)`` for D < 8, at a
    fraction of the cost of a reduction over an axis of two or three entries.

    Examples
    --------
    >>> multiplet_dot(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0, 6.0], [7.0, 8.0]])).tolist()
    [17.0, 53.0]
    """
    total = a[..., 0] * b[..., 0]
    for component in range(1, a.shape[-1]):
        total += a[..., component] * b[..., component]
    return total


def _neighbour_sum(other: np.ndarray, parity: int) -> np.ndarray:
    """:math:`w_{l-1} + w_{l+1}` for the layers of one parity, from the layers of the other, ``(chains, L/2, D)``.

    Even layer 2k has the odd neighbours 2k-1 and 2k+1 (entries k-1 and k of ``other``); odd layer 2k+1 has
    the even neighbours 2k and 2k+2 (entries k and k+1), all on the ring.
    """
    total = other.copy()
    if parity == 0:
        total[:, 1:] += other[:, :-1]
        total[:, 0] += other[:, -1]
    else:
        total[:, :-1] += other[:, 1:]
        total[:, -1] += other[:, 0]
    return total


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
    # The two sublattices, each contiguous, with the potential of every layer kept between updates.
    halves = (w[:, 0::2].copy(), w[:, 1::2].copy())
    energies = tuple(np.array(potential(half), dtype=float) for half in halves)
    step = np.sqrt(temperature / (2 * coupling + 1.0))
    recorded = np.empty((sweeps // every, chains, length, dimension))
    accepted = proposed = 0
    tuned = 0
    for sweep in tqdm(range(burn_in + sweeps), desc=f"O({dimension}) chain T={temperature:g}", disable=not progress,
                      unit="sweep", mininterval=1.0):
        for parity in (0, 1):
            old, old_energy = halves[parity], energies[parity]
            move = step * generator.standard_normal(old.shape)
            new = old + move
            new_energy = potential(new)
            # J/2 (|w'-l|^2 + |w'-r|^2 - |w-l|^2 - |w-r|^2) = J (w'-w).(w'+w-l-r)
            bond = coupling * multiplet_dot(move, new + old - _neighbour_sum(halves[1 - parity], parity))
            change = new_energy - old_energy + bond
            accept = np.log(generator.random(change.shape)) < -change / temperature
            np.copyto(old, new, where=accept[..., None])
            np.copyto(old_energy, new_energy, where=accept)
            count = np.count_nonzero(accept)
            tuned += count
            if sweep >= burn_in:
                accepted += count
                proposed += accept.size
        if sweep < burn_in and (sweep + 1) % 50 == 0:
            rate = tuned / (50 * chains * length)
            step *= float(np.clip(rate / 0.5, 0.5, 2.0))
            tuned = 0
        kept = sweep - burn_in
        if kept >= 0 and (kept + 1) % every == 0:
            recorded[kept // every, :, 0::2] = halves[0]
            recorded[kept // every, :, 1::2] = halves[1]
    return ChainSamples(recorded, accepted / max(proposed, 1), float(step))
