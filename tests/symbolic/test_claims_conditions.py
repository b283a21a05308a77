import pytest
import sympy as sp

from nnfield.symbolic import (
    Claim,
    Derivation,
    Step,
    compare,
    is_positive_under,
    positivity_condition,
    reality_conditions,
    simplify_under,
)

w, s, D = sp.symbols("sigma_w sigma_b Delta_w", positive=True)
l = sp.Symbol("l", integer=True)
x = sp.IndexedBase("x", real=True)


def test_compare_expressions_relations_sets_and_rings():
    assert compare(D**2, (1 - w**2) ** 2, definitions={D: 1 - w**2}).equal is True
    assert compare(D, 1 - w, definitions={D: 1 - w**2}).equal is False
    assert compare(w**2 < 1, w < 1, kind="relation").equal is True
    assert compare(w**2 < 2, w < 1, kind="relation").equal is False
    assert compare(sp.FiniteSet(1, 2), sp.FiniteSet(2, 1), kind="set").equal is True
    assert compare(x[l] * x[l - 1], x[l + 3] * x[l + 2] + 1, kind="ring", site=l, fields=[x]).equal is True
    with pytest.raises(ValueError, match="kind must be"):
        compare(w, w, kind="vibes")


def test_claim_status_and_derivation_views():
    agreeing = Claim("p", "1", ("9",), "agreeing", r"w", w, w, compare(w, w))
    differing = Claim("p", "2", (), "differing", r"w", w, 2 * w, compare(w, 2 * w))
    assert agreeing.status() == "reproduced"
    assert differing.status() == "disputed"
    assert differing.status(simulation_supports_derived=True) == "erratum"
    derivation = Derivation("p", "A derivation", (Step("a step", w**2, "3"),), (agreeing, differing), lambda: None)
    assert derivation.claim("9") is agreeing
    with pytest.raises(KeyError, match="the claims are: 1, 2"):
        derivation.claim("7")
    for text in (derivation.to_text(), derivation.to_latex(), derivation._repr_markdown_(), derivation._repr_latex_()):
        assert "a step" in text
    assert "differing" in derivation.to_text() and r"\neq" in differing._repr_latex_()


def test_conditions():
    assert positivity_condition(s**2 / (1 - w**2)) == (w < 1)
    assert reality_conditions(sp.sqrt(1 / (1 - w))) == (w < 1,)
    assert simplify_under(sp.sqrt((1 - w**2) ** 2), w < 1) == 1 - w**2
    assert is_positive_under(1 - w**2, w < 1) is True
    assert is_positive_under(w - 2, w < 1) is False
    assert is_positive_under(w - sp.Rational(1, 2), w < 1) is None


def test_roots_cancel_where_real_each_radicand_its_own_stand_in():
    from nnfield.symbolic import cancel_where_real

    a, b = sp.symbols("a b", real=True)
    assert cancel_where_real(sp.sqrt(1 / (2 - w**2)) - 1 / sp.sqrt(2 - w**2)) == 0
    assert cancel_where_real(sp.sqrt(2 - w**2) * sp.sqrt(1 / (2 - w**2)) + sp.Rational(1, 2)) == sp.Rational(3, 2)
    assert not cancel_where_real(sp.sqrt(a) - sp.sqrt(b)).is_Number  # two radicands are two quantities
    # The identity is decided symbolically, and a number is the residual of a difference by a constant.
    assert compare(sp.sqrt(1 / (2 - w**2)), 1 / sp.sqrt(2 - w**2)).method == "symbolic"
    assert compare(sp.sqrt(2 - w**2) * sp.sqrt(1 / (2 - w**2)), sp.Rational(1, 2)).residual == sp.Rational(1, 2)


def test_simplify_under_takes_the_number_only_where_the_condition_states_the_radicands_positive():
    product = sp.sqrt(-1 / (w**2 - 2)) * sp.sqrt(2 - w**2)
    assert simplify_under(product, w < sp.sqrt(2)) == 1
    assert simplify_under(product, w > 2) == -1  # there both roots are imaginary
    width = sp.Symbol("N", positive=True)
    assert simplify_under(-width / (2 * w**2), w < 1) == -width / (2 * w**2)  # a monomial is already simple


def test_term_differences_decide_by_a_sample_point_and_agree_with_simplify():
    from nnfield.symbolic.differences import term_differences

    found = term_differences(x[l] ** 2 * (1 - w**2) + x[l] * x[l - 1], x[l] ** 2 * (1 - w) * (1 + w) + 2 * x[l] * x[l - 1])
    assert [difference.sentence() for difference in found] == ["the coefficient of x[l + 1]*x[l]: printed 1, derived 2"]
    assert term_differences(sp.Matrix([[sp.sqrt(w**2)]]), sp.Matrix([[w]])) == ()


def test_identically_zero_decides_rational_functions_without_simplify(monkeypatch):
    from nnfield.symbolic.conditions import identically_zero

    a, b = sp.symbols("a b", positive=True)
    monkeypatch.setattr(sp, "simplify", lambda *args, **kwargs: pytest.fail("simplify called"))
    # By hand: a/(a+b) + b/(a+b) = 1, and (a^2 - b^2)/(a - b) = a + b.
    assert identically_zero(a / (a + b) + b / (a + b) - 1)
    assert identically_zero((a**2 - b**2) / (a - b) - a - b)
    assert not identically_zero((a**2 - b**2) / (a - b) - a)
    monkeypatch.undo()
    w = sp.Symbol("w", positive=True)
    assert identically_zero(sp.sqrt(1 / (2 - w**2)) * sp.sqrt(2 - w**2) - 1) is False  # only where 2 - w^2 > 0
    assert identically_zero(sp.exp(sp.log(a)) - a)
