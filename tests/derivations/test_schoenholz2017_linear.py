"""schoenholz2017, linear ring: derived vs printed vs hand-derived vs simulated."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from nnfield.derivations.schoenholz2017 import linear_ring
from nnfield.derivations.schoenholz2017.checks import laplace_quadrature
from nnfield.derivations.schoenholz2017.symbols import epsilon, l, sigma_b, sigma_w
from nnfield.numeric.samplers import linear_norm_chain
from nnfield.numeric.spectra import bulk_window, mode_covariance_estimate, windowed_prediction
from nnfield.numeric.statistics import compare_with_prediction


@pytest.fixture(scope="module")
def derivation():
    return linear_ring()


def test_every_printed_formula_of_the_linear_ring_is_reproduced(derivation):
    statuses = {claim.equation: claim.status() for claim in derivation.claims}
    laplace = statuses.pop("Sec. 5 (Laplace)")
    assert set(statuses.values()) == {"reproduced"}
    assert {"11", "12", "13", "14", "15", "16", "17"} <= set(statuses)
    # Without a simulation the differing Laplace recipe stays disputed, not an erratum.
    assert laplace == "disputed"


def test_claims_carry_their_appendix_numbers_and_quotes(derivation):
    assert derivation.claim("46").equation == "13"
    assert derivation.claim("57").equation == "15"
    assert "Delta_{w}" in derivation.claim("13").quote
    with pytest.raises(KeyError, match="the claims are"):
        derivation.claim("99")


def test_linear_terms_vanish_and_blocks_match_the_hand_expansion(derivation):
    assert tuple(derivation.fluctuations.linear_coefficients) == (0,)
    # Hand expansion of eq 41 about r* (App. 8.2, eq 54): coefficient of eps_l^2 is N/r*^2 (1 + sigma_w^4),
    # of eps_l eps_{l-1} is -2 sigma_w^2 N/r*^2, with N/r*^2 = Delta_w/sigma_b^2.
    energy = derivation.fluctuations.site_energy()
    per_unit = (1 - sigma_w**2) / sigma_b**2
    assert sp.simplify(energy.coeff(epsilon[l], 2) - per_unit * (1 + sigma_w**4)) == 0
    assert sp.simplify(energy.coeff(epsilon[l]).coeff(epsilon[l - 1]) + 2 * sigma_w**2 * per_unit) == 0


def hand_mode_covariance(sigma_w2, sigma_b2, q):
    """Independent: linearize r_l^2 = (sigma_w2 r_{l-1}^2/N + sigma_b2) chi2_N about r*.

    eps_l = sigma_w2 eps_{l-1} + eta_l with Var(eta) = r*^2/(2N) = sigma_b2/(2(1-sigma_w2)),
    an AR(1) process whose spectrum is Var(eta)/|1 - sigma_w2 e^{-iq}|^2.
    """
    noise = sigma_b2 / (2 * (1 - sigma_w2))
    return noise / np.abs(1 - sigma_w2 * np.exp(-1j * q)) ** 2


@settings(max_examples=40, deadline=None)
@given(
    sigma_w2=st.floats(0.01, 0.99),
    sigma_b2=st.floats(1e-4, 10.0),
    width=st.integers(1, 10_000),
)
def test_compiled_predictions_equal_hand_derived_formulas(derivation, sigma_w2, sigma_b2, width):
    prediction = derivation.predict(sigma_w2=sigma_w2, sigma_b2=sigma_b2, N=width)
    q = np.linspace(0, 2 * np.pi, 33)
    np.testing.assert_allclose(prediction.r_star, math.sqrt(width * sigma_b2 / (1 - sigma_w2)), rtol=1e-12)
    np.testing.assert_allclose(prediction.mode_covariance(q), hand_mode_covariance(sigma_w2, sigma_b2, q), rtol=1e-10)
    np.testing.assert_allclose(prediction.correlation_length, math.sqrt(sigma_w2) / (1 - sigma_w2), rtol=1e-12)
    np.testing.assert_allclose(prediction.lattice_decay_length, -1 / math.log(sigma_w2), rtol=1e-10)


def test_mode_covariance_accepts_scalars_and_arrays(derivation):
    prediction = derivation.predict(sigma_w2=0.5, sigma_b2=0.01, N=200)
    assert prediction.mode_covariance(0.3).shape == ()
    assert prediction.mode_covariance(np.zeros((4, 5))).shape == (4, 5)


@pytest.mark.parametrize("sigma_w2", [1.0, 1.2, 7.0])
def test_no_saddle_at_or_beyond_criticality(derivation, sigma_w2):
    with pytest.raises(ValueError, match=r"exists only where sigma_w < 1, i.e. 0 < sigma_w2 < 1"):
        derivation.predict(sigma_w2=sigma_w2, sigma_b2=0.01, N=200)


@pytest.mark.parametrize(
    "parameters, message",
    [
        (dict(sigma_w2=0.5, sigma_b2=0.01, N=0), "N must be a positive integer"),
        (dict(sigma_w2=0.5, sigma_b2=0.01, N=-3), "N must be a positive integer"),
        (dict(sigma_w2=0.5, sigma_b2=0.01, N=2.5), "N must be a positive integer"),
        (dict(sigma_w2=0.5, sigma_b2=0.0, N=10), "sigma_b2 must be a finite number > 0"),
        (dict(sigma_w2=0.5, sigma_b2=-1.0, N=10), "sigma_b2 must be a finite number > 0"),
        (dict(sigma_w2=0.0, sigma_b2=0.01, N=10), "sigma_w2 must be a finite number > 0"),
        (dict(sigma_w2=float("nan"), sigma_b2=0.01, N=10), "sigma_w2 must be a finite number > 0"),
    ],
)
def test_bad_parameters_are_refused_with_what_is_valid(derivation, parameters, message):
    with pytest.raises(ValueError, match=message):
        derivation.predict(**parameters)


def test_wrong_kind_of_parameter_is_a_type_error(derivation):
    with pytest.raises(TypeError, match="N must be a positive integer"):
        derivation.predict(sigma_w2=0.5, sigma_b2=0.01, N="200")


def test_laplace_recipe_against_quadrature_sides_with_the_derivation():
    evidence = laplace_quadrature(np.random.default_rng(0), None, False)
    assert evidence.supports_derived is True
    assert evidence.verdict == "agrees"
    assert evidence.value < 1 / 30  # 1/(12 A) at A = 5 is 0.0167


@pytest.mark.slow
@pytest.mark.parametrize("sigma_w2", [0.3, 0.9])
def test_simulated_mode_variances_match_the_derived_kernel(derivation, sigma_w2):
    """Monte Carlo at large width, where O(1/N) corrections are far below the sampling error.

    Each mode's periodogram is an average over M networks, so its standard error is ~C/sqrt(M);
    the chi-square of the z-scores over the Lw/2 modes is compared with its null distribution.
    """
    width, depth, networks, window = 20_000, 768, 300, 256
    rng = np.random.default_rng(11)
    prediction = derivation.predict(sigma_w2=sigma_w2, sigma_b2=0.01, N=width)
    norms = linear_norm_chain(sigma_w2, 0.01, width, depth, networks, rng=rng)
    estimate = mode_covariance_estimate(bulk_window(norms, depth - window) - prediction.r_star)
    comparison = compare_with_prediction(estimate, windowed_prediction(prediction.mode_covariance, window))
    assert comparison.p_value > 1e-3, comparison
    # The same data reject a kernel 10% off in sigma_w^2: the test has power.
    wrong = derivation.predict(sigma_w2=sigma_w2 * 1.1, sigma_b2=0.01, N=width)
    rejected = compare_with_prediction(estimate, windowed_prediction(wrong.mode_covariance, window))
    assert rejected.p_value < 1e-3


@pytest.mark.slow
def test_simulated_mean_square_norm_is_r_star_squared(derivation):
    """E r^2 = N sigma_b^2/(1 - sigma_w^2) holds exactly at any width, so N = 50 suffices."""
    width, depth, networks = 50, 600, 400
    rng = np.random.default_rng(5)
    for sigma_w2 in (0.2, 0.8):
        prediction = derivation.predict(sigma_w2=sigma_w2, sigma_b2=0.01, N=width)
        per_network = (linear_norm_chain(sigma_w2, 0.01, width, depth, networks, rng=rng)[:, 200:] ** 2).mean(axis=1)
        z = (per_network.mean() - prediction.r_star**2) / (per_network.std(ddof=1) / math.sqrt(networks))
        assert abs(z) < stats.norm.isf(1e-3 / 2), z


def test_eq_10_is_judged_on_an_open_chain_and_decided_by_networks():
    """On a ring the shifted log term of eq 10 would not matter; on a network (the setting of eq 10) it
    replaces the input's log term by the last layer's, which two-layer networks see."""
    import numpy as np

    from nnfield.derivations.schoenholz2017.correspondence import correspondence
    from nnfield.derivations.schoenholz2017.correspondence_checks import open_chain

    claim = correspondence().claim("10")
    assert claim.comparison.equal is False and claim.comparison.method == "constant"
    assert any("P[2]" in difference.sentence() and "printed N/2, derived 0" in difference.sentence()
               for difference in claim.differences)
    evidence = {item.claims[0]: item for item in open_chain(np.random.default_rng(3), None, False)}
    for label in ("9 (units)", "10"):
        assert evidence[label].verdict == "agrees" and evidence[label].supports_derived is True, label
        assert correspondence().claim(label).status(evidence[label].supports_derived) == "erratum"
