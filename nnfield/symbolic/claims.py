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

import random
from dataclasses import dataclass, field
from typing import Callable

import sympy as sp

from nnfield.symbolic.lattice import ring_residual, same_ring_energy

__all__ = ["Comparison", "compare", "Claim", "Step", "Derivation", "STATUSES"]

#: The verdicts a claim can carry, in the vocabulary of the audit report.
STATUSES = ("reproduced", "erratum", "disputed", "unsupported", "untested")


@dataclass(frozen=True)
class Comparison:
    """How a printed form compares with a derived one.

    Attributes
    ----------
    equal : bool or None
        ``True`` if they agree, ``False`` if they provably differ, ``None`` if undecided.
    method : str
        How it was decided: ``"symbolic"`` (the difference simplifies to zero),
        ``"numeric"`` (agreement at random points, when simplification stalls), ``"ring"``
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
            variables=()) -> Comparison:
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
        additive constant, i.e. a difference free of ``variables``; ``"statement"`` two conditions
        (SymPy Booleans of switches) under which a statement holds, printed and derived: equal when
        the printed condition implies the derived one, i.e. wherever the paper says the statement
        holds, the derivation says so too. Implication rather than equivalence because papers state
        sufficient conditions: a derived condition weaker than the printed one (the statement holds
        more widely) does not contradict the paper.
    variables : sequence of sympy.Symbol
        With ``kind="constant"``: the variables the difference may not depend on.

    Examples
    --------
    >>> import sympy as sp
    >>> w, D = sp.symbols("sigma_w Delta_w", positive=True)
    >>> compare(D**2, (1 - w**2)**2, definitions={D: 1 - w**2}).equal
    True
    >>> compare(D, 1 - w, definitions={D: 1 - w**2}).equal
    False
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
        residual = sp.simplify(sp.expand_log(sp.expand(printed - derived), force=True))
        return Comparison(not (residual.free_symbols & set(variables)), "constant", residual)
    if kind == "set":
        difference = sp.SymmetricDifference(printed, derived).simplify()
        return Comparison(printed == derived, "set", difference)
    if kind == "ring":
        equal = same_ring_energy(printed, derived, fields, site)
        return Comparison(equal, "ring", ring_residual(printed, derived, fields, site))
    if kind != "expression":
        raise ValueError(f"kind must be 'expression', 'ring', 'relation', 'set', 'constant' or 'statement'; "
                         f"got {kind!r}")
    if isinstance(printed, sp.MatrixBase):
        residual = (sp.Matrix(printed) - sp.Matrix(derived)).applyfunc(_simplified)
        if residual.is_zero_matrix:
            return Comparison(True, "symbolic", sp.ImmutableMatrix(residual))
        numeric = [_agree_at_random_points(a, b) for a, b in zip(sp.Matrix(printed), sp.Matrix(derived))]
        if all(verdict is True for verdict in numeric):
            return Comparison(True, "numeric", sp.ImmutableMatrix(residual))
        equal = False if any(verdict is False for verdict in numeric) else None
        return Comparison(equal, "symbolic", sp.ImmutableMatrix(residual))
    residual = _simplified(printed - derived)
    if residual == 0:
        return Comparison(True, "symbolic", sp.Integer(0))
    numeric = _agree_at_random_points(printed, derived)
    if numeric is True:
        return Comparison(True, "numeric", residual)
    return Comparison(False if numeric is False else None, "symbolic", residual)


def _simplified(expression: sp.Expr) -> sp.Expr:
    """Simplify a difference, combining square roots as for positive radicands.

    A printed and a derived form are compared where both are real, i.e. where every even root
    has a positive radicand (see :func:`~nnfield.symbolic.conditions.reality_conditions`); there
    ``sqrt(a) sqrt(b) = sqrt(a b)`` holds, which SymPy will not assume on its own.
    """
    expanded = sp.expand(expression)
    if expanded == 0 or (not expanded.has(sp.Piecewise) and sp.cancel(expanded) == 0):  # an identity of fractions
        return sp.Integer(0)
    first = sp.simplify(expanded)
    if first == 0:
        return first
    return sp.simplify(sp.powsimp(sp.expand(first), force=True))


def _compare_relations(printed, derived) -> Comparison:
    symbols = printed.free_symbols | derived.free_symbols
    if len(symbols) != 1:
        same = sp.simplify(sp.Equivalent(printed, derived))
        return Comparison(same is sp.true if same in (sp.true, sp.false) else None, "relation",
                          sp.Equivalent(printed, derived))
    (symbol,) = symbols
    domain = sp.Interval.open(0, sp.oo) if symbol.is_positive else sp.S.Reals
    first = sp.solve_univariate_inequality(printed, symbol, relational=False) & domain
    second = sp.solve_univariate_inequality(derived, symbol, relational=False) & domain
    difference = sp.SymmetricDifference(first, second).simplify()
    return Comparison(first == second, "relation", difference)


def _compare_statements(printed, derived) -> Comparison:
    for name, condition in (("printed", printed), ("derived", derived)):
        if not isinstance(condition, sp.logic.boolalg.Boolean) or isinstance(condition, sp.core.relational.Relational):
            raise TypeError(f"a statement's {name} form must be a SymPy Boolean of switches (e.g. relu & hinge_loss, "
                            f"or sympy.true for 'always'); got {condition!r}")
    counterexamples = sp.simplify_logic(printed & ~derived)
    return Comparison(counterexamples == sp.false, "statement", counterexamples)


def _agree_at_random_points(first, second, points=8, tolerance=1e-9) -> bool | None:
    """Evaluate both at random positive points; ``None`` if they cannot be evaluated.

    Fields and their derivatives (undefined functions) are treated as independent variables.
    """
    stand_ins = {}
    for expression in (first, second):
        for atom in sorted(expression.atoms(sp.Derivative), key=lambda d: -d.derivative_count):
            stand_ins.setdefault(atom, sp.Dummy("slope", positive=True))
    for expression in (first, second):
        for atom in expression.atoms(sp.core.function.AppliedUndef):
            stand_ins.setdefault(atom, sp.Dummy("field", positive=True))
    first, second = first.subs(stand_ins), second.subs(stand_ins)
    symbols = sorted((first.free_symbols | second.free_symbols), key=str)
    generator = random.Random(20170101)
    for _ in range(points):
        values = {s: sp.Rational(generator.randint(5, 95), 100) for s in symbols}
        try:
            a = complex(sp.N(first.subs(values), 30))
            b = complex(sp.N(second.subs(values), 30))
        except (TypeError, ValueError):
            return None
        if abs(a - b) > tolerance * max(1.0, abs(a), abs(b)):
            return False
    return True


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
    statement : bool
        ``True`` for a statement the paper makes in words (e.g. "the Hessian spectrum is
        symmetric"), whose printed and derived forms are the conditions under which it holds
        (``compare(..., kind="statement")``). A contradicted statement is ``unsupported`` rather
        than ``disputed`` (see :meth:`status`).
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

    @property
    def printed_latex(self) -> str:
        return sp.latex(self.printed)

    @property
    def derived_latex(self) -> str:
        return sp.latex(self.derived)

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
            for the derived form (``True``), for the printed one (``False``), or was not run.

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
    predictor : callable
        ``predictor(**parameters)`` returns the numeric predictions (see :meth:`predict`).
    """

    paper: str
    title: str
    steps: tuple[Step, ...]
    claims: tuple[Claim, ...]
    predictor: Callable = field(repr=False, compare=False)

    def predict(self, **parameters):
        """Numeric predictions at the given parameters (the paper module documents which)."""
        return self.predictor(**parameters)

    def claim(self, equation: str) -> Claim:
        """The claim printed as ``equation`` (its main number or one in ``also``)."""
        for claim in self.claims:
            if equation == claim.equation or equation in claim.also:
                return claim
        numbers = ", ".join(claim.equation for claim in self.claims)
        raise KeyError(f"no claim for equation {equation!r} in {self.paper}; the claims are: {numbers}")

    def to_text(self) -> str:
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
            lines.append(f"eq. {claim.equation}: {claim.title}: {claim.status()}")
            lines.append(f"   printed: {sp.sstr(claim.printed)}")
            lines.append(f"   derived: {sp.sstr(claim.derived)}")
        return "\n".join(lines)

    def to_latex(self) -> str:
        """A LaTeX fragment (an ``enumerate`` of steps and a list of claims) for a report."""
        lines = [rf"\subsection*{{{self.title}}}", r"\begin{enumerate}"]
        for step in self.steps:
            label = f" (eq.~{step.equation})" if step.equation else ""
            lines.append(rf"\item {step.title}{label}: \[ {sp.latex(step.result)} \]")
        lines.append(r"\end{enumerate}")
        for claim in self.claims:
            lines.append(
                rf"\paragraph{{Eq.~{claim.equation}: {claim.title}}} {claim.status()}."
                rf" Printed: \[ {claim.printed_latex} \] Derived: \[ {claim.derived_latex} \]"
            )
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
