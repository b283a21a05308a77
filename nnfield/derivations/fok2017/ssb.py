"""Spontaneous symmetry breaking of the O(D') theory of weights (fok2017, Sec. 2.4-2.5, App. B-C).

The paper's Lagrangian (eq 3, eq 5) is the O(D') scalar theory

.. math:: \\mathcal L = \\tfrac12(\\partial_t w)^2 - \\tfrac12(\\partial_z w)^2 - \\tfrac{m^2}{2} w^2 - \\tfrac{\\lambda}{4}(w^2)^2,
          \\qquad m^2(\\eta) = -\\mu^2 + \\lambda\\eta^2/4.

The engine derives its equation of motion, vacuum manifold, the sigma/pi split with masses and
Goldstone count, the propagators and the one-loop thermal mass; each printed statement is a claim.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from nnfield.derivations.fok2017.symbols import eta, k, lam, m2, mu, omega, potential_of_square, t, z
from nnfield.symbolic import ClaimFactory, Derivation, Step
from nnfield.symbolic.fieldtheory import (
    critical_temperature,
    equations_of_motion,
    orthogonal_generators,
    propagator,
    scalar_field_theory,
    symmetry_breaking,
    thermal_mass,
    vacuum_radius_squared,
)

PAPER = "fok2017"

__all__ = ["SSBAnalysis", "ssb_analysis", "ssb_derivation", "o_theory"]


def o_theory(dimension: int, mass_squared=m2):
    """The O(D') theory of eq 5 with ``dimension`` weights; the last one points along the vacuum."""
    fields = [sp.Function(f"gamma{a}")(t, z) for a in range(1, dimension + 1)]
    squared = sum(f**2 for f in fields)
    kinetic = sum(f.diff(t) ** 2 - f.diff(z) ** 2 for f in fields) / 2
    return scalar_field_theory(kinetic - potential_of_square(squared, mass_squared), fields, [t, z])


@dataclass(frozen=True)
class SSBAnalysis:
    """O(D') -> O(D'-1) at the vacuum (0, ..., 0, v), for m^2 < 0.

    Attributes
    ----------
    dimension : int
    vacuum_radius_squared : sympy.Expr
        :math:`v^2 = -m^2/\\lambda`.
    mass_spectrum : dict
        Eigenvalue -> multiplicity of the mass matrix at the vacuum (symbolic in m^2 and lambda).
    goldstone_count, broken_generator_count : int
    thermal_mass_coefficient : sympy.Expr
        c in :math:`\\delta m^2 = c\\,\\lambda T^2` at the origin (one loop, high temperature).
    critical_learning_rate : sympy.Expr
        Where :math:`-\\mu^2 + c\\lambda\\eta^2 = 0` if the learning rate is the temperature.
    """

    dimension: int
    vacuum_radius_squared: sp.Expr
    mass_spectrum: dict
    goldstone_count: int
    broken_generator_count: int
    thermal_mass_coefficient: sp.Expr
    critical_learning_rate: sp.Expr


@functools.lru_cache(maxsize=None)
def ssb_analysis(dimension: int) -> SSBAnalysis:
    """Symmetry breaking of the O(D') theory of weights.

    Examples
    --------
    >>> analysis = ssb_analysis(3)
    >>> analysis.goldstone_count, analysis.broken_generator_count, analysis.thermal_mass_coefficient
    (2, 2, 5/12)
    >>> analysis.mass_spectrum
    {0: 2, -2*m^2: 1}
    """
    if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1:
        raise ValueError(f"D' must be a positive integer (the number of weights in the multiplet); got {dimension!r}")
    theory = o_theory(dimension)
    potential = theory.potential()
    negative = sp.Symbol("M", positive=True)  # m^2 = -M^2 < 0: the broken phase
    broken_potential = potential.subs(m2, -negative**2)
    radius_squared = vacuum_radius_squared(broken_potential, theory.values).subs(negative**2, -m2)
    vacuum = [0] * (dimension - 1) + [negative / sp.sqrt(lam)]
    breaking = symmetry_breaking(broken_potential, theory.values, vacuum, orthogonal_generators(dimension))
    spectrum = {sp.simplify(value.subs(negative**2, -m2)): count for value, count in breaking.mass_spectrum.items()}
    temperature = sp.Symbol("T", positive=True)
    # Sec. 2.4 borrows the finite-temperature rule of a quantum field in 3+1 dimensions: judged in that setting.
    setting = dict(spacetime_dimension=4, statistics="quantum")
    shift = thermal_mass(potential, theory.values, temperature, **setting)[0, 0]
    coefficient = sp.simplify(shift / (lam * temperature**2))
    (critical,) = critical_temperature(potential.subs(m2, -mu**2), theory.values, temperature, **setting)
    return SSBAnalysis(dimension, sp.simplify(radius_squared), spectrum, breaking.goldstone_count,
                       breaking.broken_generator_count, coefficient, critical)


QUOTES = {
    "KG": r"In the decoupling limit, \lambda \rightarrow 0, the equation of motion for w is the Klein-Gordon Equation [(\partial_t)^2 - (\partial_{\mathbf{z}})^2 - m^2]w = 0.",
    "bifurcation": r"w_i^*(\eta < \eta_c) = \pm \sqrt{\frac{-m^2(\eta)}{\lambda}}",
    "manifold": r"it has a degenerate minima on the surface such that \sum_i (\gamma_i)^2 = v, where v = \sqrt{-m^2/\lambda}",
    "V_sigma": r"\mathcal{V}_\sigma = -\frac{1}{2}m^2 \sigma^2",
    "m_pi": r"weights \pi with small, near zero, eigenvalues m_\pi^2 = \frac{1}{4}\lambda\eta^2",
    "goldstone": r"The number of continuous broken from O(D) to O(D-1) is D-1 ... Each of which have zero Hessian eigenvalue.",
    "4": r"G(t, \mathbf{k}) = \frac{i}{2\omega_0} e^{-i\omega_0 t}, \quad \omega_0^2 = |\mathbf{k}|^2 + m^2 \quad\text{(from } G(\omega,\mathbf{k}) = \frac{1}{\omega^2 - |\mathbf{k}|^2 - m^2}\text{)}",
    "7": r"P_{\sigma,\pi}(t, \mathbf{k}) = \frac{i}{2\omega_0} \exp(-i\omega_0 t), \quad \omega_0 = \sqrt{|\mathbf{k}|^2 + |m_{\sigma,\pi}^2|}",
    "thermal": r"m^2 = -\mu^2 + \frac{1}{4}\lambda\eta^2",
}

_claim = ClaimFactory(PAPER, QUOTES)


@functools.lru_cache(maxsize=1)
def ssb_derivation() -> Derivation:
    """The claims of fok2017 about its O(D') theory, derived with the engine.

    Named results: ``equation_of_motion`` (of the O(1) theory), ``one_field`` and ``vacuum`` (the
    :class:`SSBAnalysis` for D' = 1 and 3), ``goldstone_counts`` (for D' = 2..5),
    ``propagator`` and ``thermal_mass_coefficients`` (D' = 1, 3); ``predict(dimension)`` is
    :func:`ssb_analysis`.

    Examples
    --------
    >>> ssb_derivation().goldstone_counts
    {2: 1, 3: 2, 4: 3, 5: 4}
    >>> [(claim.equation, claim.status()) for claim in ssb_derivation().claims][:3]
    [('App. B (Klein-Gordon)', 'disputed'), ('Sec. 2.5', 'reproduced'), ('App. C (vacuum)', 'disputed')]
    """
    steps, claims = [], []

    # Equation of motion (eq 3, App. B): Klein-Gordon when lambda -> 0.
    single = o_theory(1)
    (motion,) = equations_of_motion(single)
    field = single.fields[0]
    klein_gordon = sp.expand(-motion.lhs.subs(lam, 0))
    steps.append(Step("Euler-Lagrange equation of the O(1) theory (eq 3)", motion.lhs, "3"))
    printed_kg = field.diff(t, 2) - field.diff(z, 2) - m2 * field
    claims.append(_claim("KG", "App. B (Klein-Gordon)", "equation of motion at lambda -> 0", printed_kg, klein_gordon,
                         note="Derived: (d_t^2 - d_z^2 + m^2) w = 0. The printed -m^2 is the equation of a tachyon; the "
                              "paper's own Green's-function equation in App. B has +m^2."))

    # Sec. 2.5: the minimum bifurcates.
    one = ssb_analysis(1)
    steps.append(Step("Vacuum radius squared for m^2 < 0", one.vacuum_radius_squared, "Sec. 2.5"))
    claims.append(_claim("bifurcation", "Sec. 2.5", "minimum after the bifurcation, w*^2", -m2 / lam,
                         one.vacuum_radius_squared, note="Printed as w* = +-sqrt(-m^2/lambda); compared as w*^2."))

    # App. C: the vacuum manifold, the sigma/pi split, the masses.
    analysis = ssb_analysis(3)
    v = sp.sqrt(-m2 / lam)
    claims.append(_claim("manifold", "App. C (vacuum)", "radius of the vacuum manifold, sum of gamma_i^2", v,
                         analysis.vacuum_radius_squared,
                         note="Printed: sum gamma_i^2 = v with v = sqrt(-m^2/lambda); the minimum is at sum gamma_i^2 = "
                              "-m^2/lambda = v^2. Numerical minimisation decides."))
    sigma_mass = [value for value in analysis.mass_spectrum if value != 0][0]
    steps.append(Step("Mass spectrum at the vacuum (eigenvalue: multiplicity), D' = 3", sp.Dict(analysis.mass_spectrum), "6"))
    sigma = sp.Symbol("sigma", real=True)
    claims.append(_claim("V_sigma", "6", "sigma potential V_sigma", -m2 * sigma**2 / 2, sigma_mass * sigma**2 / 2,
                         note="Derived from the Hessian at the vacuum: m_sigma^2 = -2 m^2, so V_sigma = -m^2 sigma^2."))
    claims.append(_claim("m_pi", "App. C (pi mass)", "mass of the pi weights", lam * eta**2 / 4, sp.Integer(0),
                         note="At the minimum of the potential the pi directions are flat (Goldstone): m_pi^2 = 0 exactly, "
                              "whatever eta does to m^2(eta). The printed value is m^2(eta) + mu^2, not a pi mass."))
    counts = [ssb_analysis(d) for d in (2, 3, 4, 5)]
    steps.append(Step("Goldstone modes for D' = 2..5", sp.Tuple(*(a.goldstone_count for a in counts))))
    claims.append(_claim("goldstone", "App. C (Goldstone)", "zero-mass weights for O(D') -> O(D'-1)",
                         sp.Matrix([d - 1 for d in (2, 3, 4, 5)]), sp.Matrix([a.goldstone_count for a in counts]),
                         note="Compared for D' = 2..5: one zero eigenvalue per broken generator (the engine also checks "
                              "the count equals the rank of the generators acting on the vacuum)."))

    # Eqs 4 and 7: the propagators.
    free = propagator(m2, omega, k, t)
    steps.append(Step("Time-momentum propagator by residues (Feynman prescription, t > 0)", free.time_momentum, "4"))
    energy = sp.sqrt(k**2 + m2)
    claims.append(_claim("4", "4", "propagator G(t, k) from G(omega, k) = 1/(omega^2 - k^2 - m^2)",
                         sp.I / (2 * energy) * sp.exp(-sp.I * energy * t), free.time_momentum,
                         note="With the printed G(omega, k) (no factor i), the frequency integral gives -i e^{-i w0 t}/(2 w0) "
                              "for t > 0; the printed +i belongs to the convention G = i/(omega^2 - k^2 - m^2). The "
                              "statistical (Euclidean) correlator is e^{-w0 tau}/(2 w0)."))
    sigma_energy = sp.sqrt(k**2 + sigma_mass.subs(m2, -sp.Symbol("M2", positive=True)))
    printed_sigma_energy = sp.sqrt(k**2 + sp.Symbol("M2", positive=True))
    claims.append(_claim("7", "7", "frequency of the sigma propagator, omega_0", printed_sigma_energy, sigma_energy,
                         note="M2 = |m^2|. The sigma mode has m_sigma^2 = 2|m^2|, so omega_0 = sqrt(k^2 + 2|m^2|); the "
                              "printed |m_sigma^2| = |m^2| inherits the factor of eq 6."))

    # Sec. 2.4: is m^2(eta) the thermal mass with the learning rate as temperature?
    printed_coefficient = sp.Rational(1, 4)
    for d in (1, 3):
        coefficient = ssb_analysis(d).thermal_mass_coefficient
        steps.append(Step(f"One-loop thermal mass coefficient c (delta m^2 = c lambda T^2), D' = {d}", coefficient))
        claims.append(_claim("thermal", f"Sec. 2.4 (D'={d})", f"learning-rate mass m^2(eta) as a thermal mass, D' = {d}",
                             printed_coefficient, coefficient,
                             note="Judged in the setting the rule comes from, a quantum field in 3+1 dimensions at high T "
                                  "(the engine refuses it elsewhere): c = (D'+2)/12 from delta m^2 = (T^2/24) sum_c d^4V/(d phi d phi d phi_c d phi_c); the "
                                  "printed lambda eta^2/4 is the one-field value, used by the paper for O(D'). Both "
                                  "are the high-temperature rule of quantum fields; the classical Boltzmann law that "
                                  "noisy gradient descent samples shifts the curvatures linearly in T instead "
                                  "(fok2017.one_loop; kahn2017's question on thermal field theory)."))
    return Derivation(PAPER, "O(D') theory of weights: spontaneous symmetry breaking", tuple(steps), tuple(claims),
                      predictor=ssb_analysis,
                      results=dict(equation_of_motion=motion, one_field=one, vacuum=analysis,
                                   goldstone_counts={a.dimension: a.goldstone_count for a in counts}, propagator=free,
                                   thermal_mass_coefficients={d: ssb_analysis(d).thermal_mass_coefficient for d in (1, 3)}))
