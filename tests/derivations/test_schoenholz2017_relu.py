"""schoenholz2017, rectified linear ring: derived vs printed vs hand-derived vs simulated."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import stats

from nnfield.derivations.schoenholz2017.relu import relu_ring
from nnfield.numeric.samplers import relu_parts_chain


@pytest.fixture(scope="module")
def derivation():
    return relu_ring()


def test_statuses_before_simulation(derivation):
    statuses = {claim.equation: claim.status() for claim in derivation.claims}
    for equation in ("18", "19", "79", "20", "Result 9", "86", "87", "88", "94", "Sec. 6 (after eq. 23)"):
        assert statuses[equation] == "reproduced", equation
    for equation in ("21", "90", "22", "23"):
        assert statuses[equation] == "disputed", equation


def test_printed_inverse_covariance_differs_only_in_the_k_row(derivation):
    residual = derivation.claim("22").comparison.residual
    assert residual[:2, :2] == sp.zeros(2, 2)
    assert residual[2, 2] == -3 and residual[0, 2] == -sp.Rational(1, 2) and residual[1, 2] == sp.Rational(1, 2)


def test_rescaled_kernel_is_the_hand_derived_one_with_its_roots_cancelled(derivation):
    """By hand, in the paper's tilde variables (its k): K(q) = [[1 + w^4/2 - w^2 cos q, -w^2 e^{-iq}/2, 1],
    [-w^2 e^{iq}/2, 1, -1], [1, -1, 6]], where w^2 = sigma_w^2 < 2. Each entry is the number itself, not a product
    of roots that equals it only where the saddle exists."""
    from nnfield.derivations.schoenholz2017.symbols import q, sigma_w

    w2 = sigma_w**2
    by_hand = sp.Matrix([[1 + w2**2 / 2 - w2 * sp.cos(q), -w2 * sp.exp(-sp.I * q) / 2, 1],
                         [-w2 * sp.exp(sp.I * q) / 2, 1, -1],
                         [1, -1, 6]])
    derived = sp.Matrix(derivation.claim("22").derived)
    assert (derived - by_hand).applyfunc(sp.expand) == sp.zeros(3, 3)
    assert all(derived[a, b] in (1, -1, 6) for a, b in ((0, 2), (1, 2), (2, 0), (2, 1), (2, 2)))


def test_saddle_matches_the_hand_derived_fixed_point(derivation):
    """E r_+^2 = (N/2)(sigma_w2 E r_+^2/N + sigma_b2) has the fixed point N sigma_b2/(2 - sigma_w2)."""
    for sigma_w2 in (0.3, 1.0, 1.9):
        prediction = derivation.predict(sigma_w2=sigma_w2, sigma_b2=0.01, N=200)
        expected = math.sqrt(200 * 0.01 / (2 - sigma_w2))
        assert prediction.r_plus_star == pytest.approx(expected, rel=1e-12)
        assert prediction.r_minus_star == pytest.approx(expected, rel=1e-12)
        assert prediction.k_star == 100


def test_equal_layer_variance_of_k_is_the_binomial_one(derivation):
    """k ~ Binomial(N, 1/2) in every layer, independently of the rest: Var k = N/4 exactly."""
    prediction = derivation.predict(sigma_w2=1.0, sigma_b2=0.01, N=200)
    q = 2 * np.pi * np.arange(2048) / 2048
    equal_layer = prediction.mode_covariance(q).mean(axis=0).real
    assert equal_layer[2, 2] == pytest.approx(200 / 4, rel=1e-9)


@pytest.mark.parametrize("sigma_w2", [1.5, 2.0, 3.0])
def test_no_saddle_from_sigma_w2_two(derivation, sigma_w2):
    if sigma_w2 < 2:
        derivation.predict(sigma_w2=sigma_w2, sigma_b2=0.01, N=50)
        return
    with pytest.raises(ValueError, match=r"0 < sigma_w2 < 2"):
        derivation.predict(sigma_w2=sigma_w2, sigma_b2=0.01, N=50)


@pytest.mark.slow
def test_simulated_mean_squares_and_k_match_the_saddle(derivation):
    """E r_+^2 = E r_-^2 = r*^2 and E k = N/2 hold exactly for the chain, at any width."""
    width, networks = 40, 500
    fields = relu_parts_chain(1.2, 0.02, width, 500, networks, rng=3)[:, 200:]
    prediction = derivation.predict(sigma_w2=1.2, sigma_b2=0.02, N=width)
    targets = [prediction.r_plus_star**2, prediction.r_minus_star**2, prediction.k_star]
    observables = [fields[..., 0] ** 2, fields[..., 1] ** 2, fields[..., 2]]
    for target, values in zip(targets, observables):
        per_network = values.mean(axis=1)
        z = (per_network.mean() - target) / (per_network.std(ddof=1) / math.sqrt(networks))
        assert abs(z) < stats.norm.isf(1e-3 / 2)


def test_each_claims_evidence_comes_from_its_own_forms():
    """The kernel a claim's printed form implies is built from that form: the printed eq 21 (k row halved) gives
    the binomial variance of k wrong, the derived form gives N/4 exactly at q -> 0 in a simple check, and an
    invented misprint of eq 22 changes the prediction accordingly."""
    import dataclasses

    import numpy as np

    from nnfield.derivations.schoenholz2017.relu import relu_ring
    from nnfield.derivations.schoenholz2017.relu_checks import claim_mode_covariance

    derivation = relu_ring()
    q = 2 * np.pi * np.arange(4096) / 4096
    for label in ("21", "22"):
        claim = derivation.claim(label)
        derived = claim_mode_covariance(claim, "derived")(1.0, 0.01, 200)(q)
        printed = claim_mode_covariance(claim, "printed")(1.0, 0.01, 200)(q)
        # equal-layer variance of k: the average of C_kk(q) over the zone; binomial N/4 = 50 for the derived form
        assert derived[:, 2, 2].real.mean() == pytest.approx(50.0, rel=1e-3)
        assert abs(printed[:, 2, 2].real.mean() - 50.0) > 10
    wrong = dataclasses.replace(derivation.claim("22"), printed=derivation.claim("22").derived * 2)
    doubled = claim_mode_covariance(wrong, "printed")(1.0, 0.01, 200)(q)
    derived = claim_mode_covariance(wrong, "derived")(1.0, 0.01, 200)(q)
    np.testing.assert_allclose(doubled, derived / 2, rtol=1e-9, atol=1e-12)
