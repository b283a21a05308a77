"""LaTeX for documents: plain text escaped for text mode, and long formulas split into displayable lines.

A derived form can be thousands of characters of LaTeX (a 3x1 matrix of Boltzmann weights, a hinge
risk summed over paths). :func:`display_lines` renders an expression so that ``breqn``'s ``dmath``
can break it: fractions with long numerators are written as a short fraction times a bracket (SymPy's
``long_frac_ratio``), and a matrix with long entries becomes one line per entry.
"""

from __future__ import annotations

import re

import sympy as sp

__all__ = ["escape_text", "display_lines", "display_math", "unbreakable", "FORMULA_MACROS", "LONG_ENTRY", "LONG_SUM"]

_TEXT_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                 "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
                 "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}

#: Preamble lines that :func:`display_math` needs besides ``amsmath``, ``graphicx`` and ``breqn``: a formula
#: that cannot be broken across lines, scaled down to the text width when wider.
FORMULA_MACROS = r"""\newsavebox{\formulabox}
\newcommand{\fitformula}[1]{\par\smallskip\sbox{\formulabox}{$\displaystyle #1$}%
  \ifdim\wd\formulabox>\linewidth\resizebox{\linewidth}{!}{\usebox{\formulabox}}%
  \else\centerline{\usebox{\formulabox}}\fi\par\smallskip}
"""

#: LaTeX characters of one matrix entry beyond which a matrix is displayed entry by entry.
LONG_ENTRY = 120
#: LaTeX characters of a sum beyond which each of its terms is displayed on a line of its own.
LONG_SUM = 600


def escape_text(text: str) -> str:
    """``text`` as LaTeX text mode prints it: every character that LaTeX would interpret is escaped.

    Parameters
    ----------
    text : str

    Examples
    --------
    >>> print(escape_text("ln|Sigma| and 1[yT < 1], O(3) -> O(2), sigma_w^2 = 50%"))
    ln\\textbar{}Sigma\\textbar{} and 1[yT \\textless{} 1], O(3) -\\textgreater{} O(2), sigma\\_w\\textasciicircum{}2 = 50\\%
    """
    if not isinstance(text, str):
        raise TypeError(f"escape_text takes a str; got {type(text).__name__}")
    return "".join(_TEXT_SPECIAL.get(character, character) for character in text)


def display_lines(expression) -> tuple[str, ...]:
    """LaTeX lines that display ``expression``: one line, one per entry of a matrix with long entries, or one
    per term of a long sum (the second and later terms start with their sign).

    The equation is unchanged; only its rendering differs from ``sympy.latex``: a fraction whose
    numerator is more than twice as wide as its denominator is written ``\\frac{1}{d} (n)`` so that a
    line-breaking display can break inside ``n``.

    Parameters
    ----------
    expression : sympy.Basic

    Returns
    -------
    tuple of str
        LaTeX math, each to be set in its own display; matrix entries start with their index,
        ``\\text{entry (i, j):}`` (from 1).

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> display_lines(x / 2)
    ('\\\\frac{x}{2}',)
    >>> lines = display_lines(sp.Matrix([sp.exp(sum(sp.Symbol(f"a_{i}") for i in range(30))), y]))
    >>> display_lines(sp.Add(*[sp.Symbol(f"a_{i}") / (1 + sp.Symbol(f"b_{i}")) for i in range(40)]))[1][:2]
    '+ '
    >>> len(lines), lines[1]
    (2, '\\\\text{entry (2, 1):}\\\\quad y')
    """
    expression = sp.sympify(expression)
    if isinstance(expression, sp.MatrixBase):
        entries = [sp.latex(entry, long_frac_ratio=2) for entry in expression]
        if max((len(entry) for entry in entries), default=0) > LONG_ENTRY:
            columns = expression.shape[1]
            return tuple(f"\\text{{entry ({index // columns + 1}, {index % columns + 1}):}}\\quad {entry}"
                         for index, entry in enumerate(entries))
    latex = sp.latex(expression, long_frac_ratio=2)
    if isinstance(expression, sp.Add) and len(latex) > LONG_SUM:
        terms = sp.Add.make_args(expression)
        lines = [sp.latex(terms[0], long_frac_ratio=2)]
        for term in terms[1:]:
            negative = term.could_extract_minus_sign()
            lines.append(("- " if negative else "+ ") + sp.latex(-term if negative else term, long_frac_ratio=2))
        return tuple(lines)
    return (latex,)


#: LaTeX characters of a denominator or a matrix beyond which ``dmath`` cannot break a formula.
UNBREAKABLE = 100


def _group(latex: str, start: int) -> str:
    """The group ``{...}`` opening at ``latex[start]``, without its braces."""
    depth = 0
    for index in range(start, len(latex)):
        depth += {"{": 1, "}": -1}.get(latex[index], 0)
        if depth == 0:
            return latex[start + 1:index]
    return latex[start + 1:]


def unbreakable(latex: str) -> bool:
    """Whether ``latex`` holds a long denominator, matrix or braced argument, which no line-breaking display can
    break."""
    for match in re.finditer(r"\\frac\{", latex):
        numerator = _group(latex, match.end() - 1)
        denominator_start = match.end() + len(numerator) + 1
        if len(_group(latex, denominator_start)) > UNBREAKABLE:
            return True
    if any(len(match.group(1)) > UNBREAKABLE for match in re.finditer(r"\\begin\{matrix\}(.*?)\\end\{matrix\}", latex)):
        return True
    return _longest_group(latex) > 2 * UNBREAKABLE  # the argument of a log, a root or an exponent


def _longest_group(latex: str) -> int:
    """The length of the longest ``{...}`` group in ``latex``."""
    openings, longest = [], 0
    for index, character in enumerate(latex):
        if character == "{" and (index == 0 or latex[index - 1] != "\\"):
            openings.append(index)
        elif character == "}" and openings and latex[index - 1] != "\\":
            longest = max(longest, index - openings.pop() - 1)
    return longest


def display_math(latex: str) -> str:
    """A displayed formula: broken across lines by ``breqn``'s ``dmath*``, or, when it holds a long
    denominator or matrix that no line break can split, set by :data:`FORMULA_MACROS`' ``\\fitformula``,
    which scales it down to the text width if it is wider.

    Examples
    --------
    >>> display_math("x + y")
    '\\\\begin{dmath*}x + y\\\\end{dmath*}'
    >>> display_math(r"\\frac{1}{" + "+".join(["x"] * 60) + "}").startswith(r"\\fitformula{")
    True
    """
    if unbreakable(latex):
        return rf"\fitformula{{{latex}}}"
    return rf"\begin{{dmath*}}{latex}\end{{dmath*}}"
