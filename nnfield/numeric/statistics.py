"""Statistics that turn a simulation into a verdict with a p-value that follows from the sample size."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from nnfield.numeric.spectra import ModeCovarianceEstimate

__all__ = ["TwoSampleResult", "two_sample_test", "Comparison", "compare_with_prediction"]


@dataclass(frozen=True)
class TwoSampleResult:
    """A two-sample test of equal distributions."""

    statistic_name: str
    statistic: float
    p_value: float
    sizes: tuple[int, int]


def two_sample_test(first, second) -> TwoSampleResult:
    """Kolmogorov-Smirnov test that two samples come from one distribution.

    Examples
    --------
    >>> g = np.random.default_rng(0)
    >>> two_sample_test(g.normal(size=500), g.normal(size=500)).p_value > 1e-3
    True
    >>> two_sample_test(g.normal(size=500), g.normal(0.5, size=500)).p_value < 1e-3
    True
    """
    first, second = np.ravel(first), np.ravel(second)
    result = stats.ks_2samp(first, second)
    return TwoSampleResult("Kolmogorov-Smirnov", float(result.statistic), float(result.pvalue),
                           (first.size, second.size))


@dataclass(frozen=True)
class Comparison:
    """Simulated mode covariance against a prediction.

    Attributes
    ----------
    statistic : str
    value : float
        The chi-square: the sum of squared z-scores.
    dof : int
        The number of z-scores (modes used).
    p_value : float
    max_abs_z : float
    n_samples : int
    verdict : str
        ``"agrees"`` when ``p_value >= alpha``, else ``"disagrees"``.
    """

    statistic: str
    value: float
    dof: int
    p_value: float
    max_abs_z: float
    n_samples: int
    verdict: str


def compare_with_prediction(estimate: ModeCovarianceEstimate, predicted, *, band: int = 8,
                            alpha: float = 1e-3) -> Comparison:
    """Chi-square of z-scores of band-averaged mode variances against a prediction.

    The modes ``n = 1 .. Lw//2`` are used: ``n = 0`` carries the offset of the mean (the
    simulated mean differs from the saddle by O(1/N)), and ``n > Lw/2`` repeat the modes
    ``Lw - n``. Each sample's periodogram is averaged over bands of ``band`` adjacent modes, as is
    the prediction; ``z = (mean - predicted) / (std / sqrt(M))`` per band, with the standard
    deviation over the M independent samples. A single mode's periodogram is exponentially
    distributed, and its sample standard error is correlated with its mean, which inflates the
    chi-square by several per cent; band averages are close to Gaussian, so the sum of squared
    z-scores follows the chi-square law with one degree of freedom a band (checked in the tests).
    For several fields, the real parts of the diagonal entries are compared.

    Examples
    --------
    >>> from nnfield.numeric.spectra import mode_covariance_estimate
    >>> noise = np.random.default_rng(1).standard_normal((400, 64))
    >>> estimate = mode_covariance_estimate(noise)
    >>> compare_with_prediction(estimate, np.ones(64)).verdict
    'agrees'
    >>> compare_with_prediction(estimate, np.full(64, 1.2)).verdict
    'disagrees'
    """
    if isinstance(band, bool) or not isinstance(band, (int, np.integer)) or band < 1:
        raise ValueError(f"band must be a positive number of modes; got {band!r}")
    modes = slice(1, estimate.window_length // 2 + 1)
    samples = estimate.periodograms[:, modes]
    predicted = np.asarray(predicted)[modes]
    if samples.ndim == 4:
        diagonal = np.arange(samples.shape[-1])
        samples = samples[:, :, diagonal, diagonal].real
        predicted = predicted[:, diagonal, diagonal].real
    bands = samples.shape[1] // band
    if bands < 1:
        raise ValueError(f"band={band} is wider than the {samples.shape[1]} modes available")
    shape = (bands, band) + samples.shape[2:]
    averaged = samples[:, : bands * band].reshape((samples.shape[0],) + shape).mean(axis=2)
    expected = predicted[: bands * band].reshape(shape).mean(axis=1)
    error = averaged.std(axis=0, ddof=1) / np.sqrt(samples.shape[0])
    z = ((averaged.mean(axis=0) - expected) / error).ravel()
    chi_square = float(np.sum(z**2))
    p_value = float(stats.chi2.sf(chi_square, z.size))
    return Comparison(
        statistic=f"chi-square of z-scores (bands of {band} modes)",
        value=chi_square,
        dof=int(z.size),
        p_value=p_value,
        max_abs_z=float(np.max(np.abs(z))),
        n_samples=estimate.n_samples,
        verdict="agrees" if p_value >= alpha else "disagrees",
    )
