import numpy as np
import sympy as sp

from nnfield.symbolic import continuum_limit, eft_symmetries, fourier_kernel, lattice_model, quadratic_fluctuations
from nnfield.symbolic import uniform_saddle

from .models import a, b, c, d, harmonic_chain, k, l, log_barrier_chain, m, two_field_chain, u, v


def eft_of(model):
    return continuum_limit(fourier_kernel(quadratic_fluctuations(uniform_saddle(model))))


def test_small_q_expansion_of_the_kernel_is_the_eft():
    for model in (harmonic_chain(), two_field_chain(), log_barrier_chain()):
        eft = eft_of(model)
        q = eft.kernel.q
        series = eft.kernel.matrix.applyfunc(lambda entry: sp.series(entry, q, 0, 3).removeO())
        assert sp.simplify(series - eft.small_q_kernel()) == sp.zeros(*series.shape)


def test_harmonic_chain_eft_and_correlation_length():
    eft = eft_of(harmonic_chain())
    eps = eft.fields[0](eft.x)
    assert sp.simplify(eft.energy_density() - (m * eps**2 + k * sp.Derivative(eps, eft.x) ** 2) / 2) == 0
    assert eft.correlation_lengths == (sp.sqrt(k) / sp.sqrt(m),)


def test_two_field_correlation_lengths_are_poles_of_the_quadratic_kernel():
    eft = eft_of(two_field_chain())
    assert not eft.drift.is_zero_matrix  # u[l] v[l-2] couples a field to the other's derivative
    values = {a: 3, b: 2, c: sp.Rational(1, 2), d: sp.Rational(3, 4)}
    kappa = sp.Symbol("kappa")
    # Independently: the roots of det K(i kappa) = 0, found numerically.
    determinant = sp.Poly(sp.expand(eft.small_q_kernel().subs(eft.kernel.q, sp.I * kappa).subs(values).det()), kappa)
    roots = np.roots([complex(coefficient) for coefficient in determinant.all_coeffs()])
    expected = sorted({round(1 / root.real, 9) for root in roots if root.real > 1e-12})
    lengths = sorted(round(length, 9) for length in eft.correlation_lengths_at(values))
    assert lengths and lengths == expected


def test_symmetries():
    harmonic = eft_symmetries(eft_of(harmonic_chain()))
    assert all(ok for _, ok in harmonic.checks)
    coupled = eft_symmetries(eft_of(two_field_chain()))
    assert coupled["epsilon -> -epsilon"]
    assert not coupled["epsilon_u -> -epsilon_u"]
    assert not coupled["x -> -x"]
    symmetric = lattice_model(u[l] ** 2 + v[l] ** 2 + (u[l] * v[l - 1] + u[l - 1] * v[l]) / 4, [u, v], l)
    assert eft_symmetries(eft_of(symmetric))["x -> -x"]
