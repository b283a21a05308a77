"""One module per paper, each written with the engine like the paper's appendix.

:data:`PAPERS` lists the papers whose derivations are encoded, by their short id (see
``shared/papers/README.md``). Each entry gives the paper's derivations (functions returning a
:class:`~nnfield.symbolic.Derivation`) and the numerical checks the audit runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["Paper", "PAPERS", "KNOWN_NOT_ENCODED", "paper"]


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


#: Encoded papers, by id (loaded on first use).
PAPERS: dict[str, Callable[[], Paper]] = {"schoenholz2017": _schoenholz2017, "fok2017": _fok2017,
                                          "kahn2017": _kahn2017}

#: Papers in the library whose derivations are not encoded yet.
KNOWN_NOT_ENCODED = ("li2019",)


def paper(identifier: str) -> Paper:
    """The encoded paper ``identifier``.

    Raises
    ------
    ValueError
        For an unknown id, or a known paper that is not encoded yet; the message lists the
        encoded ones.

    Examples
    --------
    >>> paper("schoenholz2017").title
    'A Correspondence Between Random Neural Networks and Statistical Field Theory'
    >>> paper("nature2020")
    Traceback (most recent call last):
    ...
    ValueError: unknown paper 'nature2020'; encoded papers: schoenholz2017, fok2017, kahn2017
    """
    encoded = ", ".join(PAPERS)
    if identifier in PAPERS:
        return PAPERS[identifier]()
    if identifier in KNOWN_NOT_ENCODED:
        raise ValueError(f"paper {identifier!r} is in the library but not encoded yet; encoded papers: {encoded}")
    raise ValueError(f"unknown paper {identifier!r}; encoded papers: {encoded}")
