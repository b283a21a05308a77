"""fok2017's potential in numbers (compiled from the theory) against the hand-written V = m^2|w|^2/2 + lambda|w|^4/4."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from nnfield.derivations.fok2017 import mass_squared, weights_potential
from nnfield.derivations.fok2017.potential import SQUARED_RADIUS, radial_profile
from nnfield.derivations.fok2017.symbols import lam, m2
from nnfield.derivations.kahn2017.chain import CHAIN, chain_potential, chain_transfer, vacuum


def hand_potential(w, mass2, quartic):
    squared = np.sum(np.asarray(w, dtype=float) ** 2, axis=-1)
    return mass2 * squared / 2 + quartic * squared**2 / 4


@pytest.mark.parametrize("dimension", [1, 2, 3, 5])
def test_compiled_potential_is_the_hand_potential(dimension):
    potential = weights_potential(dimension, mass_squared=-1.3, quartic=0.7)
    w = np.random.default_rng(dimension).normal(size=(4, 6, dimension))
    assert np.allclose(potential(w), hand_potential(w, -1.3, 0.7), rtol=1e-14, atol=1e-14)
    radii = np.linspace(0, 3, 7)
    assert np.allclose(potential.radial(radii), -1.3 * radii**2 / 2 + 0.7 * radii**4 / 4, rtol=1e-14, atol=1e-14)
    with mpmath.workdps(30):
        r = mpmath.mpf("1.7")
        assert abs(potential.radial_mpmath(r) - (-1.3 * r**2 / 2 + 0.7 * r**4 / 4)) < mpmath.mpf("1e-15")
    step = 1e-6  # the gradient against central differences of the hand potential
    numeric = np.stack([(hand_potential(w + step * e, -1.3, 0.7) - hand_potential(w - step * e, -1.3, 0.7)) / (2 * step)
                        for e in np.eye(dimension)], axis=-1)
    assert np.allclose(potential.gradient(w), numeric, rtol=1e-7, atol=1e-8)


def test_radial_profile_is_read_off_the_theory():
    assert sp.expand(radial_profile(4) - (m2 * SQUARED_RADIUS / 2 + lam * SQUARED_RADIUS**2 / 4)) == 0


def test_weights_potential_refuses_bad_input():
    with pytest.raises(TypeError, match="mass_squared must be a real number"):
        weights_potential(2, mass_squared="-1", quartic=0.5)
    with pytest.raises(ValueError, match="mass_squared must be finite"):
        weights_potential(2, mass_squared=math.inf, quartic=0.5)
    with pytest.raises(ValueError, match="quartic"):
        weights_potential(2, mass_squared=-1.0, quartic=-0.5)
    with pytest.raises(ValueError, match="dimension"):
        weights_potential(0, mass_squared=-1.0, quartic=0.5)
    with pytest.raises(ValueError, match="2 weights of the multiplet on their last axis"):
        weights_potential(2, mass_squared=-1.0, quartic=0.5)(np.zeros((4, 3)))


def test_the_chain_of_kahn2017_sits_at_fok2017s_parameters():
    assert mass_squared(1.3, 0.7, 0.5) == pytest.approx(-1.3**2 + 0.7 * 0.5**2 / 4, rel=1e-15)
    assert CHAIN["mass_squared"] == pytest.approx(-1.3**2 + 0.7 * 0.5**2 / 4, rel=1e-15)
    v = vacuum(3)
    assert v[:2] == [0.0, 0.0] and v[2] ** 2 == pytest.approx(-CHAIN["mass_squared"] / CHAIN["quartic"])
    assert float(chain_potential(3)(np.array(v))) == pytest.approx(-CHAIN["mass_squared"] ** 2 / (4 * CHAIN["quartic"]))
    assert chain_transfer(2, 1.0) is chain_transfer(2, 1.0)  # solved once per process
