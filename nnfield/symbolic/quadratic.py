"""A quadratic form written term by term: each product of fields once, with its coefficient.

The fluctuation energy :math:`U_l` and the EFT density are shown as
:math:`\\sum_{m} c_m(\\text{parameters})\\, m(\\text{fields})`, one term per product ``m`` of two fields
(or slopes), each coefficient factored: the form ``sympy.collect(expanded, monomials, func=factor)``
gives. For products (not symbols) ``collect`` first replaces each product by a dummy symbol with
``subs``, which matches patterns inside every term; in an expanded quadratic form each term holds
exactly one of the products, so :func:`collect_products` reads the product off each term directly and
hands ``collect`` the expression in the dummies.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["collect_products"]


def collect_products(expanded: sp.Expr, products, func=sp.factor) -> sp.Expr:
    """``sympy.collect(expanded, products, func=func)`` for an expanded form whose terms each hold one product.

    Parameters
    ----------
    expanded : sympy.Expr
        An expanded sum of terms ``coefficient * product``.
    products : sequence of sympy.Expr
        The products of fields to collect on (e.g. ``eps[l]*eps[l - 1]``, ``eps[l]**2``).
    func : callable
        Applied to each collected coefficient.

    Examples
    --------
    >>> import sympy as sp
    >>> e, l, a, b = sp.IndexedBase("e"), sp.Symbol("l", integer=True), *sp.symbols("a b")
    >>> form = sp.expand((a + b) * e[l]**2 + 2 * a * e[l] * e[l - 1] + 2 * b * e[l] * e[l - 1])
    >>> collect_products(form, [e[l]**2, e[l] * e[l - 1]])
    2*(a + b)*e[l - 1]*e[l] + (a + b)*e[l]**2
    """
    products = list(dict.fromkeys(sp.sympify(product) for product in products))
    dummies = {product: sp.Dummy() for product in products}
    fields = set().union(*(_field_atoms(product) for product in products))
    terms = []
    for term in sp.Add.make_args(expanded):
        factors = sp.Mul.make_args(term)
        held = [factor for factor in factors if factor.has(*fields)]
        if not held:
            terms.append(term)
            continue
        product = sp.Mul(*held)
        if product not in dummies:  # not one of the products: collect's own pattern matching decides
            return sp.collect(expanded, products, func=func)
        terms.append(sp.Mul(*[factor for factor in factors if not factor.has(*fields)]) * dummies[product])
    collected = sp.collect(sp.Add(*terms), [dummies[product] for product in products], func=func)
    return collected.xreplace({dummy: product for product, dummy in dummies.items()})


def _field_atoms(product: sp.Expr) -> set:
    """The fields of a product: its indexed fields, applied functions and derivatives (not its numbers)."""
    return {factor.as_base_exp()[0] for factor in sp.Mul.make_args(product) if not factor.is_Number}
