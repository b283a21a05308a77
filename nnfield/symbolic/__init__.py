"""The engine: model-independent symbolic transforms of lattice energies and integrals.

Every transform is a pure function that returns a frozen result:

====================================  ==========================================================
:func:`lattice_model`                 a checked, translation-invariant site energy on a ring
:func:`hyperspherical_reduction`      an isotropic energy of vectors as an energy of their norms
:func:`orthant_reduction`            the same, orthant by orthant, for sign-split vectors
:func:`stirling`                     Stirling's series for the Gamma functions of an energy
:func:`uniform_saddles`               the uniform stationary points and where they exist
:func:`saddle_at`                     one chosen point of a manifold of uniform saddles (a vacuum)
:func:`quadratic_fluctuations`        Hessian blocks ``K_delta`` about a saddle
:func:`fourier_kernel`                ``K(q) = sum_delta K_delta exp(-i q delta)`` and ``C(q)``
:func:`continuum_limit`               the effective field theory and its correlation lengths
:func:`eft_symmetries`                sign flips and reflection of the EFT
:func:`laplace_approximation`         saddle-point integrals with the first ``1/A`` correction
:func:`gaussian_integral`             Gaussian integrals by completing the square
:func:`compare`                       a printed formula against a derived one
:mod:`~nnfield.symbolic.fieldtheory`  continuum scalar theories: equations of motion, vacuum manifold,
                                      broken generators and Goldstone modes, thermal mass, power counting
====================================  ==========================================================

Nothing here knows a paper; :mod:`nnfield.derivations` uses it to write the papers' models.
"""

from nnfield.symbolic.claims import Claim, Comparison, Derivation, Step, compare
from nnfield.symbolic.conditions import (
    is_positive_under,
    positivity_condition,
    reality_conditions,
    simplify_under,
)
from nnfield.symbolic.continuum import EffectiveFieldTheory, continuum_limit, density_kernel
from nnfield.symbolic.fluctuations import QuadraticFluctuations, change_of_variables, quadratic_fluctuations
from nnfield.symbolic.fourier import FourierKernel, fourier_kernel
from nnfield.symbolic.gaussian import GaussianIntegral, gaussian_integral
from nnfield.symbolic.laplace import LaplaceExpansion, laplace_approximation
from nnfield.symbolic.lattice import LatticeModel, lattice_model, ring_residual, same_ring_energy
from nnfield.symbolic.asymptotics import loggamma_terms, stirling
from nnfield.symbolic.radial import RadialReduction, hyperspherical_reduction, orthant_reduction
from nnfield.symbolic.saddle import UniformSaddle, saddle_at, stationary_equations, uniform_saddle, uniform_saddles
from nnfield.symbolic.symmetry import Symmetries, eft_symmetries

__all__ = [
    "Claim",
    "Comparison",
    "Derivation",
    "EffectiveFieldTheory",
    "FourierKernel",
    "GaussianIntegral",
    "LaplaceExpansion",
    "LatticeModel",
    "QuadraticFluctuations",
    "RadialReduction",
    "Step",
    "Symmetries",
    "UniformSaddle",
    "change_of_variables",
    "compare",
    "continuum_limit",
    "density_kernel",
    "eft_symmetries",
    "fourier_kernel",
    "gaussian_integral",
    "hyperspherical_reduction",
    "is_positive_under",
    "laplace_approximation",
    "loggamma_terms",
    "orthant_reduction",
    "stirling",
    "lattice_model",
    "positivity_condition",
    "quadratic_fluctuations",
    "reality_conditions",
    "ring_residual",
    "saddle_at",
    "same_ring_energy",
    "simplify_under",
    "stationary_equations",
    "uniform_saddle",
    "uniform_saddles",
]
