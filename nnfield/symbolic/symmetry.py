"""Discrete symmetries of an effective field theory.

An EFT energy :math:`U[\\epsilon] = \\int dx\\, u(\\epsilon, \\partial_x\\epsilon)` is symmetric under
a transformation when the energy density is unchanged by it:

- :math:`\\epsilon_a \\to -\\epsilon_a` for one field (and for all fields together);
- :math:`x \\to -x`, which flips the sign of every first derivative.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from nnfield.symbolic.continuum import EffectiveFieldTheory

__all__ = ["Symmetries", "eft_symmetries"]


@dataclass(frozen=True)
class Symmetries:
    """Which transformations leave the EFT energy density unchanged.

    Attributes
    ----------
    checks : tuple of (str, bool)
        ``(transformation, symmetric)`` pairs, e.g. ``("epsilon -> -epsilon", True)``.
    """

    checks: tuple[tuple[str, bool], ...]

    def __getitem__(self, transformation: str) -> bool:
        for name, symmetric in self.checks:
            if name == transformation:
                return symmetric
        names = ", ".join(name for name, _ in self.checks)
        raise KeyError(f"no check named {transformation!r}; the checks are: {names}")

    def _repr_latex_(self) -> str:
        rows = r"\\ ".join(
            rf"\text{{{name}}}: & \text{{{'symmetric' if ok else 'broken'}}}" for name, ok in self.checks
        )
        return rf"$\begin{{aligned}}{rows}\end{{aligned}}$"


def eft_symmetries(eft: EffectiveFieldTheory) -> Symmetries:
    """Check the sign flip of each field, of all fields, and the reflection :math:`x \\to -x`.

    Examples
    --------
    >>> import sympy as sp
    >>> from nnfield.symbolic import lattice_model, uniform_saddle, quadratic_fluctuations
    >>> from nnfield.symbolic import fourier_kernel, continuum_limit
    >>> u, v = sp.IndexedBase("u", real=True), sp.IndexedBase("v", real=True)
    >>> l = sp.Symbol("l", integer=True)
    >>> energy = u[l]**2 + v[l]**2 + u[l] * v[l - 1] / 4
    >>> eft = continuum_limit(fourier_kernel(quadratic_fluctuations(uniform_saddle(
    ...     lattice_model(energy, [u, v], l)))))
    >>> eft_symmetries(eft).checks
    (('epsilon_u -> -epsilon_u', False), ('epsilon_v -> -epsilon_v', False), ('epsilon -> -epsilon', True), ('x -> -x', False))
    """
    density = eft.energy_density()
    x = eft.x
    checks = []
    for field in eft.fields:
        flipped = density.subs(field(x), -field(x))
        checks.append((f"{field.__name__} -> -{field.__name__}", _same(density, flipped)))
    all_flipped = density.subs({field(x): -field(x) for field in eft.fields}, simultaneous=True)
    checks.append(("epsilon -> -epsilon", _same(density, all_flipped)))
    reflected = density.subs(
        {sp.Derivative(field(x), x): -sp.Derivative(field(x), x) for field in eft.fields},
        simultaneous=True,
    )
    checks.append(("x -> -x", _same(density, reflected)))
    return Symmetries(tuple(checks))


def _same(first: sp.Expr, second: sp.Expr) -> bool:
    """Whether two energy densities are equal: their expanded difference vanishes, else a coefficient of a
    monomial in the fields is a nonzero rational function, else ``simplify`` decides."""
    difference = sp.expand((first - second).doit())  # a flipped field leaves Derivative(-f(x), x) unevaluated
    if difference == 0:
        return True
    fields = sorted(difference.atoms(sp.Derivative) | difference.atoms(sp.core.function.AppliedUndef), key=str)
    if fields and not difference.has(sp.log):
        coefficients = sp.Poly(difference, *fields).coeffs()
        if any(_rational(c) and sp.cancel(c) != 0 for c in coefficients):
            return False
    return sp.simplify(difference) == 0


def _rational(expression: sp.Expr) -> bool:
    """Whether ``expression`` is a rational function of its symbols (no roots, no functions)."""
    return all(power.exp.is_Integer for power in expression.atoms(sp.Pow)) and not expression.atoms(sp.Function)
