"""Spectra: the estimator, its finite-window expectation, and the statistic's calibration."""

import numpy as np
import pytest
from scipy import stats

from nnfield.numeric.spectra import bulk_window, mode_covariance_estimate, windowed_prediction
from nnfield.numeric.statistics import compare_with_prediction


def ar1(coefficient, samples, length, rng, burn=200):
    noise = rng.standard_normal((samples, length + burn))
    x = np.zeros_like(noise)
    for l in range(1, length + burn):
        x[:, l] = coefficient * x[:, l - 1] + noise[:, l]
    return x[:, burn:]


def ar1_spectrum(coefficient):
    return lambda q: 1 / np.abs(1 - coefficient * np.exp(-1j * np.asarray(q))) ** 2


def test_white_noise_has_a_flat_windowed_spectrum():
    np.testing.assert_allclose(windowed_prediction(lambda q: np.full(np.shape(q), 2.0), 32), 2.0, rtol=1e-12)


def test_windowed_prediction_tends_to_the_ring_spectrum_and_differs_for_short_windows():
    spectrum = ar1_spectrum(0.9)
    long_window = windowed_prediction(spectrum, 8192)
    q = 2 * np.pi * np.arange(8192) / 8192
    assert np.max(np.abs(long_window[1:] / spectrum(q[1:]) - 1)) < 0.02
    short = windowed_prediction(spectrum, 64)
    assert abs(short[0] / spectrum(0.0) - 1) > 0.1  # leakage bias the prediction must carry


def test_simulated_ar1_matches_its_windowed_prediction_and_a_wrong_one_is_rejected():
    rng = np.random.default_rng(4)
    estimate = mode_covariance_estimate(ar1(0.8, 400, 128, rng))
    assert compare_with_prediction(estimate, windowed_prediction(ar1_spectrum(0.8), 128)).p_value > 1e-3
    assert compare_with_prediction(estimate, windowed_prediction(ar1_spectrum(0.75), 128)).p_value < 1e-3


def test_matrix_case_orientation_is_the_numpy_fft_convention():
    """y_l = x_{l-1}: C_xy(q) = sum_d E[x(l+d) x(l-1)] e^{-iqd} = sum_d c_x(d+1) e^{-iqd} = C_x(q) e^{+iq}."""
    rng = np.random.default_rng(5)
    x = ar1(0.5, 3000, 65, rng)
    pair = np.stack([x[:, 1:], x[:, :-1]], axis=-1)
    estimate = mode_covariance_estimate(pair)

    def spectrum(q):
        q = np.asarray(q)
        base = ar1_spectrum(0.5)(q)
        phase = np.exp(1j * q)
        return np.stack([np.stack([base, base * phase], -1), np.stack([base * phase.conj(), base], -1)], -2)

    expected = windowed_prediction(spectrum, 64)
    modes = slice(1, 33)
    assert np.all(np.abs(estimate.value[modes, 0, 1] - expected[modes, 0, 1]) < 5 * estimate.stderr[modes, 0, 1])
    # the opposite orientation is visibly different
    assert np.mean(np.abs(estimate.value[modes, 0, 1] - expected[modes, 1, 0])) > 3 * np.mean(estimate.stderr[modes, 0, 1])


def test_band_averaged_chi_square_is_calibrated():
    """Under the null, p-values of repeated experiments are uniform (KS test over 60 repetitions)."""
    rng = np.random.default_rng(6)
    expected = windowed_prediction(ar1_spectrum(0.6), 64)
    p_values = [compare_with_prediction(mode_covariance_estimate(ar1(0.6, 150, 64, rng)), expected).p_value
                for _ in range(60)]
    assert stats.kstest(p_values, "uniform").pvalue > 1e-3


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"transient must be an integer layer count in \[0, 6\)"):
        bulk_window(np.ones((2, 6)), 6)
    with pytest.raises(ValueError, match="shape"):
        mode_covariance_estimate(np.ones(5))
    with pytest.raises(ValueError, match="band must be a positive"):
        compare_with_prediction(mode_covariance_estimate(np.ones((3, 8))), np.ones(8), band=0)


def correlated_var1(samples, length, rng, *, correlation=0.9, coefficient=0.5, burn=100):
    """Three fields driven by noise of pairwise correlation ``correlation``, each an AR(1) along the layers."""
    covariance = np.full((3, 3), correlation) + (1 - correlation) * np.eye(3)
    root = np.linalg.cholesky(covariance)
    noise = rng.standard_normal((samples, length + burn, 3)) @ root.T
    x = np.zeros_like(noise)
    for l in range(1, length + burn):
        x[:, l] = coefficient * x[:, l - 1] + noise[:, l]
    return x[:, burn:], covariance


def var1_spectrum(covariance, coefficient=0.5):
    def spectrum(q):
        transfer = 1 / np.abs(1 - coefficient * np.exp(-1j * np.asarray(q))) ** 2
        return transfer[:, None, None] * covariance
    return spectrum


def test_multi_field_spectral_test_is_calibrated_for_strongly_correlated_fields():
    """Noise correlation 0.9 between three fields: p-values under the null stay uniform (KS over 80 repetitions),
    where a chi-square of the diagonal z-scores treated as independent would be far too small."""
    rng = np.random.default_rng(7)
    covariance = correlated_var1(2, 64, rng)[1]
    expected = windowed_prediction(var1_spectrum(covariance), 64)
    p_values = [compare_with_prediction(mode_covariance_estimate(correlated_var1(120, 64, rng)[0]), expected).p_value
                for _ in range(80)]
    assert stats.kstest(p_values, "uniform").pvalue > 1e-3


def test_multi_field_spectral_test_sees_a_wrong_cross_correlation():
    """The diagonal alone cannot tell correlation 0.9 from 0.8; the full periodogram must."""
    rng = np.random.default_rng(8)
    x, covariance = correlated_var1(200, 64, rng)
    wrong = np.full((3, 3), 0.8) + 0.2 * np.eye(3)
    estimate = mode_covariance_estimate(x)
    assert compare_with_prediction(estimate, windowed_prediction(var1_spectrum(covariance), 64)).p_value > 1e-3
    assert compare_with_prediction(estimate, windowed_prediction(var1_spectrum(wrong), 64)).p_value < 1e-3
