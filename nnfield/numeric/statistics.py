"""Statistics that turn a simulation into a verdict with a p-value that follows from the sample size."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from nnfield.numeric.spectra import ModeCovarianceEstimate

__all__ = ["TwoSampleResult", "two_sample_test", "Comparison", "compare_with_prediction", "ExponentialApproach",
           "exponential_approach"]


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


@dataclass(frozen=True)
class ExponentialApproach:
    """The limit and the rate of an exponential approach, :math:`m_l = c^* + A\\,\\chi^l`, with jackknife errors.

    Attributes
    ----------
    limit, limit_error : float
        :math:`c^*` and its standard error.
    amplitude : float
        :math:`A` (at layer 0 of the sequences).
    ratio, ratio_error : float
        :math:`\\chi`, the factor by which the distance to the limit shrinks per step, in (0, 1).
    decay_length, decay_length_error : float
        :math:`\\xi = -1/\\ln\\chi` and its standard error.
    dof : int
        Degrees of freedom of the jackknife (groups - 1): a z-score built from these errors
        follows Student's t with ``dof`` degrees of freedom.
    first : int
        The first step used in the fit.
    samples : int
        The number of independent sequences.
    """

    limit: float
    limit_error: float
    amplitude: float
    ratio: float
    ratio_error: float
    decay_length: float
    decay_length_error: float
    dof: int
    first: int
    samples: int


def _fit_exponential_approach(mean: np.ndarray, steps: np.ndarray) -> tuple[float, float, float]:
    """Least-squares ``(limit, amplitude, ratio)`` of ``mean ~ limit + amplitude * ratio**steps``.

    For a fixed ratio the model is linear in limit and amplitude (normal equations in closed
    form); the log-ratio is scanned from -12 (a jump within one step) to 0, then refined by
    Brent's method on the profiled residual.
    """
    offsets = (steps - steps[0]).astype(float)
    count, total, total_square = offsets.size, mean.sum(), float(mean @ mean)

    def profile(log_ratio):
        basis = np.exp(np.multiply.outer(np.atleast_1d(log_ratio), offsets))
        basis_sum, basis_square, cross = basis.sum(axis=-1), (basis**2).sum(axis=-1), basis @ mean
        amplitude = (count * cross - basis_sum * total) / (count * basis_square - basis_sum**2)
        limit = (total - amplitude * basis_sum) / count
        return total_square - limit * total - amplitude * cross, limit, amplitude

    grid = np.linspace(-12.0, -1e-6, 241)
    best = grid[int(np.argmin(profile(grid)[0]))]
    log_ratio = optimize.minimize_scalar(lambda value: float(profile(value)[0][0]),
                                         bounds=(max(best - 0.05, -12.0), min(best + 0.05, -1e-9)),
                                         method="bounded", options={"xatol": 1e-10}).x
    _, limit, amplitude = profile(log_ratio)
    return float(limit[0]), float(amplitude[0] * np.exp(-log_ratio * steps[0])), float(np.exp(log_ratio))


def exponential_approach(sequences, *, first: int = 0, groups: int = 20) -> ExponentialApproach:
    """Fit the mean of independent sequences with :math:`c^* + A\\chi^l`; errors by a grouped jackknife.

    The rows of ``sequences`` (shape ``(M, L)``) are independent realisations (networks); the
    steps of one row may be correlated. The fit is to the mean over rows, from step ``first`` on.
    The rows are split into ``groups`` groups; deleting one group at a time gives the jackknife
    variance :math:`\\frac{G-1}{G}\\sum_g (\\hat\\theta_{-g} - \\bar\\theta)^2` of each estimate, which
    accounts for the correlations along a row.

    Examples
    --------
    >>> g = np.random.default_rng(0)
    >>> steps = np.arange(40)
    >>> rows = 0.3 + 0.5 * 0.8**steps + 0.01 * g.standard_normal((200, 40))
    >>> fit = exponential_approach(rows)
    >>> round(fit.limit, 3), round(fit.ratio, 3), fit.dof
    (0.3, 0.8, 19)
    >>> bool(abs(fit.decay_length + 1 / np.log(0.8)) < 4 * fit.decay_length_error)
    True
    """
    sequences = np.asarray(sequences, dtype=float)
    if sequences.ndim != 2:
        raise ValueError(f"sequences must be a 2-D array (independent rows, steps); got shape {sequences.shape}")
    rows, length = sequences.shape
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or not 2 <= groups <= rows:
        raise ValueError(f"groups must be an integer from 2 to the number of rows ({rows}); got {groups!r}")
    if isinstance(first, bool) or not isinstance(first, (int, np.integer)) or not 0 <= first <= length - 4:
        raise ValueError(f"first must be an integer from 0 to L - 4 = {length - 4} (the fit needs 4 steps); "
                         f"got {first!r}")
    if not np.all(np.isfinite(sequences)):
        raise ValueError("sequences must be finite")
    steps = np.arange(first, length)
    data = sequences[:, first:]
    limit, amplitude, ratio = _fit_exponential_approach(data.mean(axis=0), steps)
    labels = np.arange(rows) % groups
    totals = np.array([data[labels == g].sum(axis=0) for g in range(groups)])
    counts = np.bincount(labels, minlength=groups)
    deleted = np.array([_fit_exponential_approach((totals.sum(axis=0) - totals[g]) / (rows - counts[g]), steps)
                        for g in range(groups)])
    deleted_lengths = -1 / np.log(deleted[:, 2])

    def jackknife_error(values):
        return float(np.sqrt((groups - 1) / groups * np.sum((values - values.mean()) ** 2)))

    return ExponentialApproach(
        limit=limit, limit_error=jackknife_error(deleted[:, 0]), amplitude=amplitude,
        ratio=ratio, ratio_error=jackknife_error(deleted[:, 2]),
        decay_length=float(-1 / np.log(ratio)), decay_length_error=jackknife_error(deleted_lengths),
        dof=groups - 1, first=int(first), samples=rows,
    )
