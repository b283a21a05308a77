"""Derivatives with every subexpression differentiated once: SymPy's rules, remembered.

``sympy.diff`` differentiates a tree recursively, and at every node its ``Derivative`` constructor
collects the free symbols of the subtree, asks whether the result is zero and walks the result for
unevaluated derivatives. The Hessian of a network's loss takes hundreds of first derivatives of the
same nested subexpressions (every weight of a layer sees the same hidden units), so that work is
repeated for each of them. :func:`derivative` applies SymPy's own rule at each node,

.. math:: (\\textstyle\\sum_i a_i)' = \\sum_i a_i', \\qquad (\\prod_i a_i)' = \\sum_i a_i' \\prod_{j\\neq i} a_j,
          \\qquad (b^e)' = b^e\\,(e' \\log b + b' e / b), \\qquad f(a)' = f'(a)\\, a',

building each result exactly as SymPy's ``_eval_derivative`` methods do (so the result is the same
expression as ``sympy.diff`` gives), and remembers it for each (subexpression, symbol) within the process.
Any other kind of node (an indexed field, a piecewise function, an undefined function) is handed to
``sympy.diff`` whole.
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.ntheory.multinomial import multinomial_coefficients_iterator

__all__ = ["derivative"]


def derivative(expression: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    """:math:`\\partial\\,\\text{expression}/\\partial\\,\\text{symbol}`, the same expression as ``sympy.diff`` gives.

    Parameters
    ----------
    expression : sympy.Expr
    symbol : sympy.Symbol

    Examples
    --------
    >>> import sympy as sp
    >>> x, w = sp.symbols("x w", real=True)
    >>> derivative(sp.tanh(w * sp.tanh(w * x)) ** 2 / 2, w) == sp.diff(sp.tanh(w * sp.tanh(w * x)) ** 2 / 2, w)
    True
    >>> derivative(x * w**3, w)
    3*w**2*x
    """
    expression = sp.sympify(expression)
    if not isinstance(symbol, sp.Symbol):
        raise TypeError(f"derivative takes the derivative in a sympy Symbol; got {symbol!r} "
                        f"(use sympy.diff for other variables)")
    return _derivative(expression, symbol)


def _follows_rule(node: sp.Basic, kind: type) -> bool:
    """Whether ``node`` differentiates by the rule of ``kind`` (its class overrides neither rule)."""
    cls = type(node)
    return cls._eval_derivative is kind._eval_derivative and cls._eval_derivative_n_times is kind._eval_derivative_n_times


@functools.lru_cache(maxsize=1 << 16)
def _derivative(expression: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    if symbol not in expression.free_symbols:
        return sp.S.Zero
    if expression == symbol:
        return sp.S.One
    if type(expression) is sp.Add:  # Add._eval_derivative
        return expression.func(*[_derivative(term, symbol) for term in expression.args])
    if type(expression) is sp.Mul:  # Mul._eval_derivative_n_times, once: the general Leibniz rule at order 1
        factors = expression.args
        terms = []
        for orders, coefficient in multinomial_coefficients_iterator(len(factors), 1):
            product = sp.Mul(*[_derivative(factor, symbol) if order else factor for order, factor in zip(orders, factors)])
            terms.append(coefficient * product)
        return sp.Add(*terms)
    if type(expression) is sp.Pow:  # Pow._eval_derivative
        base, exponent = expression.base, expression.exp
        return expression * (_derivative(exponent, symbol) * sp.log(base) + _derivative(base, symbol) * exponent / base)
    if (isinstance(expression, sp.Function) and not isinstance(expression, AppliedUndef)
            and _follows_rule(expression, sp.Function)):  # Function._eval_derivative: the chain rule
        terms = []
        for position, argument in enumerate(expression.args, 1):
            inner = _derivative(argument, symbol)
            if inner.is_zero:
                continue
            try:
                outer = expression.fdiff(position)
            except sp.ArgumentIndexError:
                outer = sp.Function.fdiff(expression, position)
            terms.append(outer * inner)
        return sp.Add(*terms)
    return sp.diff(expression, symbol)
