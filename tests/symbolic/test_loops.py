"""One-loop engine against hand-derived formulas and exact numerics, on models from no paper.

Hand derivations (in the tests, not in the code):

- one site, E = N(x^2/2 + a x^3/3 + b x^4/4): <x> = -a/N + O(N^-2) (the cubic vertex 2aN on the
  loop 1/N, times the propagator 1/N, halved), Var x = 1/N + (4a^2 - 3b)/N^2 + O(N^-3)
  (bubble (2aN)^2/(2N^2) = 2a^2, cubic vertex on the tadpole 2aN * a/N = 2a^2, quartic loop
  -6bN/(2N) = -3b);
- the phi^4 chain E_l = N(m x_l^2/2 + J (x_l - x_{l-1})^2/2 + b x_l^4/4): G(0) = 1/(N sqrt(m(m+4J)))
  (residue of 1/(N(m + 2J - J(z + 1/z))) inside the circle), so the mass shift is
  -Sigma = 3b/sqrt(m(m + 4J)) at every q;
- two fields on one site, E = N(u^2/2 + v^2/2 + a u v^2): integrating u out exactly leaves
  v with E = N(v^2/2 - a^2 v^4/2), so <u> = -a E[v^2] = -a/N, Var v = 1/N + 6a^2/N^2,
  Var u = 1/N + a^2 Var(v^2) = 1/N + 2a^2/N^2.
"""

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from nnfield.numeric.one_loop import compile_one_loop
from nnfield.symbolic import lattice_model, saddle_at
from nnfield.symbolic.loops import brillouin_average, interaction_vertices, leading_power, one_loop

from .models import a, b, l, u, v, x

N, J, mass = sp.symbols("N J m", positive=True)


def one_site():
    return lattice_model(N * (x[l] ** 2 / 2 + a * x[l] ** 3 / 3 + b * x[l] ** 4 / 4), [x], l)


def cubic_chain(m_=mass, j_=J):
    """A chain with an on-site quartic and a cubic coupling between neighbours."""
    energy = N * (m_ * x[l] ** 2 / 2 + j_ * (x[l] - x[l - 1]) ** 2 / 2 + a * x[l] ** 2 * x[l - 1] + b * x[l] ** 4 / 4)
    return lattice_model(energy, [x], l)


@pytest.fixture(scope="module")
def site_loop():
    model = one_site()
    return one_loop(interaction_vertices(model, saddle_at(model, [0]), N), inside_at={N: 10, a: 1, b: 1})


@pytest.fixture(scope="module")
def chain_loop():
    model = cubic_chain()
    vertices = interaction_vertices(model, saddle_at(model, [0]), N)
    return one_loop(vertices, inside_at={N: 10, a: 1, b: 1, mass: 1, J: 1}, exact_bubble=False)


def test_power_counting_of_a_single_site(site_loop):
    vertices = site_loop.vertices
    assert vertices.field_powers == (1,)
    assert [c.power for c in vertices.cubic] == [sp.Rational(-1, 2)]
    assert [c.power for c in vertices.quartic] == [-1]
    assert vertices.controlled


