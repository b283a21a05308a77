"""The fourth-cumulant estimates: unbiased, and their jackknife errors calibrated (false-alarm rate)."""

import math

import numpy as np
import pytest
from scipy import stats

from nnfield.derivations.schoenholz2017.one_loop_checks import SHAPE_SETUP
from nnfield.numeric.statistics import fourth_cumulant, normal_shape_null, sample_shape

REPEATS = 200


def coverage_bounds(level, repeats):
    """Fraction of 95 % intervals that may cover, four binomial standard deviations either side."""
    spread = 4 * math.sqrt(level * (1 - level) / repeats)
    return level - spread, level + spread


def check_calibration(draw, truth, label=""):
    """Over REPEATS independent data sets: the mean estimate is the truth (to four standard errors of
    that mean) and the 95 % jackknife intervals cover at the nominal rate."""
    rng = np.random.default_rng(11)
    estimates = [fourth_cumulant(draw(rng)) for _ in range(REPEATS)]
    values = np.array([estimate.value for estimate in estimates])
    z = np.array([estimate.z_score(truth) for estimate in estimates])
    assert abs(values.mean() - truth) < 4 * values.std(ddof=1) / math.sqrt(REPEATS), label
    low, high = coverage_bounds(0.95, REPEATS)
    assert low <= np.mean(np.abs(z) < 1.96) <= high, label


def scale_mixture(g, shape, a=6.0, theta=0.5):
    """z = sqrt(D) xi with D ~ Gamma(a, theta) shared along the last axis: kappa_4 = 3 Var D = 3 a theta^2."""
    return np.sqrt(g.gamma(a, theta, size=shape[:-1] + (1,))) * g.standard_normal(shape)


@pytest.mark.parametrize(
    "name, draw, truth",
    [
        ("gaussian", lambda g: g.normal(0.3, 2.0, size=600), 0.0),
        ("scale mixture", lambda g: scale_mixture(g, (5_000, 1))[:, 0], 4.5),  # skewed k_4: needs many samples,
        ("uniform", lambda g: g.uniform(-1, 1, size=300), -2 / 15),  # kappa_4 = -(2a)^4/120
    ],
)
def test_k_statistic_is_unbiased_and_its_interval_covers(name, draw, truth):
    check_calibration(draw, truth, name)


def test_grouped_estimate_of_a_gaussian_scale_mixture():
    # the 16 members of a group share D, so they are dependent
    check_calibration(lambda g: scale_mixture(g, (300, 16)), 4.5)


def test_grouped_estimate_detects_a_wrong_value():
    estimate = fourth_cumulant(scale_mixture(np.random.default_rng(3), (2000, 16)))
    assert estimate.groups == 2000 and estimate.group_size == 16
    assert abs(estimate.z_score(4.5)) < 4
    assert abs(estimate.z_score(0.0)) > 10 and abs(estimate.z_score(0.6 * 4.5)) > 4


def test_bad_shapes_are_refused_with_the_valid_ones_named():
    with pytest.raises(ValueError, match=r"shape \(M,\) or \(M, k\)"):
        fourth_cumulant(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="at least 5 samples"):
        fourth_cumulant([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="finite"):
        fourth_cumulant([1.0, np.nan, 3.0, 4.0, 5.0, 6.0])


def test_shape_errors_are_calibrated_under_the_gaussian_null():
    """Jackknife z-scores of the sample skewness and excess kurtosis (true value 0) follow Student's t with
    groups - 1 degrees of freedom, the law the Figs. 7-9 check gives its width scores: over 300 experiments of that
    check's size, their mean and spread lie within four standard errors of t's."""
    experiments = 300
    shape = sample_shape(np.random.default_rng(21).normal(size=(SHAPE_SETUP["M"], experiments)))
    dof = shape.groups - 1
    spread = math.sqrt(dof / (dof - 2))  # the standard deviation of t
    excess_kurtosis = 6 / (dof - 4)  # of t
    spread_error = spread * math.sqrt((2 + excess_kurtosis) / (4 * experiments))  # of a sample standard deviation
    for z in (shape.skewness / shape.skewness_error, shape.excess_kurtosis / shape.excess_kurtosis_error):
        assert abs(z.mean()) < 4 * spread / math.sqrt(experiments)
        assert abs(z.std() - spread) < 4 * spread_error


def test_shape_refuses_too_few_samples():
    with pytest.raises(ValueError, match="at least 4 samples per group"):
        sample_shape(np.zeros(10))


def test_normal_shape_null_is_exact_at_small_samples():
    """Over 4000 normal data sets of 200 draws, g_1 and g_2 have the stated means and spreads (4 s.e. of each)."""
    data = np.random.default_rng(22).normal(size=(200, 4000))
    skew_error, kurtosis_mean, kurtosis_error = normal_shape_null(200)
    for values, mean, spread in ((stats.skew(data, axis=0), 0.0, skew_error),
                                 (stats.kurtosis(data, axis=0), kurtosis_mean, kurtosis_error)):
        assert abs(values.mean() - mean) < 4 * spread / np.sqrt(values.size)
        assert abs(values.std() / spread - 1) < 4 / np.sqrt(2 * values.size) + 0.02  # + the tails of g_2
