"""Questions a paper asks of another, answered by derivation and measurement.

A :class:`Question` is to a critique what a :class:`~nnfield.symbolic.claims.Claim` is to a paper: the
quoted question, the steps the engine derived to answer it, the answer in words built from those
results, and the names of the numerical checks whose evidence bears on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from nnfield.symbolic.claims import Step
from nnfield.symbolic.latex import display_lines, display_math, escape_text

__all__ = ["Question"]


@dataclass(frozen=True)
class Question:
    """A question with its computed answer.

    Attributes
    ----------
    paper : str
        The paper that asks (its short id).
    label : str
        A short name for the question.
    quote : str
        The question as the paper puts it.
    steps : tuple of Step
        What was derived to answer it.
    answer : str
        The answer, written from the derived results (numbers and formulas are computed, not typed).
    checks : tuple of str
        Names of the numerical checks whose evidence bears on the answer.

    Examples
    --------
    >>> question = Question("critique", "dimension", "why is eta a mass?", (Step("[eta]", sp.Integer(1)),),
    ...                     "it is one", ())
    >>> question.to_text().splitlines()[0]
    'dimension: why is eta a mass?'
    """

    paper: str
    label: str
    quote: str
    steps: tuple[Step, ...]
    answer: str
    checks: tuple[str, ...] = ()

    def to_text(self) -> str:
        """The question, each derived step, and the answer, as plain text."""
        lines = [f"{self.label}: {self.quote}"]
        lines += [f"   {step.title}: {sp.sstr(step.result)}" for step in self.steps]
        lines.append(f"   answer: {self.answer}")
        return "\n".join(lines)

    def to_latex(self) -> str:
        """The question, each derived step, and the answer, as a LaTeX fragment (see :meth:`Derivation.to_latex
        <nnfield.symbolic.claims.Derivation.to_latex>` for the preamble it needs)."""
        lines = [rf"\subsection*{{{escape_text(self.label)}}}", rf"\emph{{{escape_text(self.quote)}}}"]
        for step in self.steps:
            lines.append(escape_text(step.title) + ":")
            lines += [display_math(line) for line in display_lines(step.result)]
        lines.append(r"\textbf{Answer.} " + escape_text(self.answer))
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        steps = "\n".join(f"- {step.title}: $${sp.latex(step.result)}$$" for step in self.steps)
        return f"**{self.label}**: *{self.quote}*\n\n{steps}\n\n{self.answer}"
