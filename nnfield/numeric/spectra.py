"""Spectra of simulated fluctuations: transient cut, FFT, mode covariance with error bars.

The convention is the toolkit's: ``x_hat(q) = numpy.fft.fft(x)`` over the ``Lw`` analysed layers,
``q = 2 pi n / Lw``, and ``C(q) = E[x_hat(q) x_hat(q)^H] / Lw``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ModeCovarianceEstimate", "bulk_window", "mode_covariance_estimate", "windowed_prediction"]


def bulk_window(norms, transient: int) -> np.ndarray:
    """Drop the first ``transient`` layers (the memory of the input); keep the bulk.

    Examples
    --------
    >>> bulk_window(np.arange(12.0).reshape(2, 6), 4)
    array([[ 4.,  5.],
           [10., 11.]])
    """
    norms = np.asarray(norms)
    depth = norms.shape[-1]
    if isinstance(transient, bool) or not isinstance(transient, (int, np.integer)) or not 0 <= transient < depth:
        raise ValueError(f"transient must be an integer layer count in [0, {depth}) for {depth} layers; got {transient!r}")
    return norms[..., transient:]


@dataclass(frozen=True)
class ModeCovarianceEstimate:
    """The mode covariance estimated from M independent samples.

    Attributes
    ----------
    q : numpy.ndarray
        ``2 pi n / Lw`` for ``n = 0 .. Lw-1``.
    value : numpy.ndarray
        Shape ``(Lw,)`` (real) for one field, ``(Lw, k, k)`` (complex) for k fields.
    stderr : numpy.ndarray
        Standard error of ``value`` over the samples; for complex entries the real and
        imaginary parts' errors combined as ``sqrt(se_re^2 + se_im^2)``.
    n_samples : int
    window_length : int
    periodograms : numpy.ndarray
        The per-sample values ``x_hat x_hat^H / Lw`` whose mean is ``value``, shape
        ``(M,) + value.shape``, for tests that average over bands of modes.
    """

    q: np.ndarray
    value: np.ndarray
    stderr: np.ndarray
    n_samples: int
    window_length: int
    periodograms: np.ndarray


def mode_covariance_estimate(fluctuations) -> ModeCovarianceEstimate:
    """Estimate ``C(q)`` from samples of shape ``(M, Lw)`` (one field) or ``(M, Lw, k)``.

    Examples
    --------
    White noise of unit variance has ``C(q) = 1``:

    >>> noise = np.random.default_rng(0).standard_normal((4000, 8))
    >>> estimate = mode_covariance_estimate(noise)
    >>> bool(np.all(np.abs(estimate.value - 1) < 5 * estimate.stderr))
    True
    """
    x = np.asarray(fluctuations, dtype=float)
    if x.ndim not in (2, 3) or x.shape[0] < 2:
        raise ValueError(f"fluctuations must have shape (M, Lw) or (M, Lw, k) with M >= 2 samples; got {x.shape}")
    samples, window = x.shape[:2]
    transformed = np.fft.fft(x, axis=1)
    if x.ndim == 2:
        periodogram = np.abs(transformed) ** 2 / window
        value = periodogram.mean(axis=0)
        stderr = periodogram.std(axis=0, ddof=1) / np.sqrt(samples)
    else:
        periodogram = np.einsum("mqa,mqb->mqab", transformed, transformed.conj()) / window
        value = periodogram.mean(axis=0)
        stderr = np.hypot(periodogram.real.std(axis=0, ddof=1), periodogram.imag.std(axis=0, ddof=1)) / np.sqrt(samples)
    q = 2 * np.pi * np.arange(window) / window
    return ModeCovarianceEstimate(q, value, stderr, samples, window, periodogram)


def windowed_prediction(mode_covariance, window_length: int, *, ring_length: int | None = None) -> np.ndarray:
    """The expected value of :func:`mode_covariance_estimate` on a finite window of a stationary process.

    From the ring's mode covariance ``C(q)`` (a callable, scalar or ``k x k`` per q), the
    autocovariance ``c(delta) = E[x(l + delta) x(l)^T]`` is obtained by an inverse FFT on a ring
    much longer than the window, and

    .. math:: E[\\text{periodogram}](q) = \\sum_{|\\delta| < L_w} (1 - |\\delta|/L_w)\\, c(\\delta)\\, e^{-iq\\delta}.

    This removes the window's leakage (Fejer) bias, so simulation and theory can be compared
    with tolerances from the sampling error alone.

    Examples
    --------
    An AR(1) process with coefficient a has ``C(q) = 1/|1 - a e^{-iq}|^2``; a long window gives C back:

    >>> ar1 = lambda q: 1 / np.abs(1 - 0.5 * np.exp(-1j * q))**2
    >>> q = 2 * np.pi * np.arange(4096) / 4096
    >>> bool(np.allclose(windowed_prediction(ar1, 4096), ar1(q), rtol=2e-3))
    True
    """
    window = int(window_length)
    if window < 1:
        raise ValueError(f"window_length must be a positive integer; got {window_length!r}")
    ring = ring_length or int(2 ** np.ceil(np.log2(64 * window)))
    ring_q = 2 * np.pi * np.arange(ring) / ring
    spectrum = np.asarray(mode_covariance(ring_q))
    # c(delta) = (1/R) sum_q C(q) e^{+i q delta}: numpy's ifft along the q axis.
    autocovariance = np.fft.ifft(spectrum, axis=0)
    lags = np.arange(-(window - 1), window)
    weights = (1 - np.abs(lags) / window).reshape((-1,) + (1,) * (spectrum.ndim - 1))
    # On the window's wavenumbers exp(-i q delta) has period Lw in delta: fold the lags, then one FFT.
    folded = np.zeros((window,) + spectrum.shape[1:], dtype=complex)
    np.add.at(folded, lags % window, weights * autocovariance[lags % ring])
    result = np.fft.fft(folded, axis=0)
    return result.real if spectrum.ndim == 1 else result
