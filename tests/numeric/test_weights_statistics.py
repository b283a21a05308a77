"""Samplers of weights against exact results: noisy gradient descent, the chain's transfer operator and Monte Carlo."""

import math

import numpy as np
import pytest
from scipy import stats

from nnfield.numeric.boltzmann import radial_moment
from nnfield.numeric.chain_monte_carlo import multiplet_dot, o_chain_metropolis
from nnfield.numeric.langevin import noisy_gradient_descent, sgd_temperature
from nnfield.numeric.transfer import o_chain_transfer


@pytest.mark.parametrize("dimension", [1, 2, 3])
def test_transfer_operator_is_exact_for_a_gaussian_chain(dimension):
    # Hand derivation: K(q) = m^2 + 2J(1 - cos q) per component, <w_0.w_l> = D T (1/2pi) int cos(ql)/K(q) dq.
    mass2, coupling, temperature = 0.7, 1.3, 0.4
    chain = o_chain_transfer(lambda r: mass2 * r**2 / 2, dimension, coupling, temperature)
    q = 2 * np.pi * np.arange(1 << 14) / (1 << 14)
    for lag in range(5):
        exact = dimension * temperature * np.mean(np.cos(q * lag) / (mass2 + 2 * coupling * (1 - np.cos(q))))
        assert chain.correlation([lag])[0] == pytest.approx(exact, rel=1e-9)
    assert chain.correlation_length == pytest.approx(1 / math.acosh(1 + mass2 / (2 * coupling)), rel=1e-9)


def test_transfer_operator_one_site_limit_matches_quadrature():
    # J -> 0: each layer is an independent multiplet; <|w|^2> is the one-site Boltzmann moment.
    potential = lambda r: -r**2 / 2 + 0.3 * r**4 / 4  # noqa: E731
    chain = o_chain_transfer(potential, 3, 1e-6, 0.7)
    assert chain.mean_square == pytest.approx(radial_moment(potential, 3, 0.7, 2), rel=1e-5)


def test_one_site_moment_of_a_quartic_well():
    # Hand derivation: V = r^4 in D = 1 at T = 1: <r^2> = Gamma(3/4)/Gamma(1/4).
    assert radial_moment(lambda r: r**4, 1, 1.0, 2) == pytest.approx(math.gamma(0.75) / math.gamma(0.25), rel=1e-12)


def test_sgd_temperature_and_bad_parameters():
    assert sgd_temperature(0.1, 2.0) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="learning_rate must be a finite number > 0"):
        sgd_temperature(0.0, 1.0)
    with pytest.raises(ValueError, match="start must have shape"):
        noisy_gradient_descent(lambda w: w, np.zeros(3), learning_rate=0.1, gradient_noise=1.0, steps=10)


def test_noisy_gradient_descent_samples_the_harmonic_well_with_its_step_bias():
    # Euler-Maruyama on V = k w^2/2 has the exact stationary variance T / (k (1 - eta k / 2)).
    k, eta, noise = 2.0, 0.02, 10.0
    samples = noisy_gradient_descent(lambda w: k * w, np.zeros((4000, 1)), learning_rate=eta, gradient_noise=noise,
                                     steps=1500, record_every=30, burn_in=300, rng=3)
    per_chain = (samples**2).mean(axis=0)[:, 0]
    expected = sgd_temperature(eta, noise) / (k * (1 - eta * k / 2))
    z = (per_chain.mean() - expected) / (per_chain.std(ddof=1) / math.sqrt(per_chain.size))
    assert abs(z) < 4
    boltzmann = sgd_temperature(eta, noise) / k  # the step's bias (2%) is far outside the sampling error
    assert abs((per_chain.mean() - boltzmann) / (per_chain.std(ddof=1) / math.sqrt(per_chain.size))) > 4


