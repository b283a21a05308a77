"""One module per paper, each written with the engine like the paper's appendix.

:data:`PAPERS` lists the papers whose derivations are encoded, by their short id (see
``shared/papers/README.md``). Each entry gives the paper's derivations (functions returning a
:class:`~nnfield.symbolic.Derivation`) and the numerical checks the audit runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["Paper", "PAPERS", "paper"]


@dataclass(frozen=True)
class Paper:
    """A paper the toolkit encodes.

    Attributes
    ----------
    id : str
    title : str
    derivations : tuple of callable
        Each returns a Derivation.
    checks : callable
        Returns the tuple of :class:`~nnfield.numeric.evidence.Check` the audit runs.
    questions : callable
        Returns the tuple of :class:`~nnfield.symbolic.questions.Question` a critique asks, answered
        (empty for a paper that makes claims rather than asks).
    """

    id: str
    title: str
    derivations: tuple[Callable, ...]
    checks: Callable
    questions: Callable = tuple


def _schoenholz2017() -> Paper:
    from nnfield.derivations import schoenholz2017

    return Paper(schoenholz2017.PAPER, schoenholz2017.TITLE, schoenholz2017.DERIVATIONS, schoenholz2017.audit_checks)


def _fok2017() -> Paper:
    from nnfield.derivations import fok2017

    return Paper(fok2017.PAPER, fok2017.TITLE, fok2017.DERIVATIONS, fok2017.audit_checks)


def _kahn2017() -> Paper:
    from nnfield.derivations import kahn2017

    return Paper(kahn2017.PAPER, kahn2017.TITLE, kahn2017.DERIVATIONS, kahn2017.audit_checks, kahn2017.questions)


def _li2019() -> Paper:
    from nnfield.derivations import li2019

    return Paper(li2019.PAPER, li2019.TITLE, li2019.DERIVATIONS, li2019.audit_checks)


#: Encoded papers, by id (loaded on first use).
PAPERS: dict[str, Callable[[], Paper]] = {"schoenholz2017": _schoenholz2017, "fok2017": _fok2017,
                                          "kahn2017": _kahn2017, "li2019": _li2019}


def paper(identifier: str) -> Paper:
    """The encoded paper ``identifier``.

    Raises
    ------
    ValueError
        For an unknown id; the message lists the encoded ones.

    Examples
    --------
    >>> paper("schoenholz2017").title
    'A Correspondence Between Random Neural Networks and Statistical Field Theory'
    >>> paper("nature2020")
    Traceback (most recent call last):
    ...
    ValueError: unknown paper 'nature2020'; encoded papers: schoenholz2017, fok2017, kahn2017, li2019
    """
    encoded = ", ".join(PAPERS)
    if identifier in PAPERS:
        return PAPERS[identifier]()
    raise ValueError(f"unknown paper {identifier!r}; encoded papers: {encoded}")
