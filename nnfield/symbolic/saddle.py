"""Uniform saddle points of a lattice energy.

For a translation-invariant energy the gradient of the total energy on the uniform
configuration :math:`\\phi_a[l] = \\phi_a` is the same at every site and equals

.. math:: \\frac{\\partial H}{\\partial \\phi_a[0]} = \\sum_{\\delta}
          \\frac{\\partial E_l}{\\partial \\phi_a[l+\\delta]}\\Big|_{\\text{uniform}}
          = \\frac{d E_{\\text{uniform}}}{d \\phi_a},

so the uniform saddle solves :math:`dE_{\\text{uniform}}/d\\phi_a = 0` for every field.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

import sympy as sp

from nnfield.symbolic.conditions import identically_zero, reality_conditions, sign_under_radicals, simplify_under
from nnfield.symbolic.differentiation import derivative
from nnfield.symbolic.lattice import LatticeModel

__all__ = ["UniformSaddle", "algebraic_form", "stationary_equations", "uniform_saddles", "uniform_saddle", "saddle_at"]


@dataclass(frozen=True)
class UniformSaddle:
    """A uniform stationary configuration of a lattice model.

    Attributes
    ----------
    model : LatticeModel
    values : tuple of sympy.Expr
        The saddle value of each field, in the order of ``model.fields``.
    equations : tuple of sympy.Eq
        The stationary equations :math:`dE_{\\text{uniform}}/d\\phi_a = 0` that were solved.
    method : str
        ``"symbolic"`` (``sympy.solve``), ``"numeric"`` (``sympy.nsolve`` at given parameters) or
        ``"given"`` (a point chosen on a manifold of saddles, see :func:`saddle_at`).
    existence : tuple of sympy.Basic
        Conditions on the parameters under which the saddle is real (empty when always).
    """

    model: LatticeModel
    values: tuple[sp.Expr, ...]
    equations: tuple[sp.Eq, ...]
    method: str
    existence: tuple[sp.Basic, ...]

    def substitution(self) -> dict:
        """``{uniform symbol: saddle value}``, to evaluate expressions at the saddle."""
        return dict(zip(self.model.uniform, self.values))

    def existence_condition(self) -> sp.Basic:
        """All existence conditions joined: ``And(*existence)`` (``True`` when there are none)."""
        return sp.And(*self.existence)

    def _repr_latex_(self) -> str:
        pairs = r",\quad ".join(
            f"{sp.latex(symbol)}^* = {sp.latex(value)}"
            for symbol, value in zip(self.model.uniform, self.values)
        )
        where = r"\ \text{for}\ " + sp.latex(self.existence_condition()) if self.existence else ""
        return f"${pairs}{where}$"


def algebraic_form(equation: sp.Eq) -> sp.Eq:
    """Rewrite :math:`\\sum_i c_i \\log a_i = 0` as :math:`\\prod_i a_i^{c_i} = 1`.

    Stationary equations of energies with entropy terms (Stirling's ``x log x``) mix logarithms
    with rational terms across equations; ``sympy.solve`` handles the algebraic form far better.
    A real energy is defined only where the arguments of its logarithms are positive, so the
    logarithms are split and recombined as for positive numbers. An equation with terms other
    than numeric multiples of logarithms is returned unchanged.

    Examples
    --------
    >>> import sympy as sp
    >>> k, r, N = sp.symbols("k r N", positive=True)
    >>> algebraic_form(sp.Eq(sp.log(k) - sp.log(N - k) + 2 * sp.log(r), 0))
    Eq(k*r**2/(N - k), 1)
    """
    expanded = sp.expand_log(sp.expand(equation.lhs - equation.rhs), force=True)
    terms = sp.Add.make_args(expanded)
    if not expanded.has(sp.log) or not all(_is_log_multiple(term) for term in terms):
        return equation
    return sp.Eq(sp.simplify(sp.exp(expanded)), 1)


def _is_log_multiple(term: sp.Expr) -> bool:
    """Whether ``term`` is a number times one logarithm."""
    coefficient, rest = term.as_coeff_Mul()
    return coefficient.is_number and isinstance(rest, sp.log)


def stationary_equations(model: LatticeModel) -> tuple[sp.Eq, ...]:
    """The equations :math:`dE_{\\text{uniform}}/d\\phi_a = 0`, one per field.

    Examples
    --------
    >>> import sympy as sp
    >>> from nnfield.symbolic.lattice import lattice_model
    >>> x, l = sp.IndexedBase("x", positive=True), sp.Symbol("l", integer=True)
    >>> stationary_equations(lattice_model(x[l]**2 / 2 - sp.log(x[l]) + (x[l] - x[l-1])**2, [x], l))
    (Eq(x - 1/x, 0),)
    """
    energy = model.uniform_energy()
    return tuple(sp.Eq(derivative(energy, symbol), 0, evaluate=False) for symbol in model.uniform)


def uniform_saddles(
    model: LatticeModel,
    *,
    parameters: dict | None = None,
    guess: tuple | None = None,
    method: str = "auto",
) -> tuple[UniformSaddle, ...]:
    """All admissible uniform saddles of ``model``.

    SymPy's ``solve`` is tried first. Solutions that violate a field's assumptions (a negative
    value for a ``positive=True`` field) are dropped. When ``solve`` finds nothing or cannot
    solve the equations and numeric ``parameters`` are given, ``nsolve`` is used from
    ``guess`` and the saddle is reported with ``method="numeric"``.

    Parameters
    ----------
    model : LatticeModel
    parameters : dict, optional
        Numeric values of every parameter, for the numeric fallback.
    guess : tuple of float, optional
        Starting point of ``nsolve`` (default: 1 for every field).
    method : {"auto", "numeric"}
        ``"numeric"`` skips ``solve`` (which can take very long on large rational equations)
        and goes straight to ``nsolve``; it needs ``parameters``.

    Returns
    -------
    tuple of UniformSaddle

    Raises
    ------
    ValueError
        If no saddle is found (the message names the equations).

    Examples
    --------
    >>> import sympy as sp
    >>> from nnfield.symbolic.lattice import lattice_model
    >>> x, l = sp.IndexedBase("x", positive=True), sp.Symbol("l", integer=True)
    >>> a = sp.Symbol("a", positive=True)
    >>> saddle, = uniform_saddles(lattice_model(x[l]**2 / 2 - a * sp.log(x[l]), [x], l))
    >>> saddle.values, saddle.method
    ((sqrt(a),), 'symbolic')
    """
    if method not in ("auto", "numeric"):
        raise ValueError(f"method must be 'auto' or 'numeric'; got {method!r}")
    if method == "numeric" and parameters is None:
        raise ValueError("method='numeric' needs parameters={symbol: value} for every parameter of the model")
    equations = stationary_equations(model)
    unknowns = list(model.uniform)
    solutions = []
    if method == "auto":
        algebraic = [_algebraic_numerator(equation) for equation in equations]
        try:
            candidates = sp.solve([_without_roots(e) for e in algebraic], unknowns, dict=True, check=False,
                                  simplify=False)
        except TypeError:  # SymPy cannot order unchecked candidates holding nan: let it check them itself
            candidates = sp.solve(algebraic, unknowns, dict=True)
        except NotImplementedError:
            candidates = []
        solutions = [s for s in candidates if _admissible(s, unknowns) and _solves(s, algebraic)]
    saddles = []
    for solution in solutions:
        values = tuple(_canonical_value(solution[symbol]) for symbol in unknowns)
        existence = tuple(dict.fromkeys(c for v in values for c in reality_conditions(v)))
        values = tuple(_cleaner_root(simplify_under(value, sp.And(*existence))) for value in values)
        saddles.append(UniformSaddle(model, values, equations, "symbolic", existence))
    if saddles:
        return tuple(saddles)
    if parameters is not None:
        start = guess if guess is not None else (1,) * len(unknowns)
        numeric_equations = [equation.lhs.subs(parameters) for equation in equations]
        found = sp.nsolve(numeric_equations, unknowns, start)
        values = tuple(sp.Float(value) for value in found)
        return (UniformSaddle(model, values, equations, "numeric", ()),)
    raise ValueError(
        "no uniform saddle found for the stationary equations "
        + "; ".join(str(equation) for equation in equations)
        + ". Pass numeric parameters=... (and a guess=...) for the numeric fallback"
    )


def uniform_saddle(model: LatticeModel, **options) -> UniformSaddle:
    """The unique admissible uniform saddle (see :func:`uniform_saddles` for the options).

    Raises
    ------
    ValueError
        If there is more than one admissible saddle; the message lists them.
    """
    saddles = uniform_saddles(model, **options)
    if len(saddles) > 1:
        listed = "; ".join(str(saddle.values) for saddle in saddles)
        raise ValueError(
            f"the model has {len(saddles)} admissible uniform saddles ({listed}); "
            "choose one from uniform_saddles(model), or give the fields assumptions such as "
            "positive=True that rule the others out"
        )
    return saddles[0]


def saddle_at(model: LatticeModel, values) -> UniformSaddle:
    """The uniform saddle at given field values, checked to be stationary.

    When a continuous symmetry makes the uniform saddles a manifold (every point of a circle of
    minima, say), ``solve`` returns families rather than points; this picks one point of the
    manifold, e.g. the vacuum along the last field, and checks every stationary equation there.

    Parameters
    ----------
    model : LatticeModel
    values : sequence of sympy.Expr
        One value per field, in the order of ``model.fields``.

    Raises
    ------
    ValueError
        If the number of values is wrong or a stationary equation does not vanish there.

    Examples
    --------
    The O(2) chain :math:`E_l = \\tfrac J2|w_l - w_{l-1}|^2 - \\tfrac{M^2}{2}|w_l|^2 + \\tfrac\\lambda4|w_l|^4`
    has a circle of uniform minima; pick the one on the second axis:

    >>> import sympy as sp
    >>> from nnfield.symbolic.lattice import lattice_model
    >>> u, v, l = sp.IndexedBase("u", real=True), sp.IndexedBase("v", real=True), sp.Symbol("l", integer=True)
    >>> J, M, lam = sp.symbols("J M lambda", positive=True)
    >>> squared = u[l]**2 + v[l]**2
    >>> model = lattice_model(J * ((u[l] - u[l - 1])**2 + (v[l] - v[l - 1])**2) / 2 - M**2 * squared / 2
    ...                       + lam * squared**2 / 4, [u, v], l)
    >>> saddle_at(model, [0, M / sp.sqrt(lam)]).values
    (0, M/sqrt(lambda))
    >>> saddle_at(model, [0, M])
    Traceback (most recent call last):
    ...
    ValueError: (0, M) is not a uniform saddle: dE/dv = M**3*(lambda - 1) there, not 0
    """
    values = tuple(sp.sympify(value) for value in values)
    if len(values) != len(model.fields):
        raise ValueError(f"give one value per field {[str(f) for f in model.fields]}; got {len(values)}")
    equations = stationary_equations(model)
    at_point = dict(zip(model.uniform, values))
    for field, equation in zip(model.fields, equations):
        residual = equation.lhs.subs(at_point)
        if not identically_zero(residual):
            raise ValueError(f"{values} is not a uniform saddle: dE/d{field} = {sp.simplify(residual)} there, not 0")
    existence = tuple(dict.fromkeys(c for v in values for c in reality_conditions(v)))
    return UniformSaddle(model, values, equations, "given", existence)


def _algebraic_numerator(equation: sp.Eq) -> sp.Expr:
    """A stationary equation as one expression ``e = 0`` without logarithms or fractions.

    The rational terms are put over one denominator (so that terms which cancel, e.g. the
    ``x log x`` derivatives of Stirling's series, are gone), the logarithms are combined into
    a product of powers (:func:`algebraic_form`), and the numerator is kept.
    """
    expanded = sp.expand(equation.lhs - equation.rhs)
    logarithmic = [term for term in sp.Add.make_args(expanded) if term.has(sp.log)]
    rational = sp.cancel(sp.Add(*(term for term in sp.Add.make_args(expanded) if not term.has(sp.log))))
    combined = sp.Add(*logarithmic) + rational
    if logarithmic:
        algebraic = algebraic_form(sp.Eq(combined, 0, evaluate=False))
        combined = algebraic.lhs - algebraic.rhs
    return sp.numer(sp.together(combined))


def _without_roots(expression: sp.Expr) -> sp.Expr:
    """``a + b`` with fractional powers as the polynomial ``a**n - (-b)**n`` (``n`` clears the roots).

    Raising to a power adds solutions (``a = b`` as well as ``a = -b`` for ``n = 2``); the candidates
    are checked against the equations before the raising (:func:`_solves`). Other expressions are
    returned unchanged.
    """
    terms = sp.Add.make_args(expression)
    exponents = [power.exp for power in expression.atoms(sp.Pow) if power.exp.is_Rational and not power.exp.is_Integer]
    if len(terms) != 2 or not exponents:
        return expression
    power = functools.reduce(sp.ilcm, (exponent.q for exponent in exponents))
    return sp.expand(terms[0] ** power - (-terms[1]) ** power)


def _admissible(solution: dict, unknowns: list) -> bool:
    """Whether ``solution`` gives every unknown a finite value its assumptions allow."""
    if not all(symbol in solution for symbol in unknowns):
        return False
    values = tuple(solution[symbol] for symbol in unknowns)
    if any(value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) for value in values):
        return False
    return not _violates_assumptions(values, unknowns)


def _solves(solution: dict, expressions) -> bool:
    """Whether every expression vanishes at ``solution``: exactly, or at random points where it is real.

    The check SymPy's ``solve`` would make (``checksol``) simplifies each residual in general; here a
    residual is first cancelled, and only one that does not cancel is evaluated, to 30 digits, at
    random points of the parameters (drawn from their assumptions) where the solution is real. A
    residual that cannot be evaluated anywhere does not rule the solution out.
    """
    residuals = [sp.cancel(expression.subs(solution)) for expression in expressions]
    residuals = [residual for residual in residuals if residual != 0]
    if not residuals:
        return True
    values = list(solution.values())
    parameters = sorted(set().union(*(r.free_symbols for r in residuals + values)), key=str)
    generator = random.Random(20170101)
    checked = 0
    for _ in range(40):
        point = {p: sp.Rational(generator.randint(5, 195), 100) * (1 if p.is_nonnegative or generator.random() < 0.5 else -1)
                 for p in parameters}
        try:
            if any(abs(complex(sp.N(value.subs(point), 30)).imag) > 1e-20 for value in values):
                continue
            numbers = [complex(sp.N(residual.subs(point), 30)) for residual in residuals]
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if any(abs(number) > 1e-15 for number in numbers):
            return False
        checked += 1
        if checked == 2:
            return True
    return True


def _canonical_value(value: sp.Expr) -> sp.Expr:
    """A solution value with every square root's radicand cancelled and factored, its sign moved to the
    denominator, e.g. ``sqrt(-1/(w**2 - 2))`` as ``1/sqrt(2 - w**2)`` (equal where the root is real)."""
    replacements = {}
    for power in value.atoms(sp.Pow):
        if power.exp == sp.Rational(1, 2):
            numerator, denominator = sp.fraction(sp.factor(sp.cancel(power.base)))
            if numerator.could_extract_minus_sign():
                numerator, denominator = -numerator, sp.factor(-denominator)
            replacements[power] = (sp.sqrt(numerator) / sp.sqrt(denominator) if numerator.is_positive
                                   else sp.sqrt(numerator / denominator))
    return sp.cancel(value.xreplace(replacements))


def _cleaner_root(value: sp.Expr) -> sp.Expr:
    """``sqrt(v**2)`` simplified, when ``v`` is positive and that form is shorter.

    ``solve`` returns nested radicals whose factors cancel only under the square, e.g.
    ``sqrt((w**2 - 1)/((w - 1)(w + c)))/sqrt(w + 1)``.
    """
    if sign_under_radicals(value).is_positive is not True:
        return value
    square = sp.factor(sp.cancel(sp.expand(value**2)))
    candidate = sp.sqrt(square)
    return candidate if sp.count_ops(candidate) < sp.count_ops(value) else value


def _violates_assumptions(values: tuple, symbols: list) -> bool:
    for value, symbol in zip(values, symbols):
        signed = sign_under_radicals(value)
        if symbol.is_positive and (signed.is_nonpositive or value.is_nonpositive):
            return True
        if symbol.is_nonnegative and signed.is_negative:
            return True
        if symbol.is_real and value.is_real is False:
            return True
    return False
