"""The field theory of a pair of inputs: against hand-derived formulas, scipy's Wishart law, and networks."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import optimize, stats

from nnfield.derivations.schoenholz2017.pair import PRECISION, pair_of_inputs, wishart_energy
from nnfield.derivations.schoenholz2017.symbols import N, chi_c, chi_q, l, q_d, q_u, sigma_b, sigma_w
from nnfield.numeric.phase import measure_correlation_approach
from nnfield.numeric.samplers import exact_network_overlaps


@pytest.fixture(scope="module")
def derivation():
    return pair_of_inputs()


def test_wishart_energy_is_scipys_law_up_to_a_constant():
    """-log of scipy's Wishart density of N Q given Sigma = sigma_w^2 Q' + 2 sigma_b^2 e_u e_u^T, at random overlaps."""
    energy = wishart_energy(leading_order=False)
    width, w2, b2 = 7, 0.6, 0.2
    values = {sigma_w: math.sqrt(w2), sigma_b: math.sqrt(b2), N: width}
    generator = np.random.default_rng(0)
    differences = []
    for _ in range(5):
        before, now = generator.uniform(0.2, 3.0, 2), generator.uniform(0.2, 3.0, 2)
        point = {q_u[l - 1]: before[0], q_d[l - 1]: before[1], q_u[l]: now[0], q_d[l]: now[1], **values}
        scale = np.diag([w2 * before[0] + 2 * b2, w2 * before[1]])
        log_density = stats.wishart(df=width, scale=scale).logpdf(width * np.diag(now))
        differences.append(float(energy.subs(point)) + log_density)
    assert np.ptp(differences) < 1e-9


def test_linear_network_line_of_saddles_and_massless_difference(derivation):
    # Exactly (exponent (N - 3)/2), the energy falls towards q_d -> 0: c -> 1; at leading order it is flat in q_d.
    assert derivation.linear_exact_slope == sp.Rational(3, 2) / sp.Symbol("q_d", positive=True)
    saddle = sp.Tuple(*derivation.linear_saddle.values)
    assert saddle[0] == 2 * sigma_b**2 / (1 - sigma_w**2) and saddle[1] == sp.Symbol("D", positive=True)
    assert derivation.linear_determinant.massless_modes == 1
    (length,) = derivation.linear_determinant.decay_lengths
    for w2 in (0.3, 0.9):  # hand-derived: the sum of the inputs relaxes like one input, xi = -1/ln sigma_w^2
        assert float(length.subs(sigma_w, math.sqrt(w2))) == pytest.approx(-1 / math.log(w2), rel=1e-12)


def test_difference_of_the_inputs_is_a_scale_invariant_walk():
    """Exact sampler, linear network: q_d^l / q_d^(l-1) ~ sigma_w^2 chi^2_N / N whatever q_d^(l-1) (no bias on z_1 - z_2)."""
    width, w2, b2 = 12, 0.7, 0.3
    inputs = np.array([[1.0, 0.5] + [0.0] * (width - 2), [0.4, 1.0] + [0.0] * (width - 2)])
    overlaps = exact_network_overlaps(w2, b2, width, 6, 600, inputs, rng=5)
    difference = (overlaps[..., 0, 0] + overlaps[..., 1, 1] - 2 * overlaps[..., 0, 1]) / 2
    ratios = (difference[:, 1:] / difference[:, :-1]).ravel()
    assert stats.kstest(ratios * width / w2, stats.chi2(width).cdf).pvalue > 1e-3
    assert stats.kstest(ratios * width / 0.8, stats.chi2(width).cdf).pvalue < 1e-3  # the test can fail


def test_kernel_chain_saddle_is_the_mean_field_fixed_point(derivation):
    assert derivation.fixed_point_residuals == sp.Tuple(0, 0)
    jacobian = derivation.jacobian
    assert jacobian[0, 1] == 0 and jacobian[0, 0] == chi_q and jacobian[1, 1] == chi_c


def test_decay_lengths_do_not_depend_on_the_noise_precision(derivation):
    lengths = set(derivation.decay_lengths)
    assert lengths == {1 / sp.Abs(sp.log(chi_c)), 1 / sp.Abs(sp.log(chi_q))}
    assert not set().union(*(length.free_symbols for length in lengths)) & PRECISION.free_symbols


def _erf_by_hand(w2, b2):
    """q*, c*, chi_c of erf from the arcsine kernel E[erf(u)erf(v)] = (2/pi) arcsin(2 q12 / (1 + 2 q))."""
    q_star = optimize.brentq(lambda q: w2 * 2 / math.pi * math.asin(2 * q / (1 + 2 * q)) + b2 - q, 1e-9, 100)

    def covariance_map(q12):
        return w2 * 2 / math.pi * math.asin(2 * q12 / (1 + 2 * q_star)) + b2

    slope_at_one = w2 * 4 / math.pi / math.sqrt((1 + 2 * q_star) ** 2 - 4 * q_star**2)
    q12 = q_star if slope_at_one <= 1 else optimize.brentq(lambda v: covariance_map(v) - v, -q_star * 0.999,
                                                            q_star * (1 - 1e-9))
    chi = w2 * 4 / math.pi / math.sqrt((1 + 2 * q_star) ** 2 - 4 * q12**2)
    return q_star, q12 / q_star, chi


@pytest.mark.parametrize("w2, b2", [(1.0, 0.05), (3.0, 0.05)])
def test_prediction_against_the_hand_derived_arcsine_kernel(derivation, w2, b2):
    prediction = derivation.predict(activation="erf", sigma_w2=w2, sigma_b2=b2)
    q_star, c_star, chi = _erf_by_hand(w2, b2)
    assert prediction.q_star == pytest.approx(q_star, rel=1e-9)
    assert prediction.c_star == pytest.approx(c_star, abs=1e-8)
    assert prediction.chi_c == pytest.approx(chi, rel=1e-8)
    assert prediction.correlation_decay_length == pytest.approx(-1 / math.log(chi), rel=1e-8)
    assert prediction.correlation_eft_length == pytest.approx(math.sqrt(chi) / (1 - chi), rel=1e-8)
    assert prediction.correlation_decay_length == pytest.approx(prediction.mean_field_xi_c, rel=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("activation, w2, b2, c_first", [("tanh", 2.0, 0.5, 0.9999), ("erf", 3.0, 0.05, 0.6)])
def test_correlation_length_against_networks(derivation, activation, w2, b2, c_first):
    """The measured depth scale of c^l (exact sampler, jackknife over 20 groups of networks) against the decay length.

    A two-sided Student-t test at level 1e-3 on the jackknife's 19 degrees of freedom.
    """
    prediction = derivation.predict(activation=activation, sigma_w2=w2, sigma_b2=b2)
    measured = measure_correlation_approach(activation, w2, b2, N=1000, L=40, M=200, q_first=prediction.q_star,
                                            c_first=c_first, rng=2017)
    for value, error, expected in ((measured.xi_c, measured.xi_c_error, prediction.correlation_decay_length),
                                   (measured.c_star, measured.c_star_error, prediction.c_star)):
        if error > 0:
            assert abs(value - expected) / error < stats.t(measured.dof).isf(5e-4), (value, error, expected)
        else:
            assert value == pytest.approx(expected, abs=1e-6)


def test_predict_refuses_an_unknown_activation(derivation):
    with pytest.raises(ValueError, match="activation must be one of"):
        derivation.predict(activation="sine", sigma_w2=1.0, sigma_b2=0.1)
