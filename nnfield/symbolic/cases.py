"""Conditions derived case by case: where a statement holds, as a Boolean of model switches.

A statement about a family of models ("the same-layer Hessian blocks vanish") is decided on each
model of the family, one combination of switches (``relu``, ``hinge_loss``, ...) at a time; the
combinations where it holds make up its condition,

.. math:: C(s_1, \\dots, s_k) = \\bigvee_{\\text{cases where it holds}} \\bigwedge_j s_j^{\\pm},

simplified to a minimal sum of products. :func:`~nnfield.symbolic.claims.compare` with
``kind="statement"`` then tests a paper's condition against it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import sympy as sp

__all__ = ["CaseTable", "condition_from_cases"]


@dataclass(frozen=True)
class CaseTable:
    """A statement decided on every combination of switches.

    Attributes
    ----------
    switches : tuple of sympy.Symbol
    cases : tuple of (dict, bool)
        Each combination of switch values (symbol -> bool) with the statement's verdict there.
    condition : sympy.logic.boolalg.Boolean
        The simplified disjunction of the combinations where the statement holds.
    """

    switches: tuple[sp.Symbol, ...]
    cases: tuple[tuple[dict, bool], ...]
    condition: sp.logic.boolalg.Boolean

    def verdict(self, **values: bool) -> bool:
        """The verdict of the case with the given switch values (by switch name)."""
        for assignment, verdict in self.cases:
            if {symbol.name: value for symbol, value in assignment.items()} == values:
                return verdict
        names = ", ".join(symbol.name for symbol in self.switches)
        raise KeyError(f"no case {values!r}; give one bool for each of: {names}")


def condition_from_cases(holds: Callable[..., bool | None], switches) -> CaseTable:
    """Decide ``holds`` on every combination of ``switches`` and collect where it is true.

    Parameters
    ----------
    holds : callable
        ``holds(**{switch.name: bool, ...})`` returns ``True`` or ``False`` for that model (a
        counterexample must be exhibited for ``False``); ``None`` (undecided) is refused, since
        the condition would then be a guess.
    switches : sequence of sympy.Symbol
        The Boolean switches of the family of models.

    Returns
    -------
    CaseTable

    Examples
    --------
    >>> import sympy as sp
    >>> relu, hinge = sp.symbols("relu hinge_loss")
    >>> table = condition_from_cases(lambda relu, hinge_loss: relu and hinge_loss, [relu, hinge])
    >>> table.condition
    hinge_loss & relu
    >>> table.verdict(relu=True, hinge_loss=False)
    False
    """
    switches = tuple(switches)
    if not switches or not all(isinstance(switch, sp.Symbol) for switch in switches):
        raise TypeError(f"switches must be a non-empty sequence of sympy Symbols; got {switches!r}")
    cases, minterms = [], []
    for values in itertools.product((False, True), repeat=len(switches)):
        assignment = dict(zip(switches, values))
        verdict = holds(**{switch.name: value for switch, value in assignment.items()})
        if verdict is None or not isinstance(verdict, (bool, sp.logic.boolalg.BooleanAtom)):
            raise ValueError(f"the statement could not be decided for {assignment!r} (got {verdict!r}); "
                             "every case needs True or False")
        verdict = bool(verdict)
        cases.append((assignment, verdict))
        if verdict:
            minterms.append([int(value) for value in values])
    condition = sp.simplify_logic(sp.SOPform(switches, minterms)) if minterms else sp.false
    return CaseTable(switches, tuple(cases), condition)
