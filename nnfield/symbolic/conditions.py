"""Conditions on parameters: where an expression is real, and simplification under a condition.

SymPy cannot know that ``1 - sigma_w**2`` is positive, so ``sqrt((1 - sigma_w**2)**2)`` stays
unsimplified. These helpers make the region explicit: :func:`reality_conditions` lists what
must hold for an expression to be real, and :func:`simplify_under` simplifies with a
condition ``g > 0`` in force by naming ``g`` as a positive symbol for the duration.
"""

from __future__ import annotations

import functools

import sympy as sp

__all__ = [
    "positivity_condition",
    "reality_conditions",
    "simplify_under",
    "cancel_where_real",
    "is_positive_under",
    "sign_under_radicals",
    "solved_inequality",
    "identically_zero",
]


@functools.lru_cache(maxsize=1024)
def positivity_condition(expression: sp.Expr) -> sp.Basic:
    """The simplest condition equivalent to ``expression > 0``, dropping factors known positive.

    Examples
    --------
    >>> import sympy as sp
    >>> N, s, w = sp.symbols("N sigma_b sigma_w", positive=True)
    >>> positivity_condition(N * s**2 / (1 - w**2))
    sigma_w < 1
    """
    numerator, denominator = sp.fraction(sp.factor(sp.together(expression)))
    sign = sp.Integer(1)
    remaining = sp.Integer(1)
    for part in (numerator, denominator):
        for factor, power in _factor_powers(part):
            if factor.is_positive:
                continue
            if factor.is_negative:
                sign *= (-1) ** power
                continue
            if power % 2 == 1:
                remaining *= factor
    condition = (sign * remaining) > 0
    if condition in (sp.true, sp.false):
        return condition
    symbols = condition.free_symbols
    if len(symbols) == 1:
        (symbol,) = symbols
        reduced = solved_inequality(condition, symbol, relational=True)
        return _drop_assumed(reduced, symbol)
    return condition


@functools.lru_cache(maxsize=1024)
def solved_inequality(inequality: sp.Basic, symbol: sp.Symbol, relational: bool = False) -> sp.Basic:
    """``sympy.solve_univariate_inequality(inequality, symbol, relational=relational)``, remembered.

    The same few conditions (``1 - sigma_w > 0``: the radicands of one saddle) recur across the
    reality conditions, domains and relation claims of a derivation; each is solved once per process.

    Examples
    --------
    >>> import sympy as sp
    >>> w = sp.Symbol("sigma_w", positive=True)
    >>> solved_inequality(2 - w**2 > 0, w)
    Interval.open(-sqrt(2), sqrt(2))
    """
    return sp.solve_univariate_inequality(inequality, symbol, relational=relational)


def identically_zero(expression: sp.Expr) -> bool:
    """Whether ``expression`` is zero for every value of its symbols, ``simplify`` used only when it must be.

    A rational function (no roots, no functions) is decided exactly by cancelling it: a nonzero reduced
    fraction is not identically zero, so no simplification could make it zero. Anything else that does not
    cancel to zero is decided by ``simplify``.

    Examples
    --------
    >>> import sympy as sp
    >>> a, b = sp.symbols("a b", positive=True)
    >>> identically_zero(a / (a + b) + b / (a + b) - 1), identically_zero(a / (a + b) - 1)
    (True, False)
    >>> identically_zero(sp.sqrt(a**2) - a)
    True
    """
    expression = sp.sympify(expression)
    if expression == 0 or sp.cancel(expression) == 0:
        return True
    if all(power.exp.is_Integer for power in expression.atoms(sp.Pow)) and not expression.atoms(sp.Function):
        return False
    return sp.simplify(expression) == 0


def _factor_powers(expression: sp.Expr) -> list[tuple[sp.Expr, int]]:
    """``expression`` as a list of (factor, integer power); a non-integer power stays whole."""
    constant, factors = sp.factor_list(expression)
    pairs = [(sp.sympify(constant), 1)] if constant != 1 else []
    return pairs + [(factor, int(power)) for factor, power in factors]


def _drop_assumed(condition: sp.Basic, symbol: sp.Symbol) -> sp.Basic:
    """Remove the parts of ``condition`` the symbol's own assumptions already guarantee."""
    if isinstance(condition, sp.And):
        kept = [part for part in condition.args if not _implied_by_assumptions(part, symbol)]
        return sp.And(*kept) if kept else sp.true
    return condition


def _implied_by_assumptions(relation: sp.Basic, symbol: sp.Symbol) -> bool:
    """Whether ``relation`` (a bound on ``symbol``) holds by the symbol's assumptions alone."""
    if relation in ((symbol > 0), (symbol >= 0)):
        return bool(symbol.is_positive)
    if relation == (symbol < sp.oo):
        return bool(symbol.is_finite or symbol.is_real)
    return False


