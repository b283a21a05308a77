"""Where a printed form and a derived form differ, term by term.

A claim that is not reproduced must say *what* differs, so that no difference goes unmentioned: the
two forms are expanded and split into monomials of their fields (lattice fields ``x[l]``, continuum
fields ``phi(x)`` and their derivatives, or the variables given), and each monomial whose
coefficient differs is listed with both coefficients. A lattice monomial is moved to the site where
its leftmost field sits, so that terms equal up to a shift along the ring are matched. Matrices are
compared entry by entry, each entry split in the same way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

__all__ = ["Difference", "term_differences", "collected_form"]


@dataclass(frozen=True)
class Difference:
    """One term whose coefficient differs.

    Attributes
    ----------
    term : sympy.Basic or None
        The monomial (``1`` for the constant term); ``None`` when the forms have no fields and are
        compared whole.
    printed, derived : sympy.Basic
        Its coefficient in each form.
    entry : tuple of int or None
        ``(row, column)``, counted from 1, for a matrix.
    """

    term: sp.Basic | None
    printed: sp.Basic
    derived: sp.Basic
    entry: tuple[int, int] | None = None

    def to_json(self) -> dict:
        """``{"term", "printed", "derived"}`` as LaTeX (``term`` prefixed by the matrix entry, if any)."""
        term = r"\text{whole form}" if self.term is None else sp.latex(self.term)
        if self.entry is not None:
            term = rf"[{self.entry[0]},{self.entry[1]}]\;{term}"
        return {"term": term, "printed": sp.latex(self.printed), "derived": sp.latex(self.derived)}

    def sentence(self) -> str:
        """One line for a reader: the term, printed coefficient, derived coefficient."""
        where = f"entry ({self.entry[0]}, {self.entry[1]}), " if self.entry is not None else ""
        if self.term is None:
            term = "the whole form"
        elif self.term == 1:
            term = "the constant term"
        else:
            term = f"the coefficient of {sp.sstr(self.term)}"
        return f"{where}{term}: printed {sp.sstr(self.printed)}, derived {sp.sstr(self.derived)}"


def term_differences(printed, derived, variables=()) -> tuple[Difference, ...]:
    """The terms of ``printed`` and ``derived`` whose coefficients differ.

    Parameters
    ----------
    printed, derived : sympy.Basic
        Expressions or matrices of the same shape.
    variables : sequence of sympy.Symbol
        Symbols to split by besides the fields (e.g. the wavenumber's ``cos(q)`` need not be given:
        with no field and no variable the whole form is one term).

    Examples
    --------
    >>> x, l = sp.IndexedBase("x"), sp.Symbol("l", integer=True)
    >>> a = sp.Symbol("a")
    >>> found = term_differences(x[l]**2 / 2 + a * x[l] * x[l - 1], x[l]**2 + a * x[l + 1] * x[l])
    >>> [difference.sentence() for difference in found]
    ['the coefficient of x[l]**2: printed 1/2, derived 1']
    >>> term_differences(sp.Matrix([[1, a]]), sp.Matrix([[1, 2 * a]]))[0].sentence()
    'entry (1, 2), the whole form: printed a, derived 2*a'
    """
    printed, derived = (sp.ImmutableMatrix(form) if isinstance(form, sp.MatrixBase) else form
                        for form in (sp.sympify(printed), sp.sympify(derived)))
    return _term_differences(printed, derived, tuple(variables))


@functools.lru_cache(maxsize=1024)
def _term_differences(printed, derived, variables) -> tuple[Difference, ...]:
    """:func:`term_differences` of hashable forms, remembered: a report asks for a claim's differences more than once."""
    if isinstance(printed, sp.MatrixBase) or isinstance(derived, sp.MatrixBase):
        first, second = sp.Matrix(printed), sp.Matrix(derived)
        if first.shape != second.shape:
            return (Difference(sp.Symbol("shape"), sp.Tuple(*first.shape), sp.Tuple(*second.shape)),)
        found = []
        for row in range(first.rows):
            for column in range(first.cols):
                for difference in _scalar_differences(first[row, column], second[row, column], variables):
                    found.append(Difference(difference.term, difference.printed, difference.derived,
                                            (row + 1, column + 1)))
        return tuple(found)
    return _scalar_differences(printed, derived, variables)


