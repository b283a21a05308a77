"""A derived form in the paper's abbreviations: equal to the input, the abbreviation where it is a factor."""

import pytest
import sympy as sp

from nnfield.symbolic import abbreviate

w, b, q, n = sp.symbols("sigma_w sigma_b q N", positive=True)
D = sp.Symbol("Delta_w", positive=True)
DELTA = {D: 1 - w**2}


@pytest.mark.parametrize("expression, expected", [
    (sp.sqrt(n) * b / sp.sqrt(1 - w**2), sp.sqrt(n) * b / sp.sqrt(D)),
    (-w / (w**2 - 1), w / D),
    ((w - 1) ** 3 * (w + 1) ** 3 / b**2, -D**3 / b**2),
    # a coefficient in the other variables is divided once more: (1 - w^2)^2 + q^2 w^2 -> D^2 + q^2 w^2
    (-(w - 1) * (w + 1) * (q**2 * w**2 + w**4 - 2 * w**2 + 1), D * (D**2 + q**2 * w**2)),
])
def test_the_abbreviation_appears_where_it_is_a_factor(expression, expected):
    result = abbreviate(expression, DELTA)
    assert result == expected or sp.expand(result - expected) == 0
    assert D in result.free_symbols
    assert sp.simplify(result.subs(DELTA) - expression) == 0


@pytest.mark.parametrize("expression", [w**2 + 1, sp.log(1 + w), sp.Symbol("x") * b, w < 1, sp.Integer(3)])
def test_nothing_to_abbreviate_leaves_the_expression_as_it_was(expression):
    assert abbreviate(expression, DELTA) is expression or abbreviate(expression, DELTA) == expression


def test_the_linear_ring_reads_in_delta_w_like_the_paper(linear_ring_derivation):
    for label in ("13", "14", "15", "16", "17", "Sec. 5 (below eq. 17)"):
        claim = linear_ring_derivation.claim(label)
        shown = claim.derived_in_paper_variables
        assert D in shown.free_symbols, label
        assert sp.simplify(shown.subs(DELTA) - claim.derived) == 0, label
    assert linear_ring_derivation.claim("17").derived_latex.startswith(r"\frac{\Delta_{w} L \left(\Delta_{w}^{2}")
