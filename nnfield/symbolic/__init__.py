"""The engine: model-independent symbolic transforms of lattice energies and integrals.

Every transform is a pure function that returns a frozen result:

====================================  ==========================================================
:func:`lattice_model`                 a checked, translation-invariant site energy on a ring
:func:`hyperspherical_reduction`      an isotropic energy of vectors as an energy of their norms
:func:`orthant_reduction`             the same, orthant by orthant, for sign-split vectors
:func:`stirling`                      Stirling's series for the Gamma functions of an energy
:func:`uniform_saddles`               the uniform stationary points and where they exist
:func:`saddle_at`                     one chosen point of a manifold of uniform saddles (a vacuum)
:func:`quadratic_fluctuations`        Hessian blocks ``K_delta`` about a saddle
:func:`fourier_kernel`                ``K(q) = sum_delta K_delta exp(-i q delta)`` and ``C(q)``
:func:`kernel_determinant`            ``det K`` in ``z = exp(-iq)``: decay lengths and massless modes, any fields
:func:`continuum_limit`               the effective field theory and its correlation lengths
:func:`eft_symmetries`                sign flips and reflection of the EFT
:func:`laplace_approximation`         saddle-point integrals with the first ``1/A`` correction
:func:`interaction_vertices`          cubic and quartic vertices about a saddle, counted in powers of N
:func:`one_loop`                      one-loop tadpole and self-energy (lattice sums by residues)
:func:`tree_cumulants`                tree-level three- and four-point functions of the modes (polyspectra)
:func:`gaussian_integral`             Gaussian integrals by completing the square
:func:`compare`                       a printed formula against a derived one (or a statement's conditions)
:func:`abbreviate`                    a derived form written with a paper's abbreviations (``D = 1 - a**2``)
:func:`condition_from_cases`          where a statement holds, decided model by model, as a Boolean of switches
:func:`maximum_entropy`               the maximum-entropy law of binary variables (an exponential family)
:func:`bernoulli_factorization`       an exponential family of binary variables as independent Bernoulli gates
:func:`feedforward_network`           a network with symbolic weights W_l (n_l x n_{l-1}); gated activations with gate symbols
:func:`path_expansion`                a product of gated matrices as a sum over paths (circuits)
:func:`layer_hessian`                 Hessian blocks by layer; exact sign symmetry and odd moments of the spectrum
:func:`derivative`                    ``sympy.diff`` in a symbol, each subexpression differentiated once per process
:mod:`~nnfield.symbolic.fieldtheory`  continuum scalar theories: equations of motion, vacuum manifold,
                                      broken generators and Goldstone modes, thermal mass, power counting
====================================  ==========================================================

Nothing here knows a paper; :mod:`nnfield.derivations` uses it to write the papers' models.
"""

from nnfield.symbolic.cases import CaseTable, condition_from_cases
from nnfield.symbolic.claims import Claim, ClaimFactory, Comparison, Derivation, Step, compare
from nnfield.symbolic.conditions import (
    cancel_where_real,
    is_positive_under,
    positivity_condition,
    reality_conditions,
    simplify_under,
)
from nnfield.symbolic.curvature import (
    LayerHessian,
    layer_hessian,
    odd_moments,
    sign_symmetry,
    spectrum_symmetric,
    vanishes,
)
from nnfield.symbolic.continuum import EffectiveFieldTheory, continuum_limit, density_kernel
from nnfield.symbolic.fluctuations import QuadraticFluctuations, change_of_variables, quadratic_fluctuations
from nnfield.symbolic.fourier import FourierKernel, KernelDeterminant, fourier_kernel, kernel_determinant
from nnfield.symbolic.gaussian import GaussianIntegral, gaussian_integral
from nnfield.symbolic.laplace import LaplaceExpansion, laplace_approximation
from nnfield.symbolic.maxent import (
    BernoulliFactorization,
    MaximumEntropyLaw,
    bernoulli_factorization,
    logistic,
    maximum_entropy,
)
from nnfield.symbolic.networks import FeedforwardNetwork, ForwardPass, feedforward_network, margin_loss, weight_matrix
from nnfield.symbolic.paths import PathExpansion, gated_transfer, path_expansion, reflection_residual
from nnfield.symbolic.loops import InteractionVertices, OneLoop, brillouin_average, interaction_vertices, one_loop
from nnfield.symbolic.cumulants import TreeCumulants, tree_cumulants
from nnfield.symbolic.lattice import LatticeModel, lattice_model, ring_residual, same_ring_energy
from nnfield.symbolic.abbreviations import abbreviate
from nnfield.symbolic.asymptotics import loggamma_terms, stirling
from nnfield.symbolic.differentiation import derivative
from nnfield.symbolic.radial import RadialReduction, hyperspherical_reduction, orthant_reduction
from nnfield.symbolic.saddle import UniformSaddle, saddle_at, stationary_equations, uniform_saddle, uniform_saddles
from nnfield.symbolic.symmetry import Symmetries, eft_symmetries

__all__ = [
    "BernoulliFactorization",
    "CaseTable",
    "Claim",
    "ClaimFactory",
    "Comparison",
    "Derivation",
    "EffectiveFieldTheory",
    "FeedforwardNetwork",
    "ForwardPass",
    "FourierKernel",
    "GaussianIntegral",
    "InteractionVertices",
    "KernelDeterminant",
    "LaplaceExpansion",
    "LatticeModel",
    "LayerHessian",
    "MaximumEntropyLaw",
    "OneLoop",
    "PathExpansion",
    "QuadraticFluctuations",
    "RadialReduction",
    "Step",
    "Symmetries",
    "TreeCumulants",
    "UniformSaddle",
    "abbreviate",
    "bernoulli_factorization",
    "brillouin_average",
    "change_of_variables",
    "compare",
    "condition_from_cases",
    "continuum_limit",
    "density_kernel",
    "derivative",
    "eft_symmetries",
    "feedforward_network",
    "fourier_kernel",
    "gated_transfer",
    "gaussian_integral",
    "hyperspherical_reduction",
    "interaction_vertices",
    "is_positive_under",
    "kernel_determinant",
    "laplace_approximation",
    "lattice_model",
    "layer_hessian",
    "loggamma_terms",
    "logistic",
    "margin_loss",
    "maximum_entropy",
    "odd_moments",
    "one_loop",
    "orthant_reduction",
    "path_expansion",
    "positivity_condition",
    "quadratic_fluctuations",
    "reality_conditions",
    "reflection_residual",
    "ring_residual",
    "saddle_at",
    "same_ring_energy",
    "sign_symmetry",
    "simplify_under",
    "cancel_where_real",
    "spectrum_symmetric",
    "stationary_equations",
    "stirling",
    "tree_cumulants",
    "uniform_saddle",
    "uniform_saddles",
    "vanishes",
    "weight_matrix",
]
