"""How li2019's claims are made: a quote of the printed LaTeX, the printed and derived forms, the verdict."""

from nnfield.symbolic import Claim, compare

PAPER = "li2019"


def paper_claim(quote: str, equation: str, title: str, printed, derived, *, also=(), note: str = "",
                statement: bool = False, limit: str = "", **options) -> Claim:
    """A claim of li2019 under the label ``equation``; ``options`` go to :func:`~nnfield.symbolic.compare`.

    A statement (``statement=True``) is compared with ``kind="statement"``.

    Examples
    --------
    >>> import sympy as sp
    >>> paper_claim("x = x", "0", "identity", sp.Integer(1), sp.Integer(1)).status()
    'reproduced'
    """
    if statement:
        options.setdefault("kind", "statement")
    return Claim(PAPER, equation, tuple(also), title, quote, printed, derived, compare(printed, derived, **options),
                 note, statement, limit)
