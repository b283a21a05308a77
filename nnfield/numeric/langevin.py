"""Stochastic gradient descent with Gaussian gradient noise: the Langevin dynamics of weights.

One step of gradient descent on a potential :math:`V` with a gradient corrupted by Gaussian noise of
variance :math:`s^2` per component,

.. math:: w_{n+1} = w_n - \\eta\\,(\\nabla V(w_n) + \\xi_n), \\qquad \\xi_n \\sim \\mathcal N(0, s^2),

is the Euler-Maruyama step of :math:`dw = -\\nabla V\\,dt + \\sqrt{2T}\\,dB` with time step
:math:`dt = \\eta` and temperature

.. math:: T = \\eta s^2 / 2,

because the noise :math:`\\eta\\xi` has variance :math:`\\eta^2 s^2 = 2T\\,dt`. Its stationary law tends
to the Boltzmann law :math:`\\propto e^{-V/T}` as :math:`\\eta \\to 0` at fixed T (the step adds a bias of
order :math:`\\eta` times the curvature of V).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from tqdm import tqdm

from nnfield.numeric.parameters import non_negative_integer, positive_integer, positive_real
from nnfield.numeric.samplers import as_generator

__all__ = ["sgd_temperature", "noisy_gradient_descent"]


def sgd_temperature(learning_rate: float, gradient_noise: float) -> float:
    """The temperature :math:`T = \\eta s^2/2` of gradient descent with Gaussian gradient noise.

    Examples
    --------
    >>> sgd_temperature(0.01, 10.0)
    0.5
    """
    return positive_real("learning_rate", learning_rate, "the step size eta") * positive_real(
        "gradient_noise", gradient_noise, "the standard deviation s of the gradient noise") ** 2 / 2


def noisy_gradient_descent(gradient: Callable, start, *, learning_rate: float, gradient_noise: float, steps: int,
                           record_every: int = 1, burn_in: int = 0, rng=None, progress: bool = False) -> np.ndarray:
    """Run independent chains of gradient descent with Gaussian gradient noise.

    Parameters
    ----------
    gradient : callable
        ``gradient(w)`` for ``w`` of shape ``(chains, D)``, returning the same shape.
    start : array_like, shape (chains, D)
    learning_rate : float
        :math:`\\eta`, the step (the time step of the Langevin equation).
    gradient_noise : float
        :math:`s`, the standard deviation of each component of the gradient noise.
    steps : int
        Steps after the burn-in.
    record_every : int
        Keep every ``record_every``-th state.
    burn_in : int
        Steps discarded first.
    rng : numpy.random.Generator or int, optional
    progress : bool
        Show a progress bar.

    Returns
    -------
    numpy.ndarray, shape (steps // record_every, chains, D)

    Examples
    --------
    A harmonic well :math:`V = k|w|^2/2` at :math:`T = \\eta s^2/2` has :math:`\\langle w_a^2\\rangle = T/k` up to
    the step's bias :math:`1/(1 - \\eta k/2)`:

    >>> samples = noisy_gradient_descent(lambda w: 2.0 * w, np.zeros((2000, 1)), learning_rate=0.01,
    ...                                  gradient_noise=10.0, steps=2000, record_every=20, burn_in=500, rng=0)
    >>> samples.shape
    (100, 2000, 1)
    >>> bool(abs(samples.var() / (0.5 / 2.0 / (1 - 0.01)) - 1) < 0.02)
    True
    """
    eta = positive_real("learning_rate", learning_rate, "the step size eta")
    noise = positive_real("gradient_noise", gradient_noise, "the standard deviation s of the gradient noise")
    steps = positive_integer("steps", steps, "the number of recorded steps")
    every = positive_integer("record_every", record_every, "the thinning of the recorded states")
    burn_in = non_negative_integer("burn_in", burn_in, "the discarded steps")
    w = np.array(start, dtype=float)
    if w.ndim != 2:
        raise ValueError(f"start must have shape (chains, D); got {w.shape}")
    generator = as_generator(rng)
    recorded = np.empty((steps // every,) + w.shape)
    for step in tqdm(range(burn_in + steps), desc="noisy gradient descent", disable=not progress, unit="step",
                     mininterval=1.0):
        w = w - eta * (gradient(w) + noise * generator.standard_normal(w.shape))
        kept = step - burn_in
        if kept >= 0 and (kept + 1) % every == 0:
            recorded[kept // every] = w
    return recorded
