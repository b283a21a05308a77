"""The exponential-approach estimator: its jackknife errors are calibrated (z-scores follow Student's t)."""

import numpy as np
import pytest
from scipy import stats

from nnfield.numeric.statistics import exponential_approach

LIMIT, AMPLITUDE, RATIO = 0.4, 0.5, 0.75


def _rows(generator, rows=40, steps=30, memory=0.6, noise=0.05):
    """Independent rows approaching LIMIT as RATIO**l, with AR(1) noise correlated along each row."""
    innovations = generator.standard_normal((rows, steps))
    correlated = np.zeros((rows, steps))
    for step in range(steps):
        correlated[:, step] = (memory * correlated[:, step - 1] if step else 0) + innovations[:, step]
    return LIMIT + AMPLITUDE * RATIO ** np.arange(steps) + noise * correlated


@pytest.mark.slow
def test_jackknife_z_scores_follow_student_t():
    generator = np.random.default_rng(20170)
    fits = [exponential_approach(_rows(generator), groups=10) for _ in range(150)]
    t = stats.t(fits[0].dof)
    for estimate, true in (("ratio", RATIO), ("limit", LIMIT), ("decay_length", -1 / np.log(RATIO))):
        z = [(getattr(fit, estimate) - true) / getattr(fit, f"{estimate}_error") for fit in fits]
        assert stats.kstest(z, t.cdf).pvalue > 1e-3, estimate


def test_a_wrong_rate_is_detected():
    fit = exponential_approach(_rows(np.random.default_rng(3), rows=200), groups=20)
    assert abs(fit.ratio - RATIO) < 4 * fit.ratio_error
    assert abs(fit.ratio - 0.7) > 4 * fit.ratio_error


def test_first_step_and_shift():
    """Fitting from a later step returns the amplitude at step 0 of the sequences."""
    rows = _rows(np.random.default_rng(4), rows=200, noise=0.0)
    fit = exponential_approach(rows, first=5)
    assert fit.first == 5 and fit.amplitude == pytest.approx(AMPLITUDE, rel=1e-6)
    assert fit.limit_error < 1e-9


@pytest.mark.parametrize("kwargs, message", [
    (dict(sequences=np.ones(5)), "2-D array"),
    (dict(sequences=np.ones((4, 10)), groups=5), "groups must be an integer from 2"),
    (dict(sequences=np.ones((4, 10)), first=7), "first must be an integer from 0 to L - 4 = 6"),
    (dict(sequences=np.full((4, 10), np.nan)), "finite"),
])
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        exponential_approach(**{"groups": 2, **kwargs})
