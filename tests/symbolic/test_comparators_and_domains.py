"""Comparators that must say 'unequal' when the forms differ, and engine rules that refuse use outside their domain."""

import pytest
import sympy as sp

from nnfield.symbolic import compare, continuum_limit, fourier_kernel, lattice_model, quadratic_fluctuations, uniform_saddle
from nnfield.symbolic.claims import agree_at_sample_points

x_real = sp.Symbol("x", real=True)
y_real = sp.Symbol("y", real=True)
n_integer = sp.Symbol("n", integer=True)
z_complex = sp.Symbol("z")
a_pos, b_pos = sp.symbols("a b", positive=True)


@pytest.mark.parametrize("printed, derived, why", [
    (sp.Abs(x_real), x_real, "a real symbol takes negative values"),
    (sp.sqrt(x_real**2), x_real, "sqrt(x^2) = |x| for real x"),
    (sp.log(x_real**2), 2 * sp.log(x_real) + 1, "a constant apart where both are defined"),
    ((-1) ** n_integer, 1, "an integer symbol takes odd values"),
    (sp.conjugate(z_complex), z_complex, "a symbol without assumptions is complex"),
    (sp.sin(sp.pi * n_integer / 2), 0, "vanishes only at even n"),
    (sp.log(a_pos * b_pos), sp.log(a_pos) + sp.log(b_pos) + 1e-6, "close is not equal"),
])
def test_traps_come_out_unequal(printed, derived, why):
    assert compare(printed, derived).equal is False, why


def test_the_constant_comparator_needs_its_variables():
    with pytest.raises(ValueError, match="needs the variables"):
        compare(x_real**2, sp.sin(y_real), kind="constant")
    assert compare(x_real**2 + 3, x_real**2, kind="constant", variables=[x_real]).equal is True
    assert compare(x_real**2, sp.sin(y_real), kind="constant", variables=[x_real, y_real]).equal is False


def test_the_constant_comparator_gives_the_constant_simplified():
    """Energies equal up to a constant leave the constant alone, simplified as the whole difference would be; a
    difference that depends on the variables is simplified whole."""
    printed = x_real**2 / (x_real**2 + 1) + sp.log(2 * sp.pi * (a_pos + b_pos)) / 2
    derived = 1 - 1 / (x_real**2 + 1) + sp.log(a_pos + b_pos) / 2
    comparison = compare(printed, derived, kind="constant", variables=[x_real])
    assert comparison.equal is True
    assert comparison.residual == sp.simplify(sp.expand_log(sp.expand(printed - derived), force=True))
    assert comparison.residual.free_symbols == set()
    differing = compare(printed, derived + x_real / (x_real**2 + 1), kind="constant", variables=[x_real])
    assert differing.equal is False and x_real in differing.residual.free_symbols


def test_identities_hold_where_both_forms_are_real_and_are_marked_numeric():
    """sqrt(x) sqrt(y) = sqrt(x y) wherever both sides are real functions (x, y >= 0), the only place a paper
    writes them; sqrt(x^2) = x fails at negative x, where both sides are real."""
    inside = compare(sp.sqrt(x_real) * sp.sqrt(y_real), sp.sqrt(x_real * y_real))
    assert inside.equal is True  # symbolically under the conditions that make both real
    assert agree_at_sample_points(sp.sqrt(x_real) * sp.sqrt(y_real), sp.sqrt(x_real * y_real)) is True
    numeric = compare(sp.Abs(x_real), x_real, domain=x_real > 0)
    assert numeric.equal is True and numeric.method == "numeric"
    assert compare(sp.sqrt(x_real**2), x_real).equal is False
    assert compare(sp.sqrt(x_real**2), x_real, domain=x_real > 0).equal is True
    exact = compare((a_pos + 1) ** 2, a_pos**2 + 2 * a_pos + 1)
    assert exact.equal is True and exact.method == "symbolic"


def test_no_admissible_point_leaves_the_comparison_undecided():
    """sqrt(a - 2) needs a >= 2 and sqrt(1 - a) needs a <= 1: no point where both forms are real."""
    assert agree_at_sample_points(sp.sqrt(a_pos - 2), sp.sqrt(1 - a_pos)) is None
    assert compare(sp.sqrt(a_pos - 2), sp.sqrt(1 - a_pos)).equal is None


def test_matrices_are_compared_entry_by_entry_at_sample_points():
    printed = sp.Matrix([[sp.Abs(x_real), 1], [0, 1]])
    assert compare(printed, sp.Matrix([[x_real, 1], [0, 1]])).equal is False
    assert compare(printed, sp.Matrix([[x_real, 1], [0, 1]]), domain=x_real > 0).equal is True


l = sp.Symbol("l", integer=True)
x = sp.IndexedBase("x", real=True)


