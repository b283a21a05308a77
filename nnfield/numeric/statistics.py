"""Statistics that turn a simulation into a verdict with a p-value that follows from the sample size."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from nnfield.numeric.spectra import ModeCovarianceEstimate

__all__ = ["TwoSampleResult", "two_sample_test", "Comparison", "compare_with_prediction", "PowerLawFit", "power_law_fit"]


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
class PowerLawFit:
    """A straight line through :math:`(\\log x, \\log y)`: :math:`y \\approx A x^{s}`.

    Attributes
    ----------
    slope, slope_error : float
        :math:`s` and its standard error.
    amplitude : float
        :math:`A`.
    reduced_chi_square : float or None
        :math:`\\chi^2/(n-2)` of the weighted fit (``None`` without errors or with two points).
    points : int
    """

    slope: float
    slope_error: float
    amplitude: float
    reduced_chi_square: float | None
    points: int

    def z_from(self, expected: float) -> float:
        """How many standard errors the slope lies from ``expected``."""
        return (self.slope - expected) / self.slope_error


def power_law_fit(x, y, y_error=None) -> PowerLawFit:
    """Fit :math:`\\log y = \\log A + s \\log x` by (weighted) least squares, with the slope's standard error.

    With ``y_error`` (standard errors of y) each point has weight :math:`(y/\\sigma_y)^2` (the error of
    :math:`\\log y` is :math:`\\sigma_y/y`) and the slope's error follows from these weights, inflated
    by :math:`\\sqrt{\\chi^2/(n-2)}` when the scatter exceeds them. Without errors the error follows from
    the scatter about the line (the usual regression standard error).

    Examples
    --------
    >>> fit = power_law_fit([4, 8, 16, 32], [0.25, 0.0625, 0.015625, 0.00390625])
    >>> round(fit.slope, 12), round(fit.amplitude, 12)
    (-2.0, 4.0)
    >>> noisy = power_law_fit([4, 8, 16, 32], [0.26, 0.12, 0.064, 0.031], [0.01, 0.005, 0.003, 0.002])
    >>> abs(noisy.z_from(-1.0)) < 3
    True
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"x and y must be 1-D arrays of the same length, at least 2; got shapes {x.shape}, {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("a power law is fitted to positive x and y; got a value <= 0")
    design = np.stack([np.ones_like(x), np.log(x)], axis=1)
    logs = np.log(y)
    if y_error is None:
        coefficients, *_ = np.linalg.lstsq(design, logs, rcond=None)
        residual = logs - design @ coefficients
        dof = x.size - 2
        scale = float(residual @ residual / dof) if dof > 0 else 0.0
        covariance = scale * np.linalg.inv(design.T @ design)
        reduced = None
    else:
        error = np.asarray(y_error, dtype=float) / y
        if error.shape != y.shape or np.any(error <= 0):
            raise ValueError("y_error must hold one positive standard error per point")
        weights = 1 / error**2
        normal = design.T @ (design * weights[:, None])
        coefficients = np.linalg.solve(normal, design.T @ (weights * logs))
        residual = logs - design @ coefficients
        dof = x.size - 2
        reduced = float(np.sum(weights * residual**2) / dof) if dof > 0 else None
        covariance = np.linalg.inv(normal) * max(1.0, reduced or 1.0)
    return PowerLawFit(float(coefficients[1]), float(np.sqrt(covariance[1, 1])), float(np.exp(coefficients[0])),
                       reduced, int(x.size))
