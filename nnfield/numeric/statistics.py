"""Statistics that turn a simulation into a verdict with a p-value that follows from the sample size.

Every test the checks use lives here, once: two-sample tests, chi-square of z-scores, Bonferroni's
correction, Hotelling's T^2, and the spectral comparisons of a simulated mode covariance with a
prediction (one field: band-averaged z-scores; several fields: band-wise Hotelling tests over the whole
k x k periodogram, so that correlated fields are not counted as independent). :func:`check_stream`
gives each check its own random stream, so that changing one check leaves every other's numbers as they were.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import scipy

from nnfield.numeric.spectra import ModeCovarianceEstimate

__all__ = ["TwoSampleResult", "two_sample_test", "ChiSquareTest", "z_chi_square", "combined_chi_square",
           "bonferroni", "HotellingTest", "hotelling", "SpectralTest", "compare_with_prediction", "check_stream",
           "SIGNIFICANCE", "SplitChainResult", "split_chain_test", "Equilibration", "equilibrated_burn_in",
           "R_HAT_LIMIT",
           "CumulantEstimate", "fourth_cumulant", "ExponentialApproach",
           "exponential_approach", "PowerLawTrend", "power_law_trend", "PowerLawFit",
           "power_law_fit"]

#: The significance level of every check: a p-value below it rejects the prediction.
SIGNIFICANCE = 1e-3


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
    result = scipy.stats.ks_2samp(first, second)
    return TwoSampleResult("Kolmogorov-Smirnov", float(result.statistic), float(result.pvalue),
                           (first.size, second.size))


@dataclass(frozen=True)
class SpectralTest:
    """Simulated mode covariance against a prediction.

    Attributes
    ----------
    statistic : str
    value : float
        The chi-square: the sum of squared z-scores (one field), or of the chi-square quantiles of
        the band-wise Hotelling p-values (several fields).
    dof : int
        Its degrees of freedom: one per band (one field), ``k**2`` per band (k fields).
    p_value : float
    max_abs_z : float
        The largest band z-score (one field) or the largest band's chi-square quantile divided by its
        degrees of freedom, square-rooted (several fields): a per-band size of the discrepancy.
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
                            alpha: float = SIGNIFICANCE, highest_mode: int | None = None) -> SpectralTest:
    """Chi-square of band-averaged mode covariances against a prediction.

    The modes ``n = 1 .. Lw//2`` are used: ``n = 0`` carries the offset of the mean (the
    simulated mean differs from the saddle by O(1/N)), and ``n > Lw/2`` repeat the modes
    ``Lw - n``; ``highest_mode`` stops earlier, for a prediction valid at long wavelengths only (an
    effective field theory). Each sample's periodogram is averaged over bands of ``band`` adjacent modes, as is
    the prediction; ``z = (mean - predicted) / (std / sqrt(M))`` per band, with the standard
    deviation over the M independent samples. A single mode's periodogram is exponentially
    distributed, and its sample standard error is correlated with its mean, which inflates the
    chi-square by several per cent; band averages are close to Gaussian, so the sum of squared
    z-scores follows the chi-square law with one degree of freedom a band (checked in the tests).

    For k fields the whole k x k periodogram is compared: per band, the ``k**2`` real numbers of the
    band-averaged Hermitian matrix (diagonal, real and imaginary parts above it) of each sample form
    one vector, and Hotelling's T^2 tests their mean against the prediction with the covariance
    estimated from the samples (fields correlated with one another are thus not counted twice).
    The band's exact F p-value is turned into the chi-square quantile with ``k**2`` degrees of
    freedom and the quantiles are summed over the bands, which are independent: the total follows
    the chi-square law with ``k**2`` degrees of freedom a band (its p-values are uniform under the
    null for strongly correlated fields, checked in the tests).

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
    if highest_mode is not None and (isinstance(highest_mode, bool) or not isinstance(highest_mode, (int, np.integer))
                                     or highest_mode < 1):
        raise ValueError(f"highest_mode must be a positive mode number; got {highest_mode!r}")
    last = estimate.window_length // 2 if highest_mode is None else min(estimate.window_length // 2, highest_mode)
    modes = slice(1, last + 1)
    samples = estimate.periodograms[:, modes]
    predicted = np.asarray(predicted)[modes]
    bands = samples.shape[1] // band
    if bands < 1:
        raise ValueError(f"band={band} is wider than the {samples.shape[1]} modes available")
    shape = (bands, band) + samples.shape[2:]
    averaged = samples[:, : bands * band].reshape((samples.shape[0],) + shape).mean(axis=2)
    expected = predicted[: bands * band].reshape(shape).mean(axis=1)
    if samples.ndim == 4:
        return _matrix_spectral_test(averaged, expected, estimate.n_samples, band, alpha)
    error = averaged.std(axis=0, ddof=1) / np.sqrt(samples.shape[0])
    z = ((averaged.mean(axis=0) - expected) / error).ravel()
    test = z_chi_square(z)
    return SpectralTest(
        statistic=f"chi-square of z-scores (bands of {band} modes)",
        value=test.value,
        dof=test.dof,
        p_value=test.p_value,
        max_abs_z=float(np.max(np.abs(z))),
        n_samples=estimate.n_samples,
        verdict="agrees" if test.p_value >= alpha else "disagrees",
    )


def _hermitian_coordinates(matrices: np.ndarray) -> np.ndarray:
    """The ``k**2`` real coordinates of Hermitian matrices (last two axes): diagonal, then Re and Im above it."""
    k = matrices.shape[-1]
    upper = np.triu_indices(k, 1)
    diagonal = np.arange(k)
    return np.concatenate([matrices[..., diagonal, diagonal].real, matrices[..., upper[0], upper[1]].real,
                           matrices[..., upper[0], upper[1]].imag], axis=-1)


def _matrix_spectral_test(averaged, expected, n_samples, band, alpha) -> SpectralTest:
    samples = _hermitian_coordinates(averaged)  # (M, bands, k^2)
    targets = _hermitian_coordinates(expected)  # (bands, k^2)
    dimension = samples.shape[-1]
    if n_samples <= dimension:
        raise ValueError(f"a spectral test of {averaged.shape[-1]} fields needs more than {dimension} samples; "
                         f"got {n_samples}")
    p_values = np.array([hotelling(samples[:, b], targets[b]).p_value for b in range(samples.shape[1])])
    quantiles = scipy.stats.chi2.isf(np.clip(p_values, 1e-300, 1.0), dimension)
    value = float(np.sum(quantiles))
    dof = int(dimension * p_values.size)
    p_value = float(scipy.stats.chi2.sf(value, dof))
    return SpectralTest(
        statistic=f"band-wise Hotelling T^2 over the full {averaged.shape[-1]}x{averaged.shape[-1]} periodogram "
                  f"(bands of {band} modes), as chi-square quantiles",
        value=value,
        dof=dof,
        p_value=p_value,
        max_abs_z=float(np.sqrt(np.max(quantiles) / dimension)),
        n_samples=n_samples,
        verdict="agrees" if p_value >= alpha else "disagrees",
    )


@dataclass(frozen=True)
class ChiSquareTest:
    """A chi-square statistic with its degrees of freedom and upper-tail p-value."""

    value: float
    dof: int
    p_value: float


def z_chi_square(z_scores) -> ChiSquareTest:
    """The sum of squared independent z-scores against the chi-square law with one degree of freedom each.

    Examples
    --------
    >>> test = z_chi_square([1.0, -2.0, 0.5])
    >>> test.value, test.dof, round(test.p_value, 4)
    (5.25, 3, 0.1544)
    """
    z = np.ravel(np.asarray(z_scores, dtype=float))
    if z.size == 0 or not np.all(np.isfinite(z)):
        raise ValueError(f"z_scores must be a non-empty array of finite numbers; got {z_scores!r}")
    value = float(np.sum(z**2))
    return ChiSquareTest(value, int(z.size), float(scipy.stats.chi2.sf(value, z.size)))


def combined_chi_square(tests) -> ChiSquareTest:
    """Independent chi-square statistics added up, with their degrees of freedom.

    ``tests`` are objects with ``value`` and ``dof`` (:class:`ChiSquareTest`, :class:`SpectralTest`).

    Examples
    --------
    >>> combined_chi_square([z_chi_square([1.0]), z_chi_square([2.0, 0.0])]).value
    5.0
    """
    tests = list(tests)
    if not tests:
        raise ValueError("combined_chi_square needs at least one test")
    value = float(sum(test.value for test in tests))
    dof = int(sum(test.dof for test in tests))
    return ChiSquareTest(value, dof, float(scipy.stats.chi2.sf(value, dof)))


def bonferroni(p_values) -> float:
    """The smallest of ``m`` p-values, multiplied by ``m`` (capped at 1): a family-wise p-value.

    Examples
    --------
    >>> bonferroni([0.2, 0.01, 0.5])
    0.03
    """
    p = np.ravel(np.asarray(p_values, dtype=float))
    if p.size == 0 or np.any((p < 0) | (p > 1)) or not np.all(np.isfinite(p)):
        raise ValueError(f"p_values must be a non-empty array of numbers in [0, 1]; got {p_values!r}")
    return float(min(1.0, p.min() * p.size))


@dataclass(frozen=True)
class HotellingTest:
    r"""Hotelling's one-sample T^2 test of a mean vector.

    Attributes
    ----------
    t_squared : float
    p_value : float
        From the exact law :math:`T^2 (n-p)/(p(n-1)) \sim F(p, n-p)` for Gaussian samples.
    dimension, n_samples : int
    """

    t_squared: float
    p_value: float
    dimension: int
    n_samples: int


def hotelling(samples, expected) -> HotellingTest:
    r"""Hotelling's T^2 of the mean of ``samples`` (shape ``(n, p)``) against ``expected`` (shape ``(p,)``).

    .. math:: T^2 = n\, (\bar x - \mu)^T S^{-1} (\bar x - \mu),

    with S the sample covariance; correlated coordinates are weighed by S, not counted as independent.

    Examples
    --------
    >>> g = np.random.default_rng(3)
    >>> correlated = g.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=400)
    >>> hotelling(correlated, [0, 0]).p_value > 1e-3
    True
    >>> hotelling(correlated, [0.2, -0.2]).p_value < 1e-3
    True
    """
    x = np.asarray(samples, dtype=float)
    mu = np.asarray(expected, dtype=float)
    if x.ndim != 2 or mu.shape != (x.shape[1],):
        raise ValueError(f"samples must have shape (n, p) and expected shape (p,); got {x.shape} and {mu.shape}")
    n, p = x.shape
    if n <= p:
        raise ValueError(f"Hotelling's test of {p} coordinates needs more than {p} samples; got {n}")
    difference = x.mean(axis=0) - mu
    covariance = np.cov(x, rowvar=False).reshape(p, p) / n
    t2 = float(difference @ np.linalg.solve(covariance, difference))
    f = t2 * (n - p) / (p * (n - 1))
    return HotellingTest(t2, float(scipy.stats.f.sf(f, p, n - p)), p, n)


def check_stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of the check called ``name`` under the audit seed ``seed``.

    The stream is ``SeedSequence(seed, spawn_key=(h,))`` with ``h`` a stable hash of the name (the
    child ``h`` of ``SeedSequence(seed)``), so each check draws its own numbers whatever else runs
    before it, and a run is reproduced from the seed alone.

    Examples
    --------
    >>> a = check_stream(2017, "linear saddle").standard_normal()
    >>> b = check_stream(2017, "linear saddle").standard_normal()
    >>> c = check_stream(2017, "linear mode covariance").standard_normal()
    >>> a == b, a == c
    (True, False)
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    if not isinstance(name, str) or not name:
        raise TypeError(f"a check's stream is keyed by its name, a non-empty string; got {name!r}")
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(key,)))


@dataclass(frozen=True)
class SplitChainResult:
    """Whether independent chains are equilibrated: the first half of each against its second half.

    Attributes
    ----------
    p_value : float
        Two-sided p-value of Student's t test that the mean over chains of the difference between a
        chain's first-half and second-half averages is zero (chains independent, so the differences
        are independent whatever the autocorrelation within a chain).
    difference : float
        The mean first-half minus second-half difference.
    r_hat : float
        Split-chain potential scale reduction :math:`\\hat R` (Gelman-Rubin on the half-chains): near 1
        when the half-chains agree, large when each explores only part of the distribution (slow mixing).
    equilibrated : bool
        ``p_value >= alpha`` (no drift) and ``r_hat <= r_hat_limit`` (the chains mix).
    """

    p_value: float
    difference: float
    r_hat: float
    equilibrated: bool


#: The split R-hat above which chains are taken not to have mixed (Gelman et al.'s customary 1.1).
R_HAT_LIMIT = 1.1


def split_chain_test(chains, *, alpha: float = 1e-3, r_hat_limit: float = R_HAT_LIMIT) -> SplitChainResult:
    """Split-chain comparison of independent Markov chains, shape ``(chains, draws)``.

    Under stationarity each chain's first-half mean minus second-half mean has mean zero; across
    independent chains these differences are independent, so a t test over chains has false-alarm
    rate ``alpha`` (tested). That test sees a drift, not slow mixing: chains that each stay near where they
    started agree on average. :math:`\\hat R = \\sqrt{((n-1)/n\\,W + B/n)/W}` over the ``2 x chains``
    half-chains of ``n`` draws, with ``W`` the mean within-half variance and ``B/n`` the variance of the
    half means, sees that; chains count as equilibrated when both pass.

    Examples
    --------
    >>> g = np.random.default_rng(0)
    >>> split_chain_test(g.normal(size=(64, 100))).equilibrated
    True
    >>> drifting = g.normal(size=(64, 100)) + np.linspace(2, 0, 100)  # still relaxing
    >>> result = split_chain_test(drifting)
    >>> result.equilibrated, result.r_hat > 1.1
    (False, True)
    """
    chains = np.asarray(chains, dtype=float)
    if chains.ndim != 2 or chains.shape[0] < 3 or chains.shape[1] < 4:
        raise ValueError(f"chains must have shape (chains >= 3, draws >= 4); got {chains.shape}")
    half = chains.shape[1] // 2
    first, second = chains[:, :half], chains[:, chains.shape[1] - half:]
    differences = first.mean(axis=1) - second.mean(axis=1)
    error = differences.std(ddof=1) / np.sqrt(differences.size)
    t = differences.mean() / error if error > 0 else (0.0 if differences.mean() == 0 else np.inf)
    p_value = float(2 * scipy.stats.t.sf(abs(t), differences.size - 1))
    halves = np.concatenate([first, second])
    within = halves.var(axis=1, ddof=1).mean()
    between = halves.mean(axis=1).var(ddof=1)  # B / n
    r_hat = float(np.sqrt(((half - 1) / half * within + between) / within)) if within > 0 else float("inf")
    return SplitChainResult(p_value, float(differences.mean()), r_hat, p_value >= alpha and r_hat <= r_hat_limit)


@dataclass(frozen=True)
class Equilibration:
    """The burn-in chosen by :func:`equilibrated_burn_in` and the split-chain test it passed (or not).

    Attributes
    ----------
    burn_in : int
        Records to discard from the start of every chain.
    test : SplitChainResult
        The split-chain test of the records kept.
    """

    burn_in: int
    test: SplitChainResult

    @property
    def equilibrated(self) -> bool:
        return self.test.equilibrated


def equilibrated_burn_in(chains, *, fractions=(0.0, 0.125, 0.25, 0.375, 0.5), alpha: float = 1e-3,
                         r_hat_limit: float = R_HAT_LIMIT) -> Equilibration:
    """The smallest burn-in (a fraction of the records) after which :func:`split_chain_test` finds no drift.

    Parameters
    ----------
    chains : array, shape (chains, records)
    fractions : sequence of float
        Candidate burn-ins as fractions of the records, tried in order.
    alpha, r_hat_limit : float
        As in :func:`split_chain_test`.

    Returns
    -------
    Equilibration
        The first candidate that passes; if none does, the last one tried, with ``equilibrated`` false.

    Examples
    --------
    >>> g = np.random.default_rng(1)
    >>> records = g.normal(size=(64, 200)) + 3 * np.exp(-np.arange(200) / 10)  # relaxes over ~10 records
    >>> chosen = equilibrated_burn_in(records)
    >>> chosen.equilibrated, chosen.burn_in > 0
    (True, True)
    """
    chains = np.asarray(chains, dtype=float)
    if not fractions or any(not 0 <= fraction < 1 for fraction in fractions):
        raise ValueError(f"fractions must be burn-in fractions in [0, 1); got {fractions!r}")
    for fraction in fractions:
        burn_in = int(round(fraction * chains.shape[1]))
        test = split_chain_test(chains[:, burn_in:], alpha=alpha, r_hat_limit=r_hat_limit)
        if test.equilibrated:
            break
    return Equilibration(burn_in, test)


@dataclass(frozen=True)
class CumulantEstimate:
    """An estimate of the fourth cumulant :math:`\\kappa_4 = E[(z - E z)^4] - 3\\,\\mathrm{Var}(z)^2`.

    Attributes
    ----------
    value : float
        The unbiased estimate.
    standard_error : float
        Its delete-one-group jackknife standard error.
    groups : int
        The number of independent groups (rows) M.
    group_size : int
        The number of exchangeable samples in each group (1 for plain independent samples).
    estimator : str
    """

    value: float
    standard_error: float
    groups: int
    group_size: int
    estimator: str

    def z_score(self, predicted: float) -> float:
        """``(value - predicted) / standard_error``."""
        return float((self.value - predicted) / self.standard_error)


def _fisher_k4(s1, s2, s3, s4, m):
    """Fisher's k-statistic from the power sums of m samples (arrays broadcast)."""
    numerator = (-6 * s1**4 + 12 * m * s1**2 * s2 - 3 * m * (m - 1) * s2**2
                 - 4 * m * (m + 1) * s1 * s3 + m**2 * (m + 1) * s4)
    return numerator / (m * (m - 1) * (m - 2) * (m - 3))


