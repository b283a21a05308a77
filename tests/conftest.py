"""Session fixtures: what several test modules need is derived or run once per test session.

Derivations are pure and cached, so a fixture is the one place where a test module gets them; the
full audit (every paper, simulations included, about a minute) runs once and is shared by every
test that reads its report. Under ``pytest -n 2`` (pytest-xdist, ``--dist loadgroup``) each worker
has its own session: tests that use the full audit carry ``@pytest.mark.xdist_group("full_audit")``
so that one worker runs it.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def linear_ring_derivation():
    """schoenholz2017's linear network on a ring (:func:`~nnfield.derivations.schoenholz2017.linear_ring`)."""
    from nnfield.derivations.schoenholz2017 import linear_ring

    return linear_ring()


@pytest.fixture(scope="session")
def relu_ring_derivation():
    """schoenholz2017's rectified linear network on a ring (:func:`~nnfield.derivations.schoenholz2017.relu_ring`)."""
    from nnfield.derivations.schoenholz2017 import relu_ring

    return relu_ring()


@pytest.fixture(scope="session")
def full_audit(tmp_path_factory):
    """The audit of every paper with its simulations (seed 2017), written to a session folder.

    Returns the :class:`~nnfield.audit.AuditReport`; its files are in ``report.folder``. Mark the
    test ``@pytest.mark.xdist_group("full_audit")``.
    """
    from nnfield.audit import run_audit

    return run_audit(simulate=True, out=tmp_path_factory.mktemp("full-audit") / "report", progress=False, seed=2017)
