"""Tree-level three- and four-point functions against hand derivations and exact numerics, on models from no paper.

Hand derivations (in the tests, independent of the code):

- one site, E = N(x^2/2 + a x^3/3 + b x^4/4): with the propagator 1/N and the vertices 2aN, 6bN,
  kappa_3 = -2aN/N^3 = -2a/N^2 and kappa_4 = -6bN/N^4 + 3 (2aN)^2/N^5 = (12a^2 - 6b)/N^3 (three
  exchange channels, each with one internal propagator); the exact cumulants (quadrature) differ by
  a relative O(1/N);
- the chain E_l = N(m x_l^2/2 + J (x_l - x_{l-1})^2/2 + a x_l^2 x_{l-1} + b x_l^4/4): C(k) =
  1/(N(m + 2J(1 - cos k))); the cubic term has legs (l, l, l-1), so its Fourier vertex is
  W(k1, k2, k3) = 2aN (e^{-i k1} + e^{-i k2} + e^{-i k3}) and P_3 = -C1 C2 C3 W(-k1, -k2, -k3);
  P_4 = C1 C2 C3 C4 [-6bN + sum over channels W(-ki, -kj, ki + kj) C(ki + kj) W(-km, -kn, km + kn)];
- the same chain on a ring of n sites in real space, as a finite-dimensional integral: Hessian A =
  N((m + 2J) 1 - J (S + S^T)), S the cyclic shift; u = A^{-1} w; the cubic form of the energy at u is
  N a sum_l u_l^2 u_{l-1}, so T3[u, u, u] = 6 N a sum u_l^2 u_{l-1}, v_k = T3[u, u, e_k] = 2Na (2 u_k u_{k-1}
  + u_{k+1}^2), T4[u^4] = 6 N b sum u_l^4; kappa_3(w.x) = -T3[u, u, u], kappa_4 = -T4[u^4] + 3 v.A^{-1}v.
"""

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from nnfield.numeric.tree_cumulants import compile_tree_cumulants
from nnfield.symbolic import interaction_vertices, lattice_model, saddle_at
from nnfield.symbolic.cumulants import tree_cumulants

from .models import a, b, l, x

N, J, mass = sp.symbols("N J m", positive=True)
VALUES = dict(N=30.0, a=0.7, b=0.4, m=1.3, J=0.8)


def compiled(model, arguments):
    tree = tree_cumulants(interaction_vertices(model, saddle_at(model, [0]), N))
    return tree, compile_tree_cumulants(tree, arguments)


@pytest.fixture(scope="module")
def one_site():
    model = lattice_model(N * (x[l] ** 2 / 2 + a * x[l] ** 3 / 3 + b * x[l] ** 4 / 4), [x], l)
    return compiled(model, (N, a, b))


@pytest.fixture(scope="module")
def chain():
    energy = N * (mass * x[l] ** 2 / 2 + J * (x[l] - x[l - 1]) ** 2 / 2 + a * x[l] ** 2 * x[l - 1] + b * x[l] ** 4 / 4)
    return compiled(lattice_model(energy, [x], l), (N, a, b, mass, J))


def exact_cumulants(width, a_, b_):
    """kappa_3, kappa_4 of the law exp(-N(x^2/2 + a x^3/3 + b x^4/4)) by quadrature."""
    span = 14 / np.sqrt(width)

    def moment(r):
        return integrate.quad(lambda t: t**r * np.exp(-width * (t**2 / 2 + a_ * t**3 / 3 + b_ * t**4 / 4)),
                              -span, span, epsabs=0, epsrel=1e-11, limit=200)[0]

    m = [moment(r) for r in range(5)]
    mean = m[1] / m[0]
    c2, c3, c4 = (sum(sp.binomial(r, j) * m[j] / m[0] * (-mean) ** (r - j) for j in range(r + 1)) for r in (2, 3, 4))
    return float(c3), float(c4 - 3 * c2**2)


def test_one_site_against_hand_derivation_and_quadrature(one_site):
    tree, evaluator = one_site
    assert sp.simplify(tree.third + 2 * a / N**2) == 0
    assert sp.simplify(tree.fourth - (12 * a**2 - 6 * b) / N**3) == 0
    assert (tree.third_power, tree.fourth_power) == (sp.Rational(-1, 2), -1)
    a_, b_ = 0.5, 0.3
    residuals = []
    for width in (100, 200, 400):
        shape = evaluator(width, a_, b_).linear_statistic([1.0])
        third, fourth = exact_cumulants(width, a_, b_)
        assert shape.variance == pytest.approx(1 / width, rel=1e-12)
        residuals.append((abs(third - shape.third) / abs(third), abs(fourth - shape.fourth) / abs(fourth)))
    residuals = np.array(residuals)
    # Relative O(1/N): at most 20/N (the fourth cumulant's tree term 12a^2 - 6b = 1.2 is small against its parts).
    assert np.all(residuals * np.array([[100], [200], [400]]) < 20)
    ratios = residuals[1:] / residuals[:-1]  # relative residual halves as N doubles
    assert np.all((ratios > 0.4) & (ratios < 0.6)), ratios


