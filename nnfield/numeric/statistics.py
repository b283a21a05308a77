"""Statistics that turn a simulation into a verdict with a p-value that follows from the sample size."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from nnfield.numeric.spectra import ModeCovarianceEstimate

__all__ = ["TwoSampleResult", "two_sample_test", "Comparison", "compare_with_prediction", "SplitChainResult",
           "split_chain_test", "Equilibration", "equilibrated_burn_in", "R_HAT_LIMIT"]


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
    p_value = float(2 * stats.t.sf(abs(t), differences.size - 1))
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