@pytest.mark.slow
def test_metropolis_chain_matches_the_transfer_operator():
    potential = lambda w: -np.sum(w**2, axis=-1) / 2 + 0.5 * np.sum(w**2, axis=-1) ** 2 / 4  # noqa: E731
    exact = o_chain_transfer(lambda r: -r**2 / 2 + 0.5 * r**4 / 4, 2, 1.0, 1.0)
    samples = o_chain_metropolis(potential, dimension=2, length=32, coupling=1.0, temperature=1.0, chains=64,
                                 sweeps=400, burn_in=200, record_every=4, rng=7)
    assert 0.3 < samples.acceptance < 0.7
    per_chain = np.sum(samples.configurations**2, axis=-1).mean(axis=(0, 2))
    z = (per_chain.mean() - exact.mean_square) / (per_chain.std(ddof=1) / math.sqrt(per_chain.size))
    assert stats.norm.sf(abs(z)) * 2 > 1e-3
    lag1 = np.sum(samples.configurations * np.roll(samples.configurations, -1, axis=2), axis=-1).mean(axis=(0, 2))
    z = (lag1.mean() - exact.correlation([1])[0]) / (lag1.std(ddof=1) / math.sqrt(lag1.size))
    assert stats.norm.sf(abs(z)) * 2 > 1e-3


def test_metropolis_rejects_bad_input():
    with pytest.raises(ValueError, match="length must be even"):
        o_chain_metropolis(lambda w: 0 * w[..., 0], dimension=1, length=5, coupling=1.0, temperature=1.0, chains=2,
                           sweeps=2, burn_in=0)
    with pytest.raises(ValueError, match="the potential does not confine"):
        o_chain_transfer(lambda r: -r**2, 1, 1.0, 1.0)
    chain = o_chain_transfer(lambda r: 0.01 * r**2, 2, 1.0, 1.0)  # xi ~ 10 layers
    with pytest.raises(ValueError, match="shorter than 6 correlation lengths"):
        chain.mean_field_square(16)


@pytest.mark.parametrize("dimension", [1, 2, 3, 7, 9])
def test_multiplet_dot_is_the_reduction(dimension):
    a, b = np.random.default_rng(dimension).normal(size=(2, 50, 7, dimension))
    if dimension < 8:  # numpy adds short axes in order, as multiplet_dot does: the same numbers
        assert np.array_equal(multiplet_dot(a, b), np.sum(a * b, axis=-1))
    assert np.allclose(multiplet_dot(a, b), np.einsum("...c,...c->...", a, b), rtol=1e-14, atol=1e-13)


def _naive_metropolis(potential, dimension, length, coupling, temperature, chains, sweeps, start, step, rng):
    """Site by site: the whole ring's energy before and after each proposal, the textbook rule."""
    def energy(w):  # per chain
        return (coupling / 2 * np.sum((np.roll(w, -1, axis=1) - w) ** 2, axis=(1, 2)) + np.sum(potential(w), axis=1))

    w = np.zeros((chains, length, dimension)) + np.asarray(start, dtype=float)
    records = []
    for _ in range(sweeps):
        for parity in (0, 1):
            sites = np.arange(parity, length, 2)
            moves = step * rng.standard_normal((chains, sites.size, dimension))
            uniforms = rng.random((chains, sites.size))
            changes = np.empty((chains, sites.size))
            for index, site in enumerate(sites):  # sites of one parity do not interact: each change alone
                moved = w.copy()
                moved[:, site] += moves[:, index]
                changes[:, index] = energy(moved) - energy(w)
            accept = np.log(uniforms) < -changes / temperature
            for index, site in enumerate(sites):
                w[accept[:, index], site] += moves[accept[:, index], index]
        records.append(w.copy())
    return np.array(records)


def test_metropolis_makes_the_textbook_moves():
    def potential(w):
        squared = np.sum(w**2, axis=-1)
        return -squared / 2 + 0.5 * squared**2 / 4

    for dimension, temperature in ((2, 0.7), (3, 0.2)):
        settings = dict(dimension=dimension, length=6, coupling=1.0, temperature=temperature, chains=5)
        start = [0.0] * (dimension - 1) + [1.4]
        fast = o_chain_metropolis(potential, **settings, sweeps=30, burn_in=0, start=start, rng=11)
        naive = _naive_metropolis(potential, **settings, sweeps=30, start=start, step=fast.step,
                                  rng=np.random.default_rng(11))
        assert 0.2 < fast.acceptance < 0.95
        assert np.allclose(fast.configurations, naive, rtol=0, atol=1e-12)