def hand_polyspectra(k, values):
    n_, a_, b_, m_, j_ = (values[s] for s in ("N", "a", "b", "m", "J"))

    def c(q):
        return 1 / (n_ * (m_ + 2 * j_ * (1 - np.cos(q))))

    def w(k1, k2, k3):
        return 2 * a_ * n_ * (np.exp(-1j * k1) + np.exp(-1j * k2) + np.exp(-1j * k3))

    k1, k2, k3 = k
    third = -c(k1) * c(k2) * c(k1 + k2) * w(-k1, -k2, k1 + k2)
    k4 = -k1 - k2 - k3
    ks = (k1, k2, k3, k4)
    bracket = -6 * b_ * n_
    for (i, j), (p, q) in (((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))):
        inner = ks[i] + ks[j]
        bracket = bracket + w(-ks[i], -ks[j], inner) * c(inner) * w(-ks[p], -ks[q], -inner)
    fourth = c(k1) * c(k2) * c(k3) * c(k4) * bracket
    return third, fourth


def test_chain_polyspectra_against_hand_derivation(chain):
    tree, evaluator = chain
    point = evaluator(*VALUES.values())
    k = np.random.default_rng(3).uniform(-np.pi, np.pi, size=(3, 50))
    third, fourth = hand_polyspectra(k, VALUES)
    np.testing.assert_allclose(point.third(k[0], k[1]), third, rtol=1e-10)
    np.testing.assert_allclose(point.fourth(*k), fourth, rtol=1e-10)
    kernel = VALUES["N"] * (VALUES["m"] + 2 * VALUES["J"] * (1 - np.cos(k[0])))
    assert point.covariance(k[0]) == pytest.approx(1 / kernel)


def real_space_cumulants(weights, values):
    n_, a_, b_, m_, j_ = (values[s] for s in ("N", "a", "b", "m", "J"))
    n = weights.size
    shift = np.roll(np.eye(n), 1, axis=0)  # (S u)_l = u_{l-1}
    hessian = n_ * ((m_ + 2 * j_) * np.eye(n) - j_ * (shift + shift.T))
    propagator = np.linalg.inv(hessian)
    u = propagator @ weights
    before, after = np.roll(u, 1), np.roll(u, -1)  # u_{l-1}, u_{l+1}
    third = -6 * n_ * a_ * np.sum(u**2 * before)
    v = 2 * n_ * a_ * (2 * u * before + after**2)
    fourth = -6 * n_ * b_ * np.sum(u**4) + 3 * v @ propagator @ v
    return weights @ u, third, fourth


def test_linear_statistics_against_real_space(chain):
    tree, evaluator = chain
    point = evaluator(*VALUES.values())
    weights = np.random.default_rng(4).normal(size=(3, 7))
    shape = point.linear_statistic(weights)
    for row, variance, third, fourth in zip(weights, shape.variance, shape.third, shape.fourth):
        expected = real_space_cumulants(row, VALUES)
        np.testing.assert_allclose((variance, third, fourth), expected, rtol=1e-10)


@pytest.mark.parametrize("mode", [1, 3, 4, 6])  # generic, 4q = 2pi, 3q = 2pi, q = pi on 12 sites
def test_ring_modes_are_the_linear_statistics_of_their_parts(chain, mode):
    """Re and Im of fft(x)(q)/sqrt(n) are the statistics with weights cos(q l)/sqrt(n) and -sin(q l)/sqrt(n)."""
    tree, evaluator = chain
    point = evaluator(*VALUES.values())
    n = 12
    sites = np.arange(n)
    q = 2 * np.pi * mode / n
    for part, weights in (("real", np.cos(q * sites)), ("imaginary", -np.sin(q * sites))):
        modes = point.ring_modes([mode], n, part=part)
        direct = point.linear_statistic(weights / np.sqrt(n))
        np.testing.assert_allclose([modes.variance[0], modes.third[0], modes.fourth[0]],
                                   [direct.variance, direct.third, direct.fourth], atol=1e-14)
    if mode == 1:  # generic: no skewness; excess kurtosis 3 P4(q, q, -q) / (2 n C^2) (three of the 16 sign choices x2)
        generic = point.ring_modes([mode], n)
        assert generic.third[0] == pytest.approx(0, abs=1e-15)
        expected = 1.5 * point.fourth(q, q, -q).real / (n * point.covariance(q) ** 2)
        assert generic.excess_kurtosis[0] == pytest.approx(expected, rel=1e-10)


def test_errors_teach():
    model = lattice_model(N * (x[l] ** 2 / 2 + a * x[l] ** 3 / 3), [x], l)
    vertices = interaction_vertices(model, saddle_at(model, [0]), N)
    with pytest.raises(ValueError, match="field must be one of 0..0"):
        tree_cumulants(vertices, field=1)
    with pytest.raises(TypeError, match="integer index"):
        tree_cumulants(vertices, field="x")
