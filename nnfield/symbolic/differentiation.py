"""Derivatives with every subexpression differentiated once: SymPy's rules, remembered.

``sympy.diff`` differentiates a tree recursively, and at every node its ``Derivative`` constructor
collects the free symbols of the subtree, asks whether the result is zero and walks the result for
unevaluated derivatives. The Hessian of a network's loss takes hundreds of first derivatives of the
same nested subexpressions (every weight of a layer sees the same hidden units), so that work is
repeated for each of them. :func:`derivative` applies SymPy's own rule at each node,

.. math:: (\\textstyle\\sum_i a_i)' = \\sum_i a_i', \\qquad (\\prod_i a_i)' = \\sum_i a_i' \\prod_{j\\neq i} a_j,
          \\qquad (b^e)' = b^e\\,(e' \\log b + b' e / b), \\qquad f(a)' = f'(a)\\, a',

building each result exactly as SymPy's ``_eval_derivative`` methods do (so the result is the same
expression as ``sympy.diff`` gives), and remembers it for each (subexpression, variable) within the process.
A derivative in several variables is taken in ``Derivative``'s canonical order of the variables and tidied
as it tidies one (``factor_terms`` of ``signsimp``). Any other kind of node (an indexed field itself, a
piecewise function, an undefined function) is handed to ``sympy.diff`` whole, as is a repeated derivative
in one symbol (SymPy takes it by the Leibniz rule of its order).
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.core.exprtools import factor_terms
from sympy.core.function import AppliedUndef
from sympy.ntheory.multinomial import multinomial_coefficients_iterator
from sympy.simplify.simplify import signsimp

__all__ = ["derivative"]


def derivative(expression: sp.Expr, *variables) -> sp.Expr:
    """The derivative of ``expression`` in each of ``variables`` in turn, the same expression as ``sympy.diff`` gives.

    Parameters
    ----------
    expression : sympy.Expr
    *variables : sympy.Symbol or sympy.Indexed
        One or more, each taken once (``derivative(e, x, y)`` is :math:`\\partial^2 e/\\partial x\\partial y`).

    Examples
    --------
    >>> import sympy as sp
    >>> x, w = sp.symbols("x w", real=True)
    >>> derivative(sp.tanh(w * sp.tanh(w * x)) ** 2 / 2, w) == sp.diff(sp.tanh(w * sp.tanh(w * x)) ** 2 / 2, w)
    True
    >>> derivative(x * w**3, w, x)
    3*w**2
    >>> field, site = sp.IndexedBase("phi", real=True), sp.Symbol("l", integer=True)
    >>> derivative((field[site] - field[site - 1]) ** 2, field[site], field[site - 1])
    -2
    """
    expression = sp.sympify(expression)
    if not variables:
        raise TypeError("derivative needs at least one variable, e.g. derivative(energy, x)")
    for variable in variables:
        if not isinstance(variable, (sp.Symbol, sp.Indexed)):
            raise TypeError(f"derivative takes derivatives in sympy Symbols or Indexed fields; got {variable!r} "
                            f"(use sympy.diff for other variables)")
    if len(variables) == 1:
        result = _derivative(expression, variables[0], _distinct(expression, variables[0]))
    else:  # as Derivative does: repeats counted, the variables in canonical order, stopping at a zero
        counted = []
        for variable in variables:
            if counted and counted[-1][0] == variable:
                counted[-1] = (variable, counted[-1][1] + 1)
            else:
                counted.append((variable, 1))
        counted = sp.Derivative._sort_variable_count([(v, sp.Integer(count)) for v, count in counted])
        if any(isinstance(v, sp.Symbol) and count > 1 for v, count in counted):
            return sp.diff(expression, *variables)  # a repeated symbol: SymPy's Leibniz rule of that order
        result = expression
        for variable, count in counted:
            for _ in range(count):  # an indexed field's: the first-derivative rule, count times
                result = _derivative(result, variable, _distinct(result, variable))
            if result.is_zero:
                return result
    if result.has(sp.Derivative):
        result = result.replace(lambda e: isinstance(e, sp.Derivative), lambda e: e.canonical)
    if len(variables) > 1:  # Derivative's tidying of a derivative of order two or more
        result = factor_terms(signsimp(result))
    return result


def _follows_rule(node: sp.Basic, kind: type) -> bool:
    """Whether ``node`` differentiates by the rule of ``kind`` (its class overrides neither rule)."""
    cls = type(node)
    return (cls._eval_derivative is kind._eval_derivative
            and cls._eval_derivative_n_times is kind._eval_derivative_n_times)


def _distinct(expression: sp.Expr, variable) -> bool:
    """Whether every other indexed field of ``expression`` differs from the indexed ``variable`` by a nonzero
    integer offset or by its base (as ``phi[l - 1]`` from ``phi[l]``), so that its derivative in ``variable``
    is zero (``Indexed`` gives ``KroneckerDelta(l - 1, l) = 0``)."""
    if not isinstance(variable, sp.Indexed):
        return False
    for atom in expression.atoms(sp.Indexed):
        if atom == variable or atom.base != variable.base:
            continue
        offsets = [first - second for first, second in zip(atom.indices, variable.indices)]
        if len(atom.indices) != len(variable.indices) or not any(o.is_Number and o != 0 for o in offsets):
            return False
    return True


def _free_of(expression: sp.Expr, variable, distinct: bool) -> bool:
    """Derivative's test for a zero derivative: a symbol not among the free symbols, or no free symbol shared;
    for an indexed field whose neighbours are ``distinct``, the field absent from ``expression``."""
    if isinstance(variable, sp.Symbol):
        return variable not in expression.free_symbols
    if distinct and not expression.has(variable):
        return True
    return not (expression.free_symbols & variable.free_symbols)


@functools.lru_cache(maxsize=1 << 16)
def _derivative(expression: sp.Expr, variable, distinct: bool = False) -> sp.Expr:
    if _free_of(expression, variable, distinct):
        return sp.S.Zero
    if expression == variable and isinstance(variable, sp.Symbol):
        return sp.S.One
    if type(expression) is sp.Add:  # Add._eval_derivative
        return expression.func(*[_derivative(term, variable, distinct) for term in expression.args])
    if type(expression) is sp.Mul:
        factors = list(expression.args)
        terms = []
        if isinstance(variable, sp.Symbol):  # Mul._eval_derivative_n_times, once: the general Leibniz rule at order 1
            for orders, coefficient in multinomial_coefficients_iterator(len(factors), 1):
                product = sp.Mul(*[_derivative(factor, variable, distinct) if order else factor
                                   for order, factor in zip(orders, factors)])
                terms.append(coefficient * product)
            return sp.Add(*terms)
        for position in range(len(factors)):  # Mul._eval_derivative: factor by factor, multiplied in turn
            inner = _derivative(factors[position], variable, distinct)
            if inner:
                terms.append(functools.reduce(lambda left, right: left * right,
                                              factors[:position] + [inner] + factors[position + 1:], sp.S.One))
        return sp.Add.fromiter(terms)
    if type(expression) is sp.Pow:  # Pow._eval_derivative
        base, exponent = expression.base, expression.exp
        return expression * (_derivative(exponent, variable, distinct) * sp.log(base)
                             + _derivative(base, variable, distinct) * exponent / base)
    if (isinstance(expression, sp.Function) and not isinstance(expression, AppliedUndef)
            and _follows_rule(expression, sp.Function)):  # Function._eval_derivative: the chain rule
        terms = []
        for position, argument in enumerate(expression.args, 1):
            inner = _derivative(argument, variable, distinct)
            if inner.is_zero:
                continue
            try:
                outer = expression.fdiff(position)
            except sp.ArgumentIndexError:
                outer = sp.Function.fdiff(expression, position)
            terms.append(outer * inner)
        return sp.Add(*terms)
    return sp.diff(expression, variable)
