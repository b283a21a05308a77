"""One module per paper, each written with the engine like the paper's appendix.

Papers are registered through the entry-point group ``nnfield.papers``: the entry's name is the
paper's short id and its value the module that encodes it, e.g. in a ``pyproject.toml``::

    [project.entry-points."nnfield.papers"]
    schoenholz2017 = "nnfield.derivations.schoenholz2017"

The module defines ``PAPER`` (the id again), ``TITLE``, ``DERIVATIONS`` (functions returning a
:class:`~nnfield.symbolic.Derivation`), ``audit_checks()`` (the numerical checks the audit runs) and,
for a critique, ``questions()``. The four seed papers are registered by nnfield's own
``pyproject.toml`` in exactly this way, so a user's package adds a paper without touching nnfield
(``examples/harmonic_chain`` is one).
"""

from __future__ import annotations

import functools
import importlib
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Callable

__all__ = ["Paper", "PAPERS", "paper", "registered_papers", "modules_used", "ENTRY_POINT_GROUP"]

#: The entry-point group through which papers are registered.
ENTRY_POINT_GROUP = "nnfield.papers"


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

    @classmethod
    def from_module(cls, identifier: str, module) -> "Paper":
        """The paper a registered module encodes (see the package docstring for what it must define)."""
        missing = [name for name in ("PAPER", "TITLE", "DERIVATIONS", "audit_checks") if not hasattr(module, name)]
        if missing:
            raise ValueError(f"the module {module.__name__} registered as paper {identifier!r} does not define "
                             f"{', '.join(missing)}; a paper module defines PAPER, TITLE, DERIVATIONS and audit_checks()")
        if module.PAPER != identifier:
            raise ValueError(f"the module {module.__name__} is registered as {identifier!r} but says PAPER = "
                             f"{module.PAPER!r}; the entry point's name must be the paper's id")
        return cls(module.PAPER, module.TITLE, tuple(module.DERIVATIONS), module.audit_checks,
                   getattr(module, "questions", tuple))


def registered_papers() -> dict[str, Callable[[], Paper]]:
    """The papers registered in the ``nnfield.papers`` entry-point group, by id, each loaded on first use."""
    return _loaders(_registered_modules())


def _registered_modules() -> dict[str, str]:
    """The module registered for each paper id (the first registration of an id counts)."""
    found = {}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda entry: entry.name):
        found.setdefault(entry.name, entry.value)
    return found


def _loaders(modules: dict[str, str]) -> dict[str, Callable[[], Paper]]:
    """A loader for each ``{id: module}``."""
    return {identifier: _loader(identifier, module_name) for identifier, module_name in modules.items()}


def _loader(identifier: str, module_name: str) -> Callable[[], Paper]:
    def load() -> Paper:
        return Paper.from_module(identifier, importlib.import_module(module_name))

    return load


#: The module of every registered paper, by id (its package, for the seeds).
_PAPER_MODULES = _registered_modules()
#: Registered papers, by id (loaded on first use).
PAPERS: dict[str, Callable[[], Paper]] = _loaders(_PAPER_MODULES)


def paper(identifier: str) -> Paper:
    """The registered paper ``identifier``.

    Raises
    ------
    ValueError
        For an unknown id; the message lists the registered ones.

    Examples
    --------
    >>> paper("schoenholz2017").title
    'A Correspondence Between Random Neural Networks and Statistical Field Theory'
    >>> paper("nature2020")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown paper 'nature2020'; registered papers: ...fok2017, kahn2017, li2019, schoenholz2017
    """
    if identifier in PAPERS:
        return PAPERS[identifier]()
    raise ValueError(f"unknown paper {identifier!r}; registered papers: {', '.join(PAPERS)}")


def modules_used(function: Callable) -> frozenset[str]:
    """The modules of registered papers whose code ``function`` runs: its own, and those it imports functions from.

    Derivations and checks that use the same modules share intermediate results cached per process (a
    saddle, a kernel), so ``nnfield derive`` and ``nnfield audit`` give them to the same worker
    (:func:`~nnfield.workers.run_units`). The modules counted are those of the registered papers'
    packages (another paper's too: kahn2017's chain reuses fok2017's layers); a function whose module
    cannot be found uses none.

    Examples
    --------
    >>> from nnfield.derivations.schoenholz2017 import large_n_corrections
    >>> sorted(name.rsplit(".", 1)[1] for name in modules_used(large_n_corrections))
    ['linear', 'one_loop', 'relu']
    >>> modules_used(len)
    frozenset()
    """
    while isinstance(function, functools.partial):
        function = function.func
    module = sys.modules.get(getattr(function, "__module__", None) or "")
    if module is None:
        return frozenset()
    imported = {getattr(value, "__module__", None) for value in vars(module).values() if callable(value)}
    return frozenset(name for name in {module.__name__, *imported} if name and _in_a_paper(name))


def _in_a_paper(module_name: str) -> bool:
    return any(module_name == package or module_name.startswith(package + ".") for package in _PAPER_MODULES.values())