def reality_conditions(expression: sp.Expr) -> tuple[sp.Basic, ...]:
    """Conditions under which every square root in ``expression`` has a positive radicand.

    Examples
    --------
    >>> import sympy as sp
    >>> N, s, w = sp.symbols("N sigma_b sigma_w", positive=True)
    >>> reality_conditions(sp.sqrt(N * s**2 / (1 - w**2)))
    (sigma_w < 1,)
    """
    conditions = []
    for power in expression.atoms(sp.Pow):
        exponent = power.exp
        if exponent.is_Rational and not exponent.is_Integer and exponent.q % 2 == 0:
            condition = positivity_condition(power.base)
            if condition is not sp.true and condition not in conditions:
                conditions.append(condition)
    return tuple(conditions)


def sign_under_radicals(expression: sp.Expr) -> sp.Expr:
    """``expression`` with every even root replaced by a positive stand-in, to read off a sign.

    Where the roots are real (see :func:`reality_conditions`) they are positive, so the sign of
    the returned expression, when SymPy can decide it, is the sign of ``expression``.

    Examples
    --------
    >>> import sympy as sp
    >>> w = sp.Symbol("w", positive=True)
    >>> sign_under_radicals(-sp.sqrt(1 - w)).is_negative
    True
    """
    replacements = {}
    for power in expression.atoms(sp.Pow):
        exponent = power.exp
        if exponent.is_Rational and not exponent.is_Integer and exponent.q % 2 == 0:
            replacements[power] = sp.Dummy("root", positive=True)
    return expression.xreplace(replacements)


def simplify_under(expression: sp.Expr, condition: sp.Basic) -> sp.Expr:
    """Simplify ``expression`` knowing that ``condition`` (of the form ``g > 0`` or ``a < b``) holds.

    The positive quantity ``g`` is named by a positive symbol, one parameter is eliminated in
    its favour, the expression is simplified, and the parameter is put back. An expression whose
    value the condition cannot change (a rational function: no roots, absolute values or
    logarithms) is only simplified, from its form over one denominator (``together``: a Hessian entry
    evaluated at a saddle is a sum of nested fractions, which ``simplify`` would otherwise rework at each
    step). Results are remembered, so an entry that recurs (the same coupling in several Hessian blocks) is
    simplified once.

    Examples
    --------
    >>> import sympy as sp
    >>> w = sp.Symbol("sigma_w", positive=True)
    >>> sp.sqrt(w**2 / (1 - w**2)**2)
    sigma_w/Abs(sigma_w**2 - 1)
    >>> simplify_under(sp.sqrt(w**2 / (1 - w**2)**2), w < 1)
    -sigma_w/(sigma_w**2 - 1)
    """
    expression = sp.sympify(expression)
    if expression.is_Number or _is_monomial(expression):  # already in the form simplify gives
        return expression
    return _simplified_under(expression, condition)


def _is_monomial(expression: sp.Expr) -> bool:
    """Whether ``expression`` is a number times integer powers of symbols, e.g. ``-N/(2 sigma_w^2)``."""
    return all(factor.is_Number or factor.is_Symbol
               or (factor.is_Pow and factor.base.is_Symbol and factor.exp.is_Integer)
               for factor in sp.Mul.make_args(expression))


@functools.lru_cache(maxsize=4096)
def _simplified_under(expression: sp.Expr, condition: sp.Basic) -> sp.Expr:
    if not _condition_matters(expression):  # over one denominator first: simplify starts from the compact form
        return sp.factor_terms(sp.simplify(sp.together(expression)))
    if _roots_real_under(expression, condition):  # a number where the roots are real needs no simplify
        value = cancel_where_real(expression)
        if value.is_Number:
            return value
    substituted = False
    for gap, stand_in, parameter, solution in _gap_substitutions(condition):
        if parameter in expression.free_symbols:
            inside = sp.simplify(sp.factor(expression.subs(parameter, solution)))
            expression = sp.simplify(inside.subs(stand_in, gap))
            substituted = True
    # The form simplified after the last substitution is final: simplifying it again changes none of the engine's.
    return sp.factor_terms(expression if substituted else sp.simplify(expression))


def cancel_where_real(expression: sp.Expr) -> sp.Expr:
    """``expression`` cancelled where its even roots are real, each radicand named by a positive symbol.

    On the region of :func:`reality_conditions` every radicand is positive: each radicand in turn is
    named by a positive symbol (one parameter eliminated in its favour, the first by name that the
    radicand determines uniquely), so that its roots combine by SymPy's rules for positive symbols;
    the expression is then expanded and cancelled. A number as the result is the expression's value on
    that region (zero proves an identity); any other result is in the stand-ins, and proves nothing
    (a blanket simplification may still find a number).

    Examples
    --------
    >>> import sympy as sp
    >>> w = sp.Symbol("sigma_w", positive=True)
    >>> difference = sp.sqrt(1 / (2 - w**2)) - 1 / sp.sqrt(2 - w**2)
    >>> sp.cancel(difference) == 0, cancel_where_real(difference), cancel_where_real(difference + sp.Rational(1, 2))
    (False, 0, 1/2)
    """
    eliminated = set()
    for power in sorted(expression.atoms(sp.Pow), key=sp.default_sort_key):
        exponent = power.exp
        if not (exponent.is_Rational and not exponent.is_Integer and exponent.q % 2 == 0):
            continue
        for parameter in sorted(power.base.free_symbols - eliminated, key=str):
            solution = _radicand_solution(power.base, parameter)
            if solution is not None:
                expression = expression.subs(parameter, solution)
                eliminated.add(parameter)
                break
    return sp.cancel(sp.expand(expression))