def test_single_site_against_hand_derivation(site_loop):
    assert sp.simplify(site_loop.tadpole[0] + a / N) == 0
    sigma = site_loop.self_energy()[0, 0]
    assert sp.simplify(sigma - (4 * a**2 - 3 * b)) == 0


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_single_site_against_quadrature(site_loop):
    """Residuals against the exact integral: O(1/N) for the Gaussian mean, O(1/N^2) at one loop."""
    evaluate = compile_one_loop(site_loop, (N, a, b))
    widths = np.array([100.0, 200.0, 400.0, 800.0])
    errors = {"mean0": [], "mean1": [], "var0": [], "var1": []}
    for width in widths:
        energy = lambda y: width * (y**2 / 2 + 0.25 * y**3 / 3 + 0.25 * y**4 / 4)  # noqa: E731
        limit = 12 / np.sqrt(width)
        moments = [integrate.quad(lambda y, n=n: y**n * np.exp(-energy(y)), -limit, limit, points=[0], epsabs=0,
                                  epsrel=1e-12, limit=200)[0] for n in range(3)]
        mean, variance = moments[1] / moments[0], moments[2] / moments[0] - (moments[1] / moments[0]) ** 2
        point = evaluate(width, 0.25, 0.25)
        errors["mean0"].append(abs(mean))
        errors["mean1"].append(abs(mean - point.mean_shift[0]))
        errors["var0"].append(abs(variance - 1 / width))
        errors["var1"].append(abs(variance - point.covariance[0, 0]))
    slopes = {name: np.polyfit(np.log(widths), np.log(values), 1)[0] for name, values in errors.items()}
    assert slopes["mean0"] == pytest.approx(-1, abs=0.1)
    assert slopes["mean1"] == pytest.approx(-2, abs=0.15)
    assert slopes["var0"] == pytest.approx(-2, abs=0.1)
    assert slopes["var1"] == pytest.approx(-3, abs=0.2)


def test_phi4_chain_mass_shift():
    model = lattice_model(N * (mass * x[l] ** 2 / 2 + J * (x[l] - x[l - 1]) ** 2 / 2 + b * x[l] ** 4 / 4), [x], l)
    loop = one_loop(interaction_vertices(model, saddle_at(model, [0]), N), inside_at={N: 10, b: 1, mass: 1, J: 1})
    assert loop.tadpole == (0,)
    assert sp.simplify(loop.self_energy()[0, 0] + 3 * b / sp.sqrt(mass * (mass + 4 * J))) == 0


def test_two_fields_on_one_site_against_hand_derivation():
    model = lattice_model(N * (u[l] ** 2 / 2 + v[l] ** 2 / 2 + a * u[l] * v[l] ** 2), [u, v], l)
    loop = one_loop(interaction_vertices(model, saddle_at(model, [0, 0]), N), inside_at={N: 10, a: 1})
    assert [sp.simplify(m) for m in loop.tadpole] == [-a / N, 0]
    assert sp.simplify(loop.self_energy() - sp.diag(2 * a**2, 6 * a**2)) == sp.zeros(2, 2)
    for closed_form in (True, False):
        point = compile_one_loop(loop, (N, a), closed_form=closed_form)(200.0, 0.7)
        np.testing.assert_allclose(point.mean_shift, [-0.7 / 200, 0], atol=1e-14)
        np.testing.assert_allclose(np.diag(point.covariance), [1 / (200 - 2 * 0.49), 1 / (200 - 6 * 0.49)], rtol=1e-12)


def test_residues_against_quadrature_for_the_neighbour_chain():
    """The closed forms (residues) and the trapezoidal rule are two independent lattice sums."""
    model = cubic_chain(sp.Rational(4, 5), sp.Rational(3, 5))
    loop = one_loop(interaction_vertices(model, saddle_at(model, [0]), N), inside_at={N: 10, a: 1, b: 1})
    assert loop.bubble is not None and "residues" in loop.method
    values = (40.0, 0.3, 0.5)
    closed = compile_one_loop(loop, (N, a, b))(*values)
    numeric = compile_one_loop(loop, (N, a, b), closed_form=False)(*values)
    assert "closed form" in closed.method and "trapezoidal" in numeric.method
    q = np.linspace(-np.pi, np.pi, 9)
    np.testing.assert_allclose(closed.mean_shift, numeric.mean_shift, rtol=1e-10)
    np.testing.assert_allclose(closed.self_energy(q), numeric.self_energy(q), atol=1e-10)