def fourth_cumulant(samples) -> CumulantEstimate:
    """Unbiased estimate of the fourth cumulant, with its jackknife standard error.

    Two designs:

    - ``samples`` of shape ``(M,)``, independent draws: Fisher's k-statistic

      .. math:: k_4 = \\frac{M^2[(M+1)m_4 - 3(M-1)m_2^2]}{(M-1)(M-2)(M-3)},

      :math:`m_r` the central sample moments, unbiased for :math:`\\kappa_4` whatever the law;
    - ``samples`` of shape ``(M, k)``: M independent groups of k exchangeable draws whose law is
      symmetric about zero (the k units of one layer of one random network, which share the
      previous layer), so :math:`\\kappa_4 = E z^4 - 3 (E z^2)^2`. The estimate

      .. math:: \\hat\\kappa_4 = \\frac{\\sum_{m,i} z_{mi}^4}{Mk} - 3\\,\\frac{(\\sum_m S_m)^2 - \\sum_m S_m^2}{M(M-1)k^2},
                \\qquad S_m = \\sum_i z_{mi}^2,

      pairs squares only across groups, so it is unbiased however the draws of one group depend
      on each other.

    The standard error is the delete-one-group jackknife, computed in closed form from the
    power sums (O(M)); both estimators are U-statistics, for which it is consistent. The law of
    :math:`k_4` is skewed when the draws have heavy tails, and a 95 % interval from this error then
    covers less often at moderate M (about 92 % at M = 1000 for a Gaussian scale mixture of excess
    kurtosis 0.5, 95 % by M = 20 000; tested).

    Examples
    --------
    >>> g = np.random.default_rng(0)
    >>> gaussian = fourth_cumulant(g.normal(size=20_000))
    >>> abs(gaussian.z_score(0.0)) < 4
    True
    >>> laplace = fourth_cumulant(g.laplace(size=20_000))  # kappa_4 = 12 for unit scale
    >>> abs(laplace.z_score(12.0)) < 4, laplace.estimator
    (True, 'k-statistic k_4')
    """
    data = np.asarray(samples, dtype=float)
    if data.ndim not in (1, 2):
        raise ValueError(f"samples must have shape (M,) or (M, k); got shape {data.shape}")
    if not np.all(np.isfinite(data)):
        raise ValueError("samples must be finite")
    groups = data.shape[0]
    if data.ndim == 1:
        if groups < 5:
            raise ValueError(f"the k-statistic and its jackknife need at least 5 samples; got {groups}")
        centred = data - data.mean()  # k_4 does not depend on the origin; centring keeps the sums small
        sums = [centred.sum(), (centred**2).sum(), (centred**3).sum(), (centred**4).sum()]
        value = _fisher_k4(*sums, groups)
        left_out = _fisher_k4(*[total - centred**power for power, total in enumerate(sums, start=1)], groups - 1)
        group_size, estimator = 1, "k-statistic k_4"
    else:
        group_size = data.shape[1]
        if groups < 3 or group_size < 1:
            raise ValueError(f"the grouped estimate and its jackknife need at least 3 groups; got shape {data.shape}")
        squares = data**2
        per_group = squares.sum(axis=1)
        fourth = (squares**2).sum(axis=1)
        total, total_squared, total_fourth = per_group.sum(), (per_group**2).sum(), fourth.sum()

        def estimate(square_sum, sum_of_squared_sums, fourth_sum, count):
            pairs = (square_sum**2 - sum_of_squared_sums) / (count * (count - 1) * group_size**2)
            return fourth_sum / (count * group_size) - 3 * pairs

        value = estimate(total, total_squared, total_fourth, groups)
        left_out = estimate(total - per_group, total_squared - per_group**2, total_fourth - fourth, groups - 1)
        estimator = "grouped U-statistic (centred law)"
    jackknife = np.sqrt((groups - 1) / groups * np.sum((left_out - left_out.mean()) ** 2))
    return CumulantEstimate(float(value), float(jackknife), int(groups), int(group_size), estimator)


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
    log_ratio = scipy.optimize.minimize_scalar(lambda value: float(profile(value)[0][0]),
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


@dataclass(frozen=True)
class PowerLawTrend:
    """A fitted power law :math:`|y| \\propto n^{a}` over sizes n, with the exponent's standard error.

    Attributes
    ----------
    exponent, stderr : float
        The least-squares slope of :math:`\\ln|y|` against :math:`\\ln n` and its standard error.
    sizes : int
        The number of distinct sizes (at least four).
    vanishes : bool
        Whether the trend shows :math:`y \\to 0` as :math:`n \\to \\infty`: ``exponent + 2 stderr < 0``.
    """

    exponent: float
    stderr: float
    sizes: int
    vanishes: bool


def power_law_trend(sizes, values) -> PowerLawTrend:
    """How a discrepancy scales with a size: the fitted exponent of :math:`|y| \\propto n^a` and its standard error.

    A statement about a limit ("for large width", "as N -> infinity") is decided by such a trend
    over at least four sizes, not by its failure at one finite size.

    Examples
    --------
    >>> g = np.random.default_rng(0)
    >>> n = np.repeat([8, 16, 32, 64], 5)
    >>> trend = power_law_trend(n, (1 / n) * np.exp(0.1 * g.standard_normal(n.size)))
    >>> round(trend.exponent, 1), trend.vanishes
    (-1.0, True)
    >>> power_law_trend([8, 16, 32], [1, 2, 3])
    Traceback (most recent call last):
    ...
    ValueError: a trend needs at least four distinct sizes; got 3
    """
    n, y = np.asarray(sizes, dtype=float), np.abs(np.asarray(values, dtype=float))
    if n.shape != y.shape or np.any(n <= 0) or np.any(y <= 0) or not np.all(np.isfinite(y)):
        raise ValueError("sizes must be positive and values finite and nonzero, of one shape each")
    distinct = np.unique(n).size
    if distinct < 4:
        raise ValueError(f"a trend needs at least four distinct sizes; got {distinct}")
    fit = power_law_fit(n, y)
    return PowerLawTrend(fit.slope, fit.slope_error, int(distinct), bool(fit.slope + 2 * fit.slope_error < 0))



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


def relative_deviation(value, reference) -> float:
    """``max|value - reference| / max|reference|``, the largest deviation in units of the reference's scale.

    The absolute deviation when the reference vanishes (0 when both do).

    Examples
    --------
    >>> relative_deviation([1.0, 2.5], [1.0, 2.0]), relative_deviation(0.0, 0.0)
    (0.25, 0.0)
    """
    reference = np.asarray(reference, dtype=float)
    scale = np.abs(reference).max()
    difference = np.abs(np.asarray(value, dtype=float) - reference).max()
    return float(difference / scale) if scale else float(difference)


def symmetry_p_value(values) -> float:
    """The p-value of symmetry about zero: Wilcoxon's signed-rank test, exact zeros dropped.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> symmetry_p_value(rng.standard_normal(400)) > 0.01, symmetry_p_value(rng.exponential(size=400)) < 1e-10
    (True, True)
    """
    values = np.asarray(values, dtype=float).ravel()
    return float(scipy.stats.wilcoxon(values[values != 0], zero_method="wilcox").pvalue)


__all__ += ["ShapeEstimate", "sample_shape"]


@dataclass(frozen=True)
class ShapeEstimate:
    """Sample skewness and excess kurtosis of independent samples (one per column), with jackknife errors.

    Attributes
    ----------
    skewness, skewness_error : numpy.ndarray
        :math:`g_1 = m_3/m_2^{3/2}` (:math:`m_r` the central sample moments) and its standard error.
    excess_kurtosis, excess_kurtosis_error : numpy.ndarray
        :math:`g_2 = m_4/m_2^2 - 3` and its standard error.
    samples : int
    groups : int
        The number of groups of the delete-a-group jackknife.
    """

    skewness: np.ndarray
    skewness_error: np.ndarray
    excess_kurtosis: np.ndarray
    excess_kurtosis_error: np.ndarray
    samples: int
    groups: int


def _shape_from_sums(s0, s1, s2, s3, s4):
    mean = s1 / s0
    m2 = s2 / s0 - mean**2
    m3 = s3 / s0 - 3 * mean * s2 / s0 + 2 * mean**3
    m4 = s4 / s0 - 4 * mean * s3 / s0 + 6 * mean**2 * s2 / s0 - 3 * mean**4
    return m3 / m2**1.5, m4 / m2**2 - 3


def sample_shape(samples, *, groups: int = 40) -> ShapeEstimate:
    """Skewness and excess kurtosis of each column of ``samples`` (shape (M,) or (M, k)), with standard errors.

    The errors come from the delete-a-group jackknife over ``groups`` contiguous groups of rows, so they
    hold whatever the law (the leading-order :math:`\\sqrt{6/M}` and :math:`\\sqrt{24/M}` are the Gaussian
    case); the power sums are taken about the column mean, for numerical stability. The estimators
    :math:`g_1, g_2` carry a bias of order 1/M, far below their errors.

    Examples
    --------
    >>> g = np.random.default_rng(1)
    >>> shape = sample_shape(g.exponential(size=(200_000, 1)))  # skewness 2, excess kurtosis 6
    >>> bool(abs(shape.skewness[0] - 2) < 4 * shape.skewness_error[0]), shape.groups
    (True, 40)
    >>> bool(abs(shape.excess_kurtosis[0] - 6) < 4 * shape.excess_kurtosis_error[0])
    True
    """
    data = np.asarray(samples, dtype=float)
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2:
        raise ValueError(f"samples must have shape (M,) or (M, k); got shape {data.shape}")
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 2:
        raise ValueError(f"groups must be an integer of at least 2; got {groups!r}")
    if data.shape[0] < 4 * groups:
        raise ValueError(f"need at least 4 samples per group ({4 * groups} for {groups} groups); got {data.shape[0]}")
    if not np.all(np.isfinite(data)):
        raise ValueError("samples must be finite")
    centred = data - data.mean(axis=0)
    parts = np.array_split(centred, groups)
    sums = np.array([[np.full(centred.shape[1], float(len(p)))] + [(p**r).sum(axis=0) for r in range(1, 5)]
                     for p in parts])  # (groups, 5, k): count and power sums of each group
    total = sums.sum(axis=0)
    skewness, kurtosis = _shape_from_sums(*total)
    left_skew, left_kurt = _shape_from_sums(*(total[None] - sums).transpose(1, 0, 2))
    scale = (groups - 1) / groups

    def error(values):
        return np.sqrt(scale * ((values - values.mean(axis=0)) ** 2).sum(axis=0))

    return ShapeEstimate(skewness, error(left_skew), kurtosis, error(left_kurt), int(data.shape[0]), int(groups))


def normal_shape_null(samples: int) -> tuple[float, float, float]:
    """Standard error of the sample skewness, and mean and standard error of the sample excess kurtosis, of
    ``samples`` independent draws of a normal law (exact at every sample size).

    .. math:: \\operatorname{Var} g_1 = \\frac{6(M-2)}{(M+1)(M+3)},\\quad E g_2 = -\\frac{6}{M+1},\\quad
              \\operatorname{Var} g_2 = \\frac{24M(M-2)(M-3)}{(M+1)^2(M+3)(M+5)}.

    They are the errors of the shape of a nearly normal variable when the samples are too few for a
    jackknife of the fourth moment (the leading-order :math:`6/M` and :math:`24/M`, with their corrections).

    Examples
    --------
    >>> skew_error, kurtosis_mean, kurtosis_error = normal_shape_null(200)
    >>> round(skew_error, 4), round(kurtosis_mean, 4), round(kurtosis_error, 4)
    (0.1706, -0.0299, 0.3337)
    """
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 4:
        raise ValueError(f"samples must be an integer of at least 4; got {samples!r}")
    m = float(samples)
    skew_variance = 6 * (m - 2) / ((m + 1) * (m + 3))
    kurtosis_variance = 24 * m * (m - 2) * (m - 3) / ((m + 1) ** 2 * (m + 3) * (m + 5))
    return float(np.sqrt(skew_variance)), -6 / (m + 1), float(np.sqrt(kurtosis_variance))


__all__ += ["normal_shape_null"]