def _scalar_differences(printed, derived, variables) -> tuple[Difference, ...]:
    if not isinstance(printed, sp.Expr) or not isinstance(derived, sp.Expr):
        return () if printed == derived else (Difference(None, printed, derived),)
    generators = _generators(printed) | _generators(derived) | set(variables)
    if not generators:
        return (Difference(None, printed, derived),) if _differ(printed, derived) else ()
    first = _coefficients(collected_form(printed), generators)
    second = _coefficients(collected_form(derived), generators)
    found = []
    for term in sorted(set(first) | set(second), key=sp.default_sort_key):
        a, b = first.get(term, sp.Integer(0)), second.get(term, sp.Integer(0))
        if _differ(a, b):
            found.append(Difference(term, sp.factor(a), sp.factor(b)))
    return tuple(found)


def _differ(first: sp.Expr, second: sp.Expr) -> bool:
    """Whether two coefficients differ: their difference does not simplify to zero.

    Decided without ``simplify`` when it can be: a difference that expands or cancels to zero does not
    differ, and one that is nonzero at a sample point (a value simplification cannot change) does.
    """
    from nnfield.symbolic.claims import agree_at_sample_points  # claims builds on this module

    difference = sp.expand(first - second)
    if difference == 0 or (not difference.has(sp.Piecewise) and sp.cancel(difference) == 0):
        return False
    if agree_at_sample_points(first, second, points=1) is False:
        return True
    return sp.simplify(first - second) != 0


def collected_form(expression: sp.Expr) -> sp.Expr:
    """``expression`` with logarithms expanded and each monomial of fields and logarithms given one coefficient.

    Logarithms are expanded only where SymPy can prove the identity from the symbols' assumptions.

    Examples
    --------
    >>> a, b = sp.symbols("a b", positive=True)
    >>> x = sp.IndexedBase("x", positive=True)
    >>> collected_form(-(a + b) * (sp.log(2 * (a + b)) - x[1]) / (2 * (a + b))) == x[1]/2 - sp.log(2)/2 - sp.log(a + b)/2
    True
    """
    factored = expression.replace(lambda e: isinstance(e, sp.log), lambda e: sp.log(sp.factor(e.args[0])))
    expanded = sp.expand(sp.expand_log(factored))
    generators = sorted(_generators(expanded) | set(expanded.atoms(sp.log)), key=sp.default_sort_key)
    if not generators:
        return sp.cancel(expanded)
    parts = sp.collect(expanded, generators, evaluate=False)
    return sp.Add(*(sp.cancel(coefficient) * monomial for monomial, coefficient in parts.items()))


def _generators(expression: sp.Expr) -> set:
    found = set(expression.atoms(sp.Indexed)) | set(expression.atoms(sp.Derivative))
    found |= {atom for atom in expression.atoms(sp.core.function.AppliedUndef)}
    return found


def _coefficients(expression: sp.Expr, generators: set) -> dict:
    coefficients: dict = {}
    for term in sp.Add.make_args(sp.expand(expression)):
        coefficient, monomial = term.as_independent(*generators, as_Add=False)
        monomial = _leftmost_site(monomial)
        coefficients[monomial] = coefficients.get(monomial, sp.Integer(0)) + coefficient
    return coefficients


def _leftmost_site(monomial: sp.Expr) -> sp.Expr:
    """A lattice monomial moved along the ring so that its lowest index offset is zero."""
    indexed = list(monomial.atoms(sp.Indexed))
    if not indexed:
        return monomial
    sites = set().union(*(index.free_symbols for item in indexed for index in item.indices))
    if len(sites) != 1:
        return monomial
    (site,) = sites
    offsets = [sp.expand(index - site) for item in indexed for index in item.indices]
    if not all(offset.is_Integer for offset in offsets):
        return monomial
    shift = min(offsets)
    return monomial.xreplace({item: item.base[*[index - shift for index in item.indices]] for item in indexed})
