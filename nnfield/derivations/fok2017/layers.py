"""The O(D') theory of weights along the layers: a chain, its Gaussian theory and its Goldstone modes.

fok2017 writes a continuum field theory whose "time" is the layer index (Sec. 2.4, eq 3). Kept on
its lattice, the Euclidean (statistical) version is a chain of L layers with D' weights each,

.. math:: H = \\sum_l \\Big[\\frac J2 |w_l - w_{l-1}|^2 + \\frac{m^2}{2}|w_l|^2 + \\frac\\lambda4 |w_l|^4\\Big],

sampled from :math:`e^{-H/T}`. The engine derives, about the vacuum :math:`w = (0, \\dots, 0, v)` with
:math:`v^2 = -m^2/\\lambda`:

1. the Hessian blocks and the Fourier kernel :math:`K(q)`: one radial (sigma) mode with
   :math:`K_\\sigma = 2J(1 - \\cos q) - 2m^2` and D'-1 Goldstone (pi) modes with
   :math:`K_\\pi = 2J(1 - \\cos q)`, massless;
2. the Gaussian mode covariances :math:`C(q) = T K(q)^{-1}` and the continuum sigma correlation length;
3. that the pi kernel is a random walk: the increments :math:`\\pi_l - \\pi_{l-1}` have the flat
   spectrum :math:`|1 - e^{-iq}|^2 C_\\pi(q) = T/J`, so :math:`\\langle(\\pi_l - \\pi_0)^2\\rangle = lT/J` grows
   without bound and the direction of the weights decorrelates over
   :math:`\\xi_{\\text{spin wave}} = 2Jv^2/((D'-1)T)` layers: no order survives along a chain at T > 0.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from nnfield.derivations.fok2017.symbols import lam, m2, potential_of_square
from nnfield.numeric.compile import CompiledExpression, compile_expression
from nnfield.numeric.parameters import positive_real
from nnfield.symbolic import (
    Derivation,
    Step,
    continuum_limit,
    fourier_kernel,
    lattice_model,
    quadratic_fluctuations,
    saddle_at,
)

__all__ = ["LayerChainPrediction", "layer_chain", "chain_energy", "J", "T_chain"]

PAPER = "fok2017"
J = sp.Symbol("J", positive=True)  #: stiffness between neighbouring layers
T_chain = sp.Symbol("T", positive=True)  #: temperature of the chain
_l = sp.Symbol("l", integer=True)
_q = sp.Symbol("q", real=True)
_M = sp.Symbol("M", positive=True)  # m^2 = -M^2 < 0, the broken phase


def chain_energy(dimension: int, mass_squared=m2):
    """The site energy of the chain and its fields (``IndexedBase`` w1 .. wD', the last along the vacuum)."""
    fields = [sp.IndexedBase(f"w{a}", real=True) for a in range(1, dimension + 1)]
    squared = sum(w[_l] ** 2 for w in fields)
    energy = sum(J * (w[_l] - w[_l - 1]) ** 2 / 2 for w in fields) + potential_of_square(squared, mass_squared)
    return energy, fields


@dataclass(frozen=True)
class LayerChainPrediction:
    """Gaussian (low-temperature) predictions for the chain at given parameters.

    Attributes
    ----------
    dimension : int
    coupling, mass_squared, quartic, temperature : float
        J, m^2 (< 0), lambda, T.
    vacuum_radius : float
        :math:`v = \\sqrt{-m^2/\\lambda}`.
    sigma_correlation_length : float
        The continuum EFT's :math:`\\xi_\\sigma = \\sqrt{J/(-2m^2)}`.
    spin_wave_correlation_length : float
        :math:`2Jv^2/((D'-1)T)`, the decay length of :math:`\\langle w_0\\cdot w_l\\rangle` from the pi modes
        (infinite for D' = 1, which has no Goldstone mode).
    """

    dimension: int
    coupling: float
    mass_squared: float
    quartic: float
    temperature: float
    vacuum_radius: float
    sigma_correlation_length: float
    spin_wave_correlation_length: float
    _sigma: CompiledExpression = field(repr=False, compare=False)
    _pi: CompiledExpression = field(repr=False, compare=False)

    def sigma_mode_covariance(self, q):
        """:math:`C_\\sigma(q) = T/K_\\sigma(q)` of the radial weight, ``numpy.fft`` convention."""
        return self._sigma(self.coupling, self.mass_squared, self.temperature, np.asarray(q, dtype=float))

    def pi_mode_covariance(self, q):
        """:math:`C_\\pi(q) = T/K_\\pi(q)` of one Goldstone component (infinite at q = 0)."""
        with np.errstate(divide="ignore"):
            return self._pi(self.coupling, self.temperature, np.asarray(q, dtype=float))


@functools.lru_cache(maxsize=None)
def layer_chain(dimension: int = 2) -> Derivation:
    """Derive the Gaussian theory of the chain of O(D') weights about its vacuum.

    Returns
    -------
    Derivation
        Steps only (fok2017 prints no equation for the chain); ``.predict(coupling=, mass_squared=,
        quartic=, temperature=)`` gives a :class:`LayerChainPrediction`.

    Examples
    --------
    >>> chain = layer_chain(3)
    >>> [step.title for step in chain.steps][:2]
    ['Site energy of the chain of O(3) weights along the layers', 'Vacuum chosen on the manifold |w|^2 = -m^2/lambda']
    >>> prediction = chain.predict(coupling=1.0, mass_squared=-1.0, quartic=0.5, temperature=0.1)
    >>> round(prediction.spin_wave_correlation_length, 6), round(prediction.sigma_correlation_length, 6)
    (20.0, 0.707107)
    """
    if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1:
        raise ValueError(f"D' must be a positive integer (the number of weights at each layer); got {dimension!r}")
    energy, fields = chain_energy(dimension, -_M**2)
    model = lattice_model(energy, fields, _l)
    steps = [Step(f"Site energy of the chain of O({dimension}) weights along the layers", energy.subs(_M**2, -m2))]
    vacuum = saddle_at(model, [0] * (dimension - 1) + [_M / sp.sqrt(lam)])
    steps.append(Step("Vacuum chosen on the manifold |w|^2 = -m^2/lambda", sp.Tuple(*vacuum.values).subs(_M, sp.sqrt(-m2))))
    fluctuations = quadratic_fluctuations(vacuum)
    kernel = fourier_kernel(fluctuations, _q)
    broken = {_M: sp.sqrt(-m2)}
    steps.append(Step("Fourier kernel K(q) about the vacuum (pi modes first, sigma last)", kernel.matrix.subs(broken)))
    sigma_kernel = sp.factor(kernel.matrix[dimension - 1, dimension - 1].subs(broken))
    pi_kernel = sp.factor(kernel.matrix[0, 0]) if dimension > 1 else None
    eft = continuum_limit(kernel)
    sigma_length = sp.simplify(eft.correlation_lengths[-1].subs(broken))
    steps.append(Step("Continuum sigma correlation length (the pi modes are massless)", sigma_length))
    sigma_covariance = sp.simplify(T_chain / sigma_kernel)
    if pi_kernel is not None:
        steps.append(Step("Goldstone kernel K_pi(q): zero at q = 0", pi_kernel))
        increments = sp.simplify(sp.expand_complex((1 - sp.exp(-sp.I * _q)) * (1 - sp.exp(sp.I * _q))) * T_chain / pi_kernel)
        steps.append(Step("Spectrum of the pi increments, |1 - e^{-iq}|^2 T/K_pi(q): flat, a random walk", increments,
                          note="so <(pi_l - pi_0)^2> = l times this per component"))
        radius_squared = vacuum.values[-1] ** 2
        spin_wave = sp.simplify(2 * radius_squared / ((dimension - 1) * increments)).subs(broken)
        steps.append(Step("Decay length of <w_0.w_l> from the pi random walk, 2 v^2 / ((D'-1) <(pi_l - pi_{l-1})^2>)",
                          spin_wave))
        pi_covariance = compile_expression(T_chain / pi_kernel, (J, T_chain, _q))
        spin_wave_length = compile_expression(spin_wave, (J, m2, lam, T_chain))
    else:
        increments = spin_wave = None
        pi_covariance = spin_wave_length = None
    sigma_compiled = compile_expression(sigma_covariance, (J, m2, T_chain, _q))
    sigma_length_compiled = compile_expression(sigma_length, (J, m2))

    def predict(*, coupling, mass_squared, quartic, temperature) -> LayerChainPrediction:
        coupling = positive_real("coupling", coupling, "the stiffness J between neighbouring layers")
        quartic = positive_real("quartic", quartic, "the quartic coupling lambda")
        temperature = positive_real("temperature", temperature, "T of the chain")
        if not np.isfinite(mass_squared) or mass_squared >= 0:
            raise ValueError(f"mass_squared must be negative for a vacuum away from w = 0 (the broken phase, "
                             f"m^2 = -mu^2 + lambda eta^2/4 < 0, i.e. eta < eta_c); got {mass_squared!r}")
        return LayerChainPrediction(
            dimension, coupling, float(mass_squared), quartic, temperature,
            float(np.sqrt(-mass_squared / quartic)),
            float(sigma_length_compiled(coupling, mass_squared)),
            float(spin_wave_length(coupling, mass_squared, quartic, temperature)) if spin_wave_length else float("inf"),
            sigma_compiled, pi_covariance,
        )

    return Derivation(PAPER, f"O({dimension}) weights along the layers: Gaussian theory and Goldstone modes",
                      tuple(steps), (), predictor=predict,
                      results=dict(model=model, vacuum=vacuum, fluctuations=fluctuations, kernel=kernel, eft=eft,
                                   sigma_kernel=sigma_kernel, pi_kernel=pi_kernel, sigma_length=sigma_length,
                                   pi_increment_spectrum=increments, spin_wave_length=spin_wave))
