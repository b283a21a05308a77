"""A derived form written in a paper's own abbreviations, for a reader to set beside the printed one.

Papers name recurring combinations (:math:`D = 1 - a^2`, say); the engine derives in the model's own
parameters, so a derived :math:`-(a - 1)(a + 1)(a^4 + 1)` reads differently from a printed
:math:`D(1 + a^4)` although the two are equal. :func:`abbreviate` divides each polynomial part of an
expression by the abbreviated polynomial as often as it goes, then each coefficient of the remainder (in
the other variables) as often as it goes, so that the abbreviation appears where it is a factor. A
definition that is not a polynomial in its variables is left unused. The result is checked to be equal to the input; only its
form changes.
"""

from __future__ import annotations

from typing import Mapping

import sympy as sp

__all__ = ["abbreviate"]


def abbreviate(expression, abbreviations: Mapping) -> sp.Basic:
    """Write ``expression`` with each abbreviation where its definition is a polynomial factor.

    Parameters
    ----------
    expression : sympy.Basic
    abbreviations : mapping of sympy.Symbol to sympy.Expr
        ``{D: 1 - a**2}``: each definition a polynomial in its variables (others are not used).

    Returns
    -------
    sympy.Basic
        Equal to ``expression`` once the abbreviations are substituted back (verified); ``expression``
        itself when nothing is abbreviated or the equality cannot be confirmed.

    Examples
    --------
    >>> import sympy as sp
    >>> a, b, D, q = sp.symbols("a b D q", positive=True)
    >>> abbreviate(-a / (a**2 - 1), {D: 1 - a**2})
    a/D
    >>> abbreviate(-(a - 1) * (a + 1) * (q**2 * a**2 + a**4 - 2 * a**2 + 1) / b**2, {D: 1 - a**2})
    D*(D**2 + a**2*q**2)/b**2
    """
    expression = sp.sympify(expression)
    if not isinstance(expression, sp.Expr):
        return expression
    result = expression
    for symbol, definition in abbreviations.items():
        definition = sp.sympify(definition)
        if definition.free_symbols and definition.is_polynomial(*definition.free_symbols):
            result = _abbreviate(result, symbol, definition)
    if not result.free_symbols & set(abbreviations):
        return expression
    back = result.subs(dict(abbreviations))
    if sp.cancel(sp.together(back - expression)) != 0 and sp.simplify(back - expression) != 0:
        return expression
    return result


def _abbreviate(expression, symbol, definition):
    variables = definition.free_symbols
    if expression.is_Atom or not expression.free_symbols & variables:
        return expression
    if expression.is_rational_function(*variables):
        numerator, denominator = sp.fraction(sp.together(expression))
        return (_polynomial(numerator, symbol, definition, variables)
                / _polynomial(denominator, symbol, definition, variables))
    return expression.func(*(_abbreviate(argument, symbol, definition) for argument in expression.args))


def _polynomial(expression, symbol, definition, variables):
    """``symbol**m * rest`` with the definition divided out m times, then once more from each coefficient of rest."""
    power, rest = _divide_out(sp.expand(expression), definition, variables)
    others = [generator for generator in sp.Poly(rest).gens if not generator.free_symbols & variables] \
        if rest.free_symbols - variables else []
    if others:
        terms = sp.Poly(rest, *others).terms()
        rest = sp.Add(*(symbol**k * coefficient * sp.Mul(*(g**e for g, e in zip(others, monomial)))
                        for monomial, coefficient in terms
                        for k, coefficient in [_divide_out(coefficient, definition, variables)]))
    return symbol**power * _common_parameters(rest)


def _common_parameters(expression):
    """A sum with the plain symbols that every term shares taken out (``L(a + b)``), fields left inside."""
    terms = sp.Add.make_args(expression)
    if len(terms) < 2:
        return expression
    shared = sp.Mul(*set.intersection(*({f for f in sp.Mul.make_args(term) if f.is_Symbol} for term in terms)))
    return shared * sp.Add(*(term / shared for term in terms))


def _divide_out(expression, definition, variables):
    """``(m, quotient)``: the definition divides the polynomial ``expression`` exactly m times."""
    if not expression.free_symbols & variables:
        return 0, expression
    polynomial, divisor = sp.Poly(expression, *variables), sp.Poly(definition, *variables)
    power = 0
    while not polynomial.is_zero and polynomial.total_degree() >= divisor.total_degree():
        quotient, remainder = sp.div(polynomial, divisor)
        if not remainder.is_zero:
            break
        polynomial, power = quotient, power + 1
    return power, polynomial.as_expr()