def transfer_moments(width, coefficients, points=160):
    """<x>, Var x and Cov(x_l, x_{l-1}) of the infinite ring, from the transfer operator on a grid."""
    cubic, quartic, m_, j_ = coefficients
    grid = np.linspace(-10, 10, points) / np.sqrt(width * m_)
    here, before = np.meshgrid(grid, grid, indexing="ij")
    energy = width * (m_ * here**2 / 2 + j_ * (here - before) ** 2 / 2 + cubic * here**2 * before + quartic * here**4 / 4)
    operator = np.exp(-(energy - energy.min())) * (grid[1] - grid[0])
    right, left = np.ones(points), np.ones(points)
    for _ in range(400):  # power iteration: the gap of the transfer operator makes this converge fast
        right, left = operator @ right, left @ operator
        right, left = right / np.abs(right).max(), left / np.abs(left).max()
    top = (left @ operator @ right) / (left @ right)
    weight = left * right / (left @ right)
    mean = weight @ grid
    variance = weight @ grid**2 - mean**2
    # <x_l x_{l-1}>: left state at site l, one step of the operator, right state at l-1.
    neighbour = (left * grid) @ operator @ (grid * right) / top / (left @ right) - mean**2
    return mean, variance, neighbour


@pytest.mark.slow
def test_neighbour_chain_against_the_transfer_operator(chain_loop):
    """A ring with a neighbour cubic coupling: one loop removes the 1/N of the Gaussian error."""
    coefficients = (0.3, 0.5, 0.8, 0.6)
    evaluate = compile_one_loop(chain_loop, (N, a, b, mass, J))
    widths = np.array([40.0, 80.0, 160.0, 320.0])
    errors = {key: [] for key in ("mean0", "mean1", "var0", "var1", "nn0", "nn1")}
    p = 2 * np.pi * np.arange(256) / 256
    for width in widths:
        mean, variance, neighbour = transfer_moments(width, coefficients)
        point = evaluate(width, *coefficients)
        gaussian = 1 / (width * (0.8 + 2 * 0.6 * (1 - np.cos(p))))  # K(p) of the chain, by hand
        corrected = point.mode_covariance(p)[:, 0, 0].real
        errors["mean0"].append(abs(mean))
        errors["mean1"].append(abs(mean - point.mean_shift[0]))
        errors["var0"].append(abs(variance - gaussian.mean()))
        errors["var1"].append(abs(variance - corrected.mean()))
        errors["nn0"].append(abs(neighbour - (gaussian * np.cos(p)).mean()))
        errors["nn1"].append(abs(neighbour - (corrected * np.cos(p)).mean()))
    slopes = {name: np.polyfit(np.log(widths), np.log(values), 1)[0] for name, values in errors.items()}
    for name, expected in (("mean0", -1), ("var0", -2), ("nn0", -2)):
        assert slopes[name] == pytest.approx(expected, abs=0.3), (name, slopes)
    for name, expected in (("mean1", -2), ("var1", -3), ("nn1", -3)):
        assert slopes[name] < expected + 0.25, (name, slopes)


def test_leading_power_and_errors():
    assert leading_power(3 * N**2 + N, N) == (2, 3)
    with pytest.raises(ValueError, match="power"):
        leading_power(sp.exp(N), N)
    with pytest.raises(TypeError, match="Symbol"):
        interaction_vertices(one_site(), saddle_at(one_site(), [0]), "N")


def test_uncontrolled_expansion_is_refused():
    model = lattice_model(N * x[l] ** 2 / 2 + a * x[l] ** 3, [x], l)  # cubic of order N^0 on fields N^-1/2
    vertices = interaction_vertices(model, saddle_at(model, [0]), N)
    assert vertices.controlled
    strong = lattice_model(x[l] ** 2 / 2 + N * a * x[l] ** 3, [x], l)
    uncontrolled = interaction_vertices(strong, saddle_at(strong, [0]), N)
    assert not uncontrolled.controlled
    with pytest.raises(ValueError, match="not controlled"):
        one_loop(uncontrolled, inside_at={N: 10, a: 1})


def test_brillouin_average_refuses_a_massless_pole():
    p = sp.Symbol("p", real=True)
    with pytest.raises(ValueError, match="unit circle"):
        brillouin_average(1 / (mass + 1 - sp.cos(p)), p, {mass: 0})


def test_latex(site_loop):
    assert r"\langle" in site_loop._repr_latex_()
    assert "D^{(3)}" in site_loop.vertices._repr_latex_()
