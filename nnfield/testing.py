"""Helpers for researchers who verify their own paper's equations in pytest.

nnfield registers this module as a pytest plugin (entry point ``pytest11``), so in any test suite of
an environment where nnfield is installed:

- :func:`assert_reproduced` and :func:`assert_status` state what a claim's verdict must be, and fail
  with the printed and derived forms side by side;
- the fixture ``nnfield_audit`` audits one registered paper into a temporary folder and returns the
  :class:`~nnfield.audit.AuditReport`.

Examples
--------
>>> import sympy as sp
>>> from nnfield.symbolic import Claim, compare
>>> a = sp.Symbol("a", positive=True)
>>> good = Claim("mine", "1", (), "square", "", (a + 1)**2, a**2 + 2*a + 1, compare((a + 1)**2, a**2 + 2*a + 1))
>>> assert_reproduced(good)
>>> bad = Claim("mine", "2", (), "square", "", (a + 1)**2, a**2 + 1, compare((a + 1)**2, a**2 + 1))
>>> assert_reproduced(bad)
Traceback (most recent call last):
...
AssertionError: mine eq. 2 (square) is 'disputed', not 'reproduced': printed (a + 1)**2, derived a**2 + 1, difference 2*a
"""

from __future__ import annotations

import pytest

__all__ = ["assert_reproduced", "assert_status", "nnfield_audit"]


def assert_status(claim, status: str, *, simulation_supports_derived: bool | None = None) -> None:
    """Fail unless ``claim`` (a :class:`~nnfield.symbolic.Claim`) has the verdict ``status``.

    ``simulation_supports_derived`` is what a simulation decided, as for :meth:`~nnfield.symbolic.Claim.status`.
    """
    from nnfield.symbolic.claims import STATUSES

    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}; got {status!r}")
    found = claim.status(simulation_supports_derived)
    if found != status:
        raise AssertionError(f"{claim.paper} eq. {claim.equation} ({claim.title}) is {found!r}, not {status!r}: "
                             f"printed {claim.printed}, derived {claim.derived}, difference {claim.comparison.residual}")


def assert_reproduced(claim) -> None:
    """Fail unless the derivation reproduces the printed form of ``claim``."""
    assert_status(claim, "reproduced")


@pytest.fixture
def nnfield_audit(tmp_path):
    """A function ``audit(paper_id, simulate=True, seed=2017)`` that audits one registered paper.

    The report is written under pytest's temporary folder; the returned
    :class:`~nnfield.audit.AuditReport` has the claim records (``report.claims``) and validations.
    """
    from nnfield.audit import run_audit

    def audit(paper_id: str, *, simulate: bool = True, seed: int = 2017):
        return run_audit([paper_id], simulate=simulate, out=tmp_path / f"audit-{paper_id}", seed=seed, progress=False)

    return audit
