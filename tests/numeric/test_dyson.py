"""The Dyson equation against closed forms (semicircle, Marchenko-Pastur, BBP outlier) and sampled matrices."""

import math

import numpy as np
import pytest
from scipy import stats

from nnfield.numeric.dyson import (
    BlockProfile,
    compare_spectrum,
    dyson_density,
    estimate_profile,
    sample_block_matrix,
    solve_dyson,
)

ALPHA = 1e-3


def semicircle(energies, radius):
    return 2 / (math.pi * radius**2) * np.sqrt(np.clip(radius**2 - energies**2, 0, None))


def test_one_block_is_the_semicircle_of_radius_two_sqrt_s_n():
    size, variance = 300, 0.004
    energies = np.linspace(-3, 3, 1201)
    density = dyson_density(BlockProfile((size,), [[variance]]), energies, eta=1e-4)
    radius = 2 * math.sqrt(variance * size)
    bulk = np.abs(energies) < 0.95 * radius
    np.testing.assert_allclose(density.density[bulk], semicircle(energies[bulk], radius), atol=2e-3)
    assert density.cumulative[-1] == 1.0 and density.asymmetry() < 1e-9


def test_bipartite_profile_is_the_symmetrised_marchenko_pastur_law():
    """[[0, B], [B^T, 0]], B of size N1 x N2 with entries of variance s: eigenvalues +-sqrt of those of B^T B,
    whose law is s N1 times Marchenko-Pastur with ratio c = N2/N1, plus (N1 - N2) zeros."""
    n1, n2, variance = 300, 100, 1 / 300
    energies = np.linspace(-2.5, 2.5, 2001)
    density = dyson_density(BlockProfile((n1, n2), [[0, variance], [variance, 0]]), energies, eta=1e-4)
    c = n2 / n1
    t = energies**2 / (variance * n1)
    low, high = (1 - math.sqrt(c)) ** 2, (1 + math.sqrt(c)) ** 2
    inside = (t > low * 1.05) & (t < high * 0.95)
    marchenko_pastur = np.sqrt((high - t[inside]) * (t[inside] - low)) / (2 * math.pi * c * t[inside])
    expected = n2 / (n1 + n2) * marchenko_pastur * 2 * np.abs(energies[inside]) / (variance * n1)
    np.testing.assert_allclose(density.density[inside], expected, rtol=2e-3, atol=1e-4)
    # The atom at zero carries (N1 - N2)/N: Im m(i eta) * eta -> mass.
    atom = solve_dyson(BlockProfile((n1, n2), [[0, variance], [variance, 0]]), [1e-6j]).m[0]
    assert (atom.imag * 1e-6 * np.array([n1, n2])).sum() / (n1 + n2) == pytest.approx((n1 - n2) / (n1 + n2), rel=1e-4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_centred_profile_gives_a_symmetric_density(seed):
    rng = np.random.default_rng(seed)
    sizes = tuple(int(n) for n in rng.integers(20, 200, size=3))
    variances = rng.uniform(0, 1, (3, 3)) / 200
    variances = variances + variances.T
    variances[seed, seed] = 0.0  # one diagonal block empty, the others not: symmetry needs neither
    profile = BlockProfile(sizes, variances)
    density = dyson_density(profile, np.linspace(-1.5 * profile.scale, 1.5 * profile.scale, 801))
    assert density.converged and density.asymmetry() < 1e-8


def test_a_diagonal_shift_breaks_the_symmetry_and_moves_the_mean():
    profile = BlockProfile((150, 250), [[0, 1 / 250], [1 / 250, 0]], shifts=[0.6, 0.0])
    energies = np.linspace(-3, 3, 1201)
    density = dyson_density(profile, energies)
    assert density.asymmetry() > 0.05
    mean = np.sum(energies * density.density) * (energies[1] - energies[0])
    assert mean == pytest.approx(0.6 * 150 / 400, abs=5e-3)  # tr A / N


@pytest.mark.slow
def test_a_rank_one_mean_pulls_out_the_bbp_outlier():
    """A = theta 1 1^T / N on a semicircle of radius 2 sigma: an outlier at theta + sigma^2 / theta for theta > sigma."""
    size, sigma, theta = 400, 1.0, 2.0
    profile = BlockProfile((size,), [[sigma**2 / size]], means=[[theta / size]])
    energies = np.linspace(-3, 3.5, 2601)
    density = dyson_density(profile, energies)
    outside = energies > 2.2
    peak = energies[outside][np.argmax(density.density[outside])]
    assert peak == pytest.approx(theta + sigma**2 / theta, abs=0.01)
    near = np.abs(energies - peak) < 0.15  # holds 97% of a Cauchy peak of width eta = 0.005
    mass = np.sum(density.density[near]) * (energies[1] - energies[0])
    assert mass == pytest.approx(1 / size, rel=0.05)
    largest = [np.linalg.eigvalsh(sample_block_matrix(profile, rng=seed))[-1] for seed in range(20)]
    # The outlier fluctuates by O(N^-1/2) between matrices; the grid resolves the peak to its spacing.
    error = np.std(largest, ddof=1) / math.sqrt(len(largest))
    assert abs(np.mean(largest) - peak) < stats.norm.isf(ALPHA / 2) * error + (energies[1] - energies[0])


@pytest.mark.parametrize(
    "profile",
    [
        BlockProfile((300,), [[1 / 300]]),
        BlockProfile((240, 60), [[0, 1 / 120], [1 / 120, 0]]),
        BlockProfile((100, 200, 40), np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]]) / 200),
        BlockProfile((100, 200, 40), np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]]) / 200, shifts=[0.4, 0, -0.2]),
    ],
    ids=["semicircle", "bipartite", "three blocks", "three blocks shifted"],
)
def test_sampled_eigenvalues_follow_the_dyson_density(profile):
    rng = np.random.default_rng(11)
    eigenvalues = np.concatenate([np.linalg.eigvalsh(sample_block_matrix(profile, rng)) for _ in range(4)])
    edge = 1.2 * max(profile.scale / 2, np.abs(eigenvalues).max())
    density = dyson_density(profile, np.linspace(-edge, edge, 1201))
    assert compare_spectrum(eigenvalues, density).p_value > ALPHA
    # Power: the same eigenvalues against the density of a profile with variances twice as large (the Kolmogorov test, blind to the
    # rigidity of eigenvalues, is conservative).
    wrong = BlockProfile(profile.sizes, 2.0 * profile.variances, shifts=profile.shifts)
    assert compare_spectrum(eigenvalues, dyson_density(wrong, np.linspace(-edge, edge, 1201))).p_value < ALPHA


