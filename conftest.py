"""The suite's settings for every test: audits and derivations in the test's own process, and the one doctest namespace.

``NNFIELD_WORKERS=0`` (unless set already): ``nnfield audit``, ``nnfield derive`` and :func:`~nnfield.audit.run_audit`
then work in the test's own process, where the derivations of earlier tests are cached, since pytest-xdist
already spreads the tests over the cores. The tests of the workers ask for two explicitly.

The doctest namespace holds the names several docstrings' Examples share, so that each docstring need not build them.

Collected for ``pytest nnfield`` and ``pytest tests`` alike (the repository root holds it). A docstring
that uses these names says so in its Examples (``>>> chain.energy  # the harmonic chain of conftest.py``).

- ``sp``, ``np``: SymPy and NumPy;
- ``x``, ``l``: a real lattice field (``sympy.IndexedBase``) and the integer site index;
- ``m``, ``k``: positive mass and spring constant;
- ``chain``: the harmonic chain, the lattice model with site energy
  :math:`E_l = \\tfrac{m}{2} x_l^2 + \\tfrac{k}{2}(x_l - x_{l-1})^2`.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("NNFIELD_WORKERS", "0")


@pytest.fixture(scope="session", autouse=True)
def _shared_doctest_names(doctest_namespace):
    import numpy as np
    import sympy as sp

    from nnfield.symbolic.lattice import lattice_model

    x, l = sp.IndexedBase("x", real=True), sp.Symbol("l", integer=True)
    m, k = sp.symbols("m k", positive=True)
    chain = lattice_model(m * x[l] ** 2 / 2 + k * (x[l] - x[l - 1]) ** 2 / 2, [x], l)
    doctest_namespace.update(sp=sp, np=np, x=x, l=l, m=m, k=k, chain=chain)