def test_a_parameter_named_kappa_does_not_confuse_the_correlation_length():
    kappa, m = sp.symbols("kappa m", positive=True)
    model = lattice_model(m * x[l] ** 2 / 2 + kappa * (x[l] - x[l - 1]) ** 2 / 2, [x], l)
    eft = continuum_limit(fourier_kernel(quadratic_fluctuations(uniform_saddle(model))))
    (length,) = eft.correlation_lengths_at({m: 4, kappa: 1})
    assert abs(float(length) - 0.5) < 1e-12  # xi = sqrt(kappa / m) in the continuum


def test_a_parameter_with_a_field_name_is_refused():
    a_field = sp.IndexedBase("a", real=True)
    a_parameter = sp.Symbol("a", positive=True)
    with pytest.raises(ValueError, match="share their name with a field"):
        lattice_model(a_parameter * a_field[l] ** 2 - a_field[l] * a_field[l - 1], [a_field], l)


def next_nearest_kernel(m, j1, j2):
    energy = m * x[l] ** 2 / 2 + j1 * (x[l] - x[l - 1]) ** 2 / 2 + j2 * (x[l] - x[l - 2]) ** 2 / 2
    return fourier_kernel(quadratic_fluctuations(uniform_saddle(lattice_model(energy, [x], l))))


def test_minimum_conditions_cover_the_whole_brillouin_zone():
    """K(q) = m + 2 J1 (1 - cos q) + 2 J2 (1 - cos 2q): with J2 < 0 it can dip below zero inside the zone
    while positive at q = 0 and pi (m = 1, J1 = 1, J2 = -1: K = 4c^2 - 2c - 1 with c = cos q, K(0) = 1,
    K(pi) = 5, and K = -5/4 at c = 1/4)."""
    m, j1, j2 = sp.symbols("m J_1 J_2", real=True)
    kernel = next_nearest_kernel(m, j1, j2)
    values = {m: 1, j1: 1, j2: -1}
    assert not kernel.is_positive_definite(values)
    assert sp.And(*kernel.minimum_conditions()).subs(values) is sp.false
    good = {m: 1, j1: 1, j2: sp.Rational(1, 10)}
    assert kernel.is_positive_definite(good)
    assert sp.And(*kernel.minimum_conditions()).subs(good) is sp.true


def test_decay_lengths_of_a_next_nearest_neighbour_chain():
    """det K = m + 2 J1 (1 - c) + 4 J2 (1 - c^2): the root c > 1 gives the slow decay length acosh(c)^-1."""
    m, j1, j2 = sp.symbols("m J_1 J_2", positive=True)
    kernel = next_nearest_kernel(m, j1, j2)
    lengths = kernel.lattice_decay_lengths()
    values = {m: 1, j1: 1, j2: sp.Rational(1, 4)}
    c = sp.Symbol("c")
    roots = sp.solve(1 + 2 * (1 - c) + (1 - c**2), c)  # hand-derived: 4 J2 = 1
    expected = sorted(float(1 / sp.acosh(root)) for root in roots if root > 1)
    measured = sorted(float(sp.re(sp.N(length.subs(values)))) for length in lengths
                      if sp.N(length.subs(values)).is_real and float(sp.N(length.subs(values))) > 0)
    assert measured == pytest.approx(expected, rel=1e-12)


def test_differences_are_listed_term_by_term_and_matched_along_the_ring():
    from nnfield.symbolic.differences import term_differences

    u = sp.IndexedBase("u", real=True)
    s2 = sp.Symbol("s2", positive=True)
    printed = (1 + s2) * u[l] ** 2 / 2 + 3 * u[l] * x[l] - s2 * u[l - 1] * x[l]
    derived = (1 + s2) * u[l] ** 2 / 2 + 6 * u[l] * x[l] - s2 * u[l] * x[l + 1]  # same last term, one site on
    (difference,) = term_differences(printed, derived)
    assert difference.term == u[l] * x[l] and (difference.printed, difference.derived) == (3, 6)
    assert difference.to_json() == {"term": sp.latex(u[l] * x[l]), "printed": "3", "derived": "6"}
    matrix = term_differences(sp.Matrix([[1, s2 / 2], [s2 / 2, 3]]), sp.Matrix([[1, s2 / 2], [s2 / 2, 6]]))
    assert [(d.entry, d.printed, d.derived) for d in matrix] == [((2, 2), 3, 6)]
    assert term_differences(printed, printed) == ()


def test_a_limit_statement_is_decided_by_the_measured_trend():
    from nnfield.symbolic import Claim

    relu = sp.Symbol("relu")
    claim = Claim("p", "s", (), "symmetric for large width", "", sp.true, relu & ~relu,
                  compare(sp.true, relu & ~relu, kind="statement"), statement=True, limit="width -> infinity")
    assert claim.status() == "unsupported"  # exact at no finite width, and no trend measured
    assert claim.status(simulation_supports_derived=True) == "unsupported"  # the trend does not show the limit
    assert claim.status(simulation_supports_derived=False) == "reproduced"  # the difference vanishes with width