@functools.lru_cache(maxsize=256)
def _radicand_solution(radicand: sp.Expr, parameter: sp.Symbol) -> sp.Expr | None:
    """``parameter`` in terms of a positive stand-in for ``radicand`` (its own, one per radicand), if that
    determines it uniquely."""
    solutions = sp.solve(sp.Eq(radicand, sp.Dummy("radicand", positive=True)), parameter)
    return solutions[0] if len(solutions) == 1 else None


def _roots_real_under(expression: sp.Expr, condition: sp.Basic) -> bool:
    """Whether ``expression`` has even roots and ``condition`` states, part by part, that every radicand is positive."""
    needed = reality_conditions(expression)
    parts = set(condition.args) if isinstance(condition, sp.And) else {condition}
    return bool(needed) and all(part in parts for part in needed)


def _condition_matters(expression: sp.Expr) -> bool:
    """Whether a sign condition can change the simplified form: roots, ``Abs``, ``sign`` or logarithms."""
    if expression.has(sp.Abs, sp.sign, sp.log):
        return True
    return any(not power.exp.is_Integer for power in expression.atoms(sp.Pow))


def is_positive_under(expression: sp.Expr, condition: sp.Basic) -> bool | None:
    """Whether ``expression > 0`` follows from ``condition`` (``None`` when undecided).

    The expression is factored; a factor in one variable is signed on the interval the
    condition and the variable's assumptions allow, any other factor by its assumptions.

    Examples
    --------
    >>> import sympy as sp
    >>> w, s = sp.symbols("sigma_w sigma_b", positive=True)
    >>> is_positive_under(s * w / (1 - w**2), w < 1), is_positive_under(w / (w**2 - 1), w < 1)
    (True, False)
    """
    domains = _domains(condition)
    sign = 1
    for part in sp.fraction(sp.together(sign_under_radicals(expression))):
        for factor, power in _factor_powers(part):
            factor_sign = _sign_on_domain(factor, domains)
            if factor_sign is None:
                return None
            sign *= factor_sign**power
    return sign > 0


def _domains(condition: sp.Basic) -> dict:
    """``{symbol: set of allowed values}`` from the single-variable parts of ``condition``."""
    domains = {}
    parts = condition.args if isinstance(condition, sp.And) else (condition,)
    for part in parts:
        if isinstance(part, sp.Rel) and len(part.free_symbols) == 1:
            (symbol,) = part.free_symbols
            allowed = solved_inequality(part, symbol, relational=False)
            domains[symbol] = domains.get(symbol, sp.S.Reals) & allowed
    return domains


def _sign_on_domain(factor: sp.Expr, domains: dict) -> int | None:
    if factor.is_positive:
        return 1
    if factor.is_negative:
        return -1
    symbols = factor.free_symbols
    if len(symbols) != 1:
        return None
    (symbol,) = symbols
    domain = domains.get(symbol, sp.S.Reals)
    if symbol.is_positive:
        domain &= sp.Interval.open(0, sp.oo)
    for sign, relation in ((1, factor > 0), (-1, factor < 0)):
        where = solved_inequality(relation, symbol, relational=False)
        if domain.is_subset(where):
            return sign
    return None


@functools.lru_cache(maxsize=256)
def _gap_substitutions(condition: sp.Basic) -> tuple:
    """For each part ``g > 0`` of ``condition``: (g, positive stand-in, parameter, parameter in terms of it).

    Decided once per condition: the parameter is the first (by name) that ``g = stand-in``
    determines uniquely.
    """
    if condition in (sp.true, None):
        return ()
    substitutions = []
    parts = condition.args if isinstance(condition, sp.And) else (condition,)
    for part in parts:
        if not isinstance(part, (sp.StrictGreaterThan, sp.StrictLessThan)):
            continue
        gap = part.gts - part.lts  # positive where the condition holds
        stand_in = sp.Dummy("gap", positive=True)
        for parameter in sorted(gap.free_symbols, key=str):
            solutions = sp.solve(sp.Eq(gap, stand_in), parameter)
            if len(solutions) == 1:
                substitutions.append((gap, stand_in, parameter, solutions[0]))
                break
    return tuple(substitutions)
