"""fok2017: R. Fok, A. An, X. Wang, *Spontaneous Symmetry Breaking in Deep Neural Networks*
(ICLR 2018 submission).

Encoded: the O(D') theory of weights, its symmetry breaking, propagators and thermal mass
(Sec. 2.4-2.5, App. B-C), :func:`ssb_derivation` and :func:`ssb_analysis`; the same theory kept on
the lattice of layers, :func:`layer_chain` (Gaussian theory, Goldstone random walk); numerical
checks of the printed statements (minimisation, frequency integrals, a discretised action); the
potential in numbers, compiled from the theory's expression (:func:`weights_potential`). The
simulations of the chain answer kahn2017's questions (:mod:`nnfield.derivations.kahn2017`). The
classical loop expansion of the weights as noisy gradient descent samples them, for one multiplet
and along the chain, is :mod:`~nnfield.derivations.fok2017.one_loop`.
"""

import functools

from nnfield.derivations.fok2017.layers import LayerChainPrediction, layer_chain
from nnfield.derivations.fok2017.potential import WeightsPotential, mass_squared, weights_potential
from nnfield.derivations.fok2017.ssb import SSBAnalysis, ssb_analysis, ssb_derivation

PAPER = "fok2017"
TITLE = "Spontaneous Symmetry Breaking in Deep Neural Networks"
DERIVATIONS = (ssb_derivation, functools.partial(layer_chain, 2))

__all__ = ["PAPER", "TITLE", "DERIVATIONS", "audit_checks", "ssb_analysis", "ssb_derivation", "SSBAnalysis",
           "layer_chain", "LayerChainPrediction", "weights_potential", "WeightsPotential", "mass_squared"]


def audit_checks():
    """The numerical checks of the paper's statements (the chain's checks answer kahn2017's questions)."""
    from nnfield.derivations.fok2017.checks import checks

    return checks()