def test_estimate_profile_recovers_the_variances_within_sampling_error():
    profile = BlockProfile((60, 90), [[0.5, 0.2], [0.2, 0.0]], means=[[0.0, 0.1], [0.1, 0.0]])
    estimate = estimate_profile(sample_block_matrix(profile, rng=3), profile.sizes)
    # Off-diagonal block: 5400 independent entries, variance estimate error ~ s sqrt(2 / n).
    assert estimate.variances[0, 1] == pytest.approx(0.2, abs=4 * 0.2 * math.sqrt(2 / 5400))
    assert estimate.means[0, 1] == pytest.approx(0.1, abs=4 * math.sqrt(0.2 / 5400))
    assert estimate.variances[1, 1] == 0.0


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: BlockProfile((2, 3), [[0, 1], [2, 0]]), ValueError, "variances must be symmetric"),
        (lambda: BlockProfile((2, 3), [[0, 1]]), ValueError, "variances must be a 2 x 2 array"),
        (lambda: BlockProfile((2, 0), np.eye(2)), ValueError, "sizes\\[1\\] must be a positive integer"),
        (lambda: BlockProfile((2, 3), np.eye(2), shifts=[1.0]), ValueError, "shifts must be 2 finite numbers"),
        (lambda: BlockProfile(5, [[1.0]]), TypeError, "sizes must be a sequence"),
        (lambda: solve_dyson(BlockProfile((2,), [[1.0]]), [0.5]), ValueError, "Im z > 0"),
        (lambda: dyson_density(BlockProfile((2,), [[1.0]]), [1.0, 0.0, 2.0]), ValueError, "increasing"),
        (lambda: compare_spectrum([5.0], dyson_density(BlockProfile((2,), [[1.0]]), np.linspace(-3, 3, 11))),
         ValueError, "must cover every eigenvalue"),
    ],
)
def test_errors_name_the_bad_value(make, error, message):
    with pytest.raises(error, match=message):
        make()
