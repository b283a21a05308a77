import pytest
import sympy as sp

from nnfield.symbolic import lattice_model, ring_residual, same_ring_energy

from .models import harmonic_chain, l, two_field_chain, u, v, x


def test_offsets_and_uniform_symbols():
    model = two_field_chain()
    assert model.offsets == (-2, -1, 0)
    assert [symbol.is_real for symbol in model.uniform] == [True, True]
    assert harmonic_chain().uniform_energy() == sp.Symbol("m", positive=True) * sp.Symbol("x", real=True) ** 2 / 2


@pytest.mark.parametrize(
    "energy",
    [x[2 * l] ** 2, x[3] ** 2, x[l + sp.Rational(1, 2)] ** 2, l * x[l] ** 2, x[l] ** 2 + sp.sin(l)],
    ids=["scaled index", "fixed site", "half-integer offset", "l outside an index", "l in a term"],
)
def test_energies_that_differ_between_sites_are_refused(energy):
    with pytest.raises(ValueError, match="not the same at every site"):
        lattice_model(energy, [x], l)


def test_unknown_field_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown field y .*fields are: u, v"):
        lattice_model(u[l] * sp.IndexedBase("y")[l], [u, v], l)


def test_energy_without_fields_is_refused():
    with pytest.raises(ValueError, match="refers to none of the fields"):
        lattice_model(sp.Symbol("a") ** 2, [x], l)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (("x[l]**2", [x], l), "energy must be a SymPy expression"),
        ((x[l] ** 2, ["x"], l), "IndexedBase"),
        ((x[l] ** 2, [x], "l"), "site must be a SymPy Symbol"),
    ],
)
def test_wrong_kinds_are_type_errors(arguments, message):
    with pytest.raises(TypeError, match=message):
        lattice_model(*arguments)


def test_ring_equivalence_allows_shifts_and_constants_only():
    assert same_ring_energy(x[l] * x[l - 1] + 3, x[l + 1] * x[l], [x], l)
    assert not same_ring_energy(x[l] ** 2, 2 * x[l] ** 2, [x], l)
    assert ring_residual(x[l - 1] ** 2 + 5, x[l] ** 2, [x], l) == 5


def test_binomials_of_complementary_counts_are_the_same_ring_energy():
    from nnfield.symbolic import ring_residual

    count, site = sp.IndexedBase("k", positive=True), sp.Symbol("l", integer=True)
    n = sp.Symbol("N", positive=True, integer=True)
    # By hand: C(N, N - k) = C(N, k), so the two energies differ by the constant log 4 only.
    first = sp.log(sp.binomial(n, n - count[site])) + count[site] ** 2
    second = sp.log(sp.binomial(n, count[site])) + count[site - 1] ** 2 - sp.log(4)
    assert ring_residual(first, second, [count], site) == sp.log(4)
    assert not same_ring_energy(first, second + sp.log(count[site]), [count], site)
