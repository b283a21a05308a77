"""The split-chain diagnostic: its false-alarm rate on stationary correlated chains, its power on drifting ones."""

import numpy as np
import pytest
from scipy import stats

from nnfield.numeric.statistics import equilibrated_burn_in, split_chain_test


def stationary_ar1(rng, experiments, chains, draws, rho):
    """AR(1) chains started in their stationary law (unit variance): equilibrated from the first draw."""
    x = np.empty((experiments, chains, draws))
    x[..., 0] = rng.standard_normal((experiments, chains))
    innovations = rng.standard_normal((experiments, chains, draws)) * np.sqrt(1 - rho**2)
    for t in range(1, draws):
        x[..., t] = rho * x[..., t - 1] + innovations[..., t]
    return x


@pytest.mark.parametrize("rho", [0.0, 0.9])
def test_drift_p_values_are_uniform_on_stationary_chains(rho):
    experiments, alpha = 2000, 0.05
    samples = stationary_ar1(np.random.default_rng(11), experiments, 16, 64, rho)
    p_values = np.array([split_chain_test(chains, alpha=alpha).p_value for chains in samples])
    alarms = int(np.sum(p_values < alpha))
    # Binomial(2000, 0.05): a two-sided test at 1e-4 of the rate; and the p-values are uniform (KS).
    assert stats.binomtest(alarms, experiments, alpha).pvalue > 1e-4, alarms
    assert stats.kstest(p_values, "uniform").pvalue > 1e-4


def test_false_alarm_rate_of_the_verdict_on_well_mixed_chains():
    """Chains many autocorrelation times long: R-hat stays below its limit, so alarms come from the t test alone."""
    experiments, alpha = 1000, 0.05
    samples = stationary_ar1(np.random.default_rng(12), experiments, 16, 400, 0.5)
    alarms = sum(not split_chain_test(chains, alpha=alpha).equilibrated for chains in samples)
    assert stats.binomtest(alarms, experiments, alpha).pvalue > 1e-4, alarms


def test_slow_mixing_is_not_equilibrated():
    """Stationary but barely moving chains (autocorrelation time 200 draws over 100 draws): no drift, large R-hat."""
    chains = stationary_ar1(np.random.default_rng(4), 1, 64, 100, 0.995)[0]
    result = split_chain_test(chains)
    assert result.r_hat > 1.1 and not result.equilibrated


def test_drift_is_detected_and_the_burn_in_removes_it():
    rng = np.random.default_rng(3)
    relaxing = stationary_ar1(rng, 1, 32, 400, 0.5)[0] + 2.0 * np.exp(-np.arange(400) / 20)
    assert not split_chain_test(relaxing).equilibrated
    chosen = equilibrated_burn_in(relaxing)
    assert chosen.equilibrated and 0 < chosen.burn_in <= 200
    assert chosen.test.r_hat < 1.05


def test_refuses_too_few_chains_and_bad_fractions():
    with pytest.raises(ValueError, match="shape"):
        split_chain_test(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="fractions"):
        equilibrated_burn_in(np.zeros((8, 10)), fractions=(0.5, 1.0))
