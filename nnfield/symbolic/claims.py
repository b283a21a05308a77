"""Claims (a printed equation beside its derived form) and derivations (ordered steps + claims).

A printed equation is a claim to test: the paper's form is transcribed with a quote of its
LaTeX, the engine derives its own form, and :func:`compare` decides whether they agree after
the paper's definitions (e.g. :math:`\\Delta_w = 1 - \\sigma_w^2`) are substituted.

A statement the paper makes in words ("the same-layer Hessian blocks vanish") is a claim too: its
printed form is the condition under which the paper says it holds (a SymPy Boolean of switches such
as ``hinge_loss`` or ``relu``; ``sympy.true`` for "always"), its derived form the condition under
which the engine derives it, and ``compare(..., kind="statement")`` asks whether the first implies
the second. A statement contradicted by the derivation is ``unsupported`` (see :meth:`Claim.status`).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

import numpy as np
import sympy as sp

from nnfield.symbolic.abbreviations import abbreviate
from nnfield.symbolic.conditions import cancel_where_real, reality_conditions, simplify_under, solved_inequality
from nnfield.symbolic.differences import Difference, term_differences
from nnfield.symbolic.latex import display_lines, display_math, escape_text
from nnfield.symbolic.lattice import _cancelled, _has_fields, ring_residual

__all__ = ["Comparison", "compare", "agree_at_sample_points", "Claim", "ClaimFactory", "Step", "Derivation", "STATUSES"]

#: The verdicts a claim can carry, in the vocabulary of the audit report.
#: ``simulation not run`` is not a verdict: the record of a claim that a check decides, when the check did not run.
STATUSES = ("reproduced", "erratum", "disputed", "unsupported", "untested", "simulation not run")


@dataclass(frozen=True)
class Comparison:
    """How a printed form compares with a derived one.

    Attributes
    ----------
    equal : bool or None
        ``True`` if they agree, ``False`` if they provably differ, ``None`` if undecided.
    method : str
        How it was decided: ``"symbolic"`` (the difference simplifies to zero, or does not and no
        sample point could be evaluated), ``"numeric"`` (decided only at sample points drawn from the
        symbols' assumptions and the claim's domain: agreement at all of them, or a disagreement), ``"ring"``
        (energies equal up to shifts of terms along the ring and constants), ``"relation"``
        (two inequalities with the same solution set), ``"set"`` (equal finite sets), ``"constant"``
        (equal up to an additive constant), ``"statement"`` (the printed condition implies the
        derived one).
    residual : sympy.Basic
        The simplified difference (zero when equal); for ``"statement"`` the cases in which the
        paper says the statement holds and the derivation says it does not (``false`` when equal).
    """

    equal: bool | None
    method: str
    residual: sp.Basic


def compare(printed, derived, *, definitions=None, kind="expression", site=None, fields=None,
            variables=(), domain=None) -> Comparison:
    """Compare a printed form with a derived one.

    Parameters
    ----------
    printed, derived : sympy.Basic
    definitions : dict, optional
        The paper's abbreviations, substituted into ``printed`` first.
    kind : {"expression", "ring", "relation", "set", "constant", "statement"}
        ``"ring"`` compares two site energies up to ring shifts and additive constants (give
        ``site`` and ``fields``); ``"relation"`` compares two single-variable inequalities;
        ``"set"`` two finite sets (e.g. of symmetries); ``"constant"`` two energies up to an
        additive constant, i.e. a difference free of ``variables`` (which must be given: with none,
        every difference would be a "constant"); ``"statement"`` two conditions (SymPy Booleans of
        switches) under which a statement holds, printed and derived: equal when the printed condition
        implies the derived one, i.e. wherever the paper says the statement holds, the derivation says
        so too. Implication rather than equivalence because papers state sufficient conditions: a
        derived condition weaker than the printed one (the statement holds more widely) does not
        contradict the paper.
    variables : sequence of sympy.Symbol
        With ``kind="constant"``: the variables the difference may not depend on.
    domain : sympy Boolean, optional
        Where the paper states the result (e.g. ``sigma_w**2 < 2``). Sample points of a numeric
        comparison are drawn from the symbols' assumptions (positive, real, integer, or complex when
        nothing is assumed) and kept only inside ``domain`` and where both forms are defined (real, when
        every symbol is real).

    Notes
    -----
    An expression comparison is decided symbolically when the difference simplifies to zero
    (``method="symbolic"``). Otherwise both forms are evaluated at sample points; agreement at every
    point gives ``equal=True`` with ``method="numeric"`` (decided at sample points only), a
    disagreement at one point ``equal=False``, and too few admissible points ``equal=None``. No
    identity that holds only for some values of the symbols (such as ``sqrt(a) sqrt(b) = sqrt(a b)``)
    is applied: where it holds on the domain, the sample points show it.

    Examples
    --------
    >>> import sympy as sp
    >>> w, D = sp.symbols("sigma_w Delta_w", positive=True)
    >>> compare(D**2, (1 - w**2)**2, definitions={D: 1 - w**2}).equal
    True
    >>> compare(D, 1 - w, definitions={D: 1 - w**2}).equal
    False
    >>> x = sp.Symbol("x", real=True)
    >>> compare(sp.Abs(x), x).equal
    False
    >>> compare(sp.Abs(x), x, domain=x > 0).equal, compare(sp.Abs(x), x, domain=x > 0).method
    (True, 'numeric')
    >>> relu, hinge, biases = sp.symbols("relu hinge_loss biases")
    >>> compare(relu & hinge & ~biases, relu & hinge, kind="statement").equal
    True
    >>> compare(sp.true, relu, kind="statement").residual
    ~relu
    """
    printed = sp.sympify(printed)
    if definitions:
        printed = printed.subs(definitions)
    if kind == "relation":
        return _compare_relations(printed, derived)
    if kind == "statement":
        return _compare_statements(printed, sp.sympify(derived))
    if kind == "constant":
        if not variables:
            raise ValueError("kind='constant' needs the variables the difference may not depend on "
                             "(e.g. variables=[z, phi]); with none, any two expressions would compare equal")
        residual = _constant_residual(printed - derived, set(variables))
        return Comparison(not (residual.free_symbols & set(variables)), "constant", residual)
    if kind == "set":
        difference = sp.SymmetricDifference(printed, derived).simplify()
        return Comparison(printed == derived, "set", difference)
    if kind == "ring":
        residual = ring_residual(printed, derived, fields, site)  # once: same_ring_energy would derive it again
        return Comparison(not _has_fields(residual, fields), "ring", residual)
    if kind != "expression":
        raise ValueError(f"kind must be 'expression', 'ring', 'relation', 'set', 'constant' or 'statement'; "
                         f"got {kind!r}")
    condition = sp.true if domain is None else sp.sympify(domain)
    if isinstance(printed, sp.MatrixBase):
        residual = (sp.Matrix(printed) - sp.Matrix(derived)).applyfunc(_simplified)
        if residual.is_zero_matrix:
            return Comparison(True, "symbolic", sp.ImmutableMatrix(residual))
        pairs = [(a, b) for a, b, r in zip(sp.Matrix(printed), sp.Matrix(derived), residual) if r != 0]
        numeric = agree_at_sample_points(sp.Matrix([a for a, _ in pairs]), sp.Matrix([b for _, b in pairs]), condition)
        equal = numeric if numeric is not True else True
        return Comparison(equal, "numeric" if numeric is not None else "symbolic", sp.ImmutableMatrix(residual))
    residual = _simplified(printed - derived)
    if residual == 0:
        return Comparison(True, "symbolic", sp.Integer(0))
    numeric = agree_at_sample_points(printed, derived, condition)
    return Comparison(numeric, "numeric" if numeric is not None else "symbolic", residual)


def _constant_residual(difference: sp.Expr, variables: set) -> sp.Expr:
    """The simplified difference of two energies, simplifying only the constant when the variables cancel.

    As for a ring's residual (:func:`~nnfield.symbolic.lattice.ring_residual`): logarithms split into logarithms
    of factors and the other terms over one denominator leave, for energies equal up to a constant, the constant
    alone, which is then simplified; otherwise the whole difference is.
    """
    quick = _cancelled(difference)
    if not quick.free_symbols & variables:
        return sp.simplify(quick)
    return sp.simplify(sp.expand_log(sp.expand(difference), force=True))


def _simplified(expression: sp.Expr) -> sp.Expr:
    """The difference of two forms, simplified where both are real.

    Identities valid for the symbols' assumptions are used; radicals are combined only under the
    conditions that make them real (:func:`~nnfield.symbolic.conditions.reality_conditions`), the
    domain on which a paper writes them. The result is for display and for the symbolic verdict only
    when it is zero; a nonzero difference is decided at sample points.
    """
    expanded = sp.expand(expression)
    if expanded == 0 or (not expanded.has(sp.Piecewise) and sp.cancel(expanded) == 0):  # an identity of fractions
        return sp.Integer(0)
    if not expanded.has(sp.Piecewise) and _has_roots(expanded):  # roots that cancel where they are real
        value = cancel_where_real(expanded)
        if value.is_Number and agree_at_sample_points(expanded, value, points=1) is True:  # real somewhere
            return value
    simplified = sp.simplify(expanded)
    if simplified != 0 and _has_roots(simplified):
        condition = sp.And(*reality_conditions(simplified))
        if condition not in (sp.true, sp.false):
            simplified = simplify_under(simplified, condition)
    return simplified


def _has_roots(expression: sp.Expr) -> bool:
    """Whether ``expression`` has a power whose exponent is not an integer."""
    return any(power.exp.is_integer is False for power in expression.atoms(sp.Pow))


def _compare_relations(printed, derived) -> Comparison:
    symbols = printed.free_symbols | derived.free_symbols
    if len(symbols) != 1:
        same = sp.simplify(sp.Equivalent(printed, derived))
        return Comparison(same is sp.true if same in (sp.true, sp.false) else None, "relation",
                          sp.Equivalent(printed, derived))
    (symbol,) = symbols
    domain = sp.Interval.open(0, sp.oo) if symbol.is_positive else sp.S.Reals
    first = solved_inequality(printed, symbol) & domain
    second = solved_inequality(derived, symbol) & domain
    difference = sp.SymmetricDifference(first, second).simplify()
    return Comparison(first == second, "relation", difference)


def _compare_statements(printed, derived) -> Comparison:
    for name, condition in (("printed", printed), ("derived", derived)):
        if not isinstance(condition, sp.logic.boolalg.Boolean) or isinstance(condition, sp.core.relational.Relational):
            raise TypeError(f"a statement's {name} form must be a SymPy Boolean of switches (e.g. relu & hinge_loss, "
                            f"or sympy.true for 'always'); got {condition!r}")
    counterexamples = sp.simplify_logic(printed & ~derived)
    return Comparison(counterexamples == sp.false, "statement", counterexamples)


def _sample_value(symbol: sp.Symbol, generator: random.Random):
    """A value drawn from what ``symbol`` is assumed to be: integer, positive, non-negative, real or complex."""
    if symbol.is_integer:
        low = 1 if symbol.is_positive else (0 if symbol.is_nonnegative else -6)
        return sp.Integer(generator.randint(low, 9))
    magnitude = sp.Rational(generator.randint(5, 300), 100)
    if symbol.is_positive or symbol.is_nonnegative:
        return magnitude
    sign = generator.choice((-1, 1))
    if symbol.is_real or symbol.is_extended_real:
        return sign * magnitude
    return sign * magnitude + sp.I * sp.Rational(generator.randint(-300, 300), 100)


def agree_at_sample_points(first, second, domain=sp.true, points=8, attempts=200,
                           tolerance=1e-9) -> bool | None:
    """Whether two forms agree at ``points`` sample points of their common domain.

    Values are drawn for each free symbol from its assumptions (see :func:`compare`); a point is
    admissible when it satisfies ``domain``, both forms evaluate to finite numbers there, and, when
    every symbol is real, both forms are defined as real functions there: every fractional power has a
    non-negative base and every logarithm a positive argument (complex values such as
    :math:`e^{iq}` are allowed; branch cuts are not crossed). Fields and their derivatives (undefined
    functions) are treated as independent real variables. Returns ``False`` at the first
    disagreement, ``True`` after ``points`` agreements, ``None`` when fewer than ``points`` admissible
    points were found in ``attempts`` draws.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> agree_at_sample_points(sp.sqrt(x**2), x)
    False
    >>> agree_at_sample_points(sp.sqrt(x**2), x, x > 0)
    True
    """
    first, second = sp.sympify(first), sp.sympify(second)
    stand_ins = {}
    for expression in (first, second):
        for atom in sorted(expression.atoms(sp.Derivative), key=lambda d: -d.derivative_count):
            stand_ins.setdefault(atom, sp.Dummy("slope", real=True))
    for expression in (first, second):
        for atom in expression.atoms(sp.core.function.AppliedUndef):
            stand_ins.setdefault(atom, sp.Dummy("field", real=True))
    first, second = first.subs(stand_ins), second.subs(stand_ins)
    domain = sp.sympify(domain).subs(stand_ins)
    symbols = sorted(first.free_symbols | second.free_symbols | domain.free_symbols, key=str)
    branch_points = _branch_arguments(first) + _branch_arguments(second) if all(s.is_real for s in symbols) else []
    generator = random.Random(20170101)
    agreed = 0
    for _ in range(attempts):
        values = {s: _sample_value(s, generator) for s in symbols}
        if domain.subs(values) is not sp.true or not _on_real_branches(branch_points, values):
            continue
        try:
            a = _evaluate(first, values)
            b = _evaluate(second, values)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue
        if a is None or b is None:
            continue
        if np.any(np.abs(a - b) > tolerance * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))):
            return False
        agreed += 1
        if agreed == points:
            return True
    return None


def _branch_arguments(expression) -> list:
    """Bases of fractional powers (must be >= 0) and arguments of logarithms (must be > 0)."""
    bases = [(power.base, False) for power in expression.atoms(sp.Pow) if power.exp.is_integer is not True]
    return bases + [(logarithm.args[0], True) for logarithm in expression.atoms(sp.log)]


def _on_real_branches(arguments, values) -> bool:
    for argument, strict in arguments:
        value = complex(sp.N(argument.subs(values), 20))
        if abs(value.imag) > 1e-15 * max(1.0, abs(value.real)):
            continue  # a complex base (e.g. exp(i q)) is not a real branch cut
        if value.real < 0 or (strict and value.real == 0):
            return False
    return True


def _evaluate(expression, values):
    """``expression`` at ``values`` as a complex array (rounding-level imaginary parts dropped), or None if not finite."""
    value = expression.subs(values)
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    numbers = []
    for entry in entries:
        number = complex(sp.N(entry, 30))
        if not (np.isfinite(number.real) and np.isfinite(number.imag)):
            return None
        if abs(number.imag) <= 1e-20 * max(1.0, abs(number.real)):
            number = complex(number.real, 0.0)
        numbers.append(number)
    array = np.array(numbers)
    return array.real if not np.iscomplex(array).any() else array


@dataclass(frozen=True)
class Claim:
    """A printed equation of a paper beside the derived form.

    Attributes
    ----------
    paper : str
        The paper's short id (see ``shared/papers/README.md``).
    equation : str
        The printed number where the result appears in the main text, otherwise the appendix
        number or a short section label.
    also : tuple of str
        Other numbers under which the paper prints the same result.
    title : str
    quote : str
        The printed LaTeX, quoted from the paper.
    printed : sympy.Basic
        The printed form transcribed as SymPy (never used to build ``derived``).
    derived : sympy.Basic
        The form the engine derived from the model's definitions.
    comparison : Comparison
    note : str
        Conventions converted, approximations the paper makes, anything a reader should know.
    limit : str
        For a statement about a limit ("for large width", "as N -> infinity"): the limit, in words. The
        comparison then holds at finite size, and the claim is decided by a measured trend (a fitted
        exponent with its standard error over at least four sizes): if the difference from the printed
        form vanishes in the limit, the claim is ``reproduced`` (see :meth:`status`).
    statement : bool
        ``True`` for a statement the paper makes in words (e.g. "the Hessian spectrum is
        symmetric"), whose printed and derived forms are the conditions under which it holds
        (``compare(..., kind="statement")``). A contradicted statement is ``unsupported`` rather
        than ``disputed`` (see :meth:`status`).
    abbreviations : mapping of sympy.Symbol to sympy.Expr
        The paper's abbreviations that the printed form uses (``{D: 1 - a**2}``): the
        derived form is shown in them (:attr:`derived_in_paper_variables`) and a check that compiles the
        printed form writes them out.
    """

    paper: str
    equation: str
    also: tuple[str, ...]
    title: str
    quote: str
    printed: sp.Basic
    derived: sp.Basic
    comparison: Comparison
    note: str = ""
    statement: bool = False
    limit: str = ""
    abbreviations: Mapping = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def derived_in_paper_variables(self) -> sp.Basic:
        """The derived form, equal to :attr:`derived`, written with the paper's :attr:`abbreviations`."""
        return abbreviate(self.derived, self.abbreviations)

    @property
    def printed_latex(self) -> str:
        return sp.latex(self.printed)

    @property
    def differences(self) -> tuple:
        """What differs between the printed and derived forms, term by term (empty when they agree).

        See :func:`~nnfield.symbolic.differences.term_differences`; a statement (or a comparison of
        relations or sets) differs as a whole.
        """
        if self.comparison.equal is True:
            return ()
        if self.statement or self.comparison.method in ("relation", "set", "statement"):
            return (Difference(None, self.printed, self.derived),)
        found = term_differences(self.printed, self.derived)
        if self.comparison.method == "constant":  # compared up to an additive constant: that term does not count
            found = tuple(difference for difference in found if difference.term != 1)
        return found

    def difference_note(self) -> str:
        """One sentence per difference, generated from :attr:`differences` (empty when they agree)."""
        return "; ".join(difference.sentence() for difference in self.differences)

    @property
    def derived_latex(self) -> str:
        """The derived form in LaTeX, in the paper's variables."""
        return sp.latex(self.derived_in_paper_variables)

    def status(self, simulation_supports_derived: bool | None = None) -> str:
        """``reproduced``, ``erratum``, ``disputed``, ``unsupported`` or ``untested`` (see the audit's vocabulary).

        ``untested`` is for a comparison SymPy could not decide (neither simplification nor
        evaluation at random points settled it). A printed *equation* that differs from the derived
        form is an ``erratum`` once a simulation sides with the derivation, ``disputed`` until then.
        A *statement* (``statement=True``) contradicted by the derivation is ``unsupported``, unless
        a simulation decided for the printed form, in which case derivation and measurement
        disagree and it is ``disputed``.

        Parameters
        ----------
        simulation_supports_derived : bool, optional
            For a claim whose printed and derived forms differ: whether a simulation decided
            for the derived form (``True``), for the printed one (``False``), or was not run. For a
            claim about a limit, ``False`` means the measured trend shows the difference vanish in the limit.

        Examples
        --------
        >>> import sympy as sp
        >>> relu = sp.Symbol("relu")
        >>> claim = Claim("p", "s", (), "holds for every activation", "", sp.true, relu,
        ...               compare(sp.true, relu, kind="statement"), statement=True)
        >>> claim.status(), claim.status(simulation_supports_derived=False)
        ('unsupported', 'disputed')
        """
        if self.comparison.equal:
            return "reproduced"
        if self.comparison.equal is None:
            return "untested"
        if self.limit and simulation_supports_derived is False:
            return "reproduced"  # exact only in the limit, and the measured trend shows the difference vanish there
        if self.statement:
            return "disputed" if simulation_supports_derived is False else "unsupported"
        if simulation_supports_derived is True:
            return "erratum"
        return "disputed"

    def _repr_latex_(self) -> str:
        verdict = "=" if self.comparison.equal else (r"\neq" if self.comparison.equal is False else "?")
        return (
            rf"$\text{{{self.paper} eq. {self.equation}: {self.title}}}\quad "
            rf"\underbrace{{{self.printed_latex}}}_{{\text{{printed}}}} {verdict} "
            rf"\underbrace{{{self.derived_latex}}}_{{\text{{derived}}}}$"
        )


@dataclass(frozen=True)
class ClaimFactory:
    """The one way a paper makes its claims: its id and quotes fixed, each claim compared with :func:`compare`.

    Calling the factory with ``(key, equation, title, printed, derived)`` gives the :class:`Claim` of
    equation ``equation`` whose quote is ``quotes[key]``; ``also``, ``note``, ``statement`` and
    ``limit`` are the claim's fields, every other keyword goes to :func:`compare` (after the
    factory's ``options``). A statement (``statement=True``) is compared with ``kind="statement"``.

    Attributes
    ----------
    paper : str
        The paper's short id.
    quotes : Mapping
        The printed LaTeX of each claim, by key.
    options : Mapping
        Keywords every comparison of the paper takes (e.g. its ``definitions``, the paper's abbreviations,
        which become the claims' :attr:`Claim.abbreviations`).

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> claim = ClaimFactory("mine", {"square": "(x+1)^2"})
    >>> made = claim("square", "1", "a square", (x + 1)**2, x**2 + 2*x + 1)
    >>> made.paper, made.quote, made.status()
    ('mine', '(x+1)^2', 'reproduced')
    >>> claim("cube", "2", "a cube", x**3, x**3)
    Traceback (most recent call last):
    ...
    KeyError: "no quote under the key 'cube' in mine's quotes; keys: ['square']"
    """

    paper: str
    quotes: Mapping[str, str]
    options: Mapping = field(default_factory=dict)

    def __call__(self, key: str, equation: str, title: str, printed, derived, *, also=(), note: str = "",
                 statement: bool = False, limit: str = "", **options) -> Claim:
        if key not in self.quotes:
            raise KeyError(f"no quote under the key {key!r} in {self.paper}'s quotes; keys: {sorted(self.quotes)}")
        options = {**self.options, **options}
        if statement:
            options.setdefault("kind", "statement")
        return Claim(self.paper, equation, tuple(also), title, self.quotes[key], printed, derived,
                     compare(printed, derived, **options), note, statement, limit,
                     abbreviations=options.get("definitions", {}))


@dataclass(frozen=True)
class Step:
    """One step of a derivation: what was done and what it gave.

    Attributes
    ----------
    title : str
    result : sympy.Basic
        The expression the step produced.
    equation : str
        The paper's equation number for this step, if any.
    note : str
    """

    title: str
    result: sp.Basic
    equation: str = ""
    note: str = ""

    def _repr_latex_(self) -> str:
        return rf"$\text{{{self.title}:}}\quad {sp.latex(self.result)}$"


@dataclass(frozen=True)
class Derivation:
    """A paper's result derived step by step, with the claims it checks.

    Attributes
    ----------
    paper : str
    title : str
    steps : tuple of Step
    claims : tuple of Claim
    predictor : callable or None
        The paper module's compiled predictor, a function with keyword parameters and a frozen result
        (e.g. ``predict(*, a, b, order=0) -> SomePrediction``); ``None`` for a
        derivation that predicts no number. :attr:`predict` is this function itself, so its signature
        and docstring are what ``help(ring.predict)`` shows.
    results : mapping of str to object
        The engine's results by name (``model``, ``saddle``, ``fluctuations``, ``kernel``, ``eft``, ...;
        the paper module documents which), read as attributes: ``ring.saddle``, ``ring.kernel``. Steps
        and claims are views of these; nothing needs to find a result by a step's title or position.

    Examples
    --------
    >>> import sympy as sp
    >>> a = sp.Symbol("a")
    >>> def predict(*, a: float) -> float:
    ...     return a**2
    >>> derivation = Derivation("p", "a toy", (Step("square", a**2),), (), predictor=predict, results={"square": a**2})
    >>> derivation.square
    a**2
    >>> derivation.predict(a=3.0)
    9.0
    >>> import inspect; list(inspect.signature(derivation.predict).parameters)
    ['a']
    >>> derivation.kernel
    Traceback (most recent call last):
    ...
    AttributeError: the derivation 'a toy' has no result 'kernel'; its named results are: square
    """

    paper: str
    title: str
    steps: tuple[Step, ...]
    claims: tuple[Claim, ...]
    predictor: Callable | None = field(default=None, repr=False, compare=False)
    results: Mapping[str, object] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "results", MappingProxyType(dict(self.results)))

    def __getattr__(self, name):
        if name.startswith("__") or name == "results":
            raise AttributeError(name)
        results = self.__dict__.get("results", {})
        if name in results:
            return results[name]
        raise AttributeError(f"the derivation {self.title!r} has no result {name!r}; its named results are: "
                             f"{', '.join(results) or 'none'}")

    @property
    def predict(self) -> Callable:
        """The typed predictor: keyword parameters in, a frozen result out (the paper module documents which).

        For a derivation that predicts no number (an identity between laws, say), calling it raises a
        ValueError that names the derivation's results instead.
        """
        if self.predictor is not None:
            return self.predictor
        message = (f"the derivation {self.title!r} predicts no number; its named results are: "
                   f"{', '.join(self.results) or 'none'}")

        def predicts_nothing(*arguments, **parameters):
            raise ValueError(message)

        return predicts_nothing

    def claim(self, equation: str) -> Claim:
        """The claim printed as ``equation`` (its main number or one in ``also``)."""
        for claim in self.claims:
            if equation == claim.equation or equation in claim.also:
                return claim
        numbers = ", ".join(claim.equation for claim in self.claims)
        raise KeyError(f"no claim for equation {equation!r} in {self.paper}; the claims are: {numbers}")

    def to_text(self, statuses: Mapping[str, str] | None = None) -> str:
        """A plain-text account: each step, then each claim with its verdict."""
        lines = [f"{self.title} ({self.paper})", ""]
        for number, step in enumerate(self.steps, 1):
            label = f" [eq. {step.equation}]" if step.equation else ""
            lines.append(f"{number}. {step.title}{label}")
            lines.append(f"   {sp.sstr(step.result)}")
            if step.note:
                lines.append(f"   note: {step.note}")
        lines.append("")
        for claim in self.claims:
            lines.append(f"eq. {claim.equation}: {claim.title}: {(statuses or {}).get(claim.equation, claim.status())}")
            lines.append(f"   printed: {sp.sstr(claim.printed)}")
            lines.append(f"   derived: {sp.sstr(claim.derived_in_paper_variables)}")
        return "\n".join(lines)

    def to_latex(self, statuses: Mapping[str, str] | None = None) -> str:
        """A LaTeX fragment for a document: each step, then each claim with its verdict.

        Text is escaped; formulas are displayed with :func:`~nnfield.symbolic.latex.display_math`, so
        the document needs ``amsmath``, ``graphicx``, ``breqn`` and
        :data:`~nnfield.symbolic.latex.FORMULA_MACROS` in its preamble.
        """
        lines = [rf"\subsection*{{{escape_text(self.title)}}}", r"\begin{enumerate}"]
        for step in self.steps:
            label = f" (eq. {step.equation})" if step.equation else ""
            lines.append(rf"\item {escape_text(step.title + label)}:")
            lines += [display_math(line) for line in display_lines(step.result)]
        lines.append(r"\end{enumerate}")
        for claim in self.claims:
            status = (statuses or {}).get(claim.equation, claim.status())
            lines.append(rf"\paragraph{{{escape_text(f'eq. {claim.equation}: {claim.title}')}.}} {status}. "
                         "Printed:")
            lines += [display_math(line) for line in display_lines(claim.printed)]
            lines.append("Derived:")
            lines += [display_math(line) for line in display_lines(claim.derived_in_paper_variables)]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        lines = [f"### {self.title}", ""]
        for number, step in enumerate(self.steps, 1):
            label = f" (eq. {step.equation})" if step.equation else ""
            lines.append(f"{number}. **{step.title}**{label}: $${sp.latex(step.result)}$$")
        lines.append("")
        lines.append("| eq. | claim | printed | derived | status |")
        lines.append("|---|---|---|---|---|")
        for claim in self.claims:
            lines.append(
                f"| {claim.equation} | {claim.title} | ${claim.printed_latex}$ | "
                f"${claim.derived_latex}$ | {claim.status()} |"
            )
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        rows = r"\\ ".join(
            rf"&\text{{{step.title}}}: && {sp.latex(step.result)}" for step in self.steps
        )
        return rf"$\begin{{aligned}}{rows}\end{{aligned}}$"
